package stats

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"ptdang/internal/format"
)

// Columns are the form's columns: letter or number (the row of column numbers), heading.
var Columns = []struct{ No, Heading string }{
	{"A", "STT"},
	{"B", "Tiêu chí"},
	{"1", "Kỳ này"},
	{"2", "Cùng kỳ năm trước"},
	{"3 = 1 × 100 / 2", "Kỳ này so với cùng kỳ năm trước (%)"},
}

// Committee is how the form's header names the unit's committee: its name in capitals.
func (f Form) Committee() string { return strings.ToUpper(f.Unit.Name) }

// Measure is what the form's figures count: people, or organisations for a form of the tree.
func (f Form) Measure() string {
	if f.Tree {
		return "tổ chức"
	}
	return "người"
}

// PeriodNote says what the figures cover.
func (f Form) PeriodNote() string {
	if f.Tree {
		return fmt.Sprintf("(Tổ chức đảng có tại ngày %s, so với ngày %s)", format.Date(f.AsOf), format.Date(f.AsOf.AddDate(-1, 0, 0)))
	}
	return fmt.Sprintf("(Từ ngày %s đến ngày %s; cơ cấu tổ chức tại ngày %s)",
		format.Date(firstDay(f.Period)), format.Date(f.Period.LastDay()), format.Date(f.AsOf))
}

// MissingNote says the form is incomplete, and why, or "" when every cell reported.
func (f Form) MissingNote() string {
	if f.Complete() {
		return ""
	}
	return fmt.Sprintf("Chưa đầy đủ: %s chi bộ chưa có %s (%s).",
		format.Int(int64(len(f.Missing))), f.MissingWhat(), strings.Join(f.MissingNames(), "; "))
}

// MissingWhat says what the cells in Missing have not given.
func (f Form) MissingWhat() string {
	if f.Annual {
		return "kết quả đánh giá, xếp loại chất lượng năm " + strconv.Itoa(f.Period.Year)
	}
	return "báo cáo quý được gửi hoặc duyệt trong kỳ"
}

// MissingNames names the cells that have not reported, with the quarters they lack.
func (f Form) MissingNames() []string {
	var names []string
	for _, m := range f.Missing {
		qs := make([]string, len(m.Quarters))
		for i, q := range m.Quarters {
			qs[i] = fmt.Sprintf("quý %d", q)
		}
		if len(qs) == 0 {
			names = append(names, m.Code+" "+m.Name)
			continue
		}
		names = append(names, fmt.Sprintf("%s %s: %s", m.Code, m.Name, strings.Join(qs, ", ")))
	}
	return names
}

// NoDataText stands for the figures of a NoData row: not known, never 0.
const NoDataText = "…"

// Heading reports whether l is a heading without figures.
func (l Line) Heading() bool { return l.Key == "" }

// NoDataNote says why the form's NoData rows are empty: neither the quarterly report nor (for a
// form counted from people) the admission register has them; "" for a form without such rows.
func (f Form) NoDataNote() string {
	if !slices.ContainsFunc(f.Lines, func(l Line) bool { return l.NoData }) {
		return ""
	}
	if !f.fromPeople() {
		return fmt.Sprintf("Dòng ghi “%s”: chưa có số liệu; báo cáo quý của chi bộ không có các chỉ tiêu này.", NoDataText)
	}
	return fmt.Sprintf("Dòng ghi “%s”: chưa có số liệu; báo cáo quý của chi bộ và sổ theo dõi phát triển đảng viên không có các chỉ tiêu này.", NoDataText)
}

// fromPeople reports whether some of f's rows are counted from the admission register.
func (f Form) fromPeople() bool {
	return slices.ContainsFunc(f.Lines, func(l Line) bool { return l.FromPeople })
}

// partialText marks the label of a row counted from people that lacks some cells' people.
const partialText = " (chưa đủ)"

// PeopleNote says where the rows counted from people come from and, when some cells admitted
// people the register lacks (TotalsOnly, TotalsOnlyLast), that those rows are incomplete and
// how many cells gave totals only (TotalsOnlyNote names them); "" for a form without such rows.
func (f Form) PeopleNote() string {
	if !f.fromPeople() {
		return ""
	}
	note := "Các dòng theo nghề nghiệp, tuổi, trình độ, dân tộc, tôn giáo: tính từng người trong sổ theo dõi phát triển đảng viên."
	var parts []string
	for _, part := range f.TotalsOnlyParts() {
		parts = append(parts, fmt.Sprintf("%s %s chi bộ", part.When, format.Int(int64(len(part.Cells)))))
	}
	if len(parts) > 0 {
		note += fmt.Sprintf(" Dòng ghi “%s” chưa gồm đảng viên của các chi bộ chỉ báo cáo tổng số, sổ chưa ghi đủ người: %s.",
			strings.TrimSpace(partialText), strings.Join(parts, ", "))
	}
	return note
}

