package server

import (
	"cmp"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"ptdang/internal/apperr"
	"ptdang/internal/format"
	"ptdang/internal/org"
	"ptdang/web"
)

// unitForm is how one tree's units are created and corrected: the fields of the form, the
// values that fill it, and the org call that saves it.
type unitForm struct {
	tree   org.Tree
	title  string // of the create form
	intro  string // of the edit form
	fields func(vals map[string]string, inv *apperr.Invalid, creating bool) []web.FormField
	// under fills a new unit's form from its parent's.
	under func(s *Server, r *http.Request, c caller, parent int64, vals map[string]string) error
	// current reads the unit and the values of its edit form.
	current func(s *Server, r *http.Request, c caller, id int64) (org.Unit, map[string]string, error)
	create  func(s *Server, r *http.Request, c caller, f *form) (int64, error)
	update  func(s *Server, r *http.Request, c caller, f *form, id int64) error
}

// unitByCode resolves the code typed in field into a unit of tree in scope on on. A code that
// finds none is the field's error (the form keeps what was typed), and 0.
func (s *Server) unitByCode(r *http.Request, scope org.Scope, tree org.Tree, f *form, field string, on time.Time) int64 {
	if f.text(field) == "" {
		return 0
	}
	u, err := org.GetUnitByCode(r.Context(), s.DB, scope, tree, f.text(field), on)
	if err != nil {
		f.inv.Add(field, cmp.Or(apperr.Message(err), "Không tra được mã này lúc này; xin thử lại sau ít phút."))
	}
	return u.ID
}

// parentAlias shows the domain's parent errors on the field where its code was typed.
var parentAlias = map[string]string{"parent_id": "parent_code"}

// unitNew shows the form of a new unit (under the unit ?parent=, if any) and creates it.
func (s *Server) unitNew(uf unitForm) callerHandler {
	return func(w http.ResponseWriter, r *http.Request, c caller) {
		vals := map[string]string{"from": format.ISODate(s.today()), "term_months": "60"} // the term: Party units only
		if parent, err := strconv.ParseInt(r.URL.Query().Get("parent"), 10, 64); err == nil && r.Method == http.MethodGet {
			if err := uf.under(s, r, c, parent, vals); err != nil {
				s.fail(w, r, err)
				return
			}
		}
		view := func(vals map[string]string, inv *apperr.Invalid, msg string) web.FormView {
			return web.FormView{Title: uf.title, Action: fmt.Sprintf("/org/%s/new", uf.tree), Submit: "Lưu", Cancel: "/org",
				Error: msg, Fields: uf.fields(vals, inv, true)}
		}
		s.formPage(w, r, c, view, vals, func(f *form) (string, error) {
			id, err := uf.create(s, r, c, f)
			return unitHref(uf.tree, id, s.today()), err
		}, parentAlias)
	}
}

