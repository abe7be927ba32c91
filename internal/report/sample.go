package report

import (
	"context"

	"ptdang/internal/exchange"
	"ptdang/internal/org"
	"ptdang/internal/pg"
)

// ImportSample is the sample file of a figures import for p: one row per cell in scope on p's
// last day (its code, name and the quarter), cells of one parent together in Vietnamese order,
// with the opening its report of the quarter before closed on (empty without one) and the other
// figures left to fill in. The rows are read from the database as the file is written
// (exchange.Sheet.Stream): a province's thousands of cells are never held at once. p must be
// valid.
func ImportSample(ctx context.Context, q pg.Querier, scope org.Scope, p Period) exchange.Sheet {
	last, prev := p.LastDay(), p.Previous()
	return exchange.Sheet{Table: FiguresTable, Stream: func(yield func([]any) error) error {
		// The subtrees of the scope's roots on the quarter's last day (every tree without roots).
		rows, err := q.Query(ctx, cellsQuery("CASE WHEN $4::bigint[] IS NULL THEN v.parent_id IS NULL ELSE v.unit_id = ANY($4) END", "u.code, v.name, r.closing"),
			last, prev.Year, prev.Quarter, scope.SQLRoots())
		if err != nil {
			return err
		}
		defer rows.Close()
		row := make([]any, 6) // code, name, year, quarter, submitted on (empty), opening
		row[2], row[3] = p.Year, p.Quarter
		for rows.Next() {
			var (
				code, name string
				opening    *int
			)
			if err := rows.Scan(&code, &name, &opening); err != nil {
				return err
			}
			row[0], row[1], row[4], row[5] = code, name, nil, nil
			if opening != nil {
				row[5] = *opening
			}
			if err := yield(row); err != nil {
				return err
			}
		}
		return rows.Err()
	}}
}
