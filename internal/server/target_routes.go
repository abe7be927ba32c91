package server

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"ptdang/internal/account"
	"ptdang/internal/apperr"
	"ptdang/internal/org"
)

// targetUnitYear reads the unit and year parameters. A missing year is the current one; a
// missing unit is the first unit the scope is granted on, unless required. A malformed or
// out-of-range value is apperr.ErrNotFound; on a page (lenient) a malformed year is the
// current one.
func (s *Server) targetUnitYear(r *http.Request, scope org.Scope, required, lenient bool) (int64, int, error) {
	year := s.today().Year()
	if t := strings.TrimSpace(r.FormValue("year")); t != "" {
		y, err := strconv.Atoi(strings.ReplaceAll(t, ".", ""))
		switch {
		case err == nil && y >= 2000 && y <= 2100:
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
	tops, err := org.PartyChildren(r.Context(), s.DB, scope, 0, time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		return 0, 0, err
	}
	if len(tops) == 0 {
		return 0, 0, apperr.ErrNotFound
	}
	return tops[0].ID, year, nil
}

// targetHref is the address of a target page of unit for year.
func targetHref(path string, unit int64, year int) string {
	return path + "?unit=" + strconv.FormatInt(unit, 10) + "&year=" + strconv.Itoa(year)
}

// manageScope is where c may set targets; empty when c may not set any.
func manageScope(r *http.Request, c caller) org.Scope {
	if !c.Can(account.ManageTargets) {
		return org.Under()
	}
	return c.User.Scope(account.ManageTargets, clientAddr(r))
}

// wholeNumber reads a whole number typed with or without thousands dots or spaces.
func wholeNumber(text string) (int, bool) {
	t := strings.Map(func(r rune) rune {
		if r == '.' || r == ' ' || r == '\u00a0' || r == '\u202f' {
			return -1
		}
		return r
	}, strings.TrimSpace(text))
	if t == "" || len(t) > 9 {
		return 0, false
	}
	n, err := strconv.Atoi(t)
	return n, err == nil && n >= 0
}

// decimalText writes a number of points or percent without needless decimals: 5, 2,5.
func decimalText(x float64) string {
	return strings.Replace(strconv.FormatFloat(x, 'f', -1, 64), ".", ",", 1)
}

// parseDecimal reads "5", "2,5" or "2.5".
func parseDecimal(text string) (float64, bool) {
	t := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(text), "%"))
	x, err := strconv.ParseFloat(strings.Replace(t, ",", ".", 1), 64)
	return x, err == nil && t != ""
}
