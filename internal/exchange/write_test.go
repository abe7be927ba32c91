package exchange

import (
	"bytes"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// figures is a table with one column of each kind, and rows that exercise them.
var figures = Sheet{
	Table: Table{Sheet: "Số liệu quý", Columns: []Column{
		{Key: "code", Header: "Mã chi bộ", Required: true},
		{Key: "name", Header: "Tên chi bộ"},
		{Key: "admitted", Header: "Số kết nạp"},
		{Key: "rate", Header: "Tỷ lệ"},
		{Key: "date", Header: "Ngày báo cáo"},
		{Key: "approved", Header: "Đã duyệt"},
	}},
	Rows: [][]any{
		{"CB-Ấp 3", "Chi bộ Ấp Phước Hưng, xã Đức Hòa", 1827, 0.125, time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC), true},
		{"CB04", "Chi bộ \"Trường THPT\"; Khối 2,\nxóm Đình", int64(0), 1.5, time.Date(1999, 1, 31, 0, 0, 0, 0, time.UTC), false},
		{"CB05", nil, nil, nil, nil, nil},
		{"CB06", "  khoảng trắng ", int64(9007199254740993)}, // shorter rows leave the rest empty
	},
}

// checkFigures reads back what was written from figures.
func checkFigures(t *testing.T, rows []*Row, ps Problems) {
	t.Helper()
	if len(ps) != 0 {
		t.Fatalf("problems:\n%s", list(ps))
	}
	wantNumbers(t, rows, 2, 3, 4, 5)
	for i, r := range rows {
		want := figures.Rows[i]
		if got := r.Text("code"); got != want[0] {
			t.Errorf("row %d: code = %q, want %q", r.Number(), got, want[0])
		}
		wantName, _ := want[1].(string)
		if got := r.Text("name"); got != strings.TrimSpace(wantName) {
			t.Errorf("row %d: name = %q, want %q", r.Number(), got, wantName)
		}
	}
	if n, ok := rows[0].Int("admitted"); n != 1827 || !ok {
		t.Errorf("admitted = %d, %v", n, ok)
	}
	if n, ok := rows[1].Int("admitted"); n != 0 || !ok {
		t.Errorf("admitted = %d, %v", n, ok)
	}
	// Int refuses numbers this large (no integer column holds them); the text shows none was rounded.
	if s := rows[3].Text("admitted"); s != "9007199254740993" {
		t.Errorf("admitted = %s: integers must not pass through float64", s)
	}
	if n, ok := rows[2].Int("admitted"); n != 0 || ok {
		t.Errorf("empty admitted = %d, %v", n, ok)
	}
	if x, _ := rows[0].Decimal("rate"); x != 0.125 {
		t.Errorf("rate = %v", x)
	}
	if x, _ := rows[1].Decimal("rate"); x != 1.5 {
		t.Errorf("rate = %v", x)
	}
	for i := range 2 {
		if d, ok := rows[i].Date("date"); !d.Equal(figures.Rows[i][4].(time.Time)) || !ok {
			t.Errorf("row %d: date = %v, %v", rows[i].Number(), d, ok)
		}
	}
	if b, ok := rows[0].Bool("approved"); !b || !ok {
		t.Errorf("approved = %v, %v", b, ok)
	}
	if b, ok := rows[1].Bool("approved"); b || !ok {
		t.Errorf("approved = %v, %v", b, ok)
	}
	if ps := rowProblems(rows); len(ps) != 0 {
		t.Errorf("row problems:\n%s", list(ps))
	}
}

func TestWriteXLSXThenReadKeepsValues(t *testing.T) {
	var b bytes.Buffer
	units := Sheet{Table: units, Rows: [][]any{{"CB01", "Chi bộ 1", 3, time.Now()}}}
	if err := WriteXLSX(&b, figures, units); err != nil {
		t.Fatal(err)
	}
	rows, ps := Read(bytes.NewReader(b.Bytes()), "so-lieu.xlsx", figures.Table, testMaxBytes)
	checkFigures(t, rows, ps)
	if rows, ps := Read(bytes.NewReader(b.Bytes()), "so-lieu.xlsx", units.Table, testMaxBytes); len(rows) != 1 || len(ps) != 0 {
		t.Errorf("second sheet: %d rows, problems:\n%s", len(rows), list(ps))
	}
}

func TestWriteCSVThenReadKeepsValues(t *testing.T) {
	var b bytes.Buffer
	if err := WriteCSV(&b, figures); err != nil {
		t.Fatal(err)
	}
	rows, ps := Read(bytes.NewReader(b.Bytes()), "so-lieu.csv", figures.Table, testMaxBytes)
	checkFigures(t, rows, ps)
}

