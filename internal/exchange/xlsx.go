package exchange

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

const corruptXLSX = "không đọc được tệp Excel: tệp bị hỏng, có đặt mật khẩu, hoặc không phải định dạng .xlsx; " +
	"hãy mở tệp bằng Excel và lưu lại dưới dạng Excel Workbook (.xlsx)"

// readXLSX parses the sheet t.Sheet ("" = the first) of an .xlsx file, streaming its rows. Cells are read
// raw, not as Excel shows them: a number is "1827" whatever its format ("1,827" in English settings),
// a percentage 50 % is "0.5" and a date is its serial number, which Date turns back into a date.
// The archive is checked against zip bombs (checkZip) before excelize opens it.
func readXLSX(data []byte, t Table) (rows []*Row, problems Problems) {
	defer func() {
		// excelize is large and reads untrusted files: a panic there must be a bad file, not a crash.
		if recover() != nil {
			rows, problems = nil, Problems{{Message: corruptXLSX}}
		}
	}()
	var refused errZipRefused
	if err := checkZip(data); errors.As(err, &refused) {
		return nil, Problems{{Message: string(refused)}}
	} else if err != nil {
		return nil, Problems{{Message: corruptXLSX}}
	}
	// checkZip bounds the parts more tightly; these are excelize's own guards, kept as a second line.
	opts := excelize.Options{UnzipSizeLimit: unzipMost, UnzipXMLSizeLimit: inMemoryXML}
	f, err := excelize.OpenReader(bytes.NewReader(data), opts)
	if err != nil {
		return nil, Problems{{Message: corruptXLSX}}
	}
	defer f.Close()
	sheets := f.GetSheetList()
	sheet, ok := findSheet(sheets, t.Sheet)
	switch {
	case !ok && t.Optional && t.Sheet != "":
		return nil, nil
	case !ok:
		return nil, Problems{{Message: missingSheet(sheets, t.Sheet)}}
	}
	t.Sheet = sheet
	b := newTableBuilder(t)
	b.layout.fromXLSX = true
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		b.layout.date1904 = *props.Date1904
	}
	it, err := f.Rows(sheet)
	if err != nil {
		return nil, Problems{{Message: corruptXLSX}}
	}
	defer it.Close()
	// Next steps through every row number, also those absent from the file, so n is Excel's row number.
	for n := 1; it.Next(); n++ {
		cells, err := it.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, append(b.problems, Problem{Sheet: sheet, Row: n, Message: "không đọc được dòng này: " + corruptXLSX})
		}
		if !b.add(n, cells) {
			return nil, b.problems
		}
	}
	if it.Error() != nil {
		return nil, append(b.problems, Problem{Sheet: sheet, Message: corruptXLSX})
	}
	return b.finish()
}

// findSheet returns the sheet called name, matched exactly or else case- and accent-insensitively;
// the first sheet when name is "".
func findSheet(sheets []string, name string) (string, bool) {
	if len(sheets) == 0 {
		return "", false
	}
	if name == "" {
		return sheets[0], true
	}
	for _, s := range sheets {
		if s == name {
			return s, true
		}
	}
	for _, s := range sheets {
		if Fold(s) == Fold(name) {
			return s, true
		}
	}
	return "", false
}

func missingSheet(sheets []string, name string) string {
	quoted := make([]string, len(sheets))
	for i, s := range sheets {
		quoted[i] = strconv.Quote(s)
	}
	return fmt.Sprintf("không tìm thấy trang %q trong tệp; tệp có các trang: %s", name, strings.Join(quoted, ", "))
}

