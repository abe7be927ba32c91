package report_test

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"ptdang/internal/account"
	"ptdang/internal/apperr"
	"ptdang/internal/audit"
	"ptdang/internal/org"
	"ptdang/internal/orgtest"
	"ptdang/internal/pgtest"
	"ptdang/internal/report"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

var day = orgtest.Day

type fixture struct {
	db                      *pgxpool.Pool
	tree                    *orgtest.Tree
	province, commune, cell int64
	secretary, communeStaff org.Scope
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	f := fixture{db: pgtest.New(t)}
	f.tree = orgtest.New(t, f.db, day("2015-01-01"))
	province := f.tree.Province("TU", "Tỉnh ủy Đồng Tháp")
	commune := province.Commune("X", "Đảng bộ xã Mỹ An")
	cell := commune.Cell("X.A1", "Chi bộ ấp Mỹ Hòa", 20)
	f.province, f.commune, f.cell = province.ID, commune.ID, cell.ID
	f.secretary, f.communeStaff = cell.Staff("bithu"), commune.Staff("xa")
	return f
}

// newRaceFixture is the fixture and a pool to race on its database with (pgtest.RacePool).
func newRaceFixture(t *testing.T) (fixture, *pgxpool.Pool) {
	t.Helper()
	f := newFixture(t)
	return f, pgtest.RacePool(t, f.db)
}

// a quarter with 20 members at the start, 2 admitted and 1 transferred out.
func quarterFigures(opening int) report.Figures {
	return report.Figures{"opening": opening, "admitted": 2, "transferred_out": 1, "closing": opening + 1,
		"full_members": opening - 1, "probationary": 2, "women": 6, "adm_women": 1, "sympathisers": 4, "course_completed": 3, "monthly_meetings": 3}
}

var q2 = report.Period{Year: 2022, Quarter: 2}