func TestWriteCSVWritesForExcel(t *testing.T) {
	var b bytes.Buffer
	if err := WriteCSV(&b, figures); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	if !strings.HasPrefix(got, bom+"Mã chi bộ,Tên chi bộ,Số kết nạp,Tỷ lệ,Ngày báo cáo,Đã duyệt\r\n") {
		t.Errorf("no BOM or header: %q", got[:min(len(got), 80)])
	}
	for _, want := range []string{
		"CB-Ấp 3,\"Chi bộ Ấp Phước Hưng, xã Đức Hòa\",1827,\"0,125\",24/11/2026,có\r\n",
		",0,\"1,5\",31/01/1999,không\r\n",
		"CB05,,,,,\r\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
	if strings.Count(got, "\n") != strings.Count(got, "\r\n") {
		t.Errorf("a line end is not CRLF:\n%q", got)
	}
}

func TestWriteXLSXLaysOutTheSheet(t *testing.T) {
	f := writtenXLSX(t, figures)
	const sheet = "Số liệu quý"
	if got := f.GetSheetList(); len(got) != 1 || got[0] != sheet {
		t.Errorf("sheets = %q", got)
	}
	panes, err := f.GetPanes(sheet)
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("header not frozen: %+v, %v", panes, err)
	}
	style, _ := f.GetCellStyle(sheet, "A1")
	if s, err := f.GetStyle(style); err != nil || s.Font == nil || !s.Font.Bold {
		t.Errorf("header not bold: %+v, %v", s, err)
	}
	for cell, want := range map[string]excelize.CellType{
		"A2": excelize.CellTypeInlineString, "C2": excelize.CellTypeUnset, "D2": excelize.CellTypeUnset,
	} {
		if got, _ := f.GetCellType(sheet, cell); got != want {
			t.Errorf("%s: type %v, want %v", cell, got, want)
		}
	}
	if got, _ := f.GetCellValue(sheet, "C2", excelize.Options{RawCellValue: true}); got != "1827" {
		t.Errorf("C2 = %q, want the number 1827", got)
	}
	if got, _ := f.GetCellValue(sheet, "E2"); got != "24/11/2026" {
		t.Errorf("E2 shows %q, want a date shown 24/11/2026", got)
	}
	if got, _ := f.GetCellValue(sheet, "E2", excelize.Options{RawCellValue: true}); got != "46350" {
		t.Errorf("E2 = %q, want the date serial 46350", got)
	}
	width, _ := f.GetColWidth(sheet, "B")
	if width < 30 || width > 50 {
		t.Errorf("column B is %v wide", width)
	}
	if width, _ := f.GetColWidth(sheet, "A"); width < 9 {
		t.Errorf("column A is %v wide", width)
	}
}

func TestTitleLinesStandAboveTheHeader(t *testing.T) {
	titled := figures
	titled.Title = []string{"Chỉ số năm 2026: Tỉnh ủy Đồng Nai", "Số liệu đến 30/06/2026"}
	var c bytes.Buffer
	if err := WriteCSV(&c, titled); err != nil {
		t.Fatal(err)
	}
	if want := bom + "Chỉ số năm 2026: Tỉnh ủy Đồng Nai\r\nSố liệu đến 30/06/2026\r\n\r\nMã chi bộ,"; !strings.HasPrefix(c.String(), want) {
		t.Errorf("CSV starts %q, want %q", c.String()[:min(c.Len(), len(want))], want)
	}
	f := writtenXLSX(t, titled)
	const sheet = "Số liệu quý"
	for cell, want := range map[string]string{"A1": titled.Title[0], "A2": titled.Title[1], "A3": "", "A4": "Mã chi bộ", "C5": "1827"} {
		if got, _ := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true}); got != want {
			t.Errorf("%s = %q, want %q", cell, got, want)
		}
	}
	if panes, err := f.GetPanes(sheet); err != nil || !panes.Freeze || panes.YSplit != 4 {
		t.Errorf("the header below the title is not frozen: %+v, %v", panes, err)
	}
}

func TestWriteXLSXKeepsTheDateOfTimesInOtherZones(t *testing.T) {
	ict := time.FixedZone("ICT", 7*60*60)
	var b bytes.Buffer
	s := Sheet{Table: units, Rows: [][]any{{"CB01", "Chi bộ 1", 1, time.Date(2026, 1, 1, 0, 0, 0, 0, ict)}}}
	if err := WriteXLSX(&b, s); err != nil {
		t.Fatal(err)
	}
	rows, ps := readXLSXBytes(t, units, b.Bytes())
	if len(ps) != 0 || len(rows) != 1 {
		t.Fatalf("%d rows, problems:\n%s", len(rows), list(ps))
	}
	if d, _ := rows[0].Date("founded"); !d.Equal(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("founded = %v", d)
	}
}

func TestWritersRejectWhatTheyCannotWrite(t *testing.T) {
	for name, s := range map[string]Sheet{
		"unsupported type": {Table: units, Rows: [][]any{{"CB01", struct{}{}}}},
		"NaN":              {Table: units, Rows: [][]any{{"CB01", "x", math.NaN()}}},
		"row too long":     {Table: units, Rows: [][]any{{"a", "b", "c", "d", "e"}}},
	} {
		if err := WriteCSV(&bytes.Buffer{}, s); err == nil {
			t.Errorf("WriteCSV %s: no error", name)
		}
		if err := WriteXLSX(&bytes.Buffer{}, s); err == nil {
			t.Errorf("WriteXLSX %s: no error", name)
		}
	}
	for name, sheets := range map[string][]Sheet{
		"no sheet":      nil,
		"no name":       {{Table: Table{Columns: units.Columns}}},
		"repeated name": {{Table: units}, {Table: Table{Sheet: "ĐƠN VỊ", Columns: units.Columns}}},
		"invalid name":  {{Table: Table{Sheet: "Đơn vị/Thôn", Columns: units.Columns}}},
	} {
		if err := WriteXLSX(&bytes.Buffer{}, sheets...); err == nil {
			t.Errorf("WriteXLSX %s: no error", name)
		}
	}
}

func TestEmptyTemplateReadsAsNoRows(t *testing.T) {
	var b bytes.Buffer
	if err := WriteXLSX(&b, Sheet{Table: units}); err != nil {
		t.Fatal(err)
	}
	rows, ps := readXLSXBytes(t, units, b.Bytes())
	if len(rows) != 0 || len(ps) != 0 {
		t.Errorf("%d rows, problems:\n%s", len(rows), list(ps))
	}
}
