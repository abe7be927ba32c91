package dashboard

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"ptdang/internal/gen/gentest"
	"ptdang/internal/org"
	"ptdang/internal/quality"
	"ptdang/internal/report"
)

// benchAsOf is the day the benchmarks look from: after the last quarter generated.
var benchAsOf = time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)

// BenchmarkDashboard measures the dashboard of the nation and of its largest province, whole
// and query by query: `make bench`, or
// go test -run '^$' -bench Dashboard -benchtime 20x ./internal/dashboard/
func BenchmarkDashboard(b *testing.B) {
	db := gentest.Data(b)
	ctx := b.Context()
	var province int64
	err := db.QueryRow(ctx, `
		SELECT v.unit_id FROM party_unit_version v
		WHERE v.kind = 'province_committee' AND v.valid_to IS NULL
		ORDER BY (SELECT count(*) FROM party_unit_version c WHERE c.parent_id = v.unit_id AND c.valid_to IS NULL) DESC
		LIMIT 1`).Scan(&province)
	if err != nil {
		b.Fatal(err)
	}
	var commune int64
	err = db.QueryRow(ctx, `SELECT unit_id FROM party_unit_version WHERE parent_id = $1 AND kind = 'commune_committee'
		AND valid_to IS NULL ORDER BY unit_id LIMIT 1`, province).Scan(&commune)
	if err != nil {
		b.Fatal(err)
	}
	all := org.Everything()
	for _, level := range []struct {
		name string
		unit int64
	}{{"nation", org.Nation}, {"province", province}, {"commune", commune}} {
		d, err := Build(ctx, db, all, level.unit, 2026, benchAsOf)
		if err != nil {
			b.Fatal(err)
		}
		ids := make([]int64, len(d.Rows))
		rows := map[int64]*Row{}
		for i := range d.Rows {
			ids[i], rows[d.Rows[i].UnitID] = d.Rows[i].UnitID, &d.Rows[i]
		}
		cache := NewCache(20000)
		var cells []int64
		rows2, err := db.Query(ctx, `SELECT r.cell_id FROM quarterly_report r WHERE r.year = 2026 AND r.quarter = 2
			AND ($1 = 0 OR $1 IN (SELECT dashboard_units_above(r.cell_id))) LIMIT 2000`, level.unit)
		if err != nil {
			b.Fatal(err)
		}
		if cells, err = pgx.CollectRows(rows2, pgx.RowTo[int64]); err != nil {
			b.Fatal(err)
		}
		b.Logf("%s: %d rows, %d cells, %d hamlets, %d admitted", level.name, len(d.Rows), d.Total.CellsExpected, d.Total.Hamlets, d.Total.Admitted)
		parts := []struct {
			name string
			run  func(context.Context) error
		}{
			{"build", func(ctx context.Context) error {
				_, err := Build(ctx, db, all, level.unit, 2026, benchAsOf)
				return err
			}},
			{"coverage", func(ctx context.Context) error { return coverage(ctx, db, ids, benchAsOf, rows) }},
			{"figures", func(ctx context.Context) error { return figures(ctx, db, ids, 2026, 3, benchAsOf, rows) }},
			{"reporting", func(ctx context.Context) error {
				return reporting(ctx, db, ids, report.Period{Year: 2026, Quarter: 3}, benchAsOf, rows)
			}},
			{"congresses", func(ctx context.Context) error { return congresses(ctx, db, ids, 2026, benchAsOf, rows) }},
			{"quality", func(ctx context.Context) error {
				_, err := quality.Summarise(ctx, db, all, ids, 2025, benchAsOf)
				return err
			}},
			{"targets", func(ctx context.Context) error {
				_, err := paceOf(ctx, db, &d)
				return err
			}},
			{"cached", func(ctx context.Context) error {
				_, err := cache.Build(ctx, db, all, level.unit, 2026, benchAsOf)
				return err
			}},
			// A report approved somewhere below, then the dashboard: the rows above the cell
			// are computed again, the others reused.
			{"cached-after-report", func(ctx context.Context) error {
				cell := cells[rand.IntN(len(cells))]
				if _, err := db.Exec(ctx, `UPDATE quarterly_report SET thematic_meetings = thematic_meetings + 1
					WHERE cell_id = $1 AND year = 2026 AND quarter = 2`, cell); err != nil {
					return err
				}
				_, err := cache.Build(ctx, db, all, level.unit, 2026, benchAsOf)
				return err
			}},
		}
		if _, err := cache.Build(ctx, db, all, level.unit, 2026, benchAsOf); err != nil {
			b.Fatal(err)
		}
		for _, p := range parts {
			b.Run(level.name+"/"+p.name, func(b *testing.B) {
				for b.Loop() {
					if err := p.run(b.Context()); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
