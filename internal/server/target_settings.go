package server

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"ptdang/internal/apperr"
	"ptdang/internal/target"
	"ptdang/web"
)

var (
	thresholdFields = []struct{ name, label string }{
		{"ahead", "Vượt tiến độ khi cao hơn tiến độ dự kiến từ"},
		{"on_track", "Đúng tiến độ khi thấp hơn tiến độ dự kiến không quá"},
		{"behind", "Chậm tiến độ khi thấp hơn không quá (thấp hơn nữa: chậm nhiều)"},
	}
	milestoneLabels = []string{"Hết quý I", "Hết quý II", "Hết quý III"}
)

// settingsView is the rules form for st, with the values and errors of f when it is not nil.
func settingsView(unit int64, st target.Settings, f *form) web.TargetSettingsView {
	v := web.TargetSettingsView{UnitID: strconv.FormatInt(unit, 10), Year: strconv.Itoa(st.Year),
		Title:  fmt.Sprintf("Quy định về chỉ tiêu của %s", st.ProvinceName),
		Back:   web.Link{Label: "← Chỉ tiêu năm " + strconv.Itoa(st.Year), Href: targetHref("/targets", unit, st.Year)},
		Strict: st.Strict,
		Hidden: []web.Field{{Name: "version", Value: strconv.Itoa(st.Version)}, {Name: "year_version", Value: strconv.Itoa(st.YearVersion)}}}
	values := map[string]string{"ahead": decimalText(st.Thresholds.Ahead), "on_track": decimalText(st.Thresholds.OnTrack),
		"behind": decimalText(st.Thresholds.Behind), "lock_date": web.InputDate(st.LockDate)}
	for i := range milestoneLabels {
		values[fmt.Sprintf("q%d", i+1)] = decimalText(st.Profile[i])
	}
	errs := map[string]string{}
	if f != nil {
		v.Strict = f.text("strict") != ""
		for k := range values {
			values[k] = f.text(k)
		}
		for k, msg := range f.inv.Fields {
			errs[k] = msg
		}
		v.Hidden = []web.Field{{Name: "version", Value: f.text("version")}, {Name: "year_version", Value: f.text("year_version")}}
	}
	for _, t := range thresholdFields {
		v.Thresholds = append(v.Thresholds, web.Field{Name: t.name, Label: t.label, Value: values[t.name], Error: errs[t.name]})
	}
	for i, label := range milestoneLabels {
		name := fmt.Sprintf("q%d", i+1)
		v.Milestones = append(v.Milestones, web.Field{Name: name, Label: label, Value: values[name], Error: errs[name]})
	}
	v.LockDate = web.Field{Name: "lock_date", Label: "Ngày khóa chỉ tiêu năm " + strconv.Itoa(st.Year), Value: values["lock_date"],
		Error: errs["lock_date"], Hint: "Từ ngày này, chỉ tiêu của năm chỉ Ban Tổ chức Tỉnh ủy được điều chỉnh và phải ghi lý do. Để trống: không khóa."}
	v.ThresholdsError, v.ProfileError = errs["thresholds"], errs["profile"]
	return v
}

func (s *Server) targetSettingsPage(w http.ResponseWriter, r *http.Request, c caller) {
	unit, year, err := s.targetUnitYear(r, c.Scope, false, true)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	st, err := target.GetSettings(r.Context(), s.DB, c.Scope, unit, year)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := settingsView(unit, st, nil)
	if r.URL.Query().Get("saved") != "" {
		v.Message = "Đã lưu quy định."
	}
	s.render(w, r, http.StatusOK, web.TargetSettings(c.page("Quy định về chỉ tiêu", "targets"), v))
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
	st, err := target.GetSettings(r.Context(), s.DB, c.Scope, unit, year)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	number := func(name, msg string) float64 {
		x, ok := parseDecimal(f.text(name))
		if !ok {
			f.inv.Add(name, msg)
		}
		return x
	}
	in := target.SettingsInput{Strict: f.text("strict") != "", LockDate: f.optDate("lock_date"), Profile: target.Profile{3: 100}}
	in.Thresholds.Ahead = number("ahead", "Nhập số điểm phần trăm, ví dụ 5.")
	in.Thresholds.OnTrack = number("on_track", "Nhập số điểm phần trăm, ví dụ 5.")
	in.Thresholds.Behind = number("behind", "Nhập số điểm phần trăm, ví dụ 15.")
	for i := range milestoneLabels {
		in.Profile[i] = number(fmt.Sprintf("q%d", i+1), "Nhập phần trăm chỉ tiêu, ví dụ 25.")
	}
	in.Version, _ = strconv.Atoi(f.text("version"))
	in.YearVersion, _ = strconv.Atoi(f.text("year_version"))
	page := c.page("Quy định về chỉ tiêu", "targets")
	if f.inv.Err() == nil {
		err := target.SetSettings(r.Context(), s.DB, c.Scope, unit, year, in)
		switch {
		case err == nil:
			http.Redirect(w, r, targetHref("/targets/settings", unit, year)+"&saved=1", http.StatusSeeOther)
			return
		case errors.Is(err, apperr.ErrConflict):
			fresh, err := target.GetSettings(r.Context(), s.DB, c.Scope, unit, year)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			v := settingsView(unit, fresh, nil)
			v.Error = "Người khác vừa sửa quy định này trong lúc đồng chí nhập. Trang đã hiện quy định mới; xin nhập lại thay đổi của đồng chí."
			s.render(w, r, http.StatusConflict, web.TargetSettings(page, v))
			return
		default:
			var inv *apperr.Invalid
			if !errors.As(err, &inv) {
				s.fail(w, r, err)
				return
			}
			f.merge(err)
		}
	}
	v := settingsView(unit, st, f)
	v.Error = msgFixErrors
	s.render(w, r, http.StatusUnprocessableEntity, web.TargetSettings(page, v))
}