// draft is the cell's draft for q2 as its secretary saves it first, the starting point of many tests.
func (f fixture) draft(t *testing.T) report.Report {
	t.Helper()
	r, err := report.SaveDraft(t.Context(), f.db, f.secretary, f.cell, q2, report.Entry{Figures: quarterFigures(20)}, day("2022-07-02"))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestBalanceViolationIsRefusedNamingTheField(t *testing.T) {
	f := newFixture(t)
	figs := quarterFigures(20)
	figs["closing"] = 25
	_, err := report.Submit(t.Context(), f.db, f.secretary, f.cell, q2, report.Entry{Figures: figs}, day("2022-07-05"))
	if msg := apperr.Field(err, "closing"); !strings.Contains(msg, "Cuối quý phải bằng 21") {
		t.Fatalf("submit with a wrong closing: %v", err)
	}
	figs = quarterFigures(20)
	figs["adm_women"] = 3
	_, err = report.Submit(t.Context(), f.db, f.secretary, f.cell, q2, report.Entry{Figures: figs}, day("2022-07-05"))
	if msg := apperr.Field(err, "adm_women"); !strings.Contains(msg, "không thể lớn hơn số kết nạp mới") {
		t.Fatalf("women admitted above the admitted: %v", err)
	}
	// A draft keeps half-typed figures.
	figs["closing"] = 25
	if _, err := report.SaveDraft(t.Context(), f.db, f.secretary, f.cell, q2, report.Entry{Figures: figs}, day("2022-07-05")); err != nil {
		t.Fatalf("draft with an unbalanced closing: %v", err)
	}
}

func TestWorkflowReturnApproveAndLock(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	r, err := report.Submit(ctx, f.db, f.secretary, f.cell, q2, report.Entry{Figures: quarterFigures(20)}, day("2022-07-05"))
	if err != nil || r.State != report.Submitted || r.Late {
		t.Fatalf("submit: %+v %v", r, err)
	}
	// The commune returns it with a reason the cell sees.
	if _, err := report.Return(ctx, f.db, f.communeStaff, f.cell, q2, r.Version, ""); apperr.Field(err, "reason") == "" {
		t.Fatalf("return without a reason: %v", err)
	}
	r, err = report.Return(ctx, f.db, f.communeStaff, f.cell, q2, r.Version, "Số nữ chưa đúng, xin kiểm tra lại")
	if err != nil {
		t.Fatal(err)
	}
	seen, _ := report.Get(ctx, f.db, f.secretary, f.cell, q2)
	if seen.State != report.Returned || seen.ReturnedReason != "Số nữ chưa đúng, xin kiểm tra lại" {
		t.Fatalf("the cell sees %+v", seen)
	}
	figs := quarterFigures(20)
	figs["women"] = 7
	r, err = report.Submit(ctx, f.db, f.secretary, f.cell, q2, report.Entry{Version: seen.Version, Figures: figs}, day("2022-07-08"))
	if err != nil {
		t.Fatal(err)
	}
	r, err = report.Approve(ctx, f.db, f.communeStaff, f.cell, q2, r.Version)
	if err != nil || r.State != report.Approved || r.ReturnedReason != "" {
		t.Fatalf("approve: %+v %v", r, err)
	}
	// Approved: locked.
	if _, err := report.SaveDraft(ctx, f.db, f.secretary, f.cell, q2, report.Entry{Version: r.Version, Figures: figs}, day("2022-07-09")); !errors.Is(err, apperr.ErrForbidden) {
		t.Fatalf("editing an approved report: %v", err)
	}
	// The cell asks to reopen, the commune reopens, the cell can edit again.
	if _, err := report.RequestReopen(ctx, f.db, f.communeStaff, account.User{}, f.cell, q2, r.Version, "Xã xin thay"); !errors.Is(err, apperr.ErrForbidden) {
		t.Fatalf("a request to reopen by someone other than the cell's secretary: %v", err)
	}
	r, err = report.RequestReopen(ctx, f.db, f.secretary, secretaryOf(f.cell), f.cell, q2, r.Version, "Sót một đồng chí chuyển đến")
	if err != nil || r.ReopenRequested == "" {
		t.Fatalf("request reopen: %+v %v", r, err)
	}
	r, err = report.Reopen(ctx, f.db, f.communeStaff, f.cell, q2, r.Version, "Cho sửa số chuyển đến")
	if err != nil || r.State != report.Draft {
		t.Fatalf("reopen: %+v %v", r, err)
	}
	history, err := report.Revisions(ctx, f.db, f.communeStaff, f.cell, q2)
	if err != nil || len(history) != 6 {
		t.Fatalf("history: %d revisions, %v", len(history), err)
	}
	if d := report.Diff(history[0].Figures, history[2].Figures); len(d) != 1 || d[0].Key != "women" || d[0].Old != 6 || d[0].New != 7 {
		t.Fatalf("diff between submissions: %+v", d)
	}
}

func TestLateSubmissionIsMarkedAndThePeriodLocks(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	// Default: due 10 days after the quarter (10/07/2022), locked 20 days later (from 31/07/2022).
	r, err := report.Submit(ctx, f.db, f.secretary, f.cell, q2, report.Entry{Figures: quarterFigures(20)}, day("2022-07-11"))
	if err != nil || !r.Late || !r.Deadline.Equal(day("2022-07-10")) {
		t.Fatalf("submitted on 11/07: late %v, deadline %v, %v", r.Late, r.Deadline, err)
	}
	q3 := report.Period{Year: 2022, Quarter: 3}
	if _, err := report.SaveDraft(ctx, f.db, f.secretary, f.cell, q3, report.Entry{Figures: quarterFigures(21)}, day("2022-10-31")); !errors.Is(err, report.ErrLocked) {
		t.Fatalf("entering Q3 on 31/10: %v", err)
	}
	if _, err := f.db.Exec(ctx, `INSERT INTO report_exception (cell_id, year, quarter, until) VALUES ($1, 2022, 3, '2022-11-15')`, f.cell); err != nil {
		t.Fatal(err)
	}
	r, err = report.SaveDraft(ctx, f.db, f.secretary, f.cell, q3, report.Entry{Figures: quarterFigures(21)}, day("2022-10-31"))
	if err != nil {
		t.Fatalf("with an exception until 15/11: %v", err)
	}
	// The opening of a new quarter is the last quarter's closing.
	q4, err := report.Get(ctx, f.db, f.secretary, f.cell, report.Period{Year: 2022, Quarter: 4})
	if err != nil || q4.State != report.NotStarted || q4.Figures["opening"] != 22 {
		t.Fatalf("Q4 pre-filled: %+v %v", q4, err)
	}
	// A province may set its own deadlines.
	if _, err := f.db.Exec(ctx, `INSERT INTO report_setting (province_id, deadline_days, grace_days) VALUES ($1, 5, 0)`, f.province); err != nil {
		t.Fatal(err)
	}
	if q4.Deadline, err = time.Parse("2006-01-02", "2023-01-05"); err != nil {
		t.Fatal(err)
	}
	got, _ := report.Get(ctx, f.db, f.secretary, f.cell, report.Period{Year: 2022, Quarter: 4})
	if !got.Deadline.Equal(q4.Deadline) || !got.LocksOn.Equal(day("2023-01-06")) {
		t.Fatalf("province deadlines: %v / %v", got.Deadline, got.LocksOn)
	}
}

func TestConflictingSavesAreDetected(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	a, err := report.SaveDraft(ctx, f.db, f.secretary, f.cell, q2, report.Entry{Figures: quarterFigures(20)}, day("2022-07-02"))
	if err != nil {
		t.Fatal(err)
	}
	// Both the secretary and the commune opened version a.Version; the commune saves first.
	if _, err := report.SaveDraft(ctx, f.db, f.communeStaff, f.cell, q2, report.Entry{Version: a.Version, Figures: quarterFigures(20), OnBehalf: true}, day("2022-07-02")); err != nil {
		t.Fatal(err)
	}
	if _, err := report.SaveDraft(ctx, f.db, f.secretary, f.cell, q2, report.Entry{Version: a.Version, Figures: quarterFigures(20)}, day("2022-07-02")); !errors.Is(err, apperr.ErrConflict) {
		t.Fatalf("second save with the same version: %v", err)
	}
	got, _ := report.Get(ctx, f.db, f.communeStaff, f.cell, q2)
	if !got.OnBehalf {
		t.Fatal("the commune's entry is not marked as on the cell's behalf")
	}
}

func TestUnusualValuesNeedConfirmation(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	opening := 20
	for q := 1; q <= 4; q++ {
		p := report.Period{Year: 2021, Quarter: q}
		figs := quarterFigures(opening)
		if _, err := report.Submit(ctx, f.db, f.secretary, f.cell, p, report.Entry{Figures: figs}, day("2021-01-01").AddDate(0, 3*q, 1)); err != nil {
			t.Fatal(err)
		}
		opening = figs["closing"]
	}
	figs := report.Figures{"opening": opening, "admitted": 9, "closing": opening + 9, "full_members": opening, "probationary": 9}
	_, err := report.Submit(ctx, f.db, f.secretary, f.cell, report.Period{Year: 2022, Quarter: 1}, report.Entry{Figures: figs}, day("2022-04-02"))
	var w report.Warnings
	if !errors.As(err, &w) || !strings.Contains(w["admitted"], "hơn ba lần") {
		t.Fatalf("nine admitted after four quarters of two: %v", err)
	}
	if _, err := report.Submit(ctx, f.db, f.secretary, f.cell, report.Period{Year: 2022, Quarter: 1}, report.Entry{Figures: figs, Confirm: true}, day("2022-04-02")); err != nil {
		t.Fatalf("confirmed: %v", err)
	}
}

func TestReportsOutsideScopeAreNotFound(t *testing.T) {
	f := newFixture(t)
	other, _, _ := org.CreatePartyUnit(t.Context(), f.db, org.Everything(), org.PartyUnitInput{Code: "X.A2", Name: "Chi bộ ấp khác", Kind: org.AffiliatedCell, OrgType: "territorial", ParentID: f.commune, From: day("2015-01-01"), FullMembers: 5})
	if _, err := report.Get(t.Context(), f.db, f.secretary, other, q2); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("reading another cell's report: %v", err)
	}
	if _, err := report.SaveDraft(t.Context(), f.db, f.secretary, other, q2, report.Entry{Figures: quarterFigures(5)}, day("2022-07-02")); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("writing another cell's report: %v", err)
	}
	if _, err := report.Get(t.Context(), f.db, f.communeStaff, f.commune, q2); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("a report for a commune committee: %v", err)
	}
	status, err := report.PeriodStatus(t.Context(), f.db, f.communeStaff, f.commune, q2)
	if err != nil || len(status.Cells) != 2 || status.Cells[0].State != report.NotStarted || status.UnitName != "Đảng bộ xã Mỹ An" {
		t.Fatalf("status: %+v %v", status, err)
	}
}

