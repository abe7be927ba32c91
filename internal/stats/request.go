package stats

import (
	"context"
	"errors"
	"strconv"
	"time"

	"ptdang/internal/apperr"
	"ptdang/internal/org"
	"ptdang/internal/pg"
)

// Query is what the statistics page's address asks for, as typed; any of it may be empty.
type Query struct {
	Unit   string // a Party unit id; the caller's own (home) when empty
	Form   string // a form's number (Forms); "1" when empty
	Year   string
	Period string // a Period's Kind ("h1", "year", "q1"…); with Year empty, the latest ended
}

// Chosen is the form q asks for, made on today (Make). A malformed year or period is
// *apperr.Invalid on "year" with a Vietnamese message; a form not made, a malformed unit, or a
// unit out of scope is apperr.ErrNotFound. Without a unit the form is home's (the caller's own).
func Chosen(ctx context.Context, q pg.Querier, scope org.Scope, query Query, today time.Time, home int64) (Form, error) {
	p := Latest(today)
	if query.Year != "" || query.Period != "" {
		year, err := strconv.Atoi(query.Year)
		var ok bool
		if p, ok = ParsePeriod(year, query.Period); err != nil || !ok {
			const msg = "Năm và kỳ báo cáo không hợp lệ: năm từ 2000 đến 2100; kỳ là 6 tháng đầu năm, cả năm hoặc một quý."
			inv := &apperr.Invalid{}
			inv.Add("year", msg)
			return Form{}, apperr.Refuse(inv, msg)
		}
	}
	if query.Form == "" {
		query.Form = "1"
	}
	if query.Year == "" && query.Period == "" && annual(query.Form) && p.Kind() != KindYear {
		p = Period{p.Year - 1, 1, 4} // the ratings are made at the end of the year: the last year ended
	}
	unit := home
	if query.Unit != "" {
		var err error
		if unit, err = strconv.ParseInt(query.Unit, 10, 64); err != nil {
			return Form{}, apperr.ErrNotFound
		}
	}
	return Make(ctx, q, scope, query.Form, unit, p, today)
}

// Units are the units the page's picker offers on f's day: home (the caller's own unit) and the
// committees under it; none when home did not exist then (the form's unit alone is shown). It
// returns only database errors and home's, and apperr.ErrNotFound for a home out of scope.
func Units(ctx context.Context, q pg.Querier, scope org.Scope, home int64, f Form) ([]org.PartyUnit, error) {
	own, err := org.GetPartyUnit(ctx, q, scope, home, f.AsOf)
	if errors.Is(err, apperr.ErrNotFound) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	children, err := org.PartyChildren(ctx, q, scope, home, f.AsOf)
	units := []org.PartyUnit{own}
	for _, u := range children {
		if !u.Kind.IsCell() {
			units = append(units, u)
		}
	}
	return units, err
}
