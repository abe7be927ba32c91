package report_test

import (
	"errors"
	"testing"
	"time"

	"ptdang/internal/account"
	"ptdang/internal/apperr"
	"ptdang/internal/report"
)

// secretaryOf is a user who is the secretary of cell.
func secretaryOf(cell int64) account.User {
	return account.User{Grants: []account.Grant{{Role: account.CellSecretary, UnitID: cell}}}
}

func TestOnlyTheCellsOwnSecretaryEntersNotOnItsBehalf(t *testing.T) {
	const cell, other, commune = 7, 8, 3
	staff := account.User{Grants: []account.Grant{{Role: account.CommuneStaff, UnitID: commune}}}
	both := account.User{Grants: []account.Grant{{Role: account.CommuneStaff, UnitID: commune}, {Role: account.CellSecretary, UnitID: cell}}}
	for _, c := range []struct {
		name string
		u    account.User
		own  bool
	}{
		{"the cell's secretary", secretaryOf(cell), true},
		{"another cell's secretary", secretaryOf(other), false},
		{"the commune's staff", staff, false},
		{"commune staff who is also the cell's secretary", both, true},
		{"a secretary role with no unit", secretaryOf(0), false},
	} {
		if got := report.OwnSecretary(c.u, cell); got != c.own {
			t.Errorf("%s: own secretary %v, want %v", c.name, got, c.own)
		}
		if got := report.OnBehalf(c.u, cell); got == c.own {
			t.Errorf("%s: on behalf %v, want %v", c.name, got, !c.own)
		}
	}
	if cell, ok := report.SecretaryCell(both); !ok || cell != 7 {
		t.Errorf("the cell a secretary reports for: %d %v", cell, ok)
	}
	if _, ok := report.SecretaryCell(staff); ok {
		t.Error("commune staff is taken for a cell's secretary")
	}
}

func TestReportsNotYetSentCountAsMissing(t *testing.T) {
	missing := map[report.State]bool{report.NotStarted: true, report.Draft: true, report.Returned: true}
	if len(report.States) != 6 {
		t.Fatalf("%d states listed, want 6", len(report.States))
	}
	for _, s := range report.States {
		if s.Missing() != missing[s] {
			t.Errorf("%s: missing %v, want %v", s, s.Missing(), missing[s])
		}
	}
}

func TestNextAndPreviousQuarterCrossTheYear(t *testing.T) {
	for _, c := range []struct{ p, next report.Period }{
		{report.Period{Year: 2025, Quarter: 4}, report.Period{Year: 2026, Quarter: 1}},
		{report.Period{Year: 2026, Quarter: 1}, report.Period{Year: 2026, Quarter: 2}},
		{report.Period{Year: 2026, Quarter: 3}, report.Period{Year: 2026, Quarter: 4}},
	} {
		if got := c.p.Next(); got != c.next {
			t.Errorf("after %s: %s, want %s", c.p, got, c.next)
		}
		if got := c.next.Previous(); got != c.p {
			t.Errorf("before %s: %s, want %s", c.next, got, c.p)
		}
	}
	if got := (report.Period{Year: 2025, Quarter: 4}).LastDay(); !got.Equal(day("2025-12-31")) {
		t.Errorf("last day of Q4/2025: %s", got)
	}
}

