package server

import (
	"net/http"

	"ptdang/internal/target"
	"ptdang/web"
)

func (s *Server) targetSettingsPage(w http.ResponseWriter, r *http.Request, c caller) {
	unit, year, err := s.targetUnitYear(r, c.Scope, false, true)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.showSettings(w, r, c, unit, year, nil, http.StatusOK, "")
}

func (s *Server) targetSettingsSave(w http.ResponseWriter, r *http.Request, c caller) {
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	unit, year, err := s.targetUnitYear(r, c.Scope, true, false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in := settingsInput(f)
	if err = f.inv.Err(); err == nil {
		err = target.SetSettings(r.Context(), s.DB, c.Scope, unit, year, in)
	}
	if err == nil {
		http.Redirect(w, r, targetHref("/targets/settings", unit, year)+"&saved=1", http.StatusSeeOther)
		return
	}
	msg, status, ok := f.refused(err)
	if !ok {
		s.fail(w, r, err)
		return
	}
	if status == http.StatusConflict {
		f = nil // show the rules saved meanwhile, to be entered again
	}
	s.showSettings(w, r, c, unit, year, f, status, msg)
}

// settingsInput reads the rules form (target.ReadSettings); malformed numbers and dates are
// field errors on f.
func settingsInput(f *form) target.SettingsInput {
	in, errs := target.ReadSettings(f.text, web.MilestoneFields)
	in.LockDate = f.optDate("lock_date")
	for k, msg := range errs {
		f.inv.Add(k, msg)
	}
	return in
}

// showSettings renders the province's rules for unit and year; after a failed save (f not nil)
// with what was typed and f's field messages.
func (s *Server) showSettings(w http.ResponseWriter, r *http.Request, c caller, unit int64, year int, f *form, status int, msg string) {
	st, err := target.GetSettings(r.Context(), s.DB, c.Scope, unit, year)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var typed func(string) string
	var errs map[string]string
	if f != nil {
		typed, errs = f.text, f.inv.Fields
	}
	v := web.NewTargetSettingsView(unit, st, typed, errs)
	v.Error = msg
	if f == nil && status == http.StatusOK && r.URL.Query().Get("saved") != "" {
		v.Message = "Đã lưu quy định."
	}
	s.render(w, r, status, web.TargetSettings(c.page("Quy định về chỉ tiêu", "targets"), v))
}
