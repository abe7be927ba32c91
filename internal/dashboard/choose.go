package dashboard

import (
	"context"
	"strconv"
	"time"

	"ptdang/internal/apperr"
	"ptdang/internal/format"
	"ptdang/internal/org"
	"ptdang/internal/pg"
)

// Query is what a dashboard's address asks for, as typed; any of it may be empty.
type Query struct {
	Unit string // a unit id; "0" is the nation (org.Nation)
	Year string
	Date string // the as-of date
}

// Choose is the unit, year and as-of date of the dashboard q asks for on today. The date
// defaults to today and the year to the date's; a year without a date (or not the date's) is
// read to its last day, or to today in the current year. Without a unit: home's for a caller
// who sees part of the tree; for one who sees everything the nation, unless the tree has a
// single top. A malformed unit is apperr.ErrNotFound.
func Choose(ctx context.Context, db pg.Querier, scope org.Scope, q Query, today time.Time,
	home func() (int64, error)) (unit int64, year int, asOf time.Time, err error) {
	asOf = today
	if d, err := format.ParseDate(q.Date); err == nil {
		asOf = d
	}
	year = asOf.Year()
	if y, err := strconv.Atoi(q.Year); err == nil && y >= 2000 && y <= 2100 {
		year = y
		if q.Date == "" || asOf.Year() != y {
			if asOf = time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC); today.Before(asOf) {
				asOf = today
			}
		}
	}
	switch {
	case q.Unit != "":
		if unit, err = strconv.ParseInt(q.Unit, 10, 64); err != nil {
			err = apperr.ErrNotFound
		}
		return unit, year, asOf, err
	case !scope.All():
		unit, err = home()
		return unit, year, asOf, err
	}
	tops, err := org.PartyChildren(ctx, db, scope, 0, asOf)
	switch {
	case err != nil:
		return 0, 0, asOf, err
	case len(tops) == 0:
		return 0, 0, asOf, apperr.ErrNotFound
	case len(tops) > 1:
		return org.Nation, year, asOf, nil
	}
	return tops[0].ID, year, asOf, nil
}
