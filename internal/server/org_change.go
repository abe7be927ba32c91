package server

import (
	"cmp"
	"maps"
	"net/http"

	"ptdang/internal/apperr"
	"ptdang/internal/format"
	"ptdang/internal/org"
	"ptdang/web"
)

// change describes one of the dated changes of a unit: close, rename, move, link, split.
type change struct {
	form     func() web.FormView
	defaults map[string]string
	// apply reads the form (its own errors go to f) and returns the domain call that performs it.
	apply func(s *Server, r *http.Request, c caller, f *form, u org.Unit) func() error
	// aliases maps the domain's field names to the form fields that feed them.
	aliases map[string]string
}

// changeForm shows the form of ch (GET) and applies it (POST).
func (s *Server) changeForm(tree org.Tree, ch change) callerHandler {
	return func(w http.ResponseWriter, r *http.Request, c caller) {
		id, ok := idParam(r, "id")
		if !ok {
			s.notFound(w, r)
			return
		}
		u, err := org.GetUnit(r.Context(), s.DB, c.Scope, tree, id, s.today())
		if err != nil {
			s.fail(w, r, err)
			return
		}
		vals := map[string]string{"effective": format.ISODate(s.today())}
		maps.Copy(vals, ch.defaults)
		view := func(vals, errs map[string]string, msg string) web.FormView {
			return web.ChangeForm(ch.form(), u, s.today(), vals, errs, msg)
		}
		s.formPage(w, r, c, view, vals, func(f *form) (string, error) {
			return web.UnitHref(tree, id, s.today()), orFormErr(f, ch.apply(s, r, c, f, u))
		}, ch.aliases)
	}
}

// orFormErr returns the form's own errors, or else runs save.
func orFormErr(f *form, save func() error) error {
	if err := f.inv.Err(); err != nil {
		return err
	}
	return save()
}

// requireText adds msg to field when nothing was typed there.
func requireText(f *form, field, msg string) {
	if f.text(field) == "" {
		f.inv.Add(field, msg)
	}
}

// reorg reads the date and the decision of a reorganisation.
func reorg(f *form) org.Reorg {
	return org.Reorg{Effective: f.date("effective"), Note: f.text("note"), Version: f.int("version")}
}

func closeChange(tree org.Tree) change {
	return change{form: web.CloseForm, defaults: map[string]string{"on": ""},
		apply: func(s *Server, r *http.Request, c caller, f *form, u org.Unit) func() error {
			on, version := f.date("on"), f.int("version")
			return func() error { return org.CloseUnit(r.Context(), s.DB, c.Scope, tree, u.ID, version, on) }
		}}
}

func renameChange(tree org.Tree) change {
	return change{form: func() web.FormView { return web.RenameForm(tree == org.AdminTree) },
		apply: func(s *Server, r *http.Request, c caller, f *form, u org.Unit) func() error {
			re, name := reorg(f), f.text("name")
			if tree == org.AdminTree {
				return func() error {
					return org.RenameAdminUnit(r.Context(), s.DB, c.Scope, re, u.ID, name, f.text("local_word"))
				}
			}
			return func() error { return org.RenameUnit(r.Context(), s.DB, c.Scope, tree, re, u.ID, name) }
		}}
}

func moveChange(tree org.Tree) change {
	return change{form: web.MoveForm, aliases: parentAlias,
		apply: func(s *Server, r *http.Request, c caller, f *form, u org.Unit) func() error {
			re := reorg(f)
			parent := s.unitByCode(r, c.Scope, tree, f, "parent_code", re.Effective)
			requireText(f, "parent_code", "Nhập mã đơn vị cấp trên mới.")
			return func() error { return org.MoveUnit(r.Context(), s.DB, c.Scope, tree, re, u.ID, parent) }
		}}
}

var linkChange = change{form: web.LinkForm, defaults: map[string]string{"mode": string(org.OwnCell)},
	aliases: map[string]string{"cell_id": "cell_code", "hamlet_id": "from"},
	apply: func(s *Server, r *http.Request, c caller, f *form, u org.Unit) func() error {
		from, mode, cell := f.date("from"), org.LinkMode(f.text("mode")), int64(0)
		if mode != "none" {
			cell = s.unitByCode(r, c.Scope, org.PartyTree, f, "cell_code", from)
			requireText(f, "cell_code", "Nhập mã chi bộ phụ trách.")
		}
		return func() error { return org.SetLink(r.Context(), s.DB, c.Scope, u.ID, cell, mode, from) }
	}}

// splitParts is how many successors the split form offers.
const splitParts = 4

func splitChange(tree org.Tree) change {
	return change{form: func() web.FormView { return web.SplitForm(splitParts) },
		// A successor's own fields come back unnumbered: show them with the first part.
		aliases: map[string]string{"code": "code_1", "name": "name_1", "successors": "share_1", "predecessors": "effective"},
		apply: func(s *Server, r *http.Request, c caller, f *form, u org.Unit) func() error {
			parts, errs := org.ReadParts(f.text, splitParts)
			re := reorg(f)
			f.addAll(errs)
			return func() error { _, err := org.SplitInto(r.Context(), s.DB, c.Scope, tree, re, u.ID, parts); return err }
		}}
}

// --- Merges ---

// mergeForm merges several units of tree into a new one: GET shows the form, POST merges.
func (s *Server) mergeForm(tree org.Tree) callerHandler {
	return func(w http.ResponseWriter, r *http.Request, c caller) {
		view := func(vals, errs map[string]string, msg string) web.FormView {
			return web.MergeForm(tree, vals, errs, msg)
		}
		s.formPage(w, r, c, view, map[string]string{"effective": format.ISODate(s.today())}, func(f *form) (string, error) {
			re := reorg(f)
			id, err := s.merge(r, c, tree, f, re)
			return web.UnitHref(tree, id, re.Effective), err
		}, parentAlias)
	}
}

// merge resolves the codes typed in the merge form and merges.
func (s *Server) merge(r *http.Request, c caller, tree org.Tree, f *form, re org.Reorg) (int64, error) {
	preds, err := org.UnitsByCodes(r.Context(), s.DB, c.Scope, tree, f.text("predecessors"), "predecessors", re.Effective)
	if msg := apperr.Field(err, "predecessors"); msg != "" {
		f.inv.Add("predecessors", msg)
	} else if err != nil {
		return 0, err
	}
	parent := s.unitByCode(r, c.Scope, tree, f, "parent_code", cmp.Or(re.Effective, s.today()))
	if err := f.inv.Err(); err != nil {
		return 0, err
	}
	if tree == org.PartyTree {
		return org.MergePartyUnits(r.Context(), s.DB, c.Scope, re, preds, org.PartyUnitInput{
			Code: f.text("code"), Name: f.text("name"), Kind: org.Kind(f.text("kind")), OrgType: org.OrgType(f.text("org_type")),
			ParentID: parent, TermMonths: 60})
	}
	return org.MergeAdminUnits(r.Context(), s.DB, c.Scope, re, preds, org.AdminUnitInput{
		Code: f.text("code"), Name: f.text("name"), Level: org.Level(f.text("level")), LocalWord: f.text("local_word"),
		ParentID: parent})
}
