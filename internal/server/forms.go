package server

import (
	"net/http"

	"ptdang/web"
)

// The forms drawn with web.Form: a handler lists its fields, fills them from the record or from
// what was typed, and on POST calls one domain function.

// renderForm renders v under the menu item nav ("" for none: a page no menu item leads to)
// with 200, or 422 when it carries errors.
func (s *Server) renderForm(w http.ResponseWriter, r *http.Request, c caller, nav string, v web.FormView) {
	status := http.StatusOK
	if v.Error != "" {
		status = http.StatusUnprocessableEntity
	}
	s.render(w, r, status, web.Form(c.page(v.Title, nav), v))
}

// valuesOf returns what was typed, to put back into the form.
func valuesOf(f *form) map[string]string {
	vals := map[string]string{}
	for k := range f.values {
		vals[k] = f.text(k)
	}
	return vals
}

// formView draws a form with the values and errors given, and the message at its top.
type formView func(vals, errs map[string]string, msg string) web.FormView

// formPage shows the form, under the menu item nav, on GET, filled from vals. On POST, save reads the form and, when it
// holds no error of its own (else it returns them), saves it; then formPage goes to the page save
// returns, or shows the form again with what was typed and the errors, the domain's field names
// moved by aliases onto the form fields that feed them.
func (s *Server) formPage(w http.ResponseWriter, r *http.Request, c caller, nav string, view formView, vals map[string]string,
	save func(f *form) (string, error), aliases map[string]string) {
	if r.Method == http.MethodGet {
		s.renderForm(w, r, c, nav, view(vals, nil, ""))
		return
	}
	s.submitForm(w, r, save, func(f *form, _ int, msg string) {
		for from, to := range aliases {
			if msg, ok := f.inv.Fields[from]; ok {
				delete(f.inv.Fields, from)
				f.inv.Add(to, msg)
			}
		}
		s.renderForm(w, r, c, nav, view(valuesOf(f), f.inv.Fields, msg))
	})
}

// submitForm reads a posted form and saves it with save, then goes to the page save names; when
// the domain refused it (its field errors, or a stale or locked save), show puts the form back
// with what was typed (f), the status and the message. Any other error is the server's.
func (s *Server) submitForm(w http.ResponseWriter, r *http.Request, save func(f *form) (string, error), show func(f *form, status int, msg string)) {
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	next, err := save(f)
	if err == nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	msg, status, ok := f.refused(err)
	if !ok || (status != http.StatusUnprocessableEntity && status != http.StatusConflict) {
		s.fail(w, r, err)
		return
	}
	show(f, status, msg)
}
