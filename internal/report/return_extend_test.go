package report_test

import (
	"errors"
	"testing"
	"time"

	"ptdang/internal/account"
	"ptdang/internal/apperr"
	"ptdang/internal/audit"
	"ptdang/internal/org"
	"ptdang/internal/pgtest"
	"ptdang/internal/report"
)

// lockedSubmission is the fixture's Q2/2022 report, sent on time on 05/07/2022; the period
// locked on 31/07 (the defaults), and the province's staff look at it on 15/08.
func lockedSubmission(t *testing.T) (fixture, report.Report, org.Scope, account.User, time.Time) {
	t.Helper()
	f := newFixture(t)
	sub, err := report.Submit(t.Context(), f.db, f.secretary, f.cell, q2, report.Entry{Figures: quarterFigures(20)}, day("2022-07-05"))
	if err != nil {
		t.Fatal(err)
	}
	staff := org.Under(f.province).As(audit.Actor{Login: "tinh"})
	province := account.User{Grants: []account.Grant{{Role: account.ProvinceStaff, UnitID: f.province}}}
	return f, sub, staff, province, day("2022-08-15")
}

// audited counts the audit log's entries by action.
func audited(t *testing.T, f fixture) map[string]int {
	t.Helper()
	rows, err := f.db.Query(t.Context(), `SELECT action, count(*) FROM audit_log GROUP BY action`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := map[string]int{}
	for rows.Next() {
		var action string
		var c int
		if err := rows.Scan(&action, &c); err != nil {
			t.Fatal(err)
		}
		n[action] = c
	}
	return n
}

func TestReturningALockedReportWithAnExtensionDoesBothOrNeither(t *testing.T) {
	f, sub, staff, province, today := lockedSubmission(t)
	ctx := t.Context()
	before := audited(t, f)
	stillSubmitted := func(what string) {
		t.Helper()
		r, err := report.Get(ctx, f.db, staff, f.cell, q2)
		if err != nil || r.State != report.Submitted || r.Version != sub.Version || !r.Locked(today) {
			t.Fatalf("%s: the report is %s v%d, locked %v, want it still sent and locked (%v)", what, r.State, r.Version, r.Locked(today), err)
		}
		if got := audited(t, f); got["report_return"] != before["report_return"] || got["report_exception"] != before["report_exception"] {
			t.Fatalf("%s: audit log %v, want nothing new", what, got)
		}
	}

	// A day the cell could not use: nothing happens, not even the return.
	for _, c := range []struct {
		name  string
		until time.Time
	}{
		{"no day", time.Time{}},
		{"a day already past", day("2022-08-14")},
		{"more than a year ahead", today.AddDate(1, 0, 1)},
	} {
		_, err := report.ReturnAndExtend(ctx, f.db, staff, province, f.cell, q2, sub.Version, "Sai số nữ", c.until, today)
		if apperr.Field(err, "until") == "" {
			t.Errorf("%s: %v, want a message on the day", c.name, err)
		}
		stillSubmitted(c.name)
	}
	// Both fields are named at once.
	_, err := report.ReturnAndExtend(ctx, f.db, staff, province, f.cell, q2, sub.Version, " ", day("2022-08-01"), today)
	if apperr.Field(err, "until") == "" || apperr.Field(err, "reason") == "" {
		t.Errorf("no reason and a past day: %v, want both named", err)
	}
	stillSubmitted("no reason")

	// The commune reviews the report but gives no extensions: it is told who does.
	commune := account.User{Grants: []account.Grant{{Role: account.CommuneStaff, UnitID: f.commune}}}
	_, err = report.ReturnAndExtend(ctx, f.db, f.communeStaff, commune, f.cell, q2, sub.Version, "Sai số nữ", day("2022-08-22"), today)
	if !errors.Is(err, apperr.ErrForbidden) || apperr.Message(err) == "" {
		t.Fatalf("the commune extending: %v, want a refusal naming who extends", err)
	}
	stillSubmitted("the commune")

	r, err := report.ReturnAndExtend(ctx, f.db, staff, province, f.cell, q2, sub.Version, "Sai số nữ", day("2022-08-22"), today)
	if err != nil || r.State != report.Returned || r.ReturnedReason != "Sai số nữ" || !r.LocksOn.Equal(day("2022-08-23")) {
		t.Fatalf("returned with an extension to 22/08: %s %q, locks on %s (%v)", r.State, r.ReturnedReason, r.LocksOn, err)
	}
	if got := audited(t, f); got["report_return"] != before["report_return"]+1 || got["report_exception"] != before["report_exception"]+1 {
		t.Fatalf("audit log %v, want one return and one extension more than %v", got, before)
	}
	// The cell can fix it now.
	figs := quarterFigures(20)
	figs["women"] = 7
	if _, err := report.Submit(ctx, f.db, f.secretary, f.cell, q2, report.Entry{Version: r.Version, Figures: figs}, today); err != nil {
		t.Fatalf("the cell sending its fix during the extension: %v", err)
	}
}

func TestSimultaneousReturnsWithAnExtensionOneWins(t *testing.T) {
	f, sub, staff, province, today := lockedSubmission(t)
	db := pgtest.RacePool(t, f.db)
	winner := pgtest.OneWinner(t, pgtest.Race(func(i int) error {
		_, err := report.ReturnAndExtend(t.Context(), db, staff, province, f.cell, q2, sub.Version, "Lần "+string(rune('A'+i)), today.AddDate(0, 0, 1+i), today)
		return err
	}), nil)
	r, err := report.Get(t.Context(), f.db, staff, f.cell, q2)
	if err != nil || r.State != report.Returned || r.Version != sub.Version+1 || r.ReturnedReason != "Lần "+string(rune('A'+winner)) ||
		!r.LocksOn.Equal(today.AddDate(0, 0, 2+winner)) {
		t.Fatalf("stored %s v%d %q locks on %s, want the winner %d's return and extension (%v)", r.State, r.Version, r.ReturnedReason, r.LocksOn, winner, err)
	}
	if got := audited(t, f); got["report_return"] != 1 || got["report_exception"] != 1 {
		t.Fatalf("audit log %v, want one return and one extension", got)
	}
}
