package report_test

import (
	"context"
	"strings"
	"testing"

	"ptdang/internal/audit"
	"ptdang/internal/org"
	"ptdang/internal/pgtest"
	"ptdang/internal/report"
)

// revisions counts the report's history entries by action.
func revisions(t *testing.T, f fixture, p report.Period) map[string]int {
	t.Helper()
	revs, err := report.Revisions(context.Background(), f.db, f.communeStaff, f.cell, p)
	if err != nil {
		t.Fatal(err)
	}
	n := map[string]int{}
	for _, r := range revs {
		n[r.Action]++
	}
	return n
}

func TestSimultaneousFirstSavesOneWinsTheOthersConflict(t *testing.T) {
	f, db := newRaceFixture(t)
	errs := pgtest.Race(func(i int) error {
		figs := quarterFigures(20)
		figs["women"] = i
		_, err := report.SaveDraft(t.Context(), db, f.secretary, f.cell, q2, report.Entry{Figures: figs}, day("2022-07-02"))
		return err
	})
	winner := pgtest.OneWinner(t, errs, nil)
	got, err := report.Get(t.Context(), f.db, f.secretary, f.cell, q2)
	if err != nil || got.Version != 1 || got.Figures["women"] != winner {
		t.Fatalf("stored: version %d, women %d, want version 1 with the winner's %d (%v)", got.Version, got.Figures["women"], winner, err)
	}
	if n := revisions(t, f, q2); n["save"] != 1 || len(n) != 1 {
		t.Fatalf("history %v, want one save", n)
	}
}

func TestSimultaneousSavesOfADraftOneWinsTheOthersConflict(t *testing.T) {
	f, db := newRaceFixture(t)
	first := f.draft(t)
	errs := pgtest.Race(func(i int) error {
		figs := quarterFigures(20)
		figs["women"] = 100 + i
		_, err := report.SaveDraft(t.Context(), db, f.communeStaff, f.cell, q2, report.Entry{Version: first.Version, Figures: figs, OnBehalf: true}, day("2022-07-02"))
		return err
	})
	winner := pgtest.OneWinner(t, errs, nil)
	got, _ := report.Get(t.Context(), f.db, f.secretary, f.cell, q2)
	if got.Version != first.Version+1 || got.Figures["women"] != 100+winner {
		t.Fatalf("stored: version %d, women %d, want version %d with the winner's %d", got.Version, got.Figures["women"], first.Version+1, 100+winner)
	}
	if n := revisions(t, f, q2); n["save"] != 2 || len(n) != 1 {
		t.Fatalf("history %v, want two saves", n)
	}
}

func TestSimultaneousSubmitsRecordOneSubmission(t *testing.T) {
	f, db := newRaceFixture(t)
	draft := f.draft(t)
	pgtest.OneWinner(t, pgtest.Race(func(int) error {
		_, err := report.Submit(t.Context(), db, f.secretary, f.cell, q2, report.Entry{Version: draft.Version, Figures: quarterFigures(20)}, day("2022-07-05"))
		return err
	}), nil)
	got, _ := report.Get(t.Context(), f.db, f.secretary, f.cell, q2)
	if got.State != report.Submitted || got.Version != draft.Version+1 {
		t.Fatalf("stored: %s version %d", got.State, got.Version)
	}
	if n := revisions(t, f, q2); n["submit"] != 1 {
		t.Fatalf("history %v, want exactly one submission", n)
	}
}

