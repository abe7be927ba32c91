package server

import (
	"net/http"
	"strconv"
	"time"

	"ptdang/internal/account"
	"ptdang/internal/format"
	"ptdang/internal/register"
	"ptdang/web"
)

// input is one field of the register rules' small forms.
func input(kind, name, label, hint string, options ...web.Option) web.FormField {
	return web.FormField{Kind: kind, Options: options, Field: web.Field{Name: name, Label: label, Hint: hint}}
}

var yesNo = []web.Option{{Value: "0", Label: "Không"}, {Value: "1", Label: "Có"}}

// registerReadmission shows and saves the readmission facts of file id (kết nạp lại): when and
// why the person left, and the provincial standing committee's consent.
func (s *Server) registerReadmission(w http.ResponseWriter, r *http.Request, c caller, id int64) {
	today := s.today()
	file, err := s.Register.Get(r.Context(), s.DB, c.Scope, id, today)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	m, _, err := s.Register.Readmission(r.Context(), s.DB, c.Scope, id, today)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	causes := make([]web.Option, len(register.LeaveCauses))
	for i, o := range register.LeaveCauses {
		causes[i] = web.Option{Value: o.Code, Label: o.Label}
	}
	bit := map[bool]string{true: "1", false: "0"}
	vals := map[string]string{"left_on": web.InputDate(&m.LeftOn), "cause": m.Cause,
		"expunged_on": web.InputDate(&m.ExpungedOn), "readmitted_before": bit[m.ReadmittedBefore],
		"consent_on": web.InputDate(&m.ConsentOn), "consent_document": m.ConsentDocument}
	href := web.RegisterFileHref(id)
	v := web.FormView{Title: "Kết nạp lại: " + file.Name, Action: href + "/readmission", Submit: "Lưu", Cancel: href,
		Intro:  "Chi bộ chỉ xét khi đã đủ thời gian ra khỏi Đảng và có văn bản đồng ý của Ban Thường vụ Tỉnh ủy.",
		Hidden: []web.Field{{Name: "version", Value: strconv.Itoa(file.Version)}},
		Fields: []web.FormField{
			input("date", "left_on", "Ngày ra khỏi Đảng", ""),
			input("select", "cause", "Lý do ra khỏi Đảng", "", causes...),
			input("date", "expunged_on", "Ngày được xóa án tích", "Chỉ khi bị kết án về tội phạm ít nghiêm trọng."),
			input("select", "readmitted_before", "Đã từng được kết nạp lại", "", yesNo...),
			input("date", "consent_on", "Văn bản đồng ý của Ban Thường vụ Tỉnh ủy: ngày", ""),
			input("text", "consent_document", "Văn bản đồng ý của Ban Thường vụ Tỉnh ủy: số", "Ví dụ: 120-CV/TU"),
		}}
	s.registerForm(w, r, c, v, vals, func(f *form) (string, error) {
		m := register.Readmission{LeftOn: f.date("left_on"), Cause: f.text("cause"),
			ReadmittedBefore: f.text("readmitted_before") == "1", ConsentDocument: f.text("consent_document")}
		for name, d := range map[string]*time.Time{"expunged_on": &m.ExpungedOn, "consent_on": &m.ConsentOn} {
			if f.text(name) != "" {
				*d = f.date(name)
			}
		}
		version := read(f, "version", format.ReadInt)
		return href, orFormErr(f, func() error {
			_, err := s.Register.SetReadmission(r.Context(), s.DB, c.Scope, id, version, m, today)
			return err
		})
	})
}

// registerSponsorCeased records that a sponsor of file id's latest sponsors step ceased to
// qualify on a day.
func (s *Server) registerSponsorCeased(w http.ResponseWriter, r *http.Request, c caller, id int64) {
	today := s.today()
	file, err := s.Register.Get(r.Context(), s.DB, c.Scope, id, today)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var sponsors []web.Option
	for _, p := range file.StillSponsoring() {
		sponsors = append(sponsors, web.Option{Value: strconv.FormatInt(p.ID, 10), Label: p.Name})
	}
	href := web.RegisterFileHref(id)
	v := web.FormView{Title: "Người giới thiệu không còn đủ điều kiện", Action: href + "/sponsor-ceased", Submit: "Ghi", Cancel: href,
		Intro:  "Hồ sơ sẽ được nhắc trong Việc cần làm cho đến khi ghi lại bước giới thiệu.",
		Hidden: []web.Field{{Name: "version", Value: strconv.Itoa(file.Version)}},
		Fields: []web.FormField{input("select", "sponsor", "Người giới thiệu", "", sponsors...),
			input("date", "on", "Không còn đủ điều kiện từ ngày", "Ví dụ: ngày chuyển sinh hoạt, ngày bị kỷ luật xóa tên.")}}
	s.registerForm(w, r, c, v, map[string]string{"on": format.ISODate(today)}, func(f *form) (string, error) {
		sponsor, on, version := formID(f, "sponsor"), f.date("on"), read(f, "version", format.ReadInt)
		return href, orFormErr(f, func() error {
			_, err := s.Register.SponsorCeased(r.Context(), s.DB, c.Scope, id, version, sponsor, on, today)
			return err
		})
	})
}

// registerRetention shows and sets how long the province keeps removed persons' files: the
// caller's province, or ?province= for one who sees everything.
func (s *Server) registerRetention(w http.ResponseWriter, r *http.Request, c caller) {
	province, _ := strconv.ParseInt(r.FormValue("province"), 10, 64)
	for _, g := range c.Grants {
		if province == 0 && g.Role == account.ProvinceStaff {
			province = g.UnitID
		}
	}
	today := s.today()
	x, err := register.RetentionOf(r.Context(), s.DB, c.Scope, province, today)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	action := "/register/retention?province=" + strconv.FormatInt(province, 10)
	v := web.FormView{Title: "Thời hạn lưu hồ sơ", Action: action, Submit: "Lưu", Cancel: "/register",
		Intro: "Hồ sơ của người đã rút khỏi danh sách hoặc không được công nhận chỉ được xem trong thời hạn này, " +
			"tính từ ngày kết thúc, rồi được xóa hẳn. Mặc định " + strconv.Itoa(register.DefaultRetentionYears) +
			" năm là mức phần mềm chọn, không phải quy định.",
		Hidden: []web.Field{{Name: "version", Value: strconv.Itoa(x.Version)}},
		Fields: []web.FormField{input("number", "years", "Thời hạn lưu (năm)", "Từ 1 đến 100 năm.")}}
	s.registerForm(w, r, c, v, map[string]string{"years": strconv.Itoa(x.Years)}, func(f *form) (string, error) {
		years, version := f.int("years"), read(f, "version", format.ReadInt)
		return action, orFormErr(f, func() error {
			return register.SetRetention(r.Context(), s.DB, c.Scope, province, version, years, today)
		})
	})
}
