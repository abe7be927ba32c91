package server

import (
	"net/http"

	"ptdang/internal/account"
	"ptdang/internal/exchange"
	"ptdang/internal/org"
	"ptdang/internal/report"
	"ptdang/web"
)

func (s *Server) reportImportPage(w http.ResponseWriter, r *http.Request, c caller) {
	s.render(w, r, http.StatusOK, web.ReportImport(c.page("Nhập báo cáo quý", "reports"), web.ReportImportView{}))
}

// reportImport takes a file of many cells' figures; nothing is written unless every row holds.
func (s *Server) reportImport(w http.ResponseWriter, r *http.Request, c caller) {
	page := c.page("Nhập báo cáo quý", "reports")
	r.Body = http.MaxBytesReader(w, r.Body, org.MaxImportBytes+1<<20)
	file, header, err := r.FormFile("file")
	if err != nil {
		s.render(w, r, http.StatusUnprocessableEntity, web.ReportImport(page, web.ReportImportView{Error: "Chọn một tệp .xlsx hoặc .csv (tối đa 20 MB) để tải lên."}))
		return
	}
	defer file.Close()
	res, err := report.ImportFigures(r.Context(), s.DB, c.Scope, file, header.Filename, r.FormValue("dry_run") != "", c.Can(account.AcceptReports), s.today())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := web.ReportImportView{Done: true, FileName: header.Filename, DryRun: res.DryRun, Submitted: res.Submitted, Unchanged: res.Unchanged}
	v.Problems = problemRows(res.Problems)
	status := http.StatusOK
	if len(v.Problems) > 0 {
		status = http.StatusUnprocessableEntity
	}
	s.render(w, r, status, web.ReportImport(page, v))
}

func (s *Server) reportTemplate(w http.ResponseWriter, r *http.Request, c caller) {
	s.sendXLSX(w, r, "mau-bao-cao-quy.xlsx", exchange.Sheet{Table: report.FiguresTable})
}

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
	s.showSettings(w, r, c, http.StatusOK, nil, false, "")
}

// showSettings renders the settings page. posted, when not nil, is the form (the extension's
// when exception) that was refused with msg, shown again as sent.
func (s *Server) showSettings(w http.ResponseWriter, r *http.Request, c caller, status int, posted *form, exception bool, msg string) {
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

func (s *Server) reportSettingsSave(w http.ResponseWriter, r *http.Request, c caller) {
	set, err := s.settingsOf(r, c)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	in := report.Settings{DeadlineDays: f.int("deadline_days"), GraceDays: f.int("grace_days"), TwoStep: f.text("two_step") == "true", Version: f.int("version")}
	if err = f.inv.Err(); err == nil {
		err = report.SaveSettings(r.Context(), s.DB, c.Scope, set.ProvinceID, in)
	}
	s.settingsSaved(w, r, c, f, false, err)
}

func (s *Server) reportExceptionSave(w http.ResponseWriter, r *http.Request, c caller) {
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	p, until := report.Period{Year: f.int("year"), Quarter: f.int("quarter")}, f.date("until")
	err := f.inv.Err()
	if err == nil {
		err = report.GrantException(r.Context(), s.DB, c.Scope, f.text("cell_code"), p, until)
	}
	s.settingsSaved(w, r, c, f, true, err)
}

// settingsSaved answers a settings form: back to the page once saved, else the form (the
// extension's when exception) again with why err refused it.
func (s *Server) settingsSaved(w http.ResponseWriter, r *http.Request, c caller, f *form, exception bool, err error) {
	if err == nil {
		http.Redirect(w, r, "/reports/settings?done=1", http.StatusSeeOther)
		return
	}
	msg, status, ok := f.refused(err)
	if !ok {
		s.fail(w, r, err)
		return
	}
	s.showSettings(w, r, c, status, f, exception, msg)
}