// WriteXLSX writes the sheets as one workbook, in order: a bold header row, frozen so that it stays in
// view, columns as wide as their contents (within limits), numbers as numbers, times as dates shown
// dd/mm/yyyy, booleans as có/không, the float64s of a Percent column as percentages (0.00%). Values are
// string, int, int64, float64, bool, time.Time or nil; any other type, a row longer than the columns, a
// NaN or infinite number, a missing, invalid or repeated sheet name, or no sheet at all is an error.
func WriteXLSX(w io.Writer, sheets ...Sheet) error {
	if len(sheets) == 0 {
		return errors.New("exchange: no sheet to write")
	}
	f := excelize.NewFile()
	defer f.Close()
	headerStyle, err := f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true},
	})
	if err != nil {
		return err
	}
	dateFormat := "dd/mm/yyyy"
	dateStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFormat})
	if err != nil {
		return err
	}
	percentStyle, err := f.NewStyle(&excelize.Style{NumFmt: 10}) // 0.00%
	if err != nil {
		return err
	}
	seen := make(map[string]bool)
	for i, s := range sheets {
		// Excel tells sheets apart without regard to case.
		if s.Sheet == "" || seen[strings.ToLower(s.Sheet)] {
			return fmt.Errorf("exchange: sheet %d: missing or repeated name %q", i+1, s.Sheet)
		}
		seen[strings.ToLower(s.Sheet)] = true
		if i == 0 {
			err = f.SetSheetName(f.GetSheetName(0), s.Sheet)
		} else {
			_, err = f.NewSheet(s.Sheet)
		}
		if err == nil {
			err = writeSheet(f, s, styles{header: headerStyle, date: dateStyle, percent: percentStyle})
		}
		if err != nil {
			return fmt.Errorf("exchange: sheet %q: %w", s.Sheet, err)
		}
	}
	// The first sheet, renamed from the new file's own, stays the active one. (SetActiveSheet here would
	// load every streamed sheet back into memory.)
	return f.Write(w)
}

func writeSheet(f *excelize.File, s Sheet, st styles) error {
	sw, err := f.NewStreamWriter(s.Sheet)
	if err != nil {
		return err
	}
	for i, width := range columnWidths(s) {
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return err
		}
	}
	header := 1 // the header's row number, below the title and its blank row
	if len(s.Title) > 0 {
		header = len(s.Title) + 2
	}
	first, _ := excelize.CoordinatesToCellName(1, header+1)
	err = sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: header, TopLeftCell: first, ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: first, ActiveCell: first, Pane: "bottomLeft"}}})
	if err != nil {
		return err
	}
	for i, line := range s.Title {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, []any{line}); err != nil { // text, never a formula
			return err
		}
	}
	cells := make([]any, len(s.Columns))
	for i, c := range s.Columns {
		cells[i] = excelize.Cell{StyleID: st.header, Value: c.Header}
	}
	cell, _ := excelize.CoordinatesToCellName(1, header)
	if err := sw.SetRow(cell, cells); err != nil {
		return err
	}
	err = s.each(func(r int, row []any) error {
		if len(row) > len(s.Columns) {
			return fmt.Errorf("row %d has %d values for %d columns", r+1, len(row), len(s.Columns))
		}
		cells = cells[:len(row)]
		for i, v := range row {
			var err error
			if cells[i], err = st.cell(v, s.Columns[i]); err != nil {
				return fmt.Errorf("row %d column %d: %w", r+1, i+1, err)
			}
		}
		cell, err := excelize.CoordinatesToCellName(1, header+r+1)
		if err != nil {
			return err
		}
		return sw.SetRow(cell, cells)
	})
	if err != nil {
		return err
	}
	return sw.Flush()
}

// styles are the cell styles of a workbook being written.
type styles struct{ header, date, percent int }

// cell is v as written in column c.
func (st styles) cell(v any, c Column) (any, error) {
	v, err := checkValue(v)
	switch v := v.(type) {
	case dateValue:
		return excelize.Cell{StyleID: st.date, Value: v.t}, nil
	case bool:
		return csvValue(v)
	case float64:
		if c.Percent {
			return excelize.Cell{StyleID: st.percent, Value: fraction(v)}, nil
		}
	}
	return v, err
}

// fraction is percent / 100, the nearest number to the decimal shift (71.85 → 0.7185, where
// 71.85 / 100 is 0.7184999999999999).
func fraction(percent float64) float64 {
	f, _ := strconv.ParseFloat(strconv.FormatFloat(percent, 'g', -1, 64)+"e-2", 64)
	return f
}

// columnWidths sizes each column of s to its longest text, header included, between 8 and 50 characters;
// the rows of its Stream, not yet read, count as their headers do.
func columnWidths(s Sheet) []float64 {
	widths := make([]float64, len(s.Columns))
	for i, c := range s.Columns {
		longest := max(utf8.RuneCountInString(c.Header), c.Width)
		for _, row := range s.Rows {
			if i < len(row) {
				text, _ := csvValue(row[i])
				longest = max(longest, utf8.RuneCountInString(text))
			}
		}
		widths[i] = float64(min(max(longest+2, 8), 50))
	}
	return widths
}
