package report_test

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"ptdang/internal/audit"
	"ptdang/internal/org"
	"ptdang/internal/pgtest"
	"ptdang/internal/report"
)

// benchProvince makes a province of communes and cells with plain SQL, far faster than through
// org, and returns the province and the cells' codes.
func benchProvince(tb testing.TB, db *pgxpool.Pool, communes, cells int) (int64, []string) {
	tb.Helper()
	ctx := tb.Context()
	var province int64
	err := db.QueryRow(ctx, `
		WITH u AS (INSERT INTO party_unit (code) VALUES ('BT') RETURNING id)
		INSERT INTO party_unit_version (unit_id, valid_from, name, kind, org_type)
		SELECT id, '2015-01-01', 'Tỉnh ủy Bến Tre', 'province_committee', 'territorial' FROM u RETURNING unit_id`).Scan(&province)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := db.Exec(ctx, `
		WITH u AS (INSERT INTO party_unit (code) SELECT 'BT.X' || i FROM generate_series(1, $2::int) i RETURNING id, code)
		INSERT INTO party_unit_version (unit_id, valid_from, name, kind, org_type, parent_id)
		SELECT id, '2015-01-01', 'Đảng bộ xã ' || code, 'commune_committee', 'territorial', $1 FROM u`, province, communes); err != nil {
		tb.Fatal(err)
	}
	if _, err := db.Exec(ctx, `
		WITH u AS (INSERT INTO party_unit (code, full_members) SELECT 'BT.X' || (i % $1 + 1) || '.C' || i, 10 FROM generate_series(1, $2::int) i RETURNING id, code)
		INSERT INTO party_unit_version (unit_id, valid_from, name, kind, org_type, parent_id)
		SELECT u.id, '2015-01-01', 'Chi bộ ' || u.code, 'affiliated_cell', 'territorial', c.id
		FROM u JOIN party_unit c ON c.code = split_part(u.code, '.C', 1)`, communes, cells); err != nil {
		tb.Fatal(err)
	}
	codes := make([]string, cells)
	for i := range codes {
		codes[i] = fmt.Sprintf("BT.X%d.C%d", (i+1)%communes+1, i+1)
	}
	return province, codes
}

// yearFile is a CSV with the four quarters of year for every cell, each quarter opening on the
// last one's closing, as a province loading a year of paper reports sends it.
func yearFile(codes []string, year int) string {
	var b strings.Builder
	var header []string
	for _, c := range report.FiguresTable.Columns {
		header = append(header, c.Header)
	}
	b.WriteString(strings.Join(header, ";") + "\n")
	line := make([]string, len(report.FiguresTable.Columns))
	for _, code := range codes {
		for q := 1; q <= 4; q++ {
			opening := 9 + q
			vals := map[string]string{"cell_code": code, "year": strconv.Itoa(year), "quarter": strconv.Itoa(q),
				"submitted_on": report.Period{Year: year, Quarter: q}.End().AddDate(0, 0, 5).Format("02/01/2006"),
				"opening":      strconv.Itoa(opening), "admitted": "1", "closing": strconv.Itoa(opening + 1),
				"full_members": strconv.Itoa(opening), "probationary": "1", "women": "3", "adm_women": "1",
				"sympathisers": "4", "course_completed": "2", "monthly_meetings": "3"}
			for i, c := range report.FiguresTable.Columns {
				line[i] = vals[c.Key]
			}
			b.WriteString(strings.Join(line, ";") + "\n")
		}
	}
	return b.String()
}

// BenchmarkImportFigures loads a year of paper reports for a province's cells (5.000 cells × 4
// quarters = 20.000 rows; PTDANG_BENCH_IMPORT_CELLS changes the number of cells) as province
// staff, and reports the time per row.
func BenchmarkImportFigures(b *testing.B) {
	cells := 5000
	if n, err := strconv.Atoi(os.Getenv("PTDANG_BENCH_IMPORT_CELLS")); err == nil && n > 0 {
		cells = n
	}
	db := pgtest.New(b)
	province, codes := benchProvince(b, db, 100, cells)
	staff := org.Under(province).As(audit.Actor{Login: "tinh"})
	ctx := b.Context()
	size := 0
	b.ResetTimer()
	for i := range b.N {
		// The audit log refuses deletes: each round loads an earlier year instead.
		b.StopTimer()
		file := yearFile(codes, 2022-i)
		size += len(file)
		b.StartTimer()
		res, err := report.ImportFigures(ctx, db, staff, strings.NewReader(file), "nam.csv", false, true, day("2023-06-01"))
		if err != nil || len(res.Problems) > 0 || res.Submitted != 4*cells {
			b.Fatalf("import: submitted %d, %v, %v", res.Submitted, res.Problems, err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*4*cells), "ns/row")
	b.ReportMetric(float64(size)/float64(b.N), "file-bytes")
}
