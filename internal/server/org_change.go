package server

import (
	"maps"
	"net/http"

	"ptdang/internal/format"
	"ptdang/internal/org"
	"ptdang/web"
)

// change is one of the dated changes of a unit (org.ApplyChange): its form, and the form's values
// before anything is typed.
type change struct {
	kind     org.ChangeKind
	form     func() web.FormView
	defaults map[string]string
	// aliases maps the domain's field names to the form fields that feed them.
	aliases map[string]string
}

var (
	closeChange = change{kind: org.CloseChange, form: web.CloseForm, defaults: map[string]string{"on": ""}}
	moveChange  = change{kind: org.MoveChange, form: web.MoveForm, aliases: parentAlias}
	linkChange  = change{kind: org.LinkChange, form: web.LinkForm, defaults: map[string]string{"mode": string(org.OwnCell)},
		aliases: map[string]string{"cell_id": "cell_code", "hamlet_id": "from"}}
	splitChange = change{kind: org.SplitChange, form: func() web.FormView { return web.SplitForm(org.SplitParts) },
		// A successor's own fields come back unnumbered: show them with the first part.
		aliases: map[string]string{"code": "code_1", "name": "name_1", "successors": "share_1", "predecessors": "effective"}}
)

func renameChange(tree org.Tree) change {
	return change{kind: org.RenameChange, form: func() web.FormView { return web.RenameForm(tree == org.AdminTree) }}
}

// changeForm shows the form of ch (GET) and applies it (POST).
func (s *Server) changeForm(tree org.Tree, ch change) callerHandler {
	return s.withID(func(w http.ResponseWriter, r *http.Request, c caller, id int64) {
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
		s.formPage(w, r, c, "org", view, vals, func(f *form) (string, error) {
			return web.UnitHref(tree, id, s.today()), org.ApplyChange(r.Context(), s.DB, c.Scope, tree, ch.kind, u.ID, f.text, &f.inv)
		}, ch.aliases)
	})
}

// orFormErr returns the form's own errors, or else runs save.
func orFormErr(f *form, save func() error) error {
	if err := f.inv.Err(); err != nil {
		return err
	}
	return save()
}

// --- Merges ---

// mergeForm merges several units of tree into a new one: GET shows the form, POST merges.
func (s *Server) mergeForm(tree org.Tree) callerHandler {
	return func(w http.ResponseWriter, r *http.Request, c caller) {
		view := func(vals, errs map[string]string, msg string) web.FormView {
			return web.MergeForm(tree, vals, errs, msg)
		}
		s.formPage(w, r, c, "org", view, map[string]string{"effective": format.ISODate(s.today())}, func(f *form) (string, error) {
			id, on, err := org.ApplyMerge(r.Context(), s.DB, c.Scope, tree, f.text, s.today(), &f.inv)
			return web.UnitHref(tree, id, on), err
		}, parentAlias)
	}
}
