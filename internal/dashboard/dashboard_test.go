package dashboard_test

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"ptdang/internal/dashboard"
	"ptdang/internal/exchange"
	"ptdang/internal/format"
	"ptdang/internal/org"
	"ptdang/internal/orgtest"
	"ptdang/internal/pgtest"
	"ptdang/internal/report"
	"ptdang/internal/target"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

var day = orgtest.Day

var all = org.Everything()

// importStructure loads a province with one commune of n hamlets, each served by its own cell;
// the first withCommittee cells have a committee from committeeSince. It goes through the
// structure import, as a province would load its real data.
func importStructure(t *testing.T, db *pgxpool.Pool, n, withCommittee int, committeeSince string) {
	t.Helper()
	admin, party := communeSheets("Xuân Lộc", "xã")
	party.Rows = append(party.Rows, []any{"TU.K", "Đảng bộ Khối cơ quan", "Đảng bộ khối", "Cơ quan Đảng, Mặt trận, đoàn thể", "TU", "01/01/2015", nil, 0, nil, 60, ""})
	links := exchange.Sheet{Table: org.LinkTable}
	for i := 1; i <= n; i++ {
		since := any(nil)
		members := 5
		if i <= withCommittee {
			since, members = committeeSince, 12
		}
		admin.Rows = append(admin.Rows, []any{fmt.Sprintf("DN.X1.A%04d", i), fmt.Sprintf("Ấp %d", i), "Thôn, ấp, bản, tổ dân phố, khu phố", "ấp", "DN.X1", "01/01/2015"})
		party.Rows = append(party.Rows, []any{fmt.Sprintf("TU.X1.A%04d", i), fmt.Sprintf("Chi bộ ấp %d", i), "Chi bộ trực thuộc", "Xã, phường, đặc khu, thôn, tổ dân phố", "TU.X1", "01/01/2015", nil, members, since, 60, ""})
		links.Rows = append(links.Rows, []any{fmt.Sprintf("DN.X1.A%04d", i), fmt.Sprintf("TU.X1.A%04d", i), "Có chi bộ riêng", "01/01/2015"})
	}
	for i := 1; i <= 5; i++ {
		party.Rows = append(party.Rows, []any{fmt.Sprintf("TU.K.C%d", i), fmt.Sprintf("Chi bộ Sở %d", i), "Chi bộ cơ sở", "Cơ quan nhà nước", "TU.K", "01/01/2015", nil, 20, nil, 60, ""})
	}
	importSheets(t, db, admin, party, links)
}

// communeSheets are the administrative and party sheets of a structure import of the province
// DN (party TU) with the one commune DN.X1 (TU.X1) named name, called word locally, since 2015.
func communeSheets(name, word string) (admin, party exchange.Sheet) {
	admin = exchange.Sheet{Table: org.AdminTable, Rows: [][]any{
		{"DN", "Đồng Nai", "Tỉnh, thành phố", "tỉnh", "", "01/01/2015"},
		{"DN.X1", name, "Xã, phường, đặc khu", word, "DN", "01/01/2015"},
	}}
	party = exchange.Sheet{Table: org.PartyTable, Rows: [][]any{
		{"TU", "Tỉnh ủy Đồng Nai", "Tỉnh ủy, Thành ủy", "Xã, phường, đặc khu, thôn, tổ dân phố", "", "01/01/2015", nil, 0, nil, 60, "DN"},
		{"TU.X1", "Đảng bộ " + word + " " + name, "Đảng bộ xã, phường, đặc khu", "Xã, phường, đặc khu, thôn, tổ dân phố", "TU", "01/01/2015", nil, 0, nil, 60, "DN.X1"},
	}}
	return admin, party
}

// importSheets loads the sheets into db through the structure import; any problem fails t.
func importSheets(t *testing.T, db *pgxpool.Pool, sheets ...exchange.Sheet) {
	t.Helper()
	rep, err := org.ImportStructure(t.Context(), db, all, workbook(t, sheets...), "co-cau.xlsx", exchange.Table{}, false)
	if err != nil || len(rep.Problems) > 0 {
		t.Fatalf("structure import: %v %v", rep.Problems, err)
	}
}

