package stats_test

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"ptdang/internal/org"
	"ptdang/internal/stats"
)

// TestFormXLSXReadsBackInTheOfficialLayout writes a commune's Biểu 1 and Biểu 3 with a cell that has not
// reported and reads the workbook back: the merged header cells, the column numbers, every
// line's number, label, figures and formats, the note of the missing cell, the signatures and
// the A4 portrait print setup.
func TestFormXLSXReadsBackInTheOfficialLayout(t *testing.T) {
	db := province(t)
	p := stats.Period{Year: 2026, From: 1, To: 2}
	commune := units(t, db, p.LastDay())[0]
	if _, err := db.Exec(t.Context(), `
		WITH RECURSIVE `+org.SubtreeCTE+`
		UPDATE quarterly_report SET state = 'draft' WHERE (cell_id, year, quarter) =
			(SELECT r.cell_id, 2026, 2 FROM sub JOIN quarterly_report r ON r.cell_id = sub.id AND r.year = 2026 AND r.quarter = 2 ORDER BY r.cell_id LIMIT 1)`,
		[]int64{commune.ID}, p.LastDay()); err != nil {
		t.Fatal(err)
	}
	for _, no := range []string{"1", "2", "3", "7"} {
		f, err := stats.Make(t.Context(), db, org.Everything(), no, commune.ID, p, day("2026-12-07"))
		if err != nil {
			t.Fatal(err)
		}
		if f.Complete() {
			t.Errorf("Biểu %s: a cell's report was made a draft: the form is incomplete", no)
		}
		checkXLSX(t, f)
	}
}

// checkXLSX reads f's workbook back and checks its layout against f.
func checkXLSX(t *testing.T, f stats.Form) {
	t.Helper()
	data, err := f.XLSX()
	if err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	sheet := x.GetSheetName(0)
	if sheet != "Biểu "+strings.ToUpper(f.No) || f.Filename() != fmt.Sprintf("bieu-%s-%s-%d-%s.xlsx", f.No, f.Unit.Code, f.Period.Year, f.Period.Kind()) {
		t.Errorf("sheet %q, file %q", sheet, f.Filename())
	}
	get := func(ref string) string {
		v, err := x.GetCellValue(sheet, ref)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	merges, err := x.GetMergeCells(sheet)
	if err != nil {
		t.Fatal(err)
	}
	merged := map[string]string{}
	for _, m := range merges {
		merged[m.GetStartAxis()+":"+m.GetEndAxis()] = m.GetCellValue()
	}
	for ref, want := range map[string]string{"A1:B1": f.Committee(), "C1:E1": "ĐẢNG CỘNG SẢN VIỆT NAM", "C2:E2": "Biểu số " + strings.ToUpper(f.No) + "-BTCTW",
		"A4:E4": f.Title, "A5:E5": f.Period.Label(), "C8:D8": "Thực hiện", "A8:A9": "STT", "E8:E9": stats.Columns[4].Heading} {
		if merged[ref] != want {
			t.Errorf("merged %s: %q, want %q", ref, merged[ref], want)
		}
	}
	if get("E7") != "Đơn vị tính: "+map[bool]string{true: "tổ chức", false: "người"}[f.Tree] {
		t.Errorf("unit of measure: %q", get("E7"))
	}
	for i, c := range []string{"A", "B", "C", "D", "E"} {
		if get(c+"10") != stats.Columns[i].No {
			t.Errorf("column number %s10: %q, want %q", c, get(c+"10"), stats.Columns[i].No)
		}
	}
	countFmt, pctFmt := 0, 0
	for i, l := range f.Lines {
		row := strconv.Itoa(11 + i)
		if get("A"+row) != l.No || get("B"+row) != l.LabelText() {
			t.Errorf("row %s: %q %q, want %q %q", row, get("A"+row), get("B"+row), l.No, l.LabelText())
		}
		this, _ := x.GetCellValue(sheet, "C"+row, excelize.Options{RawCellValue: true})
		last, _ := x.GetCellValue(sheet, "D"+row, excelize.Options{RawCellValue: true})
		pct, _ := x.GetCellValue(sheet, "E"+row, excelize.Options{RawCellValue: true})
		if l.NoData || l.Heading() {
			want := map[bool]string{true: stats.NoDataText, false: ""}[l.NoData]
			if this != want || last != want || pct != want {
				t.Errorf("row %s %q: %q | %q | %q, want %q: no figures", row, l.Label, this, last, pct, want)
			}
			continue
		}
		if l.Tenths {
			want := strconv.FormatFloat(float64(l.This)/10, 'f', -1, 64)
			if l.This == 0 {
				want = "-"
			}
			if this != want || pct != l.PercentText() {
				t.Errorf("row %s %s: %s | %s, want %s (%d tenths)", row, l.Key, this, pct, l.Figure(l.This), l.This)
			}
			continue
		}
		countFmt++
		if this != strconv.Itoa(l.This) || last != strconv.Itoa(l.Last) {
			t.Errorf("row %s %s: %s | %s, want %d | %d", row, l.Key, this, last, l.This, l.Last)
		}
		if (l.Last == 0 || l.Partial || l.PartialLast) && pct != l.PercentText() {
			t.Errorf("row %s %s: percent %q, want %q", row, l.Key, pct, l.PercentText())
		}
		if l.Last != 0 && !l.Partial && !l.PartialLast {
			v, _ := strconv.ParseFloat(pct, 64)
			if fmt.Sprintf("%.6f", v) != fmt.Sprintf("%.6f", l.Percent()) {
				t.Errorf("row %s %s: percent %s, want %f", row, l.Key, pct, l.Percent())
			}
			pctFmt += numFmt(t, x, sheet, "E"+row, 2)
		}
		if numFmt(t, x, sheet, "C"+row, 3)+numFmt(t, x, sheet, "D"+row, 3) != 2 {
			countFmt = -len(f.Lines)
		}
	}
	if countFmt <= 0 || pctFmt == 0 {
		t.Errorf("number formats: %d counts #,##0, %d percents 0.00", countFmt, pctFmt)
	}
	rows, _ := x.GetRows(sheet)
	var text []string
	for _, r := range rows {
		text = append(text, r...)
	}
	if (f.No == "2") != (f.NoDataNote() != "" && f.PeopleNote() != "") {
		t.Errorf("Biểu %s: cells giving totals only %v, notes %q, %q", f.No, f.TotalsOnly, f.NoDataNote(), f.PeopleNote())
	}
	for _, want := range []string{"NGƯỜI LẬP BIỂU", "T/M BAN THƯỜNG VỤ", f.MissingNote(), f.NoDataNote(), f.PeopleNote(), f.TotalsOnlyNote()} {
		if !slices.Contains(text, want) {
			t.Errorf("the workbook lacks %q", want)
		}
	}
	layout, err := x.GetPageLayout(sheet)
	if err != nil || layout.Size == nil || *layout.Size != 9 || layout.Orientation == nil || *layout.Orientation != "portrait" {
		t.Errorf("page layout: %+v, %v; want A4 (9) portrait", layout, err)
	}
}

// numFmt is 1 when ref's style has the built-in number format id.
func numFmt(t *testing.T, x *excelize.File, sheet, ref string, id int) int {
	t.Helper()
	sid, err := x.GetCellStyle(sheet, ref)
	if err != nil {
		t.Fatal(err)
	}
	s, err := x.GetStyle(sid)
	if err != nil {
		t.Fatal(err)
	}
	if s.NumFmt != id {
		t.Errorf("%s: number format %d, want %d", ref, s.NumFmt, id)
		return 0
	}
	return 1
}
