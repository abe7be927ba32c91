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

var targetHref = web.TargetHref

// manageScope is where c may set targets; empty when c may not set any.
func manageScope(r *http.Request, c caller) org.Scope {
	if !c.Can(account.ManageTargets) {
		return org.Under()
	}
	return c.User.Scope(account.ManageTargets, httpx.ClientAddr(r))
}