// workbook is the .xlsx file of the sheets.
func workbook(t *testing.T, sheets ...exchange.Sheet) *bytes.Buffer {
	t.Helper()
	var buf bytes.Buffer
	if err := exchange.WriteXLSX(&buf, sheets...); err != nil {
		t.Fatal(err)
	}
	return &buf
}

// tableRow is a row of table holding vals by column key, nil where vals has none.
func tableRow(table exchange.Table, vals map[string]any) []any {
	row := make([]any, len(table.Columns))
	for i, c := range table.Columns {
		row[i] = vals[c.Key]
	}
	return row
}

// spread divides total into n whole parts as evenly as possible.
func spread(total, n int) []int {
	parts := make([]int, n)
	for i := range parts {
		parts[i] = total / n
		if i < total%n {
			parts[i]++
		}
	}
	return parts
}

// importYear submits, through the figures import, a year of reports whose totals over the
// given cells are admitted, sources (outstanding non-members identified) and members at the
// start of the year.
func importYear(t *testing.T, db *pgxpool.Pool, year int, cells []string, admitted, sources, members int) {
	t.Helper()
	sheet := exchange.Sheet{Table: report.FiguresTable}
	adm, src, mem := spread(admitted, len(cells)*4), spread(sources, len(cells)*4), spread(members, len(cells))
	for i, code := range cells {
		opening := mem[i]
		for q := 1; q <= 4; q++ {
			a, s := adm[i*4+q-1], src[i*4+q-1]
			vals := map[string]any{"cell_code": code, "year": year, "quarter": q, "submitted_on": fmt.Sprintf("05/%02d/%d", 3*q+1-12*(q/4), year+q/4),
				"opening": opening, "admitted": a, "closing": opening + a, "full_members": opening, "probationary": a, "outstanding": s, "sympathisers": s}
			sheet.Rows = append(sheet.Rows, tableRow(report.FiguresTable, vals))
			opening += a
		}
	}
	// Loaded as a historic import after the year ended (all four quarters have ended by then).
	res, err := report.ImportFigures(t.Context(), db, all, workbook(t, sheet), "bao-cao.xlsx", false, true, day(fmt.Sprintf("%d-01-10", year+1)))
	if err != nil || len(res.Problems) > 0 {
		t.Fatalf("figures import %d: %v %v", year, res.Problems, err)
	}
}

