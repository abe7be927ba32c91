package report_test

import (
	"bytes"
	"io"
	"slices"
	"testing"

	"ptdang/internal/audit"
	"ptdang/internal/exchange"
	"ptdang/internal/org"
	"ptdang/internal/pgtest"
	"ptdang/internal/report"
)

// The sample file of a commune's staff lists its own cells, each with its name and the opening
// its last report closed on, and none of another commune's; filled in, it imports as it is.
func TestTheImportSampleListsTheCallersCellsAndImportsFilledIn(t *testing.T) {
	db, _, commune := importWorld(t)
	ctx := t.Context()
	staff := org.Under(commune).As(audit.Actor{Login: "xa"})
	var file bytes.Buffer
	if err := exchange.WriteXLSX(&file, report.ImportSample(ctx, db, staff, q2)); err != nil {
		t.Fatal(err)
	}
	rows, problems := exchange.Read(&file, "mau.xlsx", report.FiguresTable, 0)
	if len(problems) != 0 {
		t.Fatalf("the sample does not read back: %v", problems)
	}
	var codes []string
	var filled []map[string]string
	for _, r := range rows {
		code := r.Text("cell_code")
		codes = append(codes, code)
		if r.Text("cell_name") != "Chi bộ ấp "+code || r.Text("year") != "2022" || r.Text("quarter") != "2" {
			t.Errorf("row %d: %q %q, %s/%s; want its name and Q2/2022", r.Number(), code, r.Text("cell_name"), r.Text("quarter"), r.Text("year"))
		}
		// X.C1 reported Q1 (closing 21): its opening is filled in; the others' are empty.
		if want := map[string]string{"X.C1": "21"}[code]; r.Text("opening") != want || r.Text("closing") != "" {
			t.Errorf("%s: opening %q, closing %q; want opening %q and the figures empty", code, r.Text("opening"), r.Text("closing"), want)
		}
		opening := 20
		if o, ok := r.Int("opening"); ok && r.Text("opening") != "" {
			opening = int(o)
		}
		row := figuresRow(code, 2, opening, "")
		row["cell_name"] = r.Text("cell_name")
		if code == "X.C6" { // left as the sample gave it: skipped, not refused
			row = map[string]string{"cell_code": code, "cell_name": r.Text("cell_name"), "year": "2022", "quarter": "2", "opening": r.Text("opening")}
		}
		filled = append(filled, row)
	}
	if want := []string{"X.C1", "X.C2", "X.C3", "X.C4", "X.C5", "X.C6"}; !slices.Equal(codes, want) {
		t.Fatalf("the sample lists %v, want the commune's own cells %v", codes, want)
	}
	res, err := report.ImportFigures(ctx, db, staff, importFile(filled...), "mau.csv", false, false, day("2022-07-05"))
	if err != nil || len(res.Problems) != 0 || res.Submitted != 5 || res.Skipped != 1 {
		t.Fatalf("importing the sample filled in but for one row: %d submitted, %d skipped, problems %v (%v)", res.Submitted, res.Skipped, res.Problems, err)
	}
	if r, err := report.Get(ctx, db, staff, mustCode(t, db, "X.C6"), q2); err != nil || r.State != report.NotStarted {
		t.Errorf("the row left unfilled gave X.C6's report the state %s (%v), want it not started", r.State, err)
	}
	r, err := report.Get(ctx, db, staff, mustCode(t, db, "X.C1"), q2)
	if err != nil || r.State != report.Submitted || r.Figures["opening"] != 21 || r.Figures["closing"] != 22 {
		t.Fatalf("X.C1 after the import: %s, opening %d, closing %d (%v)", r.State, r.Figures["opening"], r.Figures["closing"], err)
	}
}

// BenchmarkImportSample writes the sample file of a large province (20.000 cells) as it is sent,
// streamed from the database, and, for comparison, from rows held in memory first.
func BenchmarkImportSample(b *testing.B) {
	db := pgtest.New(b)
	province, _ := benchProvince(b, db, 100, 20_000)
	staff := org.Under(province).As(audit.Actor{Login: "tinh"})
	b.Run("streamed", func(b *testing.B) {
		b.ReportAllocs()
		var file bytes.Buffer
		for range b.N {
			file.Reset()
			if err := exchange.WriteXLSX(&file, report.ImportSample(b.Context(), db, staff, q2)); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(file.Len()), "file-bytes")
	})
	b.Run("held", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			sheet := report.ImportSample(b.Context(), db, staff, q2)
			if err := sheet.Stream(func(row []any) error { sheet.Rows = append(sheet.Rows, slices.Clone(row)); return nil }); err != nil {
				b.Fatal(err)
			}
			sheet.Stream = nil
			if err := exchange.WriteXLSX(io.Discard, sheet); err != nil {
				b.Fatal(err)
			}
		}
	})
}
