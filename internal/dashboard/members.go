package dashboard

import (
	"context"
	"errors"
	"time"

	"ptdang/internal/apperr"
	"ptdang/internal/org"
	"ptdang/internal/pg"
	"ptdang/internal/quarter"
)

// ReportedMembers are the dashboard's members of a unit: the full members at the end of each
// cell's latest quarter reported in year, that of the last quarter ended on asOf, over its
// subtree; nil when the unit is not on q's database yet (a replica behind) or not alive on asOf.
func (c *Cache) ReportedMembers(ctx context.Context, q pg.Querier, scope org.Scope, unit int64, asOf time.Time) (year int, members *int, err error) {
	year = quarter.LastEnded(asOf).Year
	row, err := c.UnitRow(ctx, q, scope, unit, year, asOf)
	if errors.Is(err, apperr.ErrNotFound) {
		return year, nil, nil
	} else if err != nil {
		return year, nil, err
	}
	n := row.Stock["full_members"]
	return year, &n, nil
}
