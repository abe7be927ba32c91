package httpx

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5/middleware"
)

// ServeLogged serves r with next and writes one structured line about it to log, with its
// request id (chi's middleware.RequestID), also sent back as X-Request-Id, and the trusted proxy
// it came through (TrustProxies).
func ServeLogged(log *slog.Logger, next http.Handler, w http.ResponseWriter, r *http.Request) {
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
	if proxy, ok := Proxy(r); ok {
		attrs = append(attrs, "proxy", proxy)
	}
	log.Info("request", attrs...)
}

// hstsMaxAge is how long a browser that saw the site over HTTPS refuses plain HTTP for it.
const hstsMaxAge = "max-age=31536000"

// SetSecurityHeaders sets a strict policy on h: no inline script, no framing, no MIME sniffing,
// and, with hsts, HTTPS only.
func SetSecurityHeaders(h http.Header, hsts bool) {
	if hsts {
		h.Set("Strict-Transport-Security", hstsMaxAge)
	}
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
		"object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
}
