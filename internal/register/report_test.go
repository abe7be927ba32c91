package register_test

import (
	"errors"
	"testing"

	"ptdang/internal/apperr"
	"ptdang/internal/register"
)

func TestPeopleBehindAFigureAreScopedAndTheReadAudited(t *testing.T) {
	f := newFixture(t)
	id := f.file(t, "1995-05-01")
	f.must(t, id, register.Step{Kind: register.Outstanding, On: day("2026-02-01"), Document: "02-NQ/CB"})
	from, to := day("2026-01-01"), day("2026-03-31")
	rows, err := register.People(t.Context(), f.db, f.secretary, f.cell, "outstanding", from, to, today)
	if err != nil || len(rows) != 1 || rows[0].ID != id {
		t.Fatalf("the people introduced: %v, %v", rows, err)
	}
	var reads int
	if err := f.db.QueryRow(t.Context(), `SELECT count(*) FROM audit_log WHERE action = 'read' AND actor_login = 'bithu'
		AND new_value->'files' @> to_jsonb(ARRAY[$1::bigint])`, id).Scan(&reads); err != nil || reads != 1 {
		t.Fatalf("audited reads: %d, %v", reads, err)
	}
	if _, err := register.People(t.Context(), f.db, f.otherCommune, f.cell, "outstanding", from, to, today); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("another commune's staff: %v", err)
	}
	if _, err := register.People(t.Context(), f.db, f.secretary, f.cell, "opening", from, to, today); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("a figure the register does not give: %v", err)
	}
}
