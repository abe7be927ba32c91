package server

import (
	"fmt"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/go-chi/chi/v5/middleware"

	"ptdang/internal/format"
	"ptdang/internal/httpx"
	"ptdang/web"
)

// logRequests writes one structured line per request, with its request id.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		ww.Header().Set("X-Request-Id", middleware.GetReqID(r.Context()))
		next.ServeHTTP(ww, r)
		attrs := []any{
			"id", middleware.GetReqID(r.Context()),
			"method", r.Method,
			"path", r.URL.Path,
			"status", ww.Status(),
			"bytes", ww.BytesWritten(),
			"duration", time.Since(start),
			"remote", r.RemoteAddr,
		}
		if proxy, ok := httpx.Proxy(r); ok {
			attrs = append(attrs, "proxy", proxy)
		}
		s.Log.Info("request", attrs...)
	})
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

// hstsMaxAge is how long a browser that saw the site over HTTPS refuses plain HTTP for it.
const hstsMaxAge = "max-age=31536000"

// securityHeaders sets a strict policy: no inline script, no framing, no MIME sniffing, and,
// when the cookies are for HTTPS only, HTTPS only (HSTS).
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		if s.HSTS {
			h.Set("Strict-Transport-Security", hstsMaxAge)
		}
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
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
