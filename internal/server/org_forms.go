package server

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"ptdang/internal/apperr"
	"ptdang/internal/format"
	"ptdang/internal/org"
	"ptdang/web"
)

// The structure forms share one template (web.Form). Each handler lists its fields, fills
// them from the record or from what was typed, and on POST calls one org function.

// fields builds a form's fields, taking values from vals and errors from inv.
type fields struct {
	vals map[string]string
	inv  *apperr.Invalid
	list []web.FormField
}

func (f *fields) add(kind, name, label, hint string, options ...web.Option) {
	var msg string
	if f.inv != nil {
		msg = f.inv.Fields[name]
	}
	f.list = append(f.list, web.FormField{Kind: kind, Options: options,
		Field: web.Field{Name: name, Label: label, Value: f.vals[name], Error: msg, Hint: hint}})
}

func kindOptions() []web.Option {
	opts := make([]web.Option, len(org.Kinds))
	for i, k := range org.Kinds {
		opts[i] = web.Option{Value: string(k), Label: k.Label()}
	}
	return opts
}

func orgTypeOptions() []web.Option {
	opts := make([]web.Option, len(org.OrgTypes))
	for i, t := range org.OrgTypes {
		opts[i] = web.Option{Value: string(t), Label: t.Label()}
	}
	return opts
}

func levelOptions() []web.Option {
	opts := make([]web.Option, len(org.Levels))
	for i, l := range org.Levels {
		opts[i] = web.Option{Value: string(l), Label: l.Label()}
	}
	return opts
}

// renderForm renders v with 200, or 422 when it carries errors.
func (s *Server) renderForm(w http.ResponseWriter, r *http.Request, c caller, v web.FormView) {
	status := http.StatusOK
	if v.Error != "" {
		status = http.StatusUnprocessableEntity
	}
	s.render(w, r, status, web.Form(c.page(v.Title, "org"), v))
}

// formFailure decides what a failed save shows: field errors re-render the form (true), a
// conflict re-renders it with a message (true); anything else is the caller's error page.
func formFailure(err error, f *form, v *web.FormView) bool {
	var inv *apperr.Invalid
	switch {
	case errors.As(err, &inv):
		f.merge(err)
		v.Error = msgFixErrors
		return true
	case errors.Is(err, apperr.ErrConflict):
		v.Error = "Người khác vừa sửa đơn vị này trong lúc đồng chí nhập. Những gì đồng chí nhập vẫn còn dưới đây; xin mở trang đơn vị ở thẻ khác để xem bản mới, rồi lưu lại."
		return true
	}
	return false
}

// saveForm runs save when the form holds no error yet and, when it succeeds, redirects to the
// page save returns. It reports whether it answered (that redirect, or an error page); when it
// did not, the form shows again with the field errors in f and the message to show in v.
func (s *Server) saveForm(w http.ResponseWriter, r *http.Request, f *form, v *web.FormView, save func() (string, error)) bool {
	v.Error = msgFixErrors
	if f.inv.Err() != nil {
		return false
	}
	next, err := save()
	switch {
	case err == nil:
		http.Redirect(w, r, next, http.StatusSeeOther)
		return true
	case formFailure(err, f, v):
		return false
	}
	s.fail(w, r, err)
	return true
}

// renameKey moves a domain field's message onto the form field that feeds it.
func renameKey(inv *apperr.Invalid, from, to string) {
	if msg, ok := inv.Fields[from]; ok {
		delete(inv.Fields, from)
		inv.Add(to, msg)
	}
}

// unitByCode resolves a code typed in a form into a unit id, recording field's error.
func (s *Server) unitByCode(r *http.Request, scope org.Scope, tree org.Tree, f *form, field string, on time.Time) int64 {
	code := f.text(field)
	if code == "" {
		return 0
	}
	var (
		id  int64
		err error
	)
	if tree == org.PartyTree {
		var u org.PartyUnit
		u, err = org.GetPartyUnitByCode(r.Context(), s.DB, scope, code, on)
		id = u.ID
	} else {
		var u org.AdminUnit
		u, err = org.GetAdminUnitByCode(r.Context(), s.DB, scope, code, on)
		id = u.ID
	}
	if err != nil {
		f.inv.Add(field, fmt.Sprintf("Không tìm thấy đơn vị có mã %q.", code))
	}
	return id
}