// unitEdit shows the form that corrects a unit and saves it.
func (s *Server) unitEdit(uf unitForm) callerHandler {
	return func(w http.ResponseWriter, r *http.Request, c caller) {
		id, ok := idParam(r, "id")
		if !ok {
			s.notFound(w, r)
			return
		}
		u, vals, err := uf.current(s, r, c, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		view := func(vals map[string]string, inv *apperr.Invalid, msg string) web.FormView {
			return web.FormView{Title: "Sửa thông tin: " + u.Name, Action: fmt.Sprintf("/org/%s/%d/edit", uf.tree, u.ID), Submit: "Lưu",
				Intro: uf.intro, Cancel: unitHref(uf.tree, u.ID, s.today()), Error: msg,
				Hidden: []web.Field{{Name: "version", Value: strconv.Itoa(u.Version)}},
				Fields: uf.fields(vals, inv, false)}
		}
		s.formPage(w, r, c, view, vals, func(f *form) (string, error) {
			return unitHref(uf.tree, id, s.today()), uf.update(s, r, c, f, id)
		}, nil)
	}
}

// --- Party units ---

var partyForm = unitForm{
	tree: org.PartyTree, title: "Thêm tổ chức đảng",
	intro:  "Sửa để chữa thông tin sai. Nếu đơn vị đổi tên hay chuyển trực thuộc theo quyết định, dùng “Đổi tên” hoặc “Chuyển trực thuộc” để giữ lịch sử.",
	fields: partyFormFields,
	under: func(s *Server, r *http.Request, c caller, parent int64, vals map[string]string) error {
		p, err := org.GetPartyUnit(r.Context(), s.DB, c.Scope, parent, s.today())
		vals["parent_code"], vals["org_type"] = p.Code, string(p.OrgType)
		return err
	},
	current: func(s *Server, r *http.Request, c caller, id int64) (org.Unit, map[string]string, error) {
		u, err := org.GetPartyUnit(r.Context(), s.DB, c.Scope, id, s.today())
		vals := map[string]string{"name": u.Name, "kind": string(u.Kind), "org_type": string(u.OrgType),
			"full_members": strconv.Itoa(u.FullMembers), "committee_since": web.InputDate(u.CommitteeSince),
			"term_months": strconv.Itoa(u.TermMonths), "territory_code": u.TerritoryCode}
		return u.Unit(), vals, err
	},
	create: func(s *Server, r *http.Request, c caller, f *form) (int64, error) {
		in := partyInput(f)
		in.Code, in.From = f.text("code"), f.date("from")
		in.ParentID = s.unitByCode(r, c.Scope, org.PartyTree, f, "parent_code", in.From)
		in.TerritoryID = s.unitByCode(r, c.Scope, org.AdminTree, f, "territory_code", in.From)
		if err := f.inv.Err(); err != nil {
			return 0, err
		}
		id, _, err := org.CreatePartyUnit(r.Context(), s.DB, c.Scope, in)
		return id, err
	},
	update: func(s *Server, r *http.Request, c caller, f *form, id int64) error {
		in, version := partyInput(f), f.int("version")
		in.TerritoryID = s.unitByCode(r, c.Scope, org.AdminTree, f, "territory_code", s.today())
		if err := f.inv.Err(); err != nil {
			return err
		}
		_, err := org.UpdatePartyUnit(r.Context(), s.DB, c.Scope, id, version, in, s.today())
		return err
	},
}

func partyInput(f *form) org.PartyUnitInput {
	return org.PartyUnitInput{Name: f.text("name"), Kind: org.Kind(f.text("kind")), OrgType: org.OrgType(f.text("org_type")),
		FullMembers: f.int("full_members"), CommitteeSince: f.optDate("committee_since"), TermMonths: f.int("term_months")}
}

func partyFormFields(vals map[string]string, inv *apperr.Invalid, creating bool) []web.FormField {
	return web.Fill(web.PartyUnitFields(creating, options(org.Kinds, org.Kind.Label), options(org.OrgTypes, org.OrgType.Label)),
		vals, fieldErrors(inv))
}

// --- Administrative units ---

var adminForm = unitForm{
	tree: org.AdminTree, title: "Thêm đơn vị hành chính", fields: adminFormFields,
	under: func(s *Server, r *http.Request, c caller, parent int64, vals map[string]string) error {
		p, err := org.GetAdminUnit(r.Context(), s.DB, c.Scope, parent, s.today())
		vals["parent_code"] = p.Code
		if p.Level == org.Commune {
			vals["level"] = string(org.Hamlet)
		}
		return err
	},
	current: func(s *Server, r *http.Request, c caller, id int64) (org.Unit, map[string]string, error) {
		u, err := org.GetAdminUnit(r.Context(), s.DB, c.Scope, id, s.today())
		return u.Unit(), map[string]string{"name": u.Name, "local_word": u.LocalWord, "population": web.InputInt(u.Population),
			"households": web.InputInt(u.Households), "religious_share": web.InputPercent(u.ReligiousShare),
			"ethnic_minority_share": web.InputPercent(u.EthnicMinorityShare)}, err
	},
	create: func(s *Server, r *http.Request, c caller, f *form) (int64, error) {
		in := adminInput(f)
		in.ParentID = s.unitByCode(r, c.Scope, org.AdminTree, f, "parent_code", in.From)
		if err := f.inv.Err(); err != nil {
			return 0, err
		}
		return org.CreateAdminUnit(r.Context(), s.DB, c.Scope, in)
	},
	update: func(s *Server, r *http.Request, c caller, f *form, id int64) error {
		in, version := adminInput(f), f.int("version")
		if err := f.inv.Err(); err != nil {
			return err
		}
		return org.UpdateAdminUnit(r.Context(), s.DB, c.Scope, id, version, in, s.today())
	},
}

func adminInput(f *form) org.AdminUnitInput {
	return org.AdminUnitInput{Code: f.text("code"), Name: f.text("name"), Level: org.Level(f.text("level")),
		LocalWord: f.text("local_word"), From: f.date("from"),
		HamletFacts: org.HamletFacts{Population: f.optInt("population"), Households: f.optInt("households"),
			ReligiousShare: f.optPercent("religious_share"), EthnicMinorityShare: f.optPercent("ethnic_minority_share")}}
}

func adminFormFields(vals map[string]string, inv *apperr.Invalid, creating bool) []web.FormField {
	return web.Fill(web.AdminUnitFields(creating, options(org.Levels, org.Level.Label)), vals, fieldErrors(inv))
}