func TestWhatAUserMayDoWithAReport(t *testing.T) {
	const cell, commune = 7, 3
	staff := account.User{Grants: []account.Grant{{Role: account.CommuneStaff, UnitID: commune}}}
	province := account.User{Grants: []account.Grant{{Role: account.ProvinceStaff, UnitID: 1}}}
	open := report.Report{CellID: cell, Period: q2, State: report.Draft, Held: true, LocksOn: day("2022-08-01")}
	approved := open
	approved.State, approved.TwoStep = report.Approved, true
	moved := open
	moved.Held = false
	on := day("2022-07-05")
	for _, c := range []struct {
		name  string
		r     report.Report
		u     account.User
		today time.Time
		want  report.Permits
	}{
		{"the secretary, a draft", open, secretaryOf(cell), on, report.Permits{Edit: true, AskReopen: true}},
		{"the commune, a draft", open, staff, on, report.Permits{Edit: true, Review: true}},
		{"the secretary, a locked period", open, secretaryOf(cell), day("2022-08-01"), report.Permits{AskReopen: true}},
		{"the secretary, a quarter not ended", open, secretaryOf(cell), day("2022-06-30"), report.Permits{AskReopen: true}},
		{"the province, approved in a two-step province", approved, province, on, report.Permits{Review: true, Accept: true, Extend: true}},
		{"the commune, approved", approved, staff, on, report.Permits{Review: true}},
		{"the old parent of a moved cell", moved, staff, on, report.Permits{}},
	} {
		if got := c.r.PermitsFor(c.u, c.today); got != c.want {
			t.Errorf("%s: %+v, want %+v", c.name, got, c.want)
		}
	}
}

// A save returns the report as stored without reading it again: it must be what a read finds.
func TestASaveReturnsTheReportAsStored(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	asStored := func(got report.Report) {
		t.Helper()
		stored, err := report.Get(ctx, f.db, f.communeStaff, f.cell, q2)
		if err != nil {
			t.Fatal(err)
		}
		if got.Version != stored.Version || got.State != stored.State || got.Late != stored.Late || got.OnBehalf != stored.OnBehalf ||
			!got.Figures.Equal(stored.Figures) || len(got.Figures) != len(stored.Figures) || !got.UpdatedAt.Equal(*stored.UpdatedAt) ||
			(got.SubmittedAt == nil) != (stored.SubmittedAt == nil) || got.SubmittedAt != nil && !got.SubmittedAt.Equal(*stored.SubmittedAt) {
			t.Errorf("returned %+v\nstored   %+v", got, stored)
		}
	}
	saved, err := report.SaveDraft(ctx, f.db, f.secretary, f.cell, q2, report.Entry{Figures: report.Figures{"opening": 20, "admitted": 1}}, day("2022-07-02"))
	if err != nil {
		t.Fatal(err)
	}
	asStored(saved)
	sent, err := report.Submit(ctx, f.db, f.communeStaff, f.cell, q2, report.Entry{Version: saved.Version, Figures: quarterFigures(20), OnBehalf: true}, day("2022-07-20"))
	if err != nil {
		t.Fatal(err)
	}
	asStored(sent)
	if saved.Version != 1 || saved.State != report.Draft || saved.SubmittedAt != nil || saved.ID == 0 {
		t.Errorf("first save returned %+v", saved)
	}
	if sent.Version != 2 || sent.State != report.Submitted || !sent.Late || !sent.OnBehalf || sent.SubmittedAt == nil {
		t.Errorf("late submission returned %+v", sent)
	}
}

func TestAStepTheStateDoesNotAllowIsAConflictWithItsMessage(t *testing.T) {
	f := newFixture(t)
	_, err := report.Approve(t.Context(), f.db, f.communeStaff, f.cell, q2, 0)
	if !errors.Is(err, apperr.ErrConflict) || apperr.Message(err) == "" {
		t.Fatalf("approving a report not started: %v", err)
	}
	r := f.draft(t)
	if _, err := report.Return(t.Context(), f.db, f.communeStaff, f.cell, q2, r.Version, "Sai"); !errors.Is(err, apperr.ErrConflict) {
		t.Fatalf("returning a draft: %v", err)
	}
	if _, err := report.Submit(t.Context(), f.db, f.secretary, f.cell, q2, report.Entry{Figures: quarterFigures(20)}, day("2022-07-02")); !errors.Is(err, apperr.ErrConflict) || apperr.Message(err) == "" {
		t.Fatalf("a save over a stale version: %v", err)
	}
}

