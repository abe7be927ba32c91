package exchange

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

func TestHeaderMatchesWithoutAccentsInAnyCaseAndOrder(t *testing.T) {
	csv := "  so dang VIEN ,,TÊN ĐƠN VỊ,ma  don vi,ngày thành lập\n" +
		"12,không tiêu đề: bỏ qua,Chi bộ Ấp 3,CB03,24/11/2026\n"
	rows := readCSVRows(t, units, csv)
	r := rows[0]
	wantTexts(t, r, map[string]string{"code": "CB03", "name": "Chi bộ Ấp 3"})
	if n, ok := r.Int("members"); n != 12 || !ok {
		t.Errorf("members = %d, %v", n, ok)
	}
	if len(r.Problems()) != 0 {
		t.Errorf("row problems:\n%s", list(r.Problems()))
	}
}

// A header worded otherwise than the table's ("Đầu quý" for "Số đảng viên đầu kỳ") would leave its
// values unread: the file is refused, naming the column, never read with the column left out.
func TestUnrecognisedHeaderIsAProblemNamingItsColumn(t *testing.T) {
	_, ps := readCSVText(t, units, "Mã đơn vị,Tên đơn vị,Đầu quý,Ngày thành lập\nCB03,Chi bộ 3,12,24/11/2026\n")
	if len(ps) != 1 {
		t.Fatalf("want 1 problem, got:\n%s", list(ps))
	}
	wantProblem(t, ps, Problem{Sheet: "Đơn vị", Row: 1, Column: "Đầu quý"}, "cột C có tiêu đề không có trong tệp mẫu")
}

func TestMissingColumnIsAProblemOfTheHeaderRow(t *testing.T) {
	rows, ps := readCSVText(t, units, "Tên đơn vị,Số đảng viên,Ngày thành lập\nChi bộ 1,5,\n")
	if len(ps) != 1 {
		t.Fatalf("want 1 problem, got:\n%s", list(ps))
	}
	wantProblem(t, ps, Problem{Sheet: "Đơn vị", Row: 1, Column: "Mã đơn vị"}, "không tìm thấy cột")
	// The other cells are still read, so that every problem is reported at once, but the missing
	// column does not add a problem to each row.
	if len(rows) != 1 || rows[0].Text("name") != "Chi bộ 1" || rows[0].Text("code") != "" {
		t.Fatalf("rows = %v", rows)
	}
	if ps := rowProblems(rows); len(ps) != 0 {
		t.Errorf("row problems:\n%s", list(ps))
	}
}

func TestRepeatedHeaderIsAProblemNamingTheColumns(t *testing.T) {
	_, ps := readCSVText(t, units, "Mã đơn vị,Tên đơn vị,Số đảng viên,Ngày thành lập,MÃ ĐƠN VỊ\n")
	wantProblem(t, ps, Problem{Sheet: "Đơn vị", Row: 1, Column: "Mã đơn vị"}, "tiêu đề này có ở 2 cột (A, E)")
}

func TestBadIntNamesRowAndColumn(t *testing.T) {
	b := workbook(t, []string{"Đơn vị"}, map[string][][]any{"Đơn vị": {
		{"Mã đơn vị", "Tên đơn vị", "Số đảng viên", "Ngày thành lập"},
		{"CB01", "Chi bộ 1", 12},
		nil, nil, nil, nil, // empty rows 3 to 6 are skipped, but counted
		{"CB02", "Chi bộ 2", "abc"},
	}}, nil)
	rows, ps := readXLSXBytes(t, units, b)
	if len(ps) != 0 {
		t.Fatalf("problems:\n%s", list(ps))
	}
	wantNumbers(t, rows, 2, 7)
	if n, ok := rows[0].Int("members"); n != 12 || !ok {
		t.Errorf("row 2: members = %d, %v", n, ok)
	}
	if n, ok := rows[1].Int("members"); n != 0 || ok {
		t.Errorf("row 7: members = %d, %v", n, ok)
	}
	got := rows[1].Problems()
	if len(got) != 1 {
		t.Fatalf("want 1 problem, got:\n%s", list(got))
	}
	want := `Trang "Đơn vị", dòng 7, cột "Số đảng viên": "abc" không phải là số nguyên không âm`
	if got[0].String() != want {
		t.Errorf("problem = %s\nwant      %s", got[0], want)
	}
}

