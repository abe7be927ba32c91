package register_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"ptdang/internal/gen/gentest"
	"ptdang/internal/org"
	"ptdang/internal/pgtest"
	"ptdang/internal/register"
)

// BenchmarkRegister measures a province's Việc cần làm and the pipeline board of the nation,
// the largest province and a commune on generated data (gentest.Data: a generated province by
// default, PTDANG_BENCH_SCALE=national or PTDANG_BENCH_DATABASE_URL for the nation):
// go test -run '^$' -bench Register -benchtime 10x ./internal/register/
func BenchmarkRegister(b *testing.B) {
	db := gentest.Data(b)
	ctx := b.Context()
	today := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	var province, commune int64
	err := db.QueryRow(ctx, `
		SELECT v.unit_id, (SELECT min(c.unit_id) FROM party_unit_version c WHERE c.parent_id = v.unit_id AND c.kind = 'commune_committee' AND c.valid_to IS NULL)
		FROM party_unit_version v
		WHERE v.kind = 'province_committee' AND v.valid_to IS NULL
		ORDER BY (SELECT count(*) FROM party_unit_version c WHERE c.parent_id = v.unit_id AND c.valid_to IS NULL) DESC
		LIMIT 1`).Scan(&province, &commune)
	if err != nil {
		b.Fatal(err)
	}
	var files, steps int
	if err := db.QueryRow(ctx, `SELECT (SELECT count(*) FROM candidate), (SELECT count(*) FROM candidate_step)`).Scan(&files, &steps); err != nil {
		b.Fatal(err)
	}
	tasks, err := register.Todo(ctx, db, org.Under(province), today, register.Page{})
	if err != nil {
		b.Fatal(err)
	}
	nation, err := register.Pipeline(ctx, db, org.Everything(), org.Nation, today)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%d files, %d steps; the largest province has %d tasks; the nation %d admitted in 2026 to %s, %d files overdue",
		files, steps, tasks.Total, nation.Total.ThisYear.Admitted, nation.FiguresOn.Format("02/01/2006"), nation.Total.Overdue)
	// The page the register shows first, and the whole list (as the daily reminders read it).
	for _, page := range []struct {
		name string
		register.Page
	}{{"todo/province-page", register.Page{Limit: 50}}, {"todo/province-all", register.Page{}}} {
		b.Run(page.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := register.Todo(b.Context(), db, org.Under(province), today, page.Page); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("list/province-page", func(b *testing.B) {
		for b.Loop() {
			if _, err := register.List(b.Context(), db, org.Under(province), today, "", register.Page{Limit: 50}); err != nil {
				b.Fatal(err)
			}
		}
	})
	// A file of a cell below the unit, changed (as recording a step changes it), then the board
	// from the cache: the rows above that cell are computed again, the others reused.
	changed := pgtest.Column[int64](b, db, `SELECT c.id FROM candidate c WHERE c.cell_id IN (
		SELECT unit_id FROM party_unit_version WHERE parent_id = $1 AND valid_to IS NULL) ORDER BY c.id LIMIT 100`, commune)
	cache := register.NewBoardCache(20000)
	for _, level := range []struct {
		name string
		unit int64
	}{{"nation", org.Nation}, {"province", province}, {"commune", commune}} {
		board := func(c *register.BoardCache) func(b *testing.B) {
			return func(b *testing.B) {
				for b.Loop() {
					if _, err := c.Pipeline(b.Context(), db, org.Everything(), level.unit, today); err != nil {
						b.Fatal(err)
					}
				}
			}
		}
		b.Run("pipeline/"+level.name+"/computed", board(nil))
		// A server's first view: every row computed, a province's added up from its children's.
		b.Run("pipeline/"+level.name+"/first-view", func(b *testing.B) {
			for b.Loop() {
				if _, err := register.NewBoardCache(20000).Pipeline(b.Context(), db, org.Everything(), level.unit, today); err != nil {
					b.Fatal(err)
				}
			}
		})
		if _, err := cache.Pipeline(ctx, db, org.Everything(), level.unit, today); err != nil {
			b.Fatal(err)
		}
		b.Run("pipeline/"+level.name+"/cached", board(cache))
		b.Run("pipeline/"+level.name+"/cached-after-a-file", func(b *testing.B) {
			for b.Loop() {
				if _, err := db.Exec(b.Context(), `UPDATE candidate SET full_name = full_name WHERE id = $1`, changed[rand.IntN(len(changed))]); err != nil {
					b.Fatal(err)
				}
				if _, err := cache.Pipeline(b.Context(), db, org.Everything(), level.unit, today); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
