package target_test

import (
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"ptdang/internal/pgtest"
	"ptdang/internal/target"
)

// race runs attempt pgtest.Racers times at once on a pool with a connection each, and fails t
// unless exactly one succeeded and the others are apperr.ErrConflict.
func race(t *testing.T, f fixture, attempt func(db *pgxpool.Pool, i int) error) {
	t.Helper()
	db := pgtest.RacePool(t, f.db)
	pgtest.OneWinner(t, pgtest.Race(func(i int) error { return attempt(db, i) }), nil)
}

func auditCount(t *testing.T, f fixture, entity string) int {
	t.Helper()
	return pgtest.Count(t, f.db, `SELECT count(*) FROM audit_log WHERE entity = $1`, entity)
}

func TestSimultaneousAllocationsFromOneVersionOneWins(t *testing.T) {
	f := newFixture(t)
	for _, from := range []int{0, 1} { // first targets, then a change of them
		race(t, f, func(db *pgxpool.Pool, i int) error {
			_, _, err := target.Allocate(t.Context(), db, f.provinceStaff, target.AllocationInput{Unit: f.province, Year: 2022,
				Children: []target.Entry{number(f.communeA, 700+10*from+i, from), number(f.communeB, 500+10*from+i, from)}}, spring2022)
			return err
		})
	}
	if n := auditCount(t, f, "admission_target"); n != 4 {
		t.Fatalf("%d target changes audited, want 2 creates and 2 updates", n)
	}
}

func TestSimultaneousSettingsSavesFromOneVersionOneWins(t *testing.T) {
	f := newFixture(t)
	for _, from := range []int{0, 1} {
		race(t, f, func(db *pgxpool.Pool, i int) error {
			th := target.DefaultThresholds
			th.Behind += float64(from*10 + i + 1)
			return target.SetSettings(t.Context(), db, f.provinceStaff, f.province, 2022, target.SettingsInput{Thresholds: th,
				Profile: target.DefaultProfile, Version: from})
		})
	}
	if n := auditCount(t, f, "target_setting"); n != 2 {
		t.Fatalf("%d settings changes audited, want 2", n)
	}
}
