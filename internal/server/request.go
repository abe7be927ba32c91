package server

import (
	"errors"
	"math"
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

// maxFormInt bounds the whole numbers of every form: the integer columns hold no more. The domain
// checks its own, tighter bounds (no cell has 100 000 members).
const maxFormInt = math.MaxInt32

// int reads a whole number; empty reads as 0. A number beyond ±maxFormInt is an error on its field
// and reads as 0, so that it never reaches the database.
func (f *form) int(name string) int {
	v := strings.ReplaceAll(f.text(name), ".", "")
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	switch {
	case errors.Is(err, strconv.ErrRange) || err == nil && (n > maxFormInt || n < -maxFormInt):
		f.inv.Add(name, "Số quá lớn: nhập một số nguyên không quá "+format.Int(maxFormInt)+".")
		return 0
	case err != nil:
		f.inv.Add(name, "Nhập một số nguyên, ví dụ 12.")
	}
	return n
}

// optInt reads a whole number that may be left empty.
func (f *form) optInt(name string) *int {
	if f.text(name) == "" {
		return nil
	}
	n := f.int(name)
	return &n
}

// optPercent reads a percentage (0–100, comma or dot decimals) as a share 0..1.
func (f *form) optPercent(name string) *float64 {
	v := strings.TrimSpace(strings.TrimSuffix(strings.ReplaceAll(f.text(name), ",", "."), "%"))
	if v == "" {
		return nil
	}
	p, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || math.IsNaN(p) || math.IsInf(p, 0) || math.Abs(p) > maxFormInt {
		f.inv.Add(name, "Nhập tỷ lệ phần trăm, ví dụ 12,5.")
		return nil
	}
	share := p / 100
	return &share
}

// date reads a required date.
func (f *form) date(name string) time.Time {
	if f.text(name) == "" {
		return time.Time{} // the domain names the missing date
	}
	d, err := format.ParseDate(f.text(name))
	if err != nil {
		f.inv.Add(name, "Ngày không hợp lệ: nhập theo dạng ngày/tháng/năm, ví dụ 01/07/2025.")
	}
	return d
}

func (f *form) optDate(name string) *time.Time {
	if f.text(name) == "" {
		return nil
	}
	d := f.date(name)
	return &d
}
