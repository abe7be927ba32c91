package report_test

import (
	"errors"
	"strings"
	"testing"

	"ptdang/internal/audit"
	"ptdang/internal/org"
	"ptdang/internal/report"
)

func TestReportForAQuarterNotEndedIsRefusedNamingIt(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	for _, p := range []report.Period{{Year: 2026, Quarter: 4}, {Year: 2027, Quarter: 3}, {Year: 2038, Quarter: 1}} {
		_, err := report.SaveDraft(ctx, f.db, f.secretary, f.cell, p, report.Entry{Figures: quarterFigures(20)}, day("2026-11-30"))
		var ne report.NotEndedError
		if !errors.As(err, &ne) || !strings.Contains(ne.Message(), p.String()+" chưa kết thúc") {
			t.Errorf("draft of %s on 30/11/2026: %v", p, err)
		}
		if _, err := report.Submit(ctx, f.db, f.secretary, f.cell, p, report.Entry{Figures: quarterFigures(20)}, day("2026-11-30")); !errors.As(err, &ne) {
			t.Errorf("submission of %s on 30/11/2026: %v", p, err)
		}
	}
	var n int
	if err := f.db.QueryRow(ctx, `SELECT count(*) FROM quarterly_report`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d reports stored for quarters not ended (%v)", n, err)
	}
	// The day after the quarter it may be entered.
	if _, err := report.Submit(ctx, f.db, f.secretary, f.cell, report.Period{Year: 2026, Quarter: 3}, report.Entry{Figures: quarterFigures(20)}, day("2026-10-01")); err != nil {
		t.Fatalf("Q3/2026 on 01/10/2026: %v", err)
	}
}

// importFile is a CSV of figures import rows, each a map from column key to value.
func importFile(rows ...map[string]string) *strings.Reader {
	var b strings.Builder
	var header []string
	for _, c := range report.FiguresTable.Columns {
		header = append(header, c.Header)
	}
	b.WriteString(strings.Join(header, ";") + "\n")
	for _, vals := range rows {
		var line []string
		for _, c := range report.FiguresTable.Columns {
			line = append(line, vals[c.Key])
		}
		b.WriteString(strings.Join(line, ";") + "\n")
	}
	return strings.NewReader(b.String())
}

func importRow(year, quarter, submittedOn string) map[string]string {
	return map[string]string{"cell_code": "X.A1", "year": year, "quarter": quarter, "submitted_on": submittedOn,
		"opening": "20", "admitted": "1", "closing": "21", "full_members": "20", "probationary": "1"}
}

func TestImportOfAQuarterNotEndedIsRefusedNamingIt(t *testing.T) {
	f := newFixture(t)
	staff := org.Under(f.province).As(audit.Actor{Login: "tinh"})
	res, err := report.ImportFigures(t.Context(), f.db, staff, importFile(importRow("2027", "3", "")), "q.csv", false, true, day("2026-11-30"))
	if err != nil || res.Submitted != 0 || !strings.Contains(res.Problems.Error(), "Quý 3/2027 chưa kết thúc") {
		t.Fatalf("import of Q3/2027 on 30/11/2026: %+v %v", res, err)
	}
}

func TestImportIsLateByTheDayOfImportNotThePaperDate(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	staff := org.Under(f.province).As(audit.Actor{Login: "tinh"})
	// A paper date before the quarter ended cannot be true.
	res, err := report.ImportFigures(ctx, f.db, staff, importFile(importRow("2022", "2", "01/06/2022")), "q.csv", false, true, day("2022-07-25"))
	if err != nil || res.Submitted != 0 || !strings.Contains(res.Problems.Error(), "trước khi Quý 2/2022 kết thúc") {
		t.Fatalf("paper dated 01/06/2022: %+v %v", res, err)
	}
	// Due 10/07/2022: a file stating 08/07 imported on 25/07 is late, and recorded as an import.
	res, err = report.ImportFigures(ctx, f.db, staff, importFile(importRow("2022", "2", "08/07/2022")), "q.csv", false, true, day("2022-07-25"))
	if err != nil || res.Submitted != 1 {
		t.Fatalf("import: %+v %v", res, err)
	}
	r, _ := report.Get(ctx, f.db, staff, f.cell, q2)
	if r.State != report.Submitted || !r.Late || !r.OnBehalf {
		t.Fatalf("imported report: state %s, late %v, on behalf %v; want submitted, late, on behalf", r.State, r.Late, r.OnBehalf)
	}
	revs, _ := report.Revisions(ctx, f.db, staff, f.cell, q2)
	if len(revs) != 1 || revs[0].Action != "import" || revs[0].By != "tinh" || !strings.Contains(revs[0].Reason, "08/07/2022") {
		t.Fatalf("history: %+v", revs)
	}
}

func TestOnlyAHistoricImportLoadsALockedPeriod(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	// Q2/2022 locked on 31/07/2022.
	res, err := report.ImportFigures(ctx, f.db, f.communeStaff, importFile(importRow("2022", "2", "08/07/2022")), "q.csv", false, false, day("2023-01-10"))
	if err != nil || res.Submitted != 0 || !strings.Contains(res.Problems.Error(), "đã khóa sổ") {
		t.Fatalf("commune import into a locked period: %+v %v", res, err)
	}
	staff := org.Under(f.province).As(audit.Actor{Login: "tinh"})
	res, err = report.ImportFigures(ctx, f.db, staff, importFile(importRow("2022", "2", "08/07/2022")), "q.csv", false, true, day("2023-01-10"))
	if err != nil || res.Submitted != 1 {
		t.Fatalf("historic import: %+v %v", res, err)
	}
	r, _ := report.Get(ctx, f.db, staff, f.cell, q2)
	if !r.Late {
		t.Fatal("a historic import counts as submitted on time")
	}
}
