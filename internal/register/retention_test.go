package register_test

import (
	"errors"
	"strings"
	"testing"

	"ptdang/internal/apperr"
	"ptdang/internal/audit"
	"ptdang/internal/pgtest"
	"ptdang/internal/register"
)

// province is the fixture's province committee.
func (f fixture) provinceID(t *testing.T) int64 {
	t.Helper()
	return pgtest.Column[int64](t, f.db, `SELECT party_province_of($1, '2026-01-01')`, f.cell)[0]
}

func (f fixture) purge(t *testing.T, d string) int {
	t.Helper()
	n, err := register.Purge(t.Context(), f.db, audit.Actor{Login: "cli:test"}, day(d))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestRemovedFilesArePurgedAfterTheProvincesRetentionWithAnAuditEntry(t *testing.T) {
	f := newFixture(t)
	withdrawn := f.file(t, "1995-05-01")
	f.must(t, withdrawn, register.Step{Kind: register.Outstanding, On: day("2021-06-01"), Document: "NQ"},
		sponsors("2021-06-02", member("Trần Văn A", "2010-01-01", "2010-01-01"), member("Lê Văn B", "2010-01-01", "2010-01-01")),
		register.Step{Kind: register.Withdrawn, On: day("2021-06-03")})
	open := f.file(t, "1995-05-01")
	f.must(t, open, register.Step{Kind: register.Outstanding, On: day("2021-06-01"), Document: "NQ"})
	recognised := f.admitted(t, "2019-01-10", "2019-03-01", "2019-04-01", "2019-05-02")
	f.must(t, recognised, vote(register.RecognitionVote, "2020-05-04", 9, 9), doc(register.RecognitionDecision, "2020-05-20"))

	if n := f.purge(t, "2026-06-02"); n != 0 {
		t.Fatalf("purged %d a day before 5 years, want 0", n)
	}
	if n := f.purge(t, "2026-06-03"); n != 1 {
		t.Fatalf("purged %d after 5 years, want 1", n)
	}
	for _, table := range []string{"candidate WHERE id = $1", "candidate_step WHERE candidate_id = $1",
		"candidate_sponsor s JOIN candidate_step c ON c.id = s.step_id WHERE c.candidate_id = $1"} {
		if n := pgtest.Count(t, f.db, `SELECT count(*) FROM `+table, withdrawn); n != 0 {
			t.Fatalf("%d rows left in %s", n, table)
		}
	}
	if n := pgtest.Count(t, f.db, `SELECT count(*) FROM candidate WHERE id IN ($1, $2)`, open, recognised); n != 2 {
		t.Fatalf("%d of the open and recognised files left, want 2", n)
	}
	entry := pgtest.Column[string](t, f.db, `SELECT concat_ws(' ', label, old_value, new_value) FROM audit_log
		WHERE action = 'purge' AND entity_id = $1`, withdrawn)
	if len(entry) != 1 || !strings.Contains(entry[0], `"closed": "withdrawn 2021-06-03"`) || strings.Contains(entry[0], "Nguyễn") {
		t.Fatalf("purge audited as %v, want one entry with its dates and no name", entry)
	}
	if n := f.purge(t, "2026-06-03"); n != 0 {
		t.Fatalf("purged %d again", n)
	}
}

func TestAProvinceSetsItsRetentionAndClosedFilesAreReadOnly(t *testing.T) {
	f := newFixture(t)
	province := f.provinceID(t)
	id := f.file(t, "1995-05-01")
	f.must(t, id, register.Step{Kind: register.Withdrawn, On: day("2021-06-03")})
	if err := f.reg.Update(t.Context(), f.db, f.commune, id, 2, person("1995-05-01"), today); apperr.Field(err, "name") == "" {
		t.Fatalf("edit of a closed file: got %v, want refused", err)
	}
	if err := register.SetRetention(t.Context(), f.db, f.commune, province, 0, 7, today); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("a commune sets the province's retention: %v", err)
	}
	if err := register.SetRetention(t.Context(), f.db, f.province, province, 0, 0, today); apperr.Field(err, "years") == "" {
		t.Fatalf("0 years: got %v", err)
	}
	db := pgtest.RacePool(t, f.db)
	errs := pgtest.Race(func(i int) error {
		return register.SetRetention(t.Context(), db, f.province, province, 0, 7+i, today)
	})
	winner := pgtest.OneWinner(t, errs, nil)
	got, err := register.RetentionOf(t.Context(), f.db, f.province, province, today)
	if err != nil || got.Years != 7+winner || got.Version != 1 {
		t.Fatalf("retention %+v (%v), want %d years at version 1", got, err, 7+winner)
	}
	if n := pgtest.Count(t, f.db, `SELECT count(*) FROM audit_log WHERE entity = 'register_retention'`); n != 1 {
		t.Fatalf("%d changes audited, want 1", n)
	}
	if err := register.SetRetention(t.Context(), f.db, f.province, province, 1, 7, today); err != nil {
		t.Fatal(err)
	}
	if n := f.purge(t, "2028-06-02"); n != 0 {
		t.Fatalf("purged %d before 7 years, want 0", n)
	}
	if n := f.purge(t, "2028-06-03"); n != 1 {
		t.Fatalf("purged %d after 7 years, want 1", n)
	}
}

func TestSimultaneousPurgesPurgeEachFileOnce(t *testing.T) {
	f := newFixture(t)
	for range 3 {
		id := f.file(t, "1995-05-01")
		f.must(t, id, register.Step{Kind: register.Withdrawn, On: day("2020-01-02")})
	}
	db := pgtest.RacePool(t, f.db)
	errs := pgtest.Race(func(int) error {
		_, err := register.Purge(t.Context(), db, audit.Actor{}, day("2026-01-02"))
		return err
	})
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := pgtest.Count(t, f.db, `SELECT count(*) FROM audit_log WHERE action = 'purge'`); n != 3 {
		t.Fatalf("%d purges audited, want one per file: 3", n)
	}
	if n := pgtest.Count(t, f.db, `SELECT count(*) FROM candidate`); n != 0 {
		t.Fatalf("%d files left", n)
	}
}