func dateValue(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return format.ISODate(*t)
}

func intValue(n *int) string {
	if n == nil {
		return ""
	}
	return strconv.Itoa(*n)
}

func percentValue(p *float64) string {
	if p == nil {
		return ""
	}
	return strings.TrimSuffix(format.Percent(*p*100), " %")
}

// --- Party units: create and edit ---

func partyFormFields(vals map[string]string, inv *apperr.Invalid, creating bool) []web.FormField {
	f := fields{vals: vals, inv: inv}
	if creating {
		f.add("text", "code", "Mã đơn vị", "Chữ không dấu, số, dấu chấm hoặc gạch ngang; không đổi về sau. Ví dụ: TU.X05.A03")
	}
	f.add("text", "name", "Tên tổ chức", "Ví dụ: Chi bộ ấp Bàu Cạn")
	f.add("select", "kind", "Cấp, loại tổ chức", "", kindOptions()...)
	f.add("select", "org_type", "Loại hình", "", orgTypeOptions()...)
	if creating {
		f.add("text", "parent_code", "Mã tổ chức cấp trên", "")
		f.add("date", "from", "Ngày thành lập", "")
	}
	f.add("number", "full_members", "Số đảng viên chính thức hiện nay", "")
	f.add("date", "committee_since", "Có chi ủy từ ngày", "Để trống nếu chi bộ chưa bầu chi ủy (cần từ 9 đảng viên chính thức).")
	f.add("number", "term_months", "Nhiệm kỳ đại hội (tháng)", "30 hoặc 60 tháng.")
	f.add("text", "territory_code", "Mã đơn vị hành chính lãnh đạo", "Chỉ với đảng bộ tỉnh, xã, phường: mã của tỉnh, xã, phường đó.")
	return f.list
}

func (s *Server) partyNew(w http.ResponseWriter, r *http.Request, c caller) {
	vals := map[string]string{"term_months": "60", "from": format.ISODate(s.today())}
	if parent, err := strconv.ParseInt(r.URL.Query().Get("parent"), 10, 64); err == nil {
		p, err := org.GetPartyUnit(r.Context(), s.DB, c.Scope, parent, s.today())
		if err != nil {
			s.fail(w, r, err)
			return
		}
		vals["parent_code"] = p.Code
		vals["org_type"] = string(p.OrgType)
	}
	s.renderForm(w, r, c, web.FormView{Title: "Thêm tổ chức đảng", Action: "/org/party/new", Submit: "Lưu",
		Cancel: "/org", Fields: partyFormFields(vals, nil, true)})
}

func (s *Server) partyCreate(w http.ResponseWriter, r *http.Request, c caller) {
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	in := org.PartyUnitInput{Code: f.text("code"), Name: f.text("name"), Kind: org.Kind(f.text("kind")),
		OrgType: org.OrgType(f.text("org_type")), From: f.date("from"), FullMembers: f.int("full_members"),
		CommitteeSince: f.optDate("committee_since"), TermMonths: f.int("term_months")}
	in.ParentID = s.unitByCode(r, c.Scope, org.PartyTree, f, "parent_code", in.From)
	in.TerritoryID = s.unitByCode(r, c.Scope, org.AdminTree, f, "territory_code", in.From)
	v := web.FormView{Title: "Thêm tổ chức đảng", Action: "/org/party/new", Submit: "Lưu", Cancel: "/org"}
	if s.saveForm(w, r, f, &v, func() (string, error) {
		id, _, err := org.CreatePartyUnit(r.Context(), s.DB, c.Scope, in)
		return unitHref(org.PartyTree, id, s.today()), err
	}) {
		return
	}
	renameKey(&f.inv, "parent_id", "parent_code")
	v.Fields = partyFormFields(valuesOf(f), &f.inv, true)
	s.renderForm(w, r, c, v)
}

