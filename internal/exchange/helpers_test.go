package exchange

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// units is the table most tests read: units of the organisation tree.
var units = Table{Sheet: "Đơn vị", Columns: []Column{
	{Key: "code", Header: "Mã đơn vị", Required: true},
	{Key: "name", Header: "Tên đơn vị", Required: true},
	{Key: "members", Header: "Số đảng viên"},
	{Key: "founded", Header: "Ngày thành lập"},
}}

const testMaxBytes = 1 << 20

// readCSVText reads s as the CSV file don-vi.csv.
func readCSVText(t *testing.T, table Table, s string) ([]*Row, Problems) {
	t.Helper()
	return Read(strings.NewReader(s), "don-vi.csv", table, testMaxBytes)
}

// readCSVRows reads s as readCSVText does; a problem with the file fails t.
func readCSVRows(t *testing.T, table Table, s string) []*Row {
	t.Helper()
	rows, ps := readCSVText(t, table, s)
	if len(ps) != 0 {
		t.Fatalf("problems:\n%s", list(ps))
	}
	return rows
}

// wantTexts reports each key of want whose text in r is not the one wanted.
func wantTexts(t *testing.T, r *Row, want map[string]string) {
	t.Helper()
	for key, text := range want {
		if got := r.Text(key); got != text {
			t.Errorf("%s = %q, want %q", key, got, text)
		}
	}
}

// readXLSXBytes reads b as the .xlsx file don-vi.xlsx.
func readXLSXBytes(t *testing.T, table Table, b []byte) ([]*Row, Problems) {
	t.Helper()
	return Read(bytes.NewReader(b), "don-vi.xlsx", table, testMaxBytes)
}

// writtenXLSX writes sheet with WriteXLSX and opens what it wrote, until t ends.
func writtenXLSX(t *testing.T, sheet Sheet) *excelize.File {
	t.Helper()
	var b bytes.Buffer
	if err := WriteXLSX(&b, sheet); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// workbook builds an .xlsx file with excelize alone, as another program would: one sheet per name in
// order, each row written from A1 down; a nil row leaves that row empty. edit, when not nil, changes the
// file before it is saved (styles, workbook settings).
func workbook(t *testing.T, sheets []string, rows map[string][][]any, edit func(f *excelize.File)) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, name := range sheets {
		var err error
		if i == 0 {
			err = f.SetSheetName("Sheet1", name)
		} else {
			_, err = f.NewSheet(name)
		}
		if err != nil {
			t.Fatal(err)
		}
		for r, row := range rows[name] {
			if row == nil {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(1, r+1)
			if err := f.SetSheetRow(name, cell, &row); err != nil {
				t.Fatal(err)
			}
		}
	}
	if edit != nil {
		edit(f)
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// wantProblem fails the test unless ps holds exactly want, with a message containing message.
func wantProblem(t *testing.T, ps Problems, want Problem, message string) {
	t.Helper()
	for _, p := range ps {
		if p.Sheet == want.Sheet && p.Row == want.Row && p.Column == want.Column && strings.Contains(p.Message, message) {
			return
		}
	}
	t.Errorf("want a problem %+v with message containing %q; got:\n%s", want, message, list(ps))
}

func list(ps Problems) string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = "  " + p.String()
	}
	return strings.Join(lines, "\n")
}

// rowProblems returns the problems recorded on all rows.
func rowProblems(rows []*Row) Problems {
	var ps Problems
	for _, r := range rows {
		ps = append(ps, r.Problems()...)
	}
	return ps
}

func numbers(rows []*Row) []int {
	var ns []int
	for _, r := range rows {
		ns = append(ns, r.Number())
	}
	return ns
}

func wantNumbers(t *testing.T, rows []*Row, want ...int) {
	t.Helper()
	if got := numbers(rows); !slices.Equal(got, want) {
		t.Errorf("row numbers = %v, want %v", got, want)
	}
}