func TestImportWithOneBadRowChangesNothingAndNamesTheRow(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	var cells []string
	for i := range 30 {
		code := "X.B" + string(rune('A'+i/10)) + string(rune('0'+i%10))
		if _, _, err := org.CreatePartyUnit(ctx, f.db, org.Everything(), org.PartyUnitInput{Code: code, Name: "Chi bộ " + code, Kind: org.AffiliatedCell, OrgType: "territorial", ParentID: f.commune, From: day("2015-01-01"), FullMembers: 10}); err != nil {
			t.Fatal(err)
		}
		cells = append(cells, code)
	}
	header := []string{}
	for _, c := range report.FiguresTable.Columns {
		header = append(header, c.Header)
	}
	file := func(bad int) string {
		var b strings.Builder
		b.WriteString(strings.Join(header, ";") + "\n")
		for i, code := range cells {
			vals := map[string]string{"cell_code": code, "year": "2022", "quarter": "2", "submitted_on": "08/07/2022",
				"opening": "10", "admitted": "1", "closing": "11", "full_members": "10", "probationary": "1"}
			if i == bad {
				vals["closing"] = "12" // 10 + 1 ≠ 12
			}
			var line []string
			for _, c := range report.FiguresTable.Columns {
				line = append(line, vals[c.Key])
			}
			b.WriteString(strings.Join(line, ";") + "\n")
		}
		return b.String()
	}
	staff := org.Under(f.province).As(audit.Actor{Login: "tinh"})
	res, err := report.ImportFigures(ctx, f.db, staff, strings.NewReader(file(17)), "quy2.csv", false, true, day("2022-07-09"))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Problems) == 0 || res.Submitted != 0 || !strings.Contains(res.Problems.Error(), `cột "Biến động đảng viên trong quý – Cuối quý": Cuối quý phải bằng 11`) {
		t.Fatalf("problems %v, submitted %d", res.Problems, res.Submitted)
	}
	for _, p := range res.Problems {
		if p.Row != 19 {
			t.Errorf("problem on row %d, want only row 19 (the 18th cell): %s", p.Row, p)
		}
	}
	var n int
	f.db.QueryRow(ctx, `SELECT count(*) FROM quarterly_report`).Scan(&n)
	if n != 0 {
		t.Fatalf("%d reports written despite the bad row", n)
	}
	res, err = report.ImportFigures(ctx, f.db, staff, strings.NewReader(file(-1)), "quy2.csv", false, true, day("2022-07-09"))
	if err != nil || len(res.Problems) != 0 || res.Submitted != 30 {
		t.Fatalf("mended import: %+v %v", res, err)
	}
	r, _ := report.Get(ctx, f.db, staff, mustCell(t, f, "X.BA0"), q2)
	if r.State != report.Submitted || !r.OnBehalf || r.Late {
		t.Fatalf("imported report: %+v", r)
	}
}