func TestAnExtensionNamesTheCellByItsCode(t *testing.T) {
	f := newFixture(t)
	for _, c := range []struct {
		name, code, field string
		p                 report.Period
		until             time.Time
	}{
		{"no code", "", "cell_code", q2, day("2022-11-01")},
		{"an unknown code", "X.ZZ", "cell_code", q2, day("2022-11-01")},
		{"the commune's code", "X", "cell_code", q2, day("2022-11-01")},
		{"quarter 5", "X.A1", "quarter", report.Period{Year: 2022, Quarter: 5}, day("2022-11-01")},
		{"no day", "X.A1", "until", q2, time.Time{}},
	} {
		if err := report.GrantException(t.Context(), f.db, f.communeStaff, c.code, c.p, c.until); apperr.Field(err, c.field) == "" {
			t.Errorf("%s: %v, want a message on %s", c.name, err, c.field)
		}
	}
	if err := report.GrantException(t.Context(), f.db, f.communeStaff, "X.A1", q2, day("2022-11-01")); err != nil {
		t.Fatal(err)
	}
	r, err := report.Get(t.Context(), f.db, f.communeStaff, f.cell, q2)
	if err != nil || !r.LocksOn.Equal(day("2022-11-02")) {
		t.Fatalf("locks on %s after the extension (%v)", r.LocksOn, err)
	}
}

func TestTheStatusOfAQuarterCarriesItsDeadlineAndWhatChangedSinceAReturn(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	st, err := report.PeriodStatus(ctx, f.db, f.communeStaff, f.commune, q2)
	if err != nil || !st.Deadline.Equal(day("2022-07-10")) {
		t.Fatalf("deadline %s (%v), want the default 10/07/2022", st.Deadline, err)
	}
	r, err := report.Submit(ctx, f.db, f.secretary, f.cell, q2, report.Entry{Figures: quarterFigures(20)}, day("2022-07-02"))
	if err != nil {
		t.Fatal(err)
	}
	if r, err = report.Return(ctx, f.db, f.communeStaff, f.cell, q2, r.Version, "Số nữ chưa đúng"); err != nil {
		t.Fatal(err)
	}
	figs := quarterFigures(20)
	figs["women"] = 7
	if r, err = report.SaveDraft(ctx, f.db, f.secretary, f.cell, q2, report.Entry{Version: r.Version, Figures: figs}, day("2022-07-03")); err != nil {
		t.Fatal(err)
	}
	since, err := report.SinceReturn(ctx, f.db, f.secretary, r)
	if err != nil || len(since) != 1 || since[0].Key != "women" || since[0].Old != 6 || since[0].New != 7 {
		t.Fatalf("changes since the return: %+v %v", since, err)
	}
	figs, err = report.NoMovementOf(ctx, f.db, r)
	if err != nil || figs["closing"] != 20 || figs["admitted"] != 0 {
		t.Fatalf("no movement: %v %v", figs, err)
	}
}

func TestTypedFiguresAreWholeNumbersFromZeroToTheMaximum(t *testing.T) {
	typed := map[string]string{"opening": "1.234", "admitted": " 2 ", "closing": "", "deceased": "-1", "expelled": "abc",
		"removed": "100.001", "withdrew": "99999999999999999999", "women": "100.000"}
	figs, errs := report.ReadFigures(func(k string) string { return typed[k] })
	if figs["opening"] != 1234 || figs["admitted"] != 2 || figs["women"] != 100000 || len(figs) != 3 {
		t.Errorf("figures read: %v", figs)
	}
	for k, want := range map[string]string{"deceased": "Từ trần: nhập số nguyên từ 0 trở lên.", "expelled": "Khai trừ: nhập số nguyên từ 0 trở lên.",
		"removed": "Xóa tên: số quá lớn; một chi bộ không có quá 100.000 đảng viên.", "withdrew": "Xin ra khỏi Đảng: số quá lớn; một chi bộ không có quá 100.000 đảng viên."} {
		if errs[k] != want {
			t.Errorf("%s: %q, want %q", k, errs[k], want)
		}
	}
	if len(errs) != 4 {
		t.Errorf("errors: %v", errs)
	}
}
