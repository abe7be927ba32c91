package register_test

import (
	"testing"
	"time"

	"ptdang/internal/gen/gentest"
	"ptdang/internal/org"
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
	tasks, err := register.Todo(ctx, db, org.Under(province), today)
	if err != nil {
		b.Fatal(err)
	}
	nation, err := register.Pipeline(ctx, db, org.Everything(), org.Nation, today)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%d files, %d steps; the largest province has %d tasks; the nation %d admitted in 2026 to %s, %d files overdue",
		files, steps, len(tasks), nation.Total.ThisYear.Admitted, nation.FiguresOn.Format("02/01/2006"), nation.Total.Overdue)
	b.Run("todo/province", func(b *testing.B) {
		for b.Loop() {
			if _, err := register.Todo(b.Context(), db, org.Under(province), today); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, level := range []struct {
		name string
		unit int64
	}{{"nation", org.Nation}, {"province", province}, {"commune", commune}} {
		b.Run("pipeline/"+level.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := register.Pipeline(b.Context(), db, org.Everything(), level.unit, today); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
