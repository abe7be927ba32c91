package server

import (
	"fmt"
	"net/http"
	"runtime/debug"

	"github.com/go-chi/chi/v5/middleware"

	"ptdang/internal/format"
	"ptdang/internal/httpx"
	"ptdang/web"
)

// logRequests writes one structured line per request to s.Log, as it is then.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { httpx.ServeLogged(s.Log, next, w, r) })
}

// trustProxies makes RemoteAddr the client's address when the request comes from one of
// s.TrustedProxies (httpx.TrustProxies); the lockout, the audit log and the request log all read
// it from there.
func (s *Server) trustProxies(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, httpx.TrustProxies(r, s.TrustedProxies))
	})
}

// recoverPanics turns a panic in a handler into the Vietnamese error page and a logged stack.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v) // the client went away; net/http handles it quietly
			}
			s.Log.Error("panic", "id", middleware.GetReqID(r.Context()), "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			s.serverError(w, r, fmt.Errorf("panic: %v", v))
		}()
		next.ServeHTTP(w, r)
	})
}

// securityHeaders sets a strict policy (httpx.SetSecurityHeaders) and, when the cookies are for
// HTTPS only, HTTPS only (HSTS).
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		httpx.SetSecurityHeaders(w.Header(), s.HSTS)
		next.ServeHTTP(w, r)
	})
}

// maxFormBytes bounds an url-encoded form: the longest real one, a report, is a few kilobytes.
const maxFormBytes = 1 << 20

// cleanText is httpx.CleanText for every handler: PostgreSQL's text holds neither NUL bytes nor
// invalid UTF-8, and a search, filter, reason or login holding one failed with a 500. parseForm
// reports each field it cleaned as a field error.
func (s *Server) cleanText(next http.Handler) http.Handler {
	return httpx.CleanText(next, maxFormBytes, func(w http.ResponseWriter, r *http.Request) {
		s.errorPage(w, r, badRequest("Biểu mẫu gửi lên không đọc được hoặc quá dài (hơn "+format.Int(maxFormBytes>>20)+" MB)."))
	})
}

// crossOrigin refuses unsafe requests that a browser says come from another site (a forged
// form), with the Vietnamese 403 page; the security headers are set before it runs.
func (s *Server) crossOrigin(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Log.Warn("cross-origin request refused", "id", middleware.GetReqID(r.Context()), "method", r.Method, "path", r.URL.Path,
			"origin", r.Header.Get("Origin"), "sec_fetch_site", r.Header.Get("Sec-Fetch-Site"))
		s.errorPage(w, r, web.ErrorView{
			Status:  http.StatusForbidden,
			Heading: "Yêu cầu bị từ chối",
			Message: "Yêu cầu này được gửi từ một trang web khác nên đã bị từ chối để bảo vệ tài khoản của đồng chí. " +
				"Xin mở lại trang từ địa chỉ của hệ thống rồi thử lại.",
		})
	}))
	return cop.Handler(next)
}
