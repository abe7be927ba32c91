package stats

import (
	"bytes"
	"fmt"
	"math"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Coverage workbook layout (1-based rows): the table's heading row, its row of column numbers,
// its first unit.
const (
	coverageHeadRow  = 7
	coverageNumRow   = coverageHeadRow + 1
	coverageFirstRow = coverageNumRow + 1
)

// CoverageListSheet is the workbook's second sheet: the hamlets to attend to, by commune.
const CoverageListSheet = "Danh sách thôn"

// XLSX writes the report as a workbook: the table on A4 landscape, with its heading, numbered
// columns, the totals row and the places to sign, then the lists of hamlets on a second sheet.
func (c Coverage) XLSX() ([]byte, error) {
	x := excelize.NewFile()
	defer x.Close()
	const sheet = "Địa bàn"
	w := &xlsxWriter{x: x, sheet: sheet}
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	font := func(bold, italic bool, size float64) *excelize.Font {
		return &excelize.Font{Family: "Times New Roman", Size: size, Bold: bold, Italic: italic}
	}
	center := &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}
	left := &excelize.Alignment{Horizontal: "left", Vertical: "center", WrapText: true}
	right := &excelize.Alignment{Horizontal: "right", Vertical: "center"}
	border := []excelize.Border{{Type: "left", Style: 1, Color: "000000"}, {Type: "right", Style: 1, Color: "000000"},
		{Type: "top", Style: 1, Color: "000000"}, {Type: "bottom", Style: 1, Color: "000000"}}
	title := w.style(&excelize.Style{Font: font(true, false, 13), Alignment: center})
	plain := w.style(&excelize.Style{Font: font(false, true, 12), Alignment: center})
	head := w.style(&excelize.Style{Font: font(true, false, 11), Alignment: center, Border: border})
	num := w.style(&excelize.Style{Font: font(false, true, 10), Alignment: center, Border: border})
	text := [2]int{w.style(&excelize.Style{Font: font(false, false, 11), Alignment: left, Border: border}),
		w.style(&excelize.Style{Font: font(true, false, 11), Alignment: left, Border: border})}
	count := [2]int{w.style(&excelize.Style{Font: font(false, false, 11), NumFmt: 3, Alignment: right, Border: border}), // #,##0
		w.style(&excelize.Style{Font: font(true, false, 11), NumFmt: 3, Alignment: right, Border: border})}
	pct := [2]int{w.style(&excelize.Style{Font: font(false, false, 11), NumFmt: 2, Alignment: right, Border: border}), // 0.00
		w.style(&excelize.Style{Font: font(true, false, 11), NumFmt: 2, Alignment: right, Border: border})}
	dash := [2]int{w.style(&excelize.Style{Font: font(false, false, 11), Alignment: center, Border: border}),
		w.style(&excelize.Style{Font: font(true, false, 11), Alignment: center, Border: border})}

	last := col(len(CoverageColumns) + 2)
	w.merge("A1", "D1", strings.ToUpper(c.Unit.Name), title)
	w.merge(col(len(CoverageColumns)-3)+"1", last+"1", "ĐẢNG CỘNG SẢN VIỆT NAM", title)
	w.merge("A2", "D2", "*", title)
	w.merge("A4", last+"4", CoverageTitle, title)
	w.merge("A5", last+"5", c.Note(), plain)
	w.set(cell("A", coverageHeadRow), "STT", head)
	w.set(cell("B", coverageHeadRow), "Đơn vị", head)
	w.set(cell("A", coverageNumRow), "A", num)
	w.set(cell("B", coverageNumRow), "B", num)
	for i, cc := range CoverageColumns {
		w.set(cell(col(i+3), coverageHeadRow), cc.Heading, head)
		w.set(cell(col(i+3), coverageNumRow), cc.No, num)
	}
	r := coverageFirstRow
	row := func(no any, rr CoverageRow, bold int) {
		w.set(cell("A", r), no, dash[bold])
		w.set(cell("B", r), rr.Name, text[bold])
		for i, cc := range CoverageColumns {
			ref := cell(col(i+3), r)
			switch v := cc.Value(rr); {
			case math.IsNaN(v):
				w.set(ref, "—", dash[bold])
			case cc.Share:
				w.set(ref, v, pct[bold])
			default:
				w.set(ref, int(v), count[bold])
			}
		}
		r++
	}
	for i, rr := range c.Rows {
		row(i+1, rr, 0)
	}
	row("", c.Total, 1)
	r += 1
	w.merge(cell(col(len(CoverageColumns)-3), r), cell(last, r), "……………, ngày …… tháng …… năm ……", plain)
	r++
	w.merge(cell("A", r), cell("D", r), "NGƯỜI LẬP BIỂU", title)
	w.merge(cell(col(len(CoverageColumns)-3), r), cell(last, r), "T/M BAN THƯỜNG VỤ", title)
	r++
	w.merge(cell("A", r), cell("D", r), "(Ký, ghi rõ họ và tên)", plain)
	w.merge(cell(col(len(CoverageColumns)-3), r), cell(last, r), "(Ký tên, đóng dấu)", plain)
	w.width("A", 5)
	w.width("B", 26)
	for i := range CoverageColumns {
		w.width(col(i+3), 10.5)
	}
	w.height(coverageHeadRow, 75)
	w.printSetup(sheet, "landscape", fmt.Sprintf("'%s'!$A$1:$%s$%d", sheet, last, r))

	// The lists: one line a hamlet, by commune and by what it lacks.
	w.sheet = CoverageListSheet
	if w.err == nil {
		_, w.err = x.NewSheet(w.sheet)
	}
	w.merge("A1", "F1", "DANH SÁCH THÔN, TỔ DÂN PHỐ CẦN QUAN TÂM", title)
	w.merge("A2", "F2", c.Note(), plain)
	for i, h := range []string{"STT", "Xã, phường, đặc khu", "Thôn, tổ dân phố", "Mã thôn", "Tình trạng", "Chi bộ phụ trách"} {
		w.set(cell(col(i+1), 4), h, head)
	}
	r = 5
	for _, l := range c.Lists {
		for _, group := range l.Groups() {
			for _, h := range group.Hamlets {
				for i, v := range []any{r - 4, l.Name, h.Name, h.Code, group.Label, h.Cell} {
					w.set(cell(col(i+1), r), v, text[0])
				}
				r++
			}
		}
	}
	for k, width := range map[string]float64{"A": 6, "B": 26, "C": 24, "D": 16, "E": 30, "F": 28} {
		w.width(k, width)
	}
	w.printSetup(w.sheet, "portrait", fmt.Sprintf("'%s'!$A$1:$F$%d", w.sheet, max(r-1, 4)))
	if w.err != nil {
		return nil, w.err
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// col is the name of the column numbered n from 1 (A).
func col(n int) string {
	name, _ := excelize.ColumnNumberToName(n)
	return name
}

// printSetup sets the sheet to print on A4 in orientation, one page wide, over area.
func (w *xlsxWriter) printSetup(sheet, orientation, area string) {
	size, one, fit := 9, 1, true // 9: A4
	if w.err == nil {
		w.err = w.x.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: &size, Orientation: &orientation, FitToWidth: &one})
	}
	if w.err == nil {
		w.err = w.x.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit})
	}
	if w.err == nil {
		w.err = w.x.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Area", Scope: sheet, RefersTo: area})
	}
}
