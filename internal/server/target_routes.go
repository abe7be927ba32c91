package server

import (
	"net/http"

	"ptdang/internal/account"
	"ptdang/internal/httpx"
	"ptdang/internal/org"
	"ptdang/internal/target"
	"ptdang/web"
)

// targetUnitYear reads the unit and year parameters (target.UnitYear).
func (s *Server) targetUnitYear(r *http.Request, scope org.Scope, required, lenient bool) (int64, int, error) {
	return target.UnitYear(r.Context(), s.DB, scope, r.FormValue("unit"), r.FormValue("year"), s.today().Year(), required, lenient)
}

// targetShow shows a targets page of unit and year; after a save (f not nil) with what was
// typed, f's field messages and msg.
type targetShow func(w http.ResponseWriter, r *http.Request, c caller, unit int64, year int, f *form, status int, msg string)

// targetGet shows a targets page of the unit and year the request names.
func (s *Server) targetGet(show targetShow) callerHandler {
	return func(w http.ResponseWriter, r *http.Request, c caller) {
		unit, year, err := s.targetUnitYear(r, c.Scope, false, true)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		show(w, r, c, unit, year, nil, http.StatusOK, "")
	}
}

// targetPost saves a targets form of the unit and year the request names: save reads f (its own
// errors go to f) and saves it, done false when it only previews. Then the browser goes back to
// path saying it saved, or the page shows again with what was typed and why it was refused.
func (s *Server) targetPost(path string, save func(r *http.Request, c caller, f *form, unit int64, year int) (done bool, err error), show targetShow) callerHandler {
	return func(w http.ResponseWriter, r *http.Request, c caller) {
		f, ok := s.parseForm(w, r)
		if !ok {
			return
		}
		unit, year, err := s.targetUnitYear(r, c.Scope, true, false)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		done, err := save(r, c, f, unit, year)
		if err == nil && done {
			http.Redirect(w, r, targetHref(path, unit, year)+"&saved=1", http.StatusSeeOther)
			return
		}
		status, msg := http.StatusOK, ""
		if err != nil {
			if msg, status, ok = f.refused(err); !ok {
				s.fail(w, r, err)
				return
			}
		}
		show(w, r, c, unit, year, f, status, msg)
	}
}

var targetHref = web.TargetHref

// manageScope is where c may set targets; empty when c may not set any.
func manageScope(r *http.Request, c caller) org.Scope {
	if !c.Can(account.ManageTargets) {
		return org.Under()
	}
	return c.User.Scope(account.ManageTargets, httpx.ClientAddr(r))
}