func TestApproveAndReturnAtOnceExactlyOneApplies(t *testing.T) {
	f, db := newRaceFixture(t)
	sub, err := report.Submit(t.Context(), f.db, f.secretary, f.cell, q2, report.Entry{Figures: quarterFigures(20)}, day("2022-07-05"))
	if err != nil {
		t.Fatal(err)
	}
	winner := pgtest.OneWinner(t, pgtest.Race(func(i int) error {
		var err error
		if i%2 == 0 {
			_, err = report.Approve(t.Context(), db, f.communeStaff, f.cell, q2, sub.Version)
		} else {
			_, err = report.Return(t.Context(), db, f.communeStaff, f.cell, q2, sub.Version, "Số nữ chưa đúng")
		}
		return err
	}), nil)
	var (
		state    report.State
		reason   string
		approved bool
		version  int
	)
	if err := f.db.QueryRow(t.Context(), `SELECT state, returned_reason, approved_at IS NOT NULL, version FROM quarterly_report WHERE cell_id = $1`, f.cell).
		Scan(&state, &reason, &approved, &version); err != nil {
		t.Fatal(err)
	}
	want := report.Approved
	if winner%2 == 1 {
		want = report.Returned
	}
	if state != want || version != sub.Version+1 || (state == report.Approved) != approved || (state == report.Returned) != (reason != "") {
		t.Fatalf("winner %d: stored %s, version %d, reason %q, approved_at set %v", winner, state, version, reason, approved)
	}
	if n := revisions(t, f, q2); n["approve"]+n["return"] != 1 {
		t.Fatalf("history %v, want one approval or one return", n)
	}
}

func TestSimultaneousSettingsSavesOneWinsTheOthersConflict(t *testing.T) {
	f, db := newRaceFixture(t)
	staff := org.Under(f.province).As(audit.Actor{Login: "tinh"})
	for _, from := range []int{0, 1} { // the first save (no row yet), then a change of the saved row
		pgtest.OneWinner(t, pgtest.Race(func(i int) error {
			return report.SaveSettings(t.Context(), db, staff, f.province, report.Settings{DeadlineDays: 5 + i, GraceDays: 10, Version: from}, day("2023-01-01"))
		}), nil)
		got, err := report.GetSettings(t.Context(), f.db, staff, f.province, day("2023-01-01"))
		if err != nil || got.Version != from+1 {
			t.Fatalf("after racing from version %d: %+v %v", from, got, err)
		}
	}
	var audited int
	if err := f.db.QueryRow(t.Context(), `SELECT count(*) FROM audit_log WHERE action = 'report_settings'`).Scan(&audited); err != nil || audited != 2 {
		t.Fatalf("%d settings changes audited, want 2 (%v)", audited, err)
	}
}

// An extension carries no version: simultaneous grants all apply, one after the other, and the
// audit log names, for each, the day it replaced, so no grant is lost from the record.
func TestSimultaneousExtensionsEachRecordWhatTheyReplaced(t *testing.T) {
	f, db := newRaceFixture(t)
	staff := org.Under(f.province).As(audit.Actor{Login: "tinh"})
	errs := pgtest.Race(func(i int) error {
		return report.GrantException(t.Context(), db, staff, "X.A1", q2, day("2022-11-01").AddDate(0, 0, i))
	})
	for i, err := range errs {
		if err != nil {
			t.Fatalf("grant %d: %v", i, err)
		}
	}
	rows, err := f.db.Query(t.Context(), `SELECT old_value->>'until', new_value->>'until' FROM audit_log WHERE action = 'report_exception' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	var chain [][2]*string
	for rows.Next() {
		var old, nw *string
		if err := rows.Scan(&old, &nw); err != nil {
			t.Fatal(err)
		}
		chain = append(chain, [2]*string{old, nw})
	}
	if err := rows.Err(); err != nil || len(chain) != pgtest.Racers {
		t.Fatalf("%d grants audited, want %d (%v)", len(chain), pgtest.Racers, err)
	}
	if chain[0][0] != nil {
		t.Fatalf("the first grant replaced %s, want nothing", *chain[0][0])
	}
	for i := 1; i < len(chain); i++ {
		if chain[i][0] == nil || *chain[i][0] != *chain[i-1][1] {
			t.Fatalf("grant %d replaced %v, want the day grant %d set (%s)", i, chain[i][0], i-1, *chain[i-1][1])
		}
	}
	var stored string
	if err := f.db.QueryRow(t.Context(), `SELECT to_char(until, 'YYYY-MM-DD') FROM report_exception WHERE cell_id = $1`, f.cell).Scan(&stored); err != nil || !strings.HasPrefix(*chain[len(chain)-1][1], stored) {
		t.Fatalf("stored %s, want the last grant's %s (%v)", stored, *chain[len(chain)-1][1], err)
	}
}
