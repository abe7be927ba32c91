package server

import (
	"net/http"
	"strconv"
	"time"

	"ptdang/internal/format"
	"ptdang/internal/org"
	"ptdang/web"
)

// unitForm is how one tree's units are created and corrected: the values that fill its forms,
// and the org calls that save them.
type unitForm struct {
	tree org.Tree
	// current reads the unit and the values of its edit form (which also fill its children's).
	current func(s *Server, r *http.Request, c caller, id int64) (org.Unit, map[string]string, error)
	create  func(s *Server, r *http.Request, c caller, f *form) (int64, error)
	update  func(s *Server, r *http.Request, c caller, f *form, id int64) error
}

// unitByCode resolves the code typed in field into a unit of tree in scope on on. A code that
// finds none is the field's error (the form keeps what was typed), and 0.
func (s *Server) unitByCode(r *http.Request, scope org.Scope, tree org.Tree, f *form, field string, on time.Time) int64 {
	return org.UnitIDByCode(r.Context(), s.DB, scope, tree, f.text(field), on, field, &f.inv)
}

// parentAlias shows the domain's parent errors on the field where its code was typed.
var parentAlias = map[string]string{"parent_id": "parent_code"}

// unitNew shows the form of a new unit (under the unit ?parent=, if any) and creates it.
func (s *Server) unitNew(uf unitForm) callerHandler {
	return func(w http.ResponseWriter, r *http.Request, c caller) {
		var parent map[string]string
		if id, err := strconv.ParseInt(r.URL.Query().Get("parent"), 10, 64); err == nil && r.Method == http.MethodGet {
			if _, parent, err = uf.current(s, r, c, id); err != nil {
				s.fail(w, r, err)
				return
			}
		}
		vals := web.NewUnitValues(parent, s.today())
		view := func(vals, errs map[string]string, msg string) web.FormView {
			return web.NewUnitForm(uf.tree, vals, errs, msg)
		}
		s.formPage(w, r, c, "org", view, vals, func(f *form) (string, error) {
			id, err := uf.create(s, r, c, f)
			return web.UnitHref(uf.tree, id, s.today()), err
		}, parentAlias)
	}
}

// unitEdit shows the form that corrects a unit and saves it.
func (s *Server) unitEdit(uf unitForm) callerHandler {
	return s.withID(func(w http.ResponseWriter, r *http.Request, c caller, id int64) {
		u, vals, err := uf.current(s, r, c, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		view := func(vals, errs map[string]string, msg string) web.FormView {
			return web.EditUnitForm(u, s.today(), vals, errs, msg)
		}
		s.formPage(w, r, c, "org", view, vals, func(f *form) (string, error) {
			return web.UnitHref(uf.tree, id, s.today()), uf.update(s, r, c, f, id)
		}, nil)
	})
}

var partyForm = unitForm{
	tree: org.PartyTree,
	current: func(s *Server, r *http.Request, c caller, id int64) (org.Unit, map[string]string, error) {
		u, err := org.GetPartyUnit(r.Context(), s.DB, c.Scope, id, s.today())
		return u.Unit(), web.PartyUnitValues(u), err
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
		return orFormErr(f, func() error {
			_, err := org.UpdatePartyUnit(r.Context(), s.DB, c.Scope, id, version, in, s.today())
			return err
		})
	},
}

func partyInput(f *form) org.PartyUnitInput {
	return org.PartyUnitInput{Name: f.text("name"), Kind: org.Kind(f.text("kind")), OrgType: org.OrgType(f.text("org_type")),
		FullMembers: f.int("full_members"), CommitteeSince: opt(f, "committee_since", format.ReadDate), TermMonths: f.int("term_months")}
}

var adminForm = unitForm{
	tree: org.AdminTree,
	current: func(s *Server, r *http.Request, c caller, id int64) (org.Unit, map[string]string, error) {
		u, err := org.GetAdminUnit(r.Context(), s.DB, c.Scope, id, s.today())
		return u.Unit(), web.AdminUnitValues(u), err
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
		return orFormErr(f, func() error { return org.UpdateAdminUnit(r.Context(), s.DB, c.Scope, id, version, in, s.today()) })
	},
}

func adminInput(f *form) org.AdminUnitInput {
	return org.AdminUnitInput{Code: f.text("code"), Name: f.text("name"), Level: org.Level(f.text("level")),
		LocalWord: f.text("local_word"), From: f.date("from"),
		HamletFacts: org.HamletFacts{Population: opt(f, "population", format.ReadInt), Households: opt(f, "households", format.ReadInt),
			ReligiousShare: f.optPercent("religious_share"), EthnicMinorityShare: f.optPercent("ethnic_minority_share")}}
}
