package demo_test

import (
	"bytes"
	"ptdang/internal/orgtest"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"ptdang/internal/demo"
	"ptdang/internal/exchange"
	"ptdang/internal/org"
	"ptdang/internal/pgtest"
	"ptdang/internal/quality"
	"ptdang/internal/report"
	"ptdang/internal/target"
)

// roundTripTables are the tables an import may write; a dump of each, row by row with every
// column, must be the same after an export is imported back.
var roundTripTables = []string{"admin_unit", "admin_unit_version", "party_unit", "party_unit_version", "hamlet_cell_link",
	"reorg_event", "party_unit_succession", "admin_unit_succession", "admission_target", "target_year",
	"quarterly_report", "quarterly_report_revision", "quality_rating", "dashboard_generation", "audit_log"}

// dump returns every row of each table, all columns, in a stable order.
func dump(t *testing.T, db *pgxpool.Pool) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, table := range roundTripTables {
		var s string
		if err := db.QueryRow(t.Context(), `SELECT COALESCE(string_agg(x::text, E'\n' ORDER BY x::text), '') FROM `+table+` x`).Scan(&s); err != nil {
			t.Fatal(err)
		}
		out[table] = s
	}
	return out
}

// sameDump fails t with the first rows that differ between two dumps.
func sameDump(t *testing.T, before, after map[string]string) {
	t.Helper()
	for _, table := range roundTripTables {
		if before[table] == after[table] {
			continue
		}
		b, a := strings.Split(before[table], "\n"), strings.Split(after[table], "\n")
		for i := 0; i < len(b) || i < len(a); i++ {
			var x, y string
			if i < len(b) {
				x = b[i]
			}
			if i < len(a) {
				y = a[i]
			}
			if x != y {
				t.Errorf("%s changed (%d rows before, %d after); first difference:\n  before: %s\n  after:  %s", table, len(b), len(a), x, y)
				break
			}
		}
	}
}

