package server

import (
	"net/http"
	"strconv"
	"strings"

	"ptdang/internal/account"
	"ptdang/internal/apperr"
	"ptdang/internal/httpx"
	"ptdang/internal/org"
	"ptdang/internal/target"
	"ptdang/web"
)

// targetUnitYear reads the unit and year parameters. A missing year is the current one; a
// missing unit is target.TopUnit, unless required. A malformed or out-of-range value is
// apperr.ErrNotFound; on a page (lenient) a malformed year is the current one.
func (s *Server) targetUnitYear(r *http.Request, scope org.Scope, required, lenient bool) (int64, int, error) {
	year := s.today().Year()
	if t := strings.TrimSpace(r.FormValue("year")); t != "" {
		y, err := strconv.Atoi(strings.ReplaceAll(t, ".", ""))
		switch {
		case err == nil && target.ValidYear(y):
			year = y
		case !lenient:
			return 0, 0, apperr.ErrNotFound
		}
	}
	if t := strings.TrimSpace(r.FormValue("unit")); t != "" {
		id, err := strconv.ParseInt(t, 10, 64)
		if err != nil || id <= 0 {
			return 0, 0, apperr.ErrNotFound
		}
		return id, year, nil
	}
	if required {
		return 0, 0, apperr.ErrNotFound
	}
	unit, err := target.TopUnit(r.Context(), s.DB, scope, year)
	return unit, year, err
}

var targetHref = web.TargetHref

// manageScope is where c may set targets; empty when c may not set any.
func manageScope(r *http.Request, c caller) org.Scope {
	if !c.Can(account.ManageTargets) {
		return org.Under()
	}
	return c.User.Scope(account.ManageTargets, httpx.ClientAddr(r))
}