func (s *Server) partyEdit(w http.ResponseWriter, r *http.Request, c caller) {
	id, ok := idParam(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	u, err := org.GetPartyUnit(r.Context(), s.DB, c.Scope, id, s.today())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	vals := map[string]string{"name": u.Name, "kind": string(u.Kind), "org_type": string(u.OrgType),
		"full_members": strconv.Itoa(u.FullMembers), "committee_since": dateValue(u.CommitteeSince),
		"term_months": strconv.Itoa(u.TermMonths)}
	if u.TerritoryID != 0 {
		if t, err := org.GetAdminUnit(r.Context(), s.DB, org.Everything(), u.TerritoryID, s.today()); err == nil {
			vals["territory_code"] = t.Code
		}
	}
	s.renderForm(w, r, c, s.partyEditView(u, vals, nil, ""))
}

func (s *Server) partyEditView(u org.PartyUnit, vals map[string]string, inv *apperr.Invalid, msg string) web.FormView {
	return web.FormView{Title: "Sửa thông tin: " + u.Name, Action: fmt.Sprintf("/org/party/%d/edit", u.ID), Submit: "Lưu",
		Intro:  "Sửa để chữa thông tin sai. Nếu đơn vị đổi tên hay chuyển trực thuộc theo quyết định, dùng “Đổi tên” hoặc “Chuyển trực thuộc” để giữ lịch sử.",
		Cancel: unitHref(org.PartyTree, u.ID, s.today()), Error: msg,
		Hidden: []web.Field{{Name: "version", Value: strconv.Itoa(u.Version)}},
		Fields: partyFormFields(vals, inv, false)}
}

func (s *Server) partyUpdate(w http.ResponseWriter, r *http.Request, c caller) {
	id, ok := idParam(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	u, err := org.GetPartyUnit(r.Context(), s.DB, c.Scope, id, s.today())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	in := org.PartyUnitInput{Name: f.text("name"), Kind: org.Kind(f.text("kind")), OrgType: org.OrgType(f.text("org_type")),
		FullMembers: f.int("full_members"), CommitteeSince: f.optDate("committee_since"), TermMonths: f.int("term_months")}
	in.TerritoryID = s.unitByCode(r, c.Scope, org.AdminTree, f, "territory_code", s.today())
	v := s.partyEditView(u, nil, nil, "")
	if s.saveForm(w, r, f, &v, func() (string, error) {
		_, err := org.UpdatePartyUnit(r.Context(), s.DB, c.Scope, id, f.int("version"), in)
		return unitHref(org.PartyTree, id, s.today()), err
	}) {
		return
	}
	s.renderForm(w, r, c, s.partyEditView(u, valuesOf(f), &f.inv, v.Error))
}

// valuesOf returns what was typed, to put back into the form.
func valuesOf(f *form) map[string]string {
	vals := map[string]string{}
	for k := range f.values {
		vals[k] = f.text(k)
	}
	return vals
}

// --- Administrative units: create and edit ---

func adminFormFields(vals map[string]string, inv *apperr.Invalid, creating bool) []web.FormField {
	f := fields{vals: vals, inv: inv}
	if creating {
		f.add("text", "code", "Mã đơn vị", "Chữ không dấu, số, dấu chấm hoặc gạch ngang; không đổi về sau.")
	}
	f.add("text", "name", "Tên", "Ví dụ: Ấp Bàu Cạn")
	if creating {
		f.add("select", "level", "Cấp hành chính", "", levelOptions()...)
	}
	f.add("text", "local_word", "Gọi là", "Ví dụ: thôn, ấp, bản, tổ dân phố, khu phố, xã, phường")
	if creating {
		f.add("text", "parent_code", "Mã đơn vị cấp trên", "")
		f.add("date", "from", "Ngày bắt đầu hiệu lực", "")
	}
	f.add("number", "population", "Số dân", "Không bắt buộc.")
	f.add("number", "households", "Số hộ", "Không bắt buộc.")
	f.add("text", "religious_share", "Tỷ lệ đồng bào có đạo (%)", "Không bắt buộc. Ví dụ: 62,5")
	f.add("text", "ethnic_minority_share", "Tỷ lệ đồng bào dân tộc thiểu số (%)", "Không bắt buộc.")
	return f.list
}

func (s *Server) adminNew(w http.ResponseWriter, r *http.Request, c caller) {
	vals := map[string]string{"from": format.ISODate(s.today())}
	if parent, err := strconv.ParseInt(r.URL.Query().Get("parent"), 10, 64); err == nil {
		p, err := org.GetAdminUnit(r.Context(), s.DB, c.Scope, parent, s.today())
		if err != nil {
			s.fail(w, r, err)
			return
		}
		vals["parent_code"] = p.Code
		if p.Level == org.Commune {
			vals["level"] = string(org.Hamlet)
		}
	}
	s.renderForm(w, r, c, web.FormView{Title: "Thêm đơn vị hành chính", Action: "/org/admin/new", Submit: "Lưu",
		Cancel: "/org", Fields: adminFormFields(vals, nil, true)})
}

func (s *Server) readAdminInput(r *http.Request, f *form) org.AdminUnitInput {
	return org.AdminUnitInput{Code: f.text("code"), Name: f.text("name"), Level: org.Level(f.text("level")),
		LocalWord: f.text("local_word"), From: f.date("from"),
		HamletFacts: org.HamletFacts{Population: f.optInt("population"), Households: f.optInt("households"),
			ReligiousShare: f.optPercent("religious_share"), EthnicMinorityShare: f.optPercent("ethnic_minority_share")}}
}

func (s *Server) adminCreate(w http.ResponseWriter, r *http.Request, c caller) {
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	in := s.readAdminInput(r, f)
	in.ParentID = s.unitByCode(r, c.Scope, org.AdminTree, f, "parent_code", in.From)
	v := web.FormView{Title: "Thêm đơn vị hành chính", Action: "/org/admin/new", Submit: "Lưu", Cancel: "/org"}
	if s.saveForm(w, r, f, &v, func() (string, error) {
		id, err := org.CreateAdminUnit(r.Context(), s.DB, c.Scope, in)
		return unitHref(org.AdminTree, id, s.today()), err
	}) {
		return
	}
	renameKey(&f.inv, "parent_id", "parent_code")
	v.Fields = adminFormFields(valuesOf(f), &f.inv, true)
	s.renderForm(w, r, c, v)
}

func (s *Server) adminEditView(u org.AdminUnit, vals map[string]string, inv *apperr.Invalid, msg string) web.FormView {
	return web.FormView{Title: "Sửa thông tin: " + u.Name, Action: fmt.Sprintf("/org/admin/%d/edit", u.ID), Submit: "Lưu",
		Cancel: unitHref(org.AdminTree, u.ID, s.today()), Error: msg,
		Hidden: []web.Field{{Name: "version", Value: strconv.Itoa(u.Version)}},
		Fields: adminFormFields(vals, inv, false)}
}

func (s *Server) adminEdit(w http.ResponseWriter, r *http.Request, c caller) {
	id, ok := idParam(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	u, err := org.GetAdminUnit(r.Context(), s.DB, c.Scope, id, s.today())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	vals := map[string]string{"name": u.Name, "local_word": u.LocalWord, "population": intValue(u.Population),
		"households": intValue(u.Households), "religious_share": percentValue(u.ReligiousShare),
		"ethnic_minority_share": percentValue(u.EthnicMinorityShare)}
	s.renderForm(w, r, c, s.adminEditView(u, vals, nil, ""))
}

func (s *Server) adminUpdate(w http.ResponseWriter, r *http.Request, c caller) {
	id, ok := idParam(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	u, err := org.GetAdminUnit(r.Context(), s.DB, c.Scope, id, s.today())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	in := s.readAdminInput(r, f)
	v := s.adminEditView(u, nil, nil, "")
	if s.saveForm(w, r, f, &v, func() (string, error) {
		return unitHref(org.AdminTree, id, s.today()), org.UpdateAdminUnit(r.Context(), s.DB, c.Scope, id, f.int("version"), in)
	}) {
		return
	}
	s.renderForm(w, r, c, s.adminEditView(u, valuesOf(f), &f.inv, v.Error))
}
