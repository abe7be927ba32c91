package server

import (
	"net/http"

	"ptdang/internal/format"
	"ptdang/internal/target"
	"ptdang/web"
)

// saveSettings saves the province's rules (target.ReadSettings reads the form).
func (s *Server) saveSettings(r *http.Request, c caller, f *form, unit int64, year int) (bool, error) {
	in, errs := target.ReadSettings(f.text, web.MilestoneFields)
	in.LockDate = opt(f, "lock_date", format.ReadDate)
	f.addAll(errs)
	return true, orFormErr(f, func() error { return target.SetSettings(r.Context(), s.DB, c.Scope, unit, year, in) })
}

// showSettings renders the province's rules for unit and year; after a failed save (f not nil)
// with what was typed and f's field messages, but after a conflict with the rules saved
// meanwhile, to be entered again.
func (s *Server) showSettings(w http.ResponseWriter, r *http.Request, c caller, unit int64, year int, f *form, status int, msg string) {
	st, err := target.GetSettings(r.Context(), s.DB, c.Scope, unit, year)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var typed func(string) string
	var errs map[string]string
	if f != nil && status != http.StatusConflict {
		typed, errs = f.text, f.inv.Fields
	}
	v := web.NewTargetSettingsView(unit, st, typed, errs)
	v.Error = msg
	if f == nil && status == http.StatusOK && r.URL.Query().Get("saved") != "" {
		v.Message = "Đã lưu quy định."
	}
	s.render(w, r, status, web.TargetSettings(c.page("Quy định về chỉ tiêu", "targets"), v))
}
