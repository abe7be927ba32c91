package quality_test

import (
	"strings"
	"testing"

	"ptdang/internal/pgtest"
	"ptdang/internal/quality"
)

func TestSimultaneousFirstImportsOfARatingOneWrites(t *testing.T) {
	f := newFixture(t)
	db := pgtest.RacePool(t, f.db)
	file := ratingsFile(row("TU.X1.A2", "2024", "3", "12", "4", "", "", "", "Hoàn thành tốt nhiệm vụ"))
	results := make([]quality.ImportResult, pgtest.Racers)
	errs := pgtest.Race(func(i int) (err error) {
		results[i], err = quality.Import(t.Context(), db, f.staff, strings.NewReader(file), "xep-loai.csv", false)
		return err
	})
	created := 0
	for i, res := range results {
		switch {
		case errs[i] != nil:
			t.Errorf("import %d: %v", i, errs[i])
		case len(res.Problems) == 0 && res.Created == 1:
			created++
		case len(res.Problems) == 0 && res.Unchanged == 1:
			// It started after the winner committed, and found the same rating stored.
		case !strings.Contains(res.Problems.Error(), "vừa được người khác nhập cùng lúc"):
			t.Errorf("import %d: %+v, want it created, found unchanged, or told another import stored the rating", i, res)
		}
	}
	if created != 1 {
		t.Fatalf("%d of %d simultaneous imports created the rating, want 1", created, pgtest.Racers)
	}
	var rows, audited int
	if err := f.db.QueryRow(t.Context(), `SELECT (SELECT count(*) FROM quality_rating), (SELECT count(*) FROM audit_log WHERE entity = 'quality_rating')`).Scan(&rows, &audited); err != nil || rows != 1 || audited != 1 {
		t.Fatalf("%d ratings and %d audit entries, want 1 and 1 (%v)", rows, audited, err)
	}
}