// TotalsOnlyNote names the cells that gave totals only, this period and last year; "" for none.
func (f Form) TotalsOnlyNote() string {
	var parts []string
	for _, part := range f.TotalsOnlyParts() {
		parts = append(parts, fmt.Sprintf("%s: %s", part.When, strings.Join(cellNames(part.Cells), "; ")))
	}
	if len(parts) == 0 {
		return ""
	}
	return "Chi bộ chỉ báo cáo tổng số, " + strings.Join(parts, "; ") + "."
}

// TotalsOnlyPart is a column's cells that gave totals only: When names the column.
type TotalsOnlyPart struct {
	When  string
	Cells []Cell
}

// TotalsOnlyParts are f's cells that gave totals only, this period and last year, those not empty.
func (f Form) TotalsOnlyParts() []TotalsOnlyPart {
	var out []TotalsOnlyPart
	for _, p := range []TotalsOnlyPart{{"kỳ này", f.TotalsOnly}, {"cùng kỳ năm trước", f.TotalsOnlyLast}} {
		if len(p.Cells) > 0 {
			out = append(out, p)
		}
	}
	return out
}

// cellNames are cells' codes and names.
func cellNames(cells []Cell) []string {
	names := make([]string, len(cells))
	for i, c := range cells {
		names[i] = c.Code + " " + c.Name
	}
	return names
}

// LabelText is l's label as the form writes it: marked when counted from people and incomplete,
// this period ("chưa đủ") or only last year.
func (l Line) LabelText() string {
	switch {
	case l.Partial:
		return l.Label + partialText
	case l.PartialLast:
		return l.Label + " (năm trước chưa đủ)"
	}
	return l.Label
}

// Figure writes a figure v of l: a count (1.827), or a mean in tenths with one decimal after a
// comma (32,5), "-" for the mean of nobody.
func (l Line) Figure(v int) string {
	if !l.Tenths {
		return format.Int(int64(v))
	}
	if v == 0 {
		return "-"
	}
	return strconv.Itoa(v/10) + "," + strconv.Itoa(v%10)
}

// PercentText writes l's percent as the form shows it: two decimals, "-" when last year is 0,
// "…" when a figure counted from people is incomplete (a share of incomplete figures says nothing).
func (l Line) PercentText() string {
	switch {
	case l.Partial || l.PartialLast:
		return NoDataText
	case l.Last == 0:
		return "-"
	}
	return strings.TrimSuffix(format.Percent(l.Percent()), " %")
}

// Filename is the form's download name.
func (f Form) Filename() string {
	return fmt.Sprintf("bieu-%s-%s-%d-%s.xlsx", f.No, f.Unit.Code, f.Period.Year, f.Period.Kind())
}

// oneDecimal is the workbook's format of a mean age.
var oneDecimal = "0.0"

// The rows of the workbook's layout (1-based): the table starts at headRow.
const (
	headRow  = 8           // two rows of headings
	numRow   = headRow + 2 // the row of column numbers
	firstRow = numRow + 1  // the form's first line
)