func TestImpossibleDateNamesRowAndColumn(t *testing.T) {
	rows := readCSVRows(t, units, "Mã đơn vị,Tên đơn vị,Số đảng viên,Ngày thành lập\n"+
		"CB01,Chi bộ 1,3,28/02/2025\n"+
		"CB02,Chi bộ 2,4,31/02/2025\n")
	if d, ok := rows[0].Date("founded"); !ok || !d.Equal(time.Date(2025, 2, 28, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("row 2: founded = %v, %v", d, ok)
	}
	if d, ok := rows[1].Date("founded"); ok || !d.IsZero() {
		t.Errorf("row 3: founded = %v, %v", d, ok)
	}
	wantProblem(t, rows[1].Problems(), Problem{Sheet: "Đơn vị", Row: 3, Column: "Ngày thành lập"},
		`"31/02/2025" không phải là ngày hợp lệ`)
}

func TestMissingRequiredCellNamesRowAndColumn(t *testing.T) {
	rows := readCSVRows(t, units, "Mã đơn vị,Tên đơn vị,Số đảng viên,Ngày thành lập\n"+
		"CB01,Chi bộ 1,,\n"+
		" ,Chi bộ 2,3,\n")
	for _, r := range rows {
		r.Text("code")
		r.Text("code") // reading twice reports once
		r.Int("members")
		r.Date("founded")
	}
	if ps := rows[0].Problems(); len(ps) != 0 {
		t.Errorf("empty optional cells gave problems:\n%s", list(ps))
	}
	got := rows[1].Problems()
	if len(got) != 1 {
		t.Fatalf("want 1 problem, got:\n%s", list(got))
	}
	wantProblem(t, got, Problem{Sheet: "Đơn vị", Row: 3, Column: "Mã đơn vị"}, "không được để trống")
}

func TestEmptyRowsAreSkippedAndRowNumbersStayExcels(t *testing.T) {
	// A quoted line break keeps a record on one Excel row; a blank line is an Excel row of its own.
	rows := readCSVRows(t, units, "Mã đơn vị,Tên đơn vị,Số đảng viên,Ngày thành lập\r\n"+
		"CB01,\"Chi bộ\r\nmột\",1,\r\n"+
		"\r\n"+
		",,,\r\n"+
		"CB02,Chi bộ 2,2,\r\n")
	wantNumbers(t, rows, 2, 5)
	if got := rows[0].Text("name"); got != "Chi bộ\nmột" {
		t.Errorf("name = %q", got)
	}
}

func TestSemicolonCSVWithBOM(t *testing.T) {
	csv := bom + "Mã đơn vị;Tên đơn vị;Số đảng viên;Ngày thành lập\r\n" +
		"CB01;\"Chi bộ 1; Ấp 2\";1.827;3/2/2025\r\n"
	rows := readCSVRows(t, units, csv)
	r := rows[0]
	// The BOM must not stick to the first header.
	wantTexts(t, r, map[string]string{"code": "CB01", "name": "Chi bộ 1; Ấp 2"})
	if n, _ := r.Int("members"); n != 1827 {
		t.Errorf("members = %d", n)
	}
	if d, _ := r.Date("founded"); !d.Equal(time.Date(2025, 2, 3, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("founded = %v", d)
	}
}

func TestCSVTextIsNFCNormalised(t *testing.T) {
	decomposed := "Chi bo\u0302\u0323" // "Chi bộ" as o + combining circumflex + combining dot below
	rows, _ := readCSVText(t, units, "Mã đơn vị,Tên đơn vị,Số đảng viên,Ngày thành lập\nCB01,"+decomposed+",,\n")
	if got := rows[0].Text("name"); got != "Chi bộ" {
		t.Errorf("name = %q, want NFC %q", got, "Chi bộ")
	}
}

func TestInvalidUTF8NamesTheRow(t *testing.T) {
	rows, ps := readCSVText(t, units, "Mã đơn vị,Tên đơn vị,Số đảng viên,Ngày thành lập\n"+
		"CB01,Chi bộ 1,,\n"+
		"CB02,Chi b\xf4 2,,\n")
	wantProblem(t, ps, Problem{Sheet: "Đơn vị", Row: 3}, "UTF-8")
	wantNumbers(t, rows, 2)
}

func TestInvalidUTF8HeaderIsOneProblem(t *testing.T) {
	rows, ps := readCSVText(t, units, "M\xe3 \xf0\xa1n v\xec,T\xean\nCB01,Chi b\xf4\nCB02,x\xff\n")
	if len(ps) != 1 || rows != nil {
		t.Fatalf("want 1 problem and no rows, got %d rows and:\n%s", len(rows), list(ps))
	}
	wantProblem(t, ps, Problem{Sheet: "Đơn vị", Row: 1}, "UTF-8")
}

func TestUTF16CSVIsOneProblem(t *testing.T) {
	utf16 := "\xff\xfeM\x00\xe3\x00,\x00"
	rows, ps := readCSVText(t, units, utf16)
	if rows != nil || len(ps) != 1 {
		t.Fatalf("rows %v, problems:\n%s", rows, list(ps))
	}
	wantProblem(t, ps, Problem{}, "UTF-16")
}

func TestUnclosedQuoteNamesTheRow(t *testing.T) {
	_, ps := readCSVText(t, units, "Mã đơn vị,Tên đơn vị,Số đảng viên,Ngày thành lập\n"+
		"CB01,Chi bộ 1,,\n"+
		"CB02,\"Chi bộ 2,,\nCB03,Chi bộ 3,,\n")
	wantProblem(t, ps, Problem{Sheet: "Đơn vị", Row: 3}, "ngoặc kép")
}

func TestEmptyFileIsAProblem(t *testing.T) {
	for _, csv := range []string{"", bom, "\r\n\r\n", " , \n"} {
		rows, ps := readCSVText(t, units, csv)
		if rows != nil {
			t.Errorf("%q: rows = %v", csv, rows)
		}
		wantProblem(t, ps, Problem{Sheet: "Đơn vị"}, "không tìm thấy dòng tiêu đề")
	}
}

func TestWrongExtensionIsAProblem(t *testing.T) {
	for _, name := range []string{"don-vi.xls", "don-vi.txt", "don-vi", `C:\Users\a\don-vi.ods`} {
		rows, ps := Read(strings.NewReader("Mã đơn vị\nCB01\n"), name, units, testMaxBytes)
		if rows != nil || len(ps) != 1 {
			t.Fatalf("%s: rows %v, problems:\n%s", name, rows, list(ps))
		}
		wantProblem(t, ps, Problem{}, "không phải là tệp Excel (.xlsx) hay CSV (.csv)")
	}
}

func TestExtensionIsCaseInsensitive(t *testing.T) {
	b := workbook(t, []string{"Đơn vị"}, map[string][][]any{"Đơn vị": {
		{"Mã đơn vị", "Tên đơn vị", "Số đảng viên", "Ngày thành lập"}, {"CB01", "Chi bộ 1"},
	}}, nil)
	if rows, ps := Read(bytes.NewReader(b), "DON-VI.XLSX", units, testMaxBytes); len(ps) != 0 || len(rows) != 1 {
		t.Errorf(".XLSX: %d rows, problems:\n%s", len(rows), list(ps))
	}
	csv := "Mã đơn vị,Tên đơn vị,Số đảng viên,Ngày thành lập\nCB01,Chi bộ 1,,\n"
	if rows, ps := Read(strings.NewReader(csv), "Don-Vi.Csv", units, testMaxBytes); len(ps) != 0 || len(rows) != 1 {
		t.Errorf(".Csv: %d rows, problems:\n%s", len(rows), list(ps))
	}
}

func TestMissingSheetListsTheSheetsThere(t *testing.T) {
	b := workbook(t, []string{"Sheet1", "Thôn, tổ dân phố"}, nil, nil)
	rows, ps := readXLSXBytes(t, units, b)
	if rows != nil || len(ps) != 1 {
		t.Fatalf("rows %v, problems:\n%s", rows, list(ps))
	}
	wantProblem(t, ps, Problem{}, `không tìm thấy trang "Đơn vị" trong tệp; tệp có các trang: "Sheet1", "Thôn, tổ dân phố"`)
	// An optional sheet left out reads as empty.
	optional := units
	optional.Optional = true
	if rows, ps := readXLSXBytes(t, optional, b); rows != nil || len(ps) != 0 {
		t.Fatalf("an optional sheet left out: rows %v, problems:\n%s", rows, list(ps))
	}
}

func TestSheetIsFoundWithoutAccentsAndFirstWhenUnnamed(t *testing.T) {
	b := workbook(t, []string{"Hướng dẫn", "DON VI"}, map[string][][]any{
		"Hướng dẫn": {{"Mã đơn vị", "Tên đơn vị", "Số đảng viên", "Ngày thành lập"}, {"HD", "hướng dẫn"}},
		"DON VI":    {{"Mã đơn vị", "Tên đơn vị", "Số đảng viên", "Ngày thành lập"}, {"CB01", "Chi bộ 1"}},
	}, nil)
	rows, ps := readXLSXBytes(t, units, b)
	if len(ps) != 0 || len(rows) != 1 || rows[0].Text("code") != "CB01" {
		t.Fatalf("sheet %q: %d rows, problems:\n%s", units.Sheet, len(rows), list(ps))
	}
	rows[0].Problemf("code", "thử")
	wantProblem(t, rows[0].Problems(), Problem{Sheet: "DON VI", Row: 2, Column: "Mã đơn vị"}, "thử")

	rows, ps = readXLSXBytes(t, Table{Columns: units.Columns}, b)
	if len(ps) != 0 || len(rows) != 1 || rows[0].Text("code") != "HD" {
		t.Fatalf("no sheet named: %d rows, problems:\n%s", len(rows), list(ps))
	}
}

func TestXLSXCellsAreReadRawNotAsFormatted(t *testing.T) {
	table := Table{Sheet: "Số liệu", Columns: []Column{
		{Key: "members", Header: "Số đảng viên"},
		{Key: "rate", Header: "Tỷ lệ"},
		{Key: "date", Header: "Ngày"},
		{Key: "text", Header: "Ghi chú"},
		{Key: "yes", Header: "Có chi bộ"},
	}}
	founded := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	b := workbook(t, []string{"Số liệu"}, map[string][][]any{"Số liệu": {
		{"Số đảng viên", "Tỷ lệ", "Ngày", "Ghi chú", "Có chi bộ"},
		{1827, 0.5, founded, "24/11/2026", true},
	}}, func(f *excelize.File) {
		thousands, _ := f.NewStyle(&excelize.Style{NumFmt: 3}) // #,##0, shown "1,827" in English settings
		percent, _ := f.NewStyle(&excelize.Style{NumFmt: 9})   // 0%
		long := "dddd, dd mmmm yyyy"
		longDate, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &long})
		_ = f.SetCellStyle("Số liệu", "A2", "A2", thousands)
		_ = f.SetCellStyle("Số liệu", "B2", "B2", percent)
		_ = f.SetCellStyle("Số liệu", "C2", "C2", longDate)
	})
	rows, ps := readXLSXBytes(t, table, b)
	if len(ps) != 0 || len(rows) != 1 {
		t.Fatalf("%d rows, problems:\n%s", len(rows), list(ps))
	}
	r := rows[0]
	if n, ok := r.Int("members"); n != 1827 || !ok {
		t.Errorf("members = %d, %v", n, ok)
	}
	if x, ok := r.Decimal("rate"); x != 0.5 || !ok {
		t.Errorf("rate = %v, %v", x, ok)
	}
	if d, ok := r.Date("date"); !d.Equal(founded) || !ok {
		t.Errorf("date cell = %v, %v", d, ok)
	}
	if d, ok := r.Date("text"); !d.Equal(founded) || !ok {
		t.Errorf("date as text = %v, %v", d, ok)
	}
	if y, ok := r.Bool("yes"); !y || !ok {
		t.Errorf("boolean cell = %v, %v", y, ok)
	}
	if ps := r.Problems(); len(ps) != 0 {
		t.Errorf("row problems:\n%s", list(ps))
	}
}

