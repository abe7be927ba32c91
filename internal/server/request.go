package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"ptdang/internal/apperr"
	"ptdang/internal/format"
	"ptdang/internal/httpx"
)

// today is the current date in Vietnam.
func (s *Server) today() time.Time { return format.Today(s.Now()) }

// asOf reads the "date" parameter (the as-of date of a view), defaulting to today.
func (s *Server) asOf(r *http.Request) time.Time {
	if d, err := format.ParseDate(r.URL.Query().Get("date")); err == nil {
		return d
	}
	return s.today()
}

// idParam reads a numeric path parameter; a malformed one is a 404.
func idParam(r *http.Request, name string) (int64, bool) {
	id, err := strconv.ParseInt(chi.URLParam(r, name), 10, 64)
	return id, err == nil && id > 0
}

// withID is h for the {id} the address names; a malformed one is 404.
func (s *Server) withID(h func(w http.ResponseWriter, r *http.Request, c caller, id int64)) callerHandler {
	return func(w http.ResponseWriter, r *http.Request, c caller) {
		if id, ok := idParam(r, "id"); ok {
			h(w, r, c, id)
			return
		}
		s.notFound(w, r)
	}
}

// form reads a submitted form, collecting Vietnamese messages for malformed fields.
type form struct {
	values url.Values
	inv    apperr.Invalid
}

// parseForm reads the posted form. Fields from which cleanText took NUL bytes or invalid UTF-8 are
// field errors.
func (s *Server) parseForm(w http.ResponseWriter, r *http.Request) (*form, bool) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		s.errorPage(w, r, badRequest("Biểu mẫu gửi lên không đọc được."))
		return nil, false
	}
	f := &form{values: r.PostForm}
	for _, name := range httpx.DirtyFields(r) {
		f.inv.Add(name, "Ô này có ký tự không hợp lệ (ký tự NUL hoặc mã không phải UTF-8), đã được bỏ đi; xin kiểm tra lại rồi gửi lại.")
	}
	return f, true
}

func (f *form) text(name string) string { return strings.TrimSpace(f.values.Get(name)) }

// addAll adds to f the field messages a domain reader returned (report.ReadFigures,
// target.ReadSettings).
func (f *form) addAll(errs map[string]string) {
	for k, msg := range errs {
		f.inv.Add(k, msg)
	}
}

// read reads the field name with parse (format.ReadInt, ReadDate, ReadPercent), its message
// going to f.
func read[T any](f *form, name string, parse func(string) (T, string)) T {
	return apperr.Read(&f.inv, name, f.text(name), parse)
}

// opt is read for a field that may be left empty: nil when it is, or when it holds no value.
func opt[T any](f *form, name string, parse func(string) (T, string)) *T {
	if f.text(name) == "" {
		return nil
	}
	v, msg := parse(f.text(name))
	if msg != "" {
		f.inv.Add(name, msg)
		return nil
	}
	return &v
}

func (f *form) int(name string) int        { return read(f, name, format.ReadInt) }
func (f *form) date(name string) time.Time { return read(f, name, format.ReadDate) }

// optPercent reads a percentage that may be left empty (a lone "%" is empty too).
func (f *form) optPercent(name string) *float64 {
	if strings.TrimSpace(strings.TrimSuffix(f.text(name), "%")) == "" {
		return nil
	}
	return opt(f, name, format.ReadPercent)
}