func xlsxFile(t *testing.T, sheets ...exchange.Sheet) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := exchange.WriteXLSX(&buf, sheets...); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func csvFile(t *testing.T, sheet exchange.Sheet) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := exchange.WriteCSV(&buf, sheet); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Every export of the demo province, which holds the 2025 reorganisation, imports back with no
// problem and no change, as a dry run and for real: structure as of a date after the merge and
// one before it, in .xlsx and in .csv.
func TestEveryExportOfTheDemoProvinceImportsBackUnchanged(t *testing.T) {
	ctx := t.Context()
	db := pgtest.New(t)
	start := time.Now()
	if err := demo.Load(ctx, db, demo.Parts, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	t.Logf("demo loaded in %v", time.Since(start).Round(time.Millisecond))
	all := org.Everything()
	before := dump(t, db)

	// After the merge, a dry run of the workbook and each CSV for real; before it, the workbook
	// for real (a dry run differs only in not committing, CSV only in reading).
	for _, asOf := range []time.Time{orgtest.Day("2026-11-30"), orgtest.Day("2025-06-30")} {
		sheets, err := org.ExportStructure(ctx, db, all, asOf)
		if err != nil {
			t.Fatal(err)
		}
		if len(sheets[0].Rows) == 0 || len(sheets[1].Rows) == 0 || len(sheets[2].Rows) == 0 {
			t.Fatalf("export as of %s: %d, %d, %d rows", asOf.Format("02/01/2006"), len(sheets[0].Rows), len(sheets[1].Rows), len(sheets[2].Rows))
		}
		type file struct {
			name   string
			data   []byte
			table  exchange.Table
			rows   int
			dryRun bool
		}
		rows := len(sheets[0].Rows) + len(sheets[1].Rows) + len(sheets[2].Rows)
		wb := xlsxFile(t, sheets...)
		files := []file{{"co-cau.xlsx", wb, exchange.Table{}, rows, false}}
		if asOf.After(orgtest.Day("2025-07-01")) {
			files[0].dryRun = true
			for _, s := range sheets {
				files = append(files, file{s.Sheet + ".csv", csvFile(t, s), s.Table, len(s.Rows), false})
			}
		}
		for _, f := range files {
			start := time.Now()
			rep, err := org.ImportStructure(ctx, db, all, bytes.NewReader(f.data), f.name, f.table, f.dryRun)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("as of %s, %s (%d rows), dry run %v: %v", asOf.Format("02/01/2006"), f.name, f.rows, f.dryRun, time.Since(start).Round(time.Millisecond))
			if len(rep.Problems) > 0 || rep.Created+rep.Updated+rep.Closed != 0 || rep.Unchanged != f.rows {
				t.Errorf("as of %s, %s, dry run %v: %d problems (first: %v), %d created, %d updated, %d closed, %d of %d unchanged; changes %q",
					asOf.Format("02/01/2006"), f.name, f.dryRun, len(rep.Problems), first(rep.Problems), rep.Created, rep.Updated, rep.Closed, rep.Unchanged, f.rows, firstN(rep.Changes, 5))
			}
		}
		sameDump(t, before, dump(t, db))
	}

	// The staff of a commune founded in the merge export and import their part of the tree;
	// most of its units and links date from before the commune.
	x54, err := org.GetPartyUnitByCode(ctx, db, all, "TU.X54", orgtest.Day("2026-01-01"))
	if err != nil {
		t.Fatal(err)
	}
	commune := org.Under(x54.ID)
	sheets, err := org.ExportStructure(ctx, db, commune, orgtest.Day("2026-11-30"))
	if err != nil {
		t.Fatal(err)
	}
	rows := len(sheets[0].Rows) + len(sheets[1].Rows) + len(sheets[2].Rows)
	for _, dryRun := range []bool{true, false} {
		rep, err := org.ImportStructure(ctx, db, commune, bytes.NewReader(xlsxFile(t, sheets...)), "co-cau.xlsx", exchange.Table{}, dryRun)
		if err != nil {
			t.Fatal(err)
		}
		if len(sheets[2].Rows) == 0 || len(rep.Problems) > 0 || rep.Created+rep.Updated+rep.Closed != 0 || rep.Unchanged != rows {
			t.Errorf("commune TU.X54, dry run %v: %d links exported, %d problems (first: %v), %d created, %d updated, %d closed, %d of %d unchanged",
				dryRun, len(sheets[2].Rows), len(rep.Problems), first(rep.Problems), rep.Created, rep.Updated, rep.Closed, rep.Unchanged, rows)
		}
	}
	sameDump(t, before, dump(t, db))

	// Targets: a district's file before the merge and in the merge year, a new commune's after
	// it (the whole province's would take a minute a file).
	for _, c := range []struct {
		code    string
		year    int
		formats []string
	}{{"TU.H02", 2024, []string{"xlsx"}}, {"TU.H02", 2025, []string{"dry"}}, {"TU.X54", 2026, []string{"csv"}}} {
		year := c.year
		u, err := org.GetPartyUnitByCode(ctx, db, all, c.code, orgtest.Day("2025-01-01"))
		if err != nil {
			t.Fatal(err)
		}
		sheet, err := target.Export(ctx, db, all, u.ID, year)
		if err != nil {
			t.Fatal(err)
		}
		for _, format := range c.formats {
			f := struct {
				name   string
				data   []byte
				dryRun bool
			}{"chi-tieu.xlsx", xlsxFile(t, sheet), format == "dry"}
			if format == "csv" {
				f.name, f.data = "chi-tieu.csv", csvFile(t, sheet)
			}
			start := time.Now()
			rep, err := target.Import(ctx, db, all, bytes.NewReader(f.data), f.name, f.dryRun, orgtest.Day("2026-11-30"))
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("targets %d, %s (%d rows), dry run %v: %v", year, f.name, len(sheet.Rows), f.dryRun, time.Since(start).Round(time.Millisecond))
			if len(rep.Problems) > 0 || rep.Created+rep.Updated+rep.Removed != 0 || rep.Unchanged != len(sheet.Rows) {
				t.Errorf("targets %d, %s, dry run %v: %d problems (first: %v), %d created, %d updated, %d removed, %d of %d unchanged; changes %q",
					year, f.name, f.dryRun, len(rep.Problems), first(rep.Problems), rep.Created, rep.Updated, rep.Removed, rep.Unchanged, len(sheet.Rows), firstN(rep.Changes, 5))
			}
		}
	}
	sameDump(t, before, dump(t, db))

	// Quality ratings of both demo years.
	for _, year := range []int{time.Now().Year() - 2, time.Now().Year() - 1} {
		sheet, err := quality.Export(ctx, db, all, year)
		if err != nil {
			t.Fatal(err)
		}
		if len(sheet.Rows) == 0 {
			t.Fatalf("no ratings exported for %d", year)
		}
		for _, f := range []struct {
			name   string
			data   []byte
			dryRun bool
		}{{"xep-loai.xlsx", xlsxFile(t, sheet), true}, {"xep-loai.xlsx", xlsxFile(t, sheet), false}, {"xep-loai.csv", csvFile(t, sheet), false}} {
			res, err := quality.Import(ctx, db, all, bytes.NewReader(f.data), f.name, f.dryRun)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Problems) > 0 || res.Created+res.Updated != 0 || res.Unchanged != len(sheet.Rows) {
				t.Errorf("ratings %d, %s, dry run %v: %d problems (first: %v), %d created, %d updated, %d of %d unchanged",
					year, f.name, f.dryRun, len(res.Problems), first(res.Problems), res.Created, res.Updated, res.Unchanged, len(sheet.Rows))
			}
		}
	}
	sameDump(t, before, dump(t, db))

	// Quarterly reports: the first quarter shown and the last, in every format.
	last := lastQuarter()
	for _, c := range []struct {
		p       report.Period
		formats []string
	}{{report.Period{Year: last.Year - 1, Quarter: 1}, []string{"xlsx"}}, {last, []string{"xlsx", "dry", "csv"}}} {
		sheet, err := report.ExportFigures(ctx, db, all, c.p)
		if err != nil {
			t.Fatal(err)
		}
		if len(sheet.Rows) == 0 {
			t.Fatalf("no reports exported for %s", c.p)
		}
		for _, format := range c.formats {
			name, data, dryRun := "bao-cao.xlsx", xlsxFile(t, sheet), format == "dry"
			if format == "csv" {
				name, data = "bao-cao.csv", csvFile(t, sheet)
			}
			start := time.Now()
			res, err := report.ImportFigures(ctx, db, all, bytes.NewReader(data), name, dryRun, true, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("reports %s, %s (%d rows), dry run %v: %v", c.p, name, len(sheet.Rows), dryRun, time.Since(start).Round(time.Millisecond))
			if len(res.Problems) > 0 || res.Submitted != 0 || res.Unchanged != len(sheet.Rows) {
				t.Errorf("reports %s, %s, dry run %v: %d problems (first: %v), %d submitted, %d of %d unchanged",
					c.p, name, dryRun, len(res.Problems), first(res.Problems), res.Submitted, res.Unchanged, len(sheet.Rows))
			}
		}
	}
	sameDump(t, before, dump(t, db))
}

func firstN(s []string, n int) []string { return s[:min(n, len(s))] }

func first(p exchange.Problems) any {
	if len(p) == 0 {
		return nil
	}
	return p[0]
}
