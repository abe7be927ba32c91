package report_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"ptdang/internal/audit"
	"ptdang/internal/exchange"
	"ptdang/internal/org"
	"ptdang/internal/orgtest"
	"ptdang/internal/pgtest"
	"ptdang/internal/report"
)

// importWorld is a province with two communes and their cells, and reports in every state an
// import meets: a previous quarter submitted, a draft, a returned report, an extension. Built
// the same way, two databases hold the same rows.
func importWorld(t *testing.T) (db *pgxpool.Pool, province, commune int64) {
	t.Helper()
	db = pgtest.New(t)
	ctx := t.Context()
	tree := orgtest.New(t, db, day("2015-01-01"))
	unit := func(code, name string, kind org.Kind, parent int64) int64 {
		t.Helper()
		return tree.Party(org.PartyUnitInput{Code: code, Name: name, Kind: kind, ParentID: parent, FullMembers: 20}).ID
	}
	province = unit("TU", "Tỉnh ủy Đồng Tháp", org.ProvinceCommittee, 0)
	commune = unit("X", "Đảng bộ xã Mỹ An", org.CommuneCommittee, province)
	other := unit("Y", "Đảng bộ xã Mỹ Thọ", org.CommuneCommittee, province)
	cells := map[string]int64{}
	for i := 1; i <= 6; i++ {
		code := fmt.Sprintf("X.C%d", i)
		cells[code] = unit(code, "Chi bộ ấp "+code, org.AffiliatedCell, commune)
	}
	cells["Y.C1"] = unit("Y.C1", "Chi bộ ấp Mỹ Thọ 1", org.AffiliatedCell, other)
	secretary := func(code string) org.Scope { return org.Under(cells[code]).As(audit.Actor{Login: "bithu"}) }
	staff := org.Under(commune).As(audit.Actor{Login: "xa"})
	q1 := report.Period{Year: 2022, Quarter: 1}
	if _, err := report.Submit(ctx, db, secretary("X.C1"), cells["X.C1"], q1, report.Entry{Figures: quarterFigures(20)}, day("2022-04-05")); err != nil {
		t.Fatal(err)
	}
	draft := quarterFigures(21)
	draft["closing"] = 30 // half typed
	if _, err := report.SaveDraft(ctx, db, secretary("X.C2"), cells["X.C2"], q2, report.Entry{Figures: draft}, day("2022-07-02")); err != nil {
		t.Fatal(err)
	}
	r, err := report.Submit(ctx, db, secretary("X.C3"), cells["X.C3"], q2, report.Entry{Figures: quarterFigures(20)}, day("2022-07-03"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := report.Return(ctx, db, staff, cells["X.C3"], q2, r.Version, "Số nữ chưa đúng"); err != nil {
		t.Fatal(err)
	}
	if err := report.GrantException(ctx, db, staff, "X.C5", q1, day("2022-07-31")); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `INSERT INTO report_setting (province_id, deadline_days, grace_days) VALUES ($1, 7, 15)`, province); err != nil {
		t.Fatal(err)
	}
	return db, province, commune
}

// figuresRow is an import row for code and quarter of 2022 with a balanced quarter opening on
// opening.
func figuresRow(code string, quarter, opening int, submittedOn string) map[string]string {
	return map[string]string{"cell_code": code, "year": "2022", "quarter": fmt.Sprint(quarter), "submitted_on": submittedOn,
		"opening": fmt.Sprint(opening), "admitted": "2", "transferred_out": "1", "closing": fmt.Sprint(opening + 1),
		"full_members": fmt.Sprint(opening - 1), "probationary": "2", "women": "6", "adm_women": "1", "monthly_meetings": "3"}
}

// dump lists what an import leaves behind, without ids and times: reports, their revisions
// and the audit log, each row as text, in a stable order.
func dump(t *testing.T, db *pgxpool.Pool) []string {
	t.Helper()
	rows, err := db.Query(t.Context(), `
		SELECT 'report ' || u.code || ' ' || (to_jsonb(r) - 'id' - 'cell_id' - 'created_at' - 'updated_at' - 'submitted_at' - 'approved_at' - 'accepted_at')::text
			|| ' submitted ' || (r.submitted_at IS NOT NULL) || ' by ' || COALESCE(r.updated_by, 0)
		FROM quarterly_report r JOIN party_unit u ON u.id = r.cell_id
		UNION ALL
		SELECT 'revision ' || u.code || ' ' || r.year || ' ' || r.quarter || ' ' ||
			(to_jsonb(v) - 'id' - 'report_id' - 'at')::text || ' at the report''s time ' || (v.at = r.updated_at OR v.version < r.version)
		FROM quarterly_report_revision v JOIN quarterly_report r ON r.id = v.report_id JOIN party_unit u ON u.id = r.cell_id
		UNION ALL
		SELECT 'audit ' || COALESCE(u.code, '') || ' ' || COALESCE(r.year || ' ' || r.quarter, '') || ' ' ||
			(to_jsonb(a) - 'id' - 'at' - 'entity_id' - 'unit_id')::text
		FROM audit_log a LEFT JOIN party_unit u ON u.id = a.unit_id
		LEFT JOIN quarterly_report r ON a.entity = 'quarterly_report' AND r.id = a.entity_id
		ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func problemList(ps exchange.Problems) []string {
	var out []string
	for _, p := range ps {
		out = append(out, fmt.Sprintf("%03d %s", p.Row, p))
	}
	slices.Sort(out)
	return out
}

type importer func(ctx context.Context, db *pgxpool.Pool, scope org.Scope, file string, historic bool, today time.Time) (report.ImportResult, error)

func setBased(ctx context.Context, db *pgxpool.Pool, scope org.Scope, file string, historic bool, today time.Time) (report.ImportResult, error) {
	return report.ImportFigures(ctx, db, scope, strings.NewReader(file), "q.csv", false, historic, today)
}

func perRow(ctx context.Context, db *pgxpool.Pool, scope org.Scope, file string, historic bool, today time.Time) (report.ImportResult, error) {
	return report.ImportFiguresPerRow(ctx, db, scope, strings.NewReader(file), "q.csv", false, historic, today)
}

func fileOf(rows ...map[string]string) string {
	var b strings.Builder
	if _, err := importFile(rows...).WriteTo(&b); err != nil {
		panic(err)
	}
	return b.String()
}

func TestSetBasedImportStoresWhatThePerRowImportStored(t *testing.T) {
	today := day("2022-07-09") // Q2 due 07/07 in this province: late; Q1 locked, loaded as history
	good := fileOf(
		figuresRow("X.C1", 2, 21, "05/07/2022"), // opens on the submitted Q1
		figuresRow("X.C2", 2, 21, ""),           // over a draft
		figuresRow("X.C3", 2, 20, "08/07/2022"), // over a returned report
		figuresRow("X.C4", 1, 18, "02/04/2022"), // Q1, then Q2 opening on it
		figuresRow("X.C4", 2, 19, ""),
		figuresRow("X.C6", 2, 15, ""), // Q2 before Q1: its opening is not yet stored
		figuresRow("X.C6", 1, 14, ""),
		figuresRow("Y.C1", 2, 30, ""),
		func() map[string]string { // X.C1's first quarter as submitted: left alone
			r := figuresRow("X.C1", 1, 20, "05/04/2022")
			r["sympathisers"], r["course_completed"] = "4", "3"
			return r
		}(),
		figuresRow("X.C4", 2, 19, ""), // the same as the row above it: left alone
	)
	bad := fileOf(
		figuresRow("X.ZZ", 2, 20, ""),           // no such cell
		figuresRow("X", 2, 20, ""),              // not a cell
		figuresRow("X.C1", 2, 21, ""),           // submitted by the good file
		figuresRow("X.C5", 1, 20, ""),           // locked, but extended: fine
		figuresRow("X.C2", 1, 20, ""),           // locked
		figuresRow("X.C5", 2, 20, "01/06/2022"), // paper dated before the quarter ended
		figuresRow("X.C5", 3, 20, ""),           // not ended
		figuresRow("X.C5", 5, 20, ""),           // no such quarter
		figuresRow("Y.C1", 1, 20, ""),           // out of the commune's scope
		figuresRow("X.C6", 3, 20, "20/07/2022"), // paper dated after the import
		func() map[string]string {
			r := figuresRow("X.C5", 2, 20, "")
			r["closing"] = "25"
			r["adm_women"] = "3"
			return r
		}(),
		figuresRow("X.C5", 4, 20, "")) // 2022 Q4: not ended
	bad = bad + strings.SplitN(fileOf(figuresRow("X.C5", 1, 20, "")), "\n", 2)[1] // the same report twice
	var dumps [2][]string
	var problems [2][]string
	for i, imp := range []importer{perRow, setBased} {
		db, province, commune := importWorld(t)
		ctx := t.Context()
		provinceStaff := org.Under(province).As(audit.Actor{Login: "tinh", Addr: "10.0.0.7"})
		res, err := imp(ctx, db, provinceStaff, good, true, today)
		if err != nil || len(res.Problems) > 0 || res.Submitted != 8 || res.Unchanged != 2 {
			t.Fatalf("import %d of the good file: %+v %v", i, res, err)
		}
		communeStaff := org.Under(commune).As(audit.Actor{Login: "xa"})
		res, err = imp(ctx, db, communeStaff, bad, false, today)
		if err != nil || res.Submitted != 0 {
			t.Fatalf("import %d of the bad file: %+v %v", i, res, err)
		}
		dumps[i], problems[i] = dump(t, db), problemList(res.Problems)
	}
	if len(dumps[0]) < 20 {
		t.Fatalf("the per-row import left only %d rows: %v", len(dumps[0]), dumps[0])
	}
	if !slices.Equal(dumps[0], dumps[1]) {
		t.Errorf("stored rows differ:\nper row:\n%s\nset-based:\n%s", strings.Join(dumps[0], "\n"), strings.Join(dumps[1], "\n"))
	}
	if len(problems[0]) < 12 || !slices.Equal(problems[0], problems[1]) {
		t.Errorf("problems differ:\nper row:\n%s\nset-based:\n%s", strings.Join(problems[0], "\n"), strings.Join(problems[1], "\n"))
	}
}

func TestImportPastItsTimeBudgetWritesNothingAndSaysTheFileIsTooLarge(t *testing.T) {
	db, province, _ := importWorld(t)
	ctx := t.Context()
	before := dump(t, db)
	// The budget runs out once the reports are written, before their history: all of it must go.
	defer report.SetImportHook(200*time.Millisecond, func(ctx context.Context, step string) {
		if step == "written" {
			<-ctx.Done()
		}
	})()
	staff := org.Under(province).As(audit.Actor{Login: "tinh"})
	res, err := report.ImportFigures(ctx, db, staff, strings.NewReader(fileOf(figuresRow("X.C4", 1, 18, ""), figuresRow("X.C4", 2, 19, ""))), "q.csv", false, true, day("2022-07-09"))
	if err != nil || res.Submitted != 0 || len(res.Problems) != 1 || !strings.Contains(res.Problems.Error(), "Tệp quá lớn để nhập trong một lần") {
		t.Fatalf("import past its budget: %+v %v", res, err)
	}
	if after := dump(t, db); !slices.Equal(before, after) {
		t.Fatalf("an import past its budget wrote:\n%s", strings.Join(after[len(before):], "\n"))
	}
}

// The import tells its progress: once every row is read and checked, it is writing, every row
// counted; the rows checked never run past the rows read.
func TestImportReportsItsProgress(t *testing.T) {
	db, province, _ := importWorld(t)
	staff := org.Under(province).As(audit.Actor{Login: "tinh"})
	p := &exchange.Progress{}
	var atWrite []int
	defer report.SetImportHook(report.ImportBudget, func(_ context.Context, step string) {
		if phase, done, total := p.State(); step == "written" {
			atWrite = []int{int(phase), done, total}
		}
	})()
	ctx := exchange.WithProgress(t.Context(), p)
	res, err := report.ImportFigures(ctx, db, staff, strings.NewReader(fileOf(figuresRow("X.C4", 1, 18, ""), figuresRow("X.C4", 2, 19, ""), figuresRow("X.C6", 1, 14, ""))),
		"q.csv", false, true, day("2022-07-09"))
	if err != nil || res.Submitted != 3 {
		t.Fatalf("import: %+v %v", res, err)
	}
	if want := []int{int(exchange.Writing), 3, 3}; !slices.Equal(atWrite, want) {
		t.Fatalf("progress while writing: %v, want %v", atWrite, want)
	}
	if phase, done, total := p.State(); phase != exchange.Finished || done != 3 || total != 3 {
		t.Fatalf("progress once done: %v %d/%d", phase, done, total)
	}
}

func TestReportsChangedDuringAnImportAreItsRowsProblemsAndNothingIsWritten(t *testing.T) {
	db, province, _ := importWorld(t)
	ctx := t.Context()
	staff := org.Under(province).As(audit.Actor{Login: "tinh"})
	x2, x4 := mustCode(t, db, "X.C2"), mustCode(t, db, "X.C4")
	// Once the import has read everything, the secretary saves X.C2's draft again and X.C4's
	// second quarter is started: both rows must be refused, and the file as a whole.
	defer report.SetImportHook(report.ImportBudget, func(_ context.Context, step string) {
		if step != "read" {
			return
		}
		cur, err := report.Get(ctx, db, staff, x2, q2)
		if err != nil {
			t.Error(err)
			return
		}
		if _, err := report.SaveDraft(ctx, db, staff, x2, q2, report.Entry{Version: cur.Version, Figures: cur.Figures}, day("2022-07-09")); err != nil {
			t.Error(err)
		}
		if _, err := report.SaveDraft(ctx, db, staff, x4, q2, report.Entry{Figures: quarterFigures(18)}, day("2022-07-09")); err != nil {
			t.Error(err)
		}
	})()
	before := dump(t, db)
	res, err := report.ImportFigures(ctx, db, staff, strings.NewReader(fileOf(
		figuresRow("X.C1", 2, 21, ""), figuresRow("X.C2", 2, 21, ""), figuresRow("X.C4", 2, 18, ""))), "q.csv", false, true, day("2022-07-09"))
	if err != nil || res.Submitted != 0 {
		t.Fatalf("import: %+v %v", res, err)
	}
	got := problemList(res.Problems)
	if len(got) != 2 || !strings.Contains(got[0], "dòng 3: báo cáo Quý 2/2022 của Chi bộ ấp X.C2 vừa được người khác sửa") ||
		!strings.Contains(got[1], "dòng 4: báo cáo Quý 2/2022 của Chi bộ ấp X.C4 vừa được người khác sửa") {
		t.Fatalf("problems: %s", strings.Join(got, "\n"))
	}
	// Only the two saves made meanwhile are there: nothing of the import.
	after := dump(t, db)
	var added []string
	for _, s := range after {
		if !slices.Contains(before, s) {
			added = append(added, s)
		}
	}
	for _, s := range added {
		if strings.Contains(s, "import") {
			t.Errorf("the import wrote: %s", s)
		}
	}
	if len(added) != 6 { // X.C2's draft (report row, revision, audit) and X.C4's new one
		t.Errorf("%d rows changed, want the two saves' 6:\n%s", len(added), strings.Join(added, "\n"))
	}
}

func mustCode(t *testing.T, db *pgxpool.Pool, code string) int64 {
	t.Helper()
	u, err := org.GetPartyUnitByCode(t.Context(), db, org.Everything(), code, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}
