package server

import (
	"fmt"
	"net/http"
	"strconv"

	"ptdang/internal/account"
	"ptdang/internal/apperr"
	"ptdang/internal/org"
	"ptdang/internal/report"
	"ptdang/web"
)

// provinceOf is the provincial committee a user's settings page is about: that of the unit
// they accept reports for.
func (s *Server) provinceOf(r *http.Request, c caller) (int64, error) {
	unit, err := s.homeUnit(r, c, account.AcceptReports)
	if err != nil {
		return 0, err
	}
	return report.ProvinceOf(r.Context(), s.DB, unit, s.today())
}

func (s *Server) reportSettingsView(r *http.Request, c caller, province int64, set report.Settings, sf, ef *form) (web.ReportSettingsView, error) {
	u, err := org.GetPartyUnit(r.Context(), s.DB, c.Scope, province, s.today())
	if err != nil {
		return web.ReportSettingsView{}, err
	}
	vals := map[string]string{"deadline_days": strconv.Itoa(set.DeadlineDays), "grace_days": strconv.Itoa(set.GraceDays), "two_step": "false"}
	if set.TwoStep {
		vals["two_step"] = "true"
	}
	main := fields{vals: vals}
	if sf != nil {
		main.vals, main.inv = valuesOf(sf), &sf.inv
	}
	main.add("number", "deadline_days", "Hạn gửi: số ngày sau khi hết quý", "Ví dụ 10: báo cáo quý 2 hạn ngày 10/7.")
	main.add("number", "grace_days", "Khóa sổ: số ngày sau hạn gửi", "Sau thời gian này chi bộ không nhập được nữa, trừ khi được gia hạn.")
	main.add("select", "two_step", "Tỉnh tiếp nhận sau khi xã duyệt", "",
		web.Option{Value: "false", Label: "Không: xã duyệt là xong"}, web.Option{Value: "true", Label: "Có: tỉnh tiếp nhận sau khi xã duyệt"})
	exc := fields{vals: map[string]string{}}
	if ef != nil {
		exc.vals, exc.inv = valuesOf(ef), &ef.inv
	}
	exc.add("text", "cell_code", "Mã chi bộ", "")
	exc.add("number", "year", "Năm", "")
	exc.add("number", "quarter", "Quý", "")
	exc.add("date", "until", "Được nhập đến hết ngày", "")
	v := web.ReportSettingsView{ProvinceName: u.Name,
		Form: web.FormView{Title: "Thời hạn chung", Action: "/reports/settings", Submit: "Lưu", Fields: main.list,
			Hidden: []web.Field{{Name: "version", Value: strconv.Itoa(set.Version)}}},
		Exception: web.FormView{Title: "Gia hạn cho một chi bộ", Action: "/reports/settings/exception", Submit: "Gia hạn", Fields: exc.list,
			Intro: "Cho một chi bộ nhập báo cáo của một quý đã khóa sổ."}}
	if sf != nil && len(sf.inv.Fields) > 0 {
		v.Form.Error = msgFixErrors
	}
	if ef != nil && len(ef.inv.Fields) > 0 {
		v.Exception.Error = msgFixErrors
	}
	return v, nil
}

func (s *Server) reportSettingsPage(w http.ResponseWriter, r *http.Request, c caller) {
	province, err := s.provinceOf(r, c)
	if err != nil {
		s.fail(w, r, apperr.ErrNotFound)
		return
	}
	set, err := report.GetSettings(r.Context(), s.DB, c.Scope, province, s.today())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.reportSettingsView(r, c, province, set, nil, nil)
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
	province, err := s.provinceOf(r, c)
	if err != nil {
		s.fail(w, r, apperr.ErrNotFound)
		return
	}
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	in := report.Settings{DeadlineDays: f.int("deadline_days"), GraceDays: f.int("grace_days"), TwoStep: f.text("two_step") == "true", Version: f.int("version")}
	if s.saveForm(w, r, f, &web.FormView{}, func() (string, error) {
		return "/reports/settings?done=1", report.SaveSettings(r.Context(), s.DB, c.Scope, province, in, s.today())
	}) {
		return
	}
	if len(f.inv.Fields) == 0 { // a conflict: this page shows messages by field
		f.inv.Add("deadline_days", "Người khác vừa sửa thời hạn; xin mở lại trang.")
	}
	set, _ := report.GetSettings(r.Context(), s.DB, c.Scope, province, s.today())
	v, err := s.reportSettingsView(r, c, province, set, f, nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusUnprocessableEntity, web.ReportSettings(c.page("Thời hạn báo cáo", "reports"), v))
}

func (s *Server) reportExceptionSave(w http.ResponseWriter, r *http.Request, c caller) {
	province, err := s.provinceOf(r, c)
	if err != nil {
		s.fail(w, r, apperr.ErrNotFound)
		return
	}
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	p := report.Period{Year: f.int("year"), Quarter: f.int("quarter")}
	until := f.date("until")
	if !p.Valid() {
		f.inv.Add("quarter", "Nhập năm và quý (1 đến 4).")
	}
	cell := s.unitByCode(r, c.Scope, org.PartyTree, f, "cell_code", p.End().AddDate(0, 0, -1))
	if f.text("cell_code") == "" {
		f.inv.Add("cell_code", "Nhập mã chi bộ.")
	}
	if f.inv.Err() == nil {
		err = report.GrantException(r.Context(), s.DB, c.Scope, cell, p, until)
		if err == nil {
			http.Redirect(w, r, "/reports/settings?done=1", http.StatusSeeOther)
			return
		}
		if !formFailure(err, f, &web.FormView{}) {
			if err == apperr.ErrNotFound {
				f.inv.Add("cell_code", fmt.Sprintf("%q không phải là chi bộ.", f.text("cell_code")))
			} else {
				s.fail(w, r, err)
				return
			}
		}
	}
	set, _ := report.GetSettings(r.Context(), s.DB, c.Scope, province, s.today())
	v, err := s.reportSettingsView(r, c, province, set, nil, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusUnprocessableEntity, web.ReportSettings(c.page("Thời hạn báo cáo", "reports"), v))
}