func TestXLSXDatesOfThe1904SystemAreRead(t *testing.T) {
	day := time.Date(2025, 2, 3, 0, 0, 0, 0, time.UTC)
	b := workbook(t, []string{"Đơn vị"}, nil, func(f *excelize.File) {
		yes := true
		if err := f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &yes}); err != nil {
			t.Fatal(err)
		}
		_ = f.SetSheetRow("Đơn vị", "A1", &[]any{"Mã đơn vị", "Tên đơn vị", "Số đảng viên", "Ngày thành lập"})
		_ = f.SetSheetRow("Đơn vị", "A2", &[]any{"CB01", "Chi bộ 1", 1, day})
	})
	rows, ps := readXLSXBytes(t, units, b)
	if len(ps) != 0 || len(rows) != 1 {
		t.Fatalf("%d rows, problems:\n%s", len(rows), list(ps))
	}
	if d, ok := rows[0].Date("founded"); !d.Equal(day) || !ok {
		t.Errorf("founded = %v, %v", d, ok)
	}
}

func TestCorruptXLSXIsAProblem(t *testing.T) {
	for name, b := range map[string][]byte{
		"empty":        nil,
		"text":         []byte("Mã đơn vị,Tên đơn vị\n"),
		"old .xls":     append([]byte{0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1}, make([]byte, 512)...),
		"a zip of air": {0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
	} {
		rows, ps := readXLSXBytes(t, units, b)
		if rows != nil || len(ps) != 1 {
			t.Fatalf("%s: rows %v, problems:\n%s", name, rows, list(ps))
		}
		wantProblem(t, ps, Problem{}, "không đọc được tệp Excel")
	}
}

func TestFileOverMaxBytesIsAProblem(t *testing.T) {
	csv := "Mã đơn vị,Tên đơn vị,Số đảng viên,Ngày thành lập\n" + strings.Repeat("CB01,Chi bộ 1,1,\n", 100)
	rows, ps := Read(strings.NewReader(csv), "don-vi.csv", units, int64(len(csv)-1))
	if rows != nil || len(ps) != 1 {
		t.Fatalf("rows %v, problems:\n%s", rows, list(ps))
	}
	wantProblem(t, ps, Problem{}, "tệp lớn hơn giới hạn 1.968 byte")

	if rows, ps := Read(strings.NewReader(csv), "don-vi.csv", units, int64(len(csv))); len(rows) != 100 || len(ps) != 0 {
		t.Errorf("at the limit: %d rows, problems:\n%s", len(rows), list(ps))
	}
	if got := sizeText(10 << 20); got != "10 MB" {
		t.Errorf("sizeText = %q", got)
	}
	if got := sizeText(3 << 19); got != "1,5 MB" {
		t.Errorf("sizeText = %q", got)
	}
}

func TestMoreThanMaxRowsIsAProblem(t *testing.T) {
	var b strings.Builder
	b.WriteString("Mã đơn vị,Tên đơn vị,Số đảng viên,Ngày thành lập\n")
	for i := range maxRows {
		fmt.Fprintf(&b, "CB%d,Chi bộ %d,,\n", i, i)
	}
	rows, ps := Read(strings.NewReader(b.String()), "don-vi.csv", units, 0)
	if len(rows) != maxRows || len(ps) != 0 {
		t.Fatalf("at the limit: %d rows, problems:\n%s", len(rows), list(ps))
	}
	b.WriteString("\n\nCB,Chi bộ thừa,,\n")
	rows, ps = Read(strings.NewReader(b.String()), "don-vi.csv", units, 0)
	if rows != nil || len(ps) != 1 {
		t.Fatalf("over the limit: %d rows, problems:\n%s", len(rows), list(ps))
	}
	wantProblem(t, ps, Problem{Sheet: "Đơn vị"}, "hơn 100.000 dòng dữ liệu")
}

func TestMoreThanMaxRowsInXLSXIsAProblem(t *testing.T) {
	codes := Table{Sheet: "Mã", Columns: []Column{{Key: "code", Header: "Mã đơn vị"}}}
	data := make([][]any, maxRows+1)
	for i := range data {
		data[i] = []any{i}
	}
	var b bytes.Buffer
	if err := WriteXLSX(&b, Sheet{Table: codes, Rows: data}); err != nil {
		t.Fatal(err)
	}
	rows, ps := Read(bytes.NewReader(b.Bytes()), "ma.xlsx", codes, 0)
	if rows != nil || len(ps) != 1 {
		t.Fatalf("%d rows, problems:\n%s", len(rows), list(ps))
	}
	wantProblem(t, ps, Problem{Sheet: "Mã"}, "hơn 100.000 dòng dữ liệu")
}

func TestOptionalColumnMayBeLeftOut(t *testing.T) {
	rows := readCSVRows(t, units, "Mã đơn vị,Tên đơn vị\nCB01,Chi bộ 1\n")
	if n, ok := rows[0].Int("members"); n != 0 || ok || len(rows[0].Problems()) != 0 {
		t.Fatalf("absent optional column: %d %v %v", n, ok, rows[0].Problems())
	}
}