func unit(t *testing.T, db *pgxpool.Pool, code string) int64 {
	t.Helper()
	u, err := org.GetPartyUnitByCode(t.Context(), db, all, code, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// build is the dashboard of the unit coded code for year as of asOf, as a system administrator
// sees it; an error fails t.
func build(t *testing.T, db *pgxpool.Pool, code string, year int, asOf time.Time) dashboard.Dashboard {
	t.Helper()
	d, err := dashboard.Build(t.Context(), db, all, unit(t, db, code), year, asOf)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func rowOf(t *testing.T, d dashboard.Dashboard, code string) dashboard.Row {
	t.Helper()
	for _, r := range d.Rows {
		if r.Code == code {
			return r
		}
	}
	t.Fatalf("no row %s", code)
	return dashboard.Row{}
}

func TestSeedFiguresOfDomainMD(t *testing.T) {
	t.Run("coverage 2022: 934 / 934", func(t *testing.T) {
		db := pgtest.New(t)
		importStructure(t, db, 934, 934, "01/01/2020")
		d := build(t, db, "TU", 2022, day("2022-06-30"))
		if d.Total.Covered != 934 || d.Total.Hamlets != 934 || format.Percent(d.Total.Coverage()) != "100,00 %" {
			t.Fatalf("coverage %d / %d", d.Total.Covered, d.Total.Hamlets)
		}
		if d.Total.WithCommittee != 934 {
			t.Fatalf("with committee %d", d.Total.WithCommittee)
		}
	})
	t.Run("committee coverage 2018: 925 / 962 = 96,15 %", func(t *testing.T) {
		db := pgtest.New(t)
		importStructure(t, db, 962, 925, "01/01/2017")
		d := build(t, db, "TU", 2018, day("2018-12-31"))
		if d.Total.WithCommittee != 925 || d.Total.Hamlets != 962 || format.Percent(d.Total.CommitteeCoverage()) != "96,15 %" {
			t.Fatalf("committee coverage %d / %d = %s", d.Total.WithCommittee, d.Total.Hamlets, format.Percent(d.Total.CommitteeCoverage()))
		}
	})
	t.Run("conversion, year-over-year and admission rate", func(t *testing.T) {
		db := pgtest.New(t)
		importStructure(t, db, 20, 20, "01/01/2017")
		var hamletCells, blocCells []string
		for i := 1; i <= 20; i++ {
			hamletCells = append(hamletCells, fmt.Sprintf("TU.X1.A%04d", i))
		}
		for i := 1; i <= 5; i++ {
			blocCells = append(blocCells, fmt.Sprintf("TU.K.C%d", i))
		}
		// Đồng Nai 2018: hamlet cells admitted 1.164 of 1.827 sources; the province 2.270 on
		// 76.174 members at the start of the year. 2021: hamlet cells 605 of 1.585.
		importYear(t, db, 2018, hamletCells, 1164, 1827, 40000)
		importYear(t, db, 2018, blocCells, 2270-1164, 500, 76174-40000)
		importYear(t, db, 2021, hamletCells, 605, 1585, 40000)

		d2018 := build(t, db, "TU", 2018, day("2018-12-31"))
		hamlets := rowOf(t, d2018, "TU.X1")
		if hamlets.Admitted != 1164 || hamlets.Sources != 1827 || format.Percent(hamlets.Conversion()) != "63,71 %" {
			t.Fatalf("2018 conversion %d / %d = %s", hamlets.Admitted, hamlets.Sources, format.Percent(hamlets.Conversion()))
		}
		if d2018.Total.Admitted != 2270 || d2018.Total.MembersAtStart != 76174 || format.Percent(d2018.Total.AdmissionRate()) != "2,98 %" {
			t.Fatalf("2018 admission rate %d / %d = %s", d2018.Total.Admitted, d2018.Total.MembersAtStart, format.Percent(d2018.Total.AdmissionRate()))
		}
		d2021 := build(t, db, "TU", 2021, day("2021-12-31"))
		h2021 := rowOf(t, d2021, "TU.X1")
		if format.Percent(h2021.Conversion()) != "38,17 %" {
			t.Fatalf("2021 conversion %d / %d = %s", h2021.Admitted, h2021.Sources, format.Percent(h2021.Conversion()))
		}
		if got := format.Percent(dashboard.Change(h2021.Admitted, hamlets.Admitted)); got != "-48,02 %" {
			t.Fatalf("2021 vs 2018: %s", got)
		}
		// Reporting: every cell submitted Q4/2018.
		if d2018.Total.CellsExpected != 25 || d2018.Total.CellsSubmitted != 25 {
			t.Fatalf("reporting %d / %d", d2018.Total.CellsSubmitted, d2018.Total.CellsExpected)
		}
	})
}

func TestFiguresAreRestatedAcrossAMergeAndScoped(t *testing.T) {
	db := pgtest.New(t)
	importStructure(t, db, 4, 4, "01/01/2017")
	cells := []string{"TU.X1.A0001", "TU.X1.A0002", "TU.X1.A0003", "TU.X1.A0004"}
	importYear(t, db, 2024, cells, 40, 80, 400)
	// Two cells merge in 2025: their 2024 admissions count under the merged cell.
	merged, err := org.MergePartyUnits(t.Context(), db, all, org.Reorg{Effective: day("2025-07-01")},
		[]int64{unit(t, db, "TU.X1.A0001"), unit(t, db, "TU.X1.A0002")},
		org.PartyUnitInput{Code: "TU.X1.A12", Name: "Chi bộ ấp 1-2", Kind: org.AffiliatedCell, OrgType: "territorial", ParentID: unit(t, db, "TU.X1"), FullMembers: 20})
	if err != nil {
		t.Fatal(err)
	}
	d := build(t, db, "TU.X1", 2024, day("2026-01-01"))
	if len(d.Rows) != 3 {
		t.Fatalf("rows as of 2026: %d", len(d.Rows))
	}
	want := 0
	for _, n := range spread(40, 16)[:8] { // the first two cells' quarters
		want += n
	}
	if r := rowOf(t, d, "TU.X1.A12"); r.Admitted != want || r.UnitID != merged {
		t.Fatalf("merged cell's 2024 admissions: %d", r.Admitted)
	}
	if d.Total.Admitted != 40 {
		t.Fatalf("commune total %d", d.Total.Admitted)
	}
	// A user scoped to one cell cannot build the commune's dashboard.
	if _, err := dashboard.Build(t.Context(), db, org.Under(unit(t, db, "TU.X1.A0003")), unit(t, db, "TU.X1"), 2024, day("2026-01-01")); err == nil {
		t.Fatal("a cell's scope reads the commune's dashboard")
	}
	if !strings.Contains(format.Percent(dashboard.Percent(1, 0)), "—") {
		t.Fatal("a zero denominator is not shown as —")
	}
}

func TestProgressAgainstTheTarget(t *testing.T) {
	db := pgtest.New(t)
	importStructure(t, db, 10, 10, "01/01/2017")
	var cells []string
	for i := 1; i <= 10; i++ {
		cells = append(cells, fmt.Sprintf("TU.X1.A%04d", i))
	}
	// Đồng Tháp, 30/6/2022: 934 admitted against a target of 1.300 = 71,85 %.
	importYear(t, db, 2022, cells, 934*2, 2000, 5000) // half of the year's admissions fall in Q1–Q2
	sheet := exchange.Sheet{Table: target.Table, Rows: [][]any{{"TU", "Tỉnh ủy Đồng Nai", "", 2022, 1300}}}
	if rep, err := target.Import(t.Context(), db, all, workbook(t, sheet), "chi-tieu.xlsx", false, day("2022-01-05")); err != nil || len(rep.Problems) > 0 {
		t.Fatalf("target import: %v %v", rep.Problems, err)
	}
	d := build(t, db, "TU", 2022, day("2022-06-30"))
	if d.Total.Admitted != 934 || d.Total.Target != 1300 || format.Percent(d.Total.Progress.Percent) != "71,85 %" {
		t.Fatalf("progress %d / %d = %s", d.Total.Admitted, d.Total.Target, format.Percent(d.Total.Progress.Percent))
	}

	// On 29/09, before Q3 has ended, the count still stands on 30/06: so does the pace, and the
	// judgement is the one of 30/06, not a pace run on to 29/09 against a count that was not.
	late := build(t, db, "TU", 2022, day("2022-09-29"))
	if !late.FiguresOn().Equal(day("2022-06-30")) || !d.FiguresOn().Equal(day("2022-06-30")) {
		t.Errorf("figures stand on %s and %s, want 30/06/2022", format.Date(late.FiguresOn()), format.Date(d.FiguresOn()))
	}
	if fmt.Sprintf("%+v", late.Total.Progress) != fmt.Sprintf("%+v", d.Total.Progress) { // NaN ≠ NaN
		t.Errorf("the same figures are judged differently on 29/09 (%+v) and 30/06 (%+v)", late.Total.Progress, d.Total.Progress)
	}
	if late.Total.Progress.Expected != 50 || late.Total.Progress.Status != target.Ahead {
		t.Errorf("on 29/09: expected %v %%, status %s; want 50 %%, ahead", late.Total.Progress.Expected, late.Total.Progress.Status)
	}
	// Before the first quarter ends nothing is counted and nothing is expected yet.
	early := build(t, db, "TU", 2022, day("2022-03-30"))
	if !early.FiguresOn().Equal(day("2021-12-31")) || early.Total.Admitted != 0 || early.Total.Progress.Expected != 0 {
		t.Errorf("on 30/03: figures on %s, admitted %d, expected %v %%", format.Date(early.FiguresOn()), early.Total.Admitted, early.Total.Progress.Expected)
	}
}

func TestCongressProgressSeed(t *testing.T) {
	db := pgtest.New(t)
	// Đồng Tháp, 20/7/2022: 1.793 of 2.900 cells held their congress = 61,83 %.
	party := exchange.Sheet{Table: org.PartyTable, Rows: [][]any{
		{"TU", "Tỉnh ủy Đồng Tháp", "Tỉnh ủy, Thành ủy", "Xã, phường, đặc khu, thôn, tổ dân phố", "", "01/01/2015", nil, 0, nil, 60, ""},
	}}
	for i := 1; i <= 2900; i++ {
		party.Rows = append(party.Rows, []any{fmt.Sprintf("TU.X1.A%04d", i), fmt.Sprintf("Chi bộ %d", i), "Chi bộ cơ sở", "Cơ quan nhà nước", "TU", "01/01/2015", nil, 5, nil, 60, ""})
	}
	importSheets(t, db, exchange.Sheet{Table: org.AdminTable}, party, exchange.Sheet{Table: org.LinkTable})
	var held []string
	for i := 1; i <= 1793; i++ {
		held = append(held, fmt.Sprintf("TU.X1.A%04d", i))
	}
	sheet := exchange.Sheet{Table: report.FiguresTable}
	for _, code := range held {
		vals := map[string]any{"cell_code": code, "year": 2022, "quarter": 2, "submitted_on": "05/07/2022",
			"opening": 5, "closing": 5, "full_members": 5, "congress_held": 1}
		sheet.Rows = append(sheet.Rows, tableRow(report.FiguresTable, vals))
	}
	if res, err := report.ImportFigures(t.Context(), db, all, workbook(t, sheet), "dai-hoi.xlsx", false, true, day("2022-07-05")); err != nil || len(res.Problems) > 0 {
		t.Fatalf("import: %v %v", res.Problems, err)
	}
	d := build(t, db, "TU", 2022, day("2022-07-20"))
	if len(d.Rows) != 2900 || d.Total.CongressHeld != 1793 || d.Total.CongressDue != 2900 || format.Percent(d.Total.CongressProgress()) != "61,83 %" {
		t.Fatalf("congress progress %d / %d = %s", d.Total.CongressHeld, d.Total.CongressDue, format.Percent(d.Total.CongressProgress()))
	}
}

// Issue #15: the trend draws last year whole (a finished year does not drop to 0 at Q4), while
// "cùng kỳ năm trước" stays the same period: the quarters ended this year.
func TestLastYearIsWholeInTheTrendAndTheSamePeriodInTheComparison(t *testing.T) {
	db := pgtest.New(t)
	importStructure(t, db, 1, 1, "01/01/2017")
	cells := []string{"TU.X1.A0001"}
	importYear(t, db, 2018, cells, 10, 4, 20) // 3, 3, 2, 2 a quarter
	importYear(t, db, 2019, cells, 4, 4, 30)
	d := build(t, db, "TU", 2019, day("2019-10-15")) // Q3 ended
	if d.Total.LastYearByQuarter != [4]int{3, 3, 2, 2} {
		t.Errorf("last year by quarter %v, want [3 3 2 2]", d.Total.LastYearByQuarter)
	}
	if d.Total.AdmittedLastYear != 8 || d.Total.AdmittedByQuarter != [4]int{1, 1, 1, 0} || d.Total.Admitted != 3 {
		t.Errorf("same period last year %d (want 8), this year %v = %d (want [1 1 1 0] = 3)",
			d.Total.AdmittedLastYear, d.Total.AdmittedByQuarter, d.Total.Admitted)
	}
}
