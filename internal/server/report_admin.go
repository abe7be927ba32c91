package server

import (
	"net/http"

	"ptdang/internal/account"
	"ptdang/internal/report"
	"ptdang/web"
)

// settingsOf reads the rules of the province whose deadlines the caller sets: that of the unit
// they accept reports for.
func (s *Server) settingsOf(r *http.Request, c caller) (report.ProvinceSettings, error) {
	unit, err := s.homeUnit(r, c, account.AcceptReports)
	if err != nil {
		return report.ProvinceSettings{}, err
	}
	return report.SettingsOf(r.Context(), s.DB, c.Scope, unit, s.today())
}

func (s *Server) reportSettingsPage(w http.ResponseWriter, r *http.Request, c caller) {
	s.showReportSettings(w, r, c, http.StatusOK, nil, false, "")
}

// showReportSettings renders the settings page. posted, when not nil, is the form (the extension's
// when exception) that was refused with msg, shown again as sent.
func (s *Server) showReportSettings(w http.ResponseWriter, r *http.Request, c caller, status int, posted *form, exception bool, msg string) {
	set, err := s.settingsOf(r, c)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var vals, errs map[string]string
	if posted != nil {
		vals, errs = valuesOf(posted), posted.inv.Fields
	}
	v := web.NewReportSettingsView(set.ProvinceName, set.Settings, vals, errs, exception, msg)
	if r.URL.Query().Get("done") == "1" {
		v.Message = "Đã lưu."
	}
	s.render(w, r, status, web.ReportSettings(c.page("Thời hạn báo cáo", "reports"), v))
}

// settingsPost answers a settings form (the extension's when exception) that save reads and
// saves: back to the page once saved, else the form again with why it was refused.
func (s *Server) settingsPost(exception bool, save func(r *http.Request, c caller, f *form) error) callerHandler {
	return func(w http.ResponseWriter, r *http.Request, c caller) {
		f, ok := s.parseForm(w, r)
		if !ok {
			return
		}
		err := save(r, c, f)
		if err == nil {
			http.Redirect(w, r, "/reports/settings?done=1", http.StatusSeeOther)
			return
		}
		msg, status, ok := f.refused(err)
		if !ok {
			s.fail(w, r, err)
			return
		}
		s.showReportSettings(w, r, c, status, f, exception, msg)
	}
}

func (s *Server) saveReportSettings(r *http.Request, c caller, f *form) error {
	set, err := s.settingsOf(r, c)
	in := report.Settings{DeadlineDays: f.int("deadline_days"), GraceDays: f.int("grace_days"), TwoStep: f.text("two_step") == "true", Version: f.int("version")}
	if err == nil {
		err = f.inv.Err()
	}
	if err == nil {
		err = report.SaveSettings(r.Context(), s.DB, c.Scope, set.ProvinceID, in, s.today())
	}
	return err
}

func (s *Server) grantReportException(r *http.Request, c caller, f *form) error {
	p, until := report.Period{Year: f.int("year"), Quarter: f.int("quarter")}, f.date("until")
	if err := f.inv.Err(); err != nil {
		return err
	}
	return report.GrantException(r.Context(), s.DB, c.Scope, f.text("cell_code"), p, until)
}

// reportReturnExtend returns a locked period's report to its cell and extends the cell, in one
// step (report.ReturnAndExtend); refused, the page shows the form again as typed.
func (s *Server) reportReturnExtend(w http.ResponseWriter, r *http.Request, c caller) {
	cell, p, f, ok := s.reportForm(w, r)
	if !ok {
		return
	}
	version, until := f.int("version"), f.date("until")
	err := f.inv.Err()
	if err == nil {
		_, err = report.ReturnAndExtend(r.Context(), s.DB, c.Scope, c.User, cell, p, version, f.text("reason"), until, s.today())
	}
	s.reportAnswer(w, r, c, cell, p, f, "return-extend", err, func(v *web.ReportView, _ report.Report, msg string) {
		v.ReturnRefused(msg, valuesOf(f), f.inv.Fields)
	})
}
