package server

import (
	"bytes"
	"context"
	"errors"
	"net/http"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5/middleware"

	"ptdang/internal/apperr"
	"ptdang/internal/httpx"
	"ptdang/web"
)

// fail answers a request that err stopped with err's page: its problem, or a logged 500.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	p, ok := apperr.ProblemOf(err)
	if !ok {
		s.serverError(w, r, err)
		return
	}
	if p.Status == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "5")
	}
	s.errorPage(w, r, web.ErrorView{Status: p.Status, Heading: p.Heading, Message: p.Message})
}

// apiFail is fail for the JSON API: {"error": message, "fields": {...}}.
func (s *Server) apiFail(w http.ResponseWriter, r *http.Request, err error) {
	p, ok := apperr.ProblemOf(err)
	if !ok {
		s.Log.Error("server error", "id", middleware.GetReqID(r.Context()), "method", r.Method, "path", r.URL.Path, "err", err)
		p = apperr.Problem{Status: http.StatusInternalServerError, Message: "Hệ thống gặp sự cố khi xử lý yêu cầu này."}
	}
	body := map[string]any{"error": p.Message}
	if len(p.Fields) > 0 {
		body["fields"] = p.Fields
	}
	httpx.WriteJSON(w, p.Status, body)
}

// render renders c into a buffer first, so a failing template yields an error page rather
// than half a page under a 200.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	var buf bytes.Buffer
	if err := c.Render(r.Context(), &buf); err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// serverError logs err with the request id and shows a generic Vietnamese page; the internal
// error text never reaches the browser.
func (s *Server) serverError(w http.ResponseWriter, r *http.Request, err error) {
	id := middleware.GetReqID(r.Context())
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		// The client went away (closed the tab, a load test ended): nothing went wrong here.
		s.Log.Info("request abandoned", "id", id, "method", r.Method, "path", r.URL.Path)
		return
	}
	s.Log.Error("server error", "id", id, "method", r.Method, "path", r.URL.Path, "err", err)
	s.errorPage(w, r, web.ErrorView{
		Status:    http.StatusInternalServerError,
		Heading:   "Đã xảy ra lỗi",
		Message:   "Hệ thống gặp sự cố khi xử lý yêu cầu này. Dữ liệu của đồng chí chưa bị thay đổi. Xin thử lại sau ít phút.",
		RequestID: id,
	})
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) { s.fail(w, r, apperr.ErrNotFound) }

func (s *Server) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	s.errorPage(w, r, web.ErrorView{
		Status:  http.StatusMethodNotAllowed,
		Heading: "Yêu cầu không hợp lệ",
		Message: "Trang này không nhận yêu cầu theo cách đó.",
	})
}

func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, v web.ErrorView) {
	s.errorPageFor(w, r, web.Page{Title: v.Heading}, v)
}

// errorPageFor is errorPage within page's layout (with its user and navigation).
func (s *Server) errorPageFor(w http.ResponseWriter, r *http.Request, page web.Page, v web.ErrorView) {
	var buf bytes.Buffer
	// Rendered without the request's context: the error page must show even when it is cancelled.
	if err := web.Error(page, v).Render(context.WithoutCancel(r.Context()), &buf); err != nil {
		http.Error(w, v.Heading, v.Status)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(v.Status)
	_, _ = buf.WriteTo(w)
}

func badRequest(msg string) web.ErrorView {
	return web.ErrorView{Status: http.StatusBadRequest, Heading: "Yêu cầu không hợp lệ", Message: msg}
}

// refused takes a failed save's problem into the form that was sent: the domain's field messages
// join the form's own, and the message and status to show the form again with come back. ok is
// false for an error the user cannot act on; the caller then answers with s.fail.
func (f *form) refused(err error) (msg string, status int, ok bool) {
	p, ok := apperr.ProblemOf(err)
	if !ok {
		return "", 0, false
	}
	for k, v := range p.Fields {
		f.inv.Add(k, v)
	}
	return p.Message, p.Status, true
}