// XLSX writes the form as a workbook in the official layout, A4 portrait.
func (f Form) XLSX() ([]byte, error) {
	x := excelize.NewFile()
	defer x.Close()
	sheet := "Biểu " + strings.ToUpper(f.No)
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	w := &xlsxWriter{x: x, sheet: sheet}
	font := func(bold, italic bool, size float64) *excelize.Font {
		return &excelize.Font{Family: "Times New Roman", Size: size, Bold: bold, Italic: italic}
	}
	center := &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}
	left := &excelize.Alignment{Horizontal: "left", Vertical: "center", WrapText: true}
	border := []excelize.Border{{Type: "left", Style: 1, Color: "000000"}, {Type: "right", Style: 1, Color: "000000"},
		{Type: "top", Style: 1, Color: "000000"}, {Type: "bottom", Style: 1, Color: "000000"}}
	title := w.style(&excelize.Style{Font: font(true, false, 13), Alignment: center})
	plain := w.style(&excelize.Style{Font: font(false, true, 12), Alignment: center})
	head := w.style(&excelize.Style{Font: font(true, false, 12), Alignment: center, Border: border})
	num := w.style(&excelize.Style{Font: font(false, true, 11), Alignment: center, Border: border})
	label := func(bold bool, indent int) int {
		a := *left
		a.Indent = indent
		return w.style(&excelize.Style{Font: font(bold, indent > 1, 12), Alignment: &a, Border: border})
	}
	count := func(bold bool) int {
		return w.style(&excelize.Style{Font: font(bold, false, 12), NumFmt: 3, Border: border, // #,##0
			Alignment: &excelize.Alignment{Horizontal: "right", Vertical: "center"}})
	}
	pct := func(bold bool) int {
		return w.style(&excelize.Style{Font: font(bold, false, 12), NumFmt: 2, Border: border, // 0.00
			Alignment: &excelize.Alignment{Horizontal: "right", Vertical: "center"}})
	}

	w.merge("A1", "B1", f.Committee(), title)
	w.merge("C1", "E1", "ĐẢNG CỘNG SẢN VIỆT NAM", title)
	w.merge("A2", "B2", "*", title)
	w.merge("C2", "E2", f.Number, title)
	w.merge("A4", "E4", f.Title, title)
	w.merge("A5", "E5", f.Period.Label(), title)
	w.merge("A6", "E6", f.PeriodNote(), plain)
	w.set("E7", "Đơn vị tính: "+f.Measure(), plain)
	w.merge(cell("A", headRow), cell("A", headRow+1), Columns[0].Heading, head)
	w.merge(cell("B", headRow), cell("B", headRow+1), Columns[1].Heading, head)
	w.merge(cell("C", headRow), cell("D", headRow), "Thực hiện", head)
	w.set(cell("C", headRow+1), Columns[2].Heading, head)
	w.set(cell("D", headRow+1), Columns[3].Heading, head)
	w.merge(cell("E", headRow), cell("E", headRow+1), Columns[4].Heading, head)
	for i, c := range Columns {
		w.set(cell(string(rune('A'+i)), numRow), c.No, num)
	}
	r := firstRow
	for _, l := range f.Lines {
		indent := 1
		switch {
		case l.Group:
			indent = 0
		case l.Of:
			indent = 2
		}
		w.set(cell("A", r), l.No, label(l.Group, 0))
		w.set(cell("B", r), l.LabelText(), label(l.Group, indent))
		text := w.style(&excelize.Style{Font: font(l.Group, false, 12), Alignment: center, Border: border})
		switch {
		case l.Heading():
			for _, c := range []string{"C", "D", "E"} {
				w.set(cell(c, r), "", text)
			}
		case l.NoData:
			for _, c := range []string{"C", "D", "E"} {
				w.set(cell(c, r), NoDataText, text)
			}
		case l.Tenths:
			mean := w.style(&excelize.Style{Font: font(l.Group, false, 12), CustomNumFmt: &oneDecimal, Border: border,
				Alignment: &excelize.Alignment{Horizontal: "right", Vertical: "center"}})
			for col, v := range map[string]int{"C": l.This, "D": l.Last} {
				if v == 0 { // the mean age of nobody
					w.set(cell(col, r), l.Figure(v), text)
				} else {
					w.set(cell(col, r), float64(v)/10, mean)
				}
			}
			w.set(cell("E", r), l.PercentText(), text)
		default:
			w.set(cell("C", r), l.This, count(l.Group))
			w.set(cell("D", r), l.Last, count(l.Group))
			if l.Last == 0 || l.Partial || l.PartialLast {
				w.set(cell("E", r), l.PercentText(), text)
			} else {
				w.set(cell("E", r), l.Percent(), pct(l.Group))
			}
		}
		r++
	}
	for _, note := range []string{f.MissingNote(), f.PeopleNote(), f.TotalsOnlyNote(), f.NoDataNote()} {
		if note != "" {
			r++
			w.merge(cell("A", r), cell("E", r), note, w.style(&excelize.Style{Font: font(false, true, 11), Alignment: left}))
			w.height(r, min(409, 15*float64(1+len(note)/90))) // 409 points: Excel's highest row
		}
	}
	r += 2
	w.merge(cell("C", r), cell("E", r), "……………, ngày …… tháng …… năm ……", plain)
	r++
	w.merge(cell("A", r), cell("B", r), "NGƯỜI LẬP BIỂU", title)
	w.merge(cell("C", r), cell("E", r), "T/M BAN THƯỜNG VỤ", title)
	r++
	w.merge(cell("A", r), cell("B", r), "(Ký, ghi rõ họ và tên)", plain)
	w.merge(cell("C", r), cell("E", r), "(Ký tên, đóng dấu)", plain)

	for col, width := range map[string]float64{"A": 6, "B": 44, "C": 12, "D": 12, "E": 14} {
		w.width(col, width)
	}
	w.height(headRow+1, 45)
	w.printSetup(sheet, "portrait", fmt.Sprintf("'%s'!$A$1:$E$%d", sheet, r))
	if w.err != nil {
		return nil, w.err
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func cell(col string, row int) string { return fmt.Sprintf("%s%d", col, row) }

// xlsxWriter keeps the first error of a run of excelize calls.
type xlsxWriter struct {
	x     *excelize.File
	sheet string
	err   error
}

func (w *xlsxWriter) style(s *excelize.Style) int {
	if w.err != nil {
		return 0
	}
	id, err := w.x.NewStyle(s)
	w.err = err
	return id
}

func (w *xlsxWriter) set(ref string, v any, style int) {
	if w.err == nil {
		w.err = w.x.SetCellValue(w.sheet, ref, v)
	}
	if w.err == nil {
		w.err = w.x.SetCellStyle(w.sheet, ref, ref, style)
	}
}

func (w *xlsxWriter) merge(from, to string, v any, style int) {
	if w.err == nil {
		w.err = w.x.MergeCell(w.sheet, from, to)
	}
	w.set(from, v, style)
	if w.err == nil {
		w.err = w.x.SetCellStyle(w.sheet, from, to, style)
	}
}

func (w *xlsxWriter) width(col string, width float64) {
	if w.err == nil {
		w.err = w.x.SetColWidth(w.sheet, col, col, width)
	}
}

func (w *xlsxWriter) height(row int, h float64) {
	if w.err == nil {
		w.err = w.x.SetRowHeight(w.sheet, row, h)
	}
}
