package server

import (
	"net/http"
	"strconv"

	"ptdang/internal/account"
	"ptdang/internal/apperr"
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

// provinceOf is the provincial committee a user's settings page is about: that of the unit
// they accept reports for.
func (s *Server) provinceOf(r *http.Request, c caller) (int64, error) {
	unit, err := s.homeUnit(r, c, account.AcceptReports)
	if err != nil {
		return 0, err
	}
	return report.ProvinceOf(r.Context(), s.DB, unit, s.today())
}

// reportSettingsView is the settings page's model: the province's rules and the extension form,
// posted shown again with its values and field errors when not nil.
func (s *Server) reportSettingsView(r *http.Request, c caller, province int64, posted *form, exception bool) (web.ReportSettingsView, error) {
	u, err := org.GetPartyUnit(r.Context(), s.DB, c.Scope, province, s.today())
	if err != nil {
		return web.ReportSettingsView{}, err
	}
	set, err := report.GetSettings(r.Context(), s.DB, c.Scope, province)
	if err != nil {
		return web.ReportSettingsView{}, err
	}
	main := fields{vals: map[string]string{"deadline_days": strconv.Itoa(set.DeadlineDays), "grace_days": strconv.Itoa(set.GraceDays),
		"two_step": strconv.FormatBool(set.TwoStep)}}
	exc := fields{vals: map[string]string{}}
	switch {
	case posted != nil && exception:
		exc.vals, exc.inv = valuesOf(posted), &posted.inv
	case posted != nil:
		main.vals, main.inv = valuesOf(posted), &posted.inv
	}
	main.add("number", "deadline_days", "Hạn gửi: số ngày sau khi hết quý", "Ví dụ 10: báo cáo quý 2 hạn ngày 10/7.")
	main.add("number", "grace_days", "Khóa sổ: số ngày sau hạn gửi", "Sau thời gian này chi bộ không nhập được nữa, trừ khi được gia hạn.")
	main.add("select", "two_step", "Tỉnh tiếp nhận sau khi xã duyệt", "",
		web.Option{Value: "false", Label: "Không: xã duyệt là xong"}, web.Option{Value: "true", Label: "Có: tỉnh tiếp nhận sau khi xã duyệt"})
	exc.add("text", "cell_code", "Mã chi bộ", "")
	exc.add("number", "year", "Năm", "")
	exc.add("number", "quarter", "Quý", "")
	exc.add("date", "until", "Được nhập đến hết ngày", "")
	return web.ReportSettingsView{ProvinceName: u.Name,
		Form: web.FormView{Title: "Thời hạn chung", Action: "/reports/settings", Submit: "Lưu", Fields: main.list,
			Hidden: []web.Field{{Name: "version", Value: strconv.Itoa(set.Version)}}},
		Exception: web.FormView{Title: "Gia hạn cho một chi bộ", Action: "/reports/settings/exception", Submit: "Gia hạn", Fields: exc.list,
			Intro: "Cho một chi bộ nhập báo cáo của một quý đã khóa sổ."}}, nil
}

func (s *Server) reportSettingsPage(w http.ResponseWriter, r *http.Request, c caller) {
	province, err := s.provinceOf(r, c)
	if err != nil {
		s.fail(w, r, apperr.ErrNotFound)
		return
	}
	v, err := s.reportSettingsView(r, c, province, nil, false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if r.URL.Query().Get("done") == "1" {
		v.Message = "Đã lưu."
	}
	s.render(w, r, http.StatusOK, web.ReportSettings(c.page("Thời hạn báo cáo", "reports"), v))
}

func (s *Server) reportSettingsSave(w http.ResponseWriter, r *http.Request, c caller) {
	province, f, ok := s.settingsForm(w, r, c)
	if !ok {
		return
	}
	in := report.Settings{DeadlineDays: f.int("deadline_days"), GraceDays: f.int("grace_days"), TwoStep: f.text("two_step") == "true", Version: f.int("version")}
	err := f.inv.Err()
	if err == nil {
		err = report.SaveSettings(r.Context(), s.DB, c.Scope, province, in)
	}
	s.settingsSaved(w, r, c, province, f, false, err)
}

func (s *Server) reportExceptionSave(w http.ResponseWriter, r *http.Request, c caller) {
	province, f, ok := s.settingsForm(w, r, c)
	if !ok {
		return
	}
	p, until := report.Period{Year: f.int("year"), Quarter: f.int("quarter")}, f.date("until")
	err := f.inv.Err()
	if err == nil {
		err = report.GrantException(r.Context(), s.DB, c.Scope, f.text("cell_code"), p, until)
	}
	s.settingsSaved(w, r, c, province, f, true, err)
}

// settingsForm reads a form posted on the settings page, and the province the page is about.
func (s *Server) settingsForm(w http.ResponseWriter, r *http.Request, c caller) (int64, *form, bool) {
	province, err := s.provinceOf(r, c)
	if err != nil {
		s.fail(w, r, apperr.ErrNotFound)
		return 0, nil, false
	}
	f, ok := s.parseForm(w, r)
	return province, f, ok
}

// settingsSaved answers a settings form: back to the page once saved, else the form (the
// extension's when exception) again with why err refused it.
func (s *Server) settingsSaved(w http.ResponseWriter, r *http.Request, c caller, province int64, f *form, exception bool, err error) {
	if err == nil {
		http.Redirect(w, r, "/reports/settings?done=1", http.StatusSeeOther)
		return
	}
	msg, status, ok := f.refused(err)
	if !ok {
		s.fail(w, r, err)
		return
	}
	v, err := s.reportSettingsView(r, c, province, f, exception)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if exception {
		v.Exception.Error = msg
	} else {
		v.Form.Error = msg
	}
	s.render(w, r, status, web.ReportSettings(c.page("Thời hạn báo cáo", "reports"), v))
}