func mustCell(t *testing.T, f fixture, code string) int64 {
	t.Helper()
	u, err := org.GetPartyUnitByCode(t.Context(), f.db, org.Everything(), code, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

func TestAbsurdFiguresAreRefusedNotMerelyUnusual(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	opening := 20
	for q := 1; q <= 4; q++ {
		figs := quarterFigures(opening)
		if _, err := report.Submit(ctx, f.db, f.secretary, f.cell, report.Period{Year: 2021, Quarter: q}, report.Entry{Figures: figs}, day("2021-01-01").AddDate(0, 3*q, 1)); err != nil {
			t.Fatal(err)
		}
		opening = figs["closing"]
	}
	p := report.Period{Year: 2022, Quarter: 1}
	// A billion members admitted, the balance kept: before, only "unusual", passed with a tick.
	billion := report.Figures{"opening": opening, "admitted": 1_000_000_000, "closing": opening + 1_000_000_000,
		"full_members": opening, "probationary": 1_000_000_000}
	for _, e := range []report.Entry{{Figures: billion}, {Figures: billion, Confirm: true}} {
		_, err := report.Submit(ctx, f.db, f.secretary, f.cell, p, e, day("2022-04-02"))
		if msg := apperr.Field(err, "admitted"); !strings.Contains(msg, "1.000.000.000 là quá lớn") {
			t.Fatalf("confirm %v: admitted: %q (%v)", e.Confirm, msg, err)
		}
	}
	// Beyond the integer columns, in a draft too: a field error, not a database error.
	huge := report.Figures{"opening": 1 << 40, "closing": 1 << 40, "full_members": 1 << 40}
	if _, err := report.SaveDraft(ctx, f.db, f.secretary, f.cell, p, report.Entry{Figures: huge}, day("2022-04-02")); !strings.Contains(apperr.Field(err, "opening"), "quá lớn") {
		t.Fatalf("draft of 2^40: %v", err)
	}
	if _, err := report.Submit(ctx, f.db, f.secretary, f.cell, p, report.Entry{Figures: huge}, day("2022-04-02")); !strings.Contains(apperr.Field(err, "closing"), "quá lớn") {
		t.Fatalf("submission of 2^40: %v", err)
	}
}
