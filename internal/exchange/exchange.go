// Package exchange reads and writes tables as Excel (.xlsx) and CSV files (nhập/xuất dữ liệu), with every problem addressed by sheet, row and column.
//
// Imports are all-or-nothing: Read parses the whole file and reports every problem it finds, and the
// caller writes nothing while any remains. Row numbers are those Excel shows (the header is normally row 1),
// columns are named by their header, and every message is in Vietnamese.
package exchange

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"

	"ptdang/internal/format"
)

// maxRows is the most data rows Read accepts from one table.
const maxRows = 100_000

// Column describes one column of a table.
type Column struct {
	Key      string // identifier used by the caller, e.g. "code"
	Header   string // Vietnamese header as it appears in the file, e.g. "Mã đơn vị"
	Required bool   // a row with this cell empty is an error
	// Percent: the column's numbers are percentages already × 100 (91.58 for 91,58 %). A workbook
	// holds them as fractions (0.9158) under Excel's percentage format; CSV writes them as they are.
	Percent bool
	// Width, in characters, for a column whose values are streamed (Sheet.Stream) and so not
	// measured; 0 sizes it to its header and held rows.
	Width int
}

// Table is the layout of one sheet.
type Table struct {
	Sheet   string // sheet name in .xlsx ("" = the first sheet); in CSV files, only used in error messages
	Columns []Column
	// Optional: a workbook may leave the sheet out (one made before the sheet existed); it then
	// reads as a sheet without rows.
	Optional bool
}

// Problem is one error in an input file.
type Problem struct {
	Sheet   string
	Row     int    // 1-based row number as Excel shows it (header = 1); 0 = the whole file/sheet
	Column  string // the column header, "" when the problem concerns the whole row or file
	Message string // Vietnamese, e.g. "không phải là số nguyên không âm"
}

// String writes the problem for people, leaving out the parts that are empty:
// `Trang "Đơn vị", dòng 7, cột "Số đảng viên": "abc" không phải là số nguyên không âm`.
func (p Problem) String() string {
	var where []string
	if p.Sheet != "" {
		where = append(where, fmt.Sprintf("Trang %q", p.Sheet))
	}
	if p.Row > 0 {
		where = append(where, "dòng "+strconv.Itoa(p.Row))
	}
	if p.Column != "" {
		where = append(where, fmt.Sprintf("cột %q", p.Column))
	}
	if len(where) == 0 {
		return capitalize(p.Message)
	}
	return capitalize(strings.Join(where, ", ")) + ": " + p.Message
}

func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// Problems is a list of problems; as an error it reports how many and the first few.
type Problems []Problem

// shownInError is how many problems Problems.Error spells out.
const shownInError = 3

// Error reports the number of problems and the first three:
// `2 lỗi: Trang "Đơn vị", dòng 7, …; Trang "Đơn vị", dòng 9, …`.
func (ps Problems) Error() string {
	if len(ps) == 0 {
		return "không có lỗi"
	}
	var b strings.Builder
	b.WriteString(format.Int(int64(len(ps))) + " lỗi: ")
	for i, p := range ps {
		if i == shownInError {
			fmt.Fprintf(&b, "; và %s lỗi khác", format.Int(int64(len(ps)-shownInError)))
			break
		}
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(p.String())
	}
	return b.String()
}

// Read parses the sheet t.Sheet of an .xlsx file, or a CSV file, chosen by the file name's extension
// (.xlsx or .csv, case-insensitive; anything else is a Problem).
//
// The header is the first row that is not empty (normally row 1). Every required Column's header must be
// in it, matched case-, space- and accent-insensitively and in any order; optional columns may be left
// out (their cells read as empty); a missing required column, a header found twice and a header that
// names no Column (its values would be lost silently) are Problems. Completely empty rows are skipped, but row numbers stay
// those Excel shows. Read returns the rows and the problems of the file as a whole; problems in cells arise
// later through the Row getters, so the caller collects these problems plus each row's Problems().
//
// A file larger than maxBytes (maxBytes <= 0: no limit), with more than 100 000 data rows, or that cannot
// be read at all gives a Problem and no rows. Read never panics.
func Read(r io.Reader, filename string, t Table, maxBytes int64) ([]*Row, Problems) {
	ext := strings.ToLower(filepath.Ext(filename))
	if ext != ".xlsx" && ext != ".csv" {
		return nil, Problems{{Message: fmt.Sprintf(
			"tệp %q không phải là tệp Excel (.xlsx) hay CSV (.csv); hãy lưu lại dưới dạng Excel Workbook (.xlsx) hoặc CSV UTF-8",
			filepath.Base(filename))}}
	}
	data, err := readAll(r, maxBytes)
	if err != nil {
		return nil, Problems{{Message: "không đọc được tệp tải lên; hãy thử lại"}}
	}
	if maxBytes > 0 && int64(len(data)) > maxBytes {
		return nil, Problems{{Message: "tệp lớn hơn giới hạn " + sizeText(maxBytes) + "; hãy chia thành nhiều tệp nhỏ hơn"}}
	}
	if ext == ".csv" {
		return readCSV(data, t)
	}
	return readXLSX(data, t)
}

// readAll reads r, but no more than one byte past maxBytes, which is enough to know it is too large.
func readAll(r io.Reader, maxBytes int64) ([]byte, error) {
	if maxBytes > 0 {
		r = io.LimitReader(r, maxBytes+1)
	}
	var b bytes.Buffer
	_, err := b.ReadFrom(r)
	return b.Bytes(), err
}

// sizeText writes a byte count for people: "10 MB", "1,5 MB", "800 byte".
func sizeText(n int64) string {
	const mb = 1 << 20
	if n < mb {
		return format.Int(n) + " byte"
	}
	s := strconv.FormatFloat(float64(n)/mb, 'f', 1, 64)
	s = strings.TrimSuffix(s, ".0")
	return strings.Replace(s, ".", ",", 1) + " MB"
}

// layout is what the rows of one parsed table share: where each Column is, and how to name it.
type layout struct {
	table    Table
	byKey    map[string]int // Column.Key → index in table.Columns
	present  []bool         // by index in table.Columns: the column was found in the header
	fromXLSX bool           // cells come from .xlsx, where a number in a date column is a date serial
	date1904 bool           // the workbook counts date serials from 1904
}

// tableBuilder turns the records of a file, one call per row, into Rows. It is shared by CSV and .xlsx.
type tableBuilder struct {
	layout   *layout
	header   int   // row number of the header, 0 until found
	fileCols []int // by file column: index in table.Columns, or -1
	rows     []*Row
	problems Problems
}

func newTableBuilder(t Table) *tableBuilder {
	l := &layout{table: t, byKey: make(map[string]int, len(t.Columns)), present: make([]bool, len(t.Columns))}
	for i, c := range t.Columns {
		if _, dup := l.byKey[c.Key]; !dup {
			l.byKey[c.Key] = i
		}
	}
	return &tableBuilder{layout: l}
}

// add takes row number n with its cells. It reports false once the table holds too many rows, after
// recording the problem.
func (b *tableBuilder) add(n int, cells []string) bool {
	if isEmpty(cells) {
		return true
	}
	if b.header == 0 {
		b.readHeader(n, cells)
		return true
	}
	if len(b.rows) == maxRows {
		b.problems = append(b.problems, Problem{Sheet: b.layout.table.Sheet, Message: "bảng có hơn " +
			format.Int(maxRows) + " dòng dữ liệu; hãy chia thành nhiều tệp nhỏ hơn"})
		return false
	}
	row := &Row{number: n, layout: b.layout, cells: make([]string, len(b.layout.table.Columns))}
	for i, v := range cells {
		if i < len(b.fileCols) && b.fileCols[i] >= 0 {
			row.cells[b.fileCols[i]] = v
		}
	}
	b.rows = append(b.rows, row)
	return true
}

// readHeader finds each Column in the header row n.
func (b *tableBuilder) readHeader(n int, cells []string) {
	b.header = n
	cols := b.layout.table.Columns
	b.fileCols = make([]int, len(cells))
	found := make([][]int, len(cols)) // by Column: the file columns whose header matches it
	want := make([]string, len(cols))
	for j, c := range cols {
		want[j] = Fold(c.Header)
	}
	for i, cell := range cells {
		b.fileCols[i] = -1
		f := Fold(cell)
		for j := range cols {
			if f != "" && f == want[j] {
				found[j] = append(found[j], i)
				if len(found[j]) == 1 {
					b.fileCols[i] = j
				}
				break
			}
		}
		if f != "" && b.fileCols[i] < 0 && !slices.Contains(want, f) {
			// Refused, not ignored: a header worded otherwise than the template's ("Đầu quý" for
			// "Số đảng viên – Đầu quý") would leave its column's values unread, silently.
			b.problems = append(b.problems, Problem{Sheet: b.layout.table.Sheet, Row: n, Column: strings.TrimSpace(cell),
				Message: "cột " + columnLetter(i) + " có tiêu đề không có trong tệp mẫu nên không đọc được; sửa tiêu đề cho đúng tệp mẫu, hoặc xóa cột này"})
		}
	}
	for j, c := range cols {
		switch len(found[j]) {
		case 0:
			// Optional columns may be left out of a file; their cells read as empty.
			if c.Required {
				b.problems = append(b.problems, Problem{Sheet: b.layout.table.Sheet, Row: n, Column: c.Header,
					Message: "không tìm thấy cột này trong dòng tiêu đề"})
			}
		case 1:
			b.layout.present[j] = true
		default:
			letters := make([]string, len(found[j]))
			for k, i := range found[j] {
				letters[k] = columnLetter(i)
			}
			b.problems = append(b.problems, Problem{Sheet: b.layout.table.Sheet, Row: n, Column: c.Header,
				Message: fmt.Sprintf("tiêu đề này có ở %d cột (%s); hãy giữ lại một cột",
					len(found[j]), strings.Join(letters, ", "))})
		}
	}
}

// finish returns the rows and problems of the table.
func (b *tableBuilder) finish() ([]*Row, Problems) {
	if b.header == 0 {
		return nil, append(b.problems, Problem{Sheet: b.layout.table.Sheet,
			Message: "không có dữ liệu: không tìm thấy dòng tiêu đề"})
	}
	return b.rows, b.problems
}

// columnLetter names the 0-based column i as Excel does: A, B, …, AA.
func columnLetter(i int) string {
	name, err := excelize.ColumnNumberToName(i + 1)
	if err != nil {
		return strconv.Itoa(i + 1)
	}
	return name
}

func isEmpty(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// Fold reduces s to what people mean by it, for matching headers and choices: without accents, đ as d,
// lower case, without spaces or punctuation. "Mã  Đơn vị" and "ma don vi" fold alike, and so do
// "Xã, phường" and "xa phuong".
func Fold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r), unicode.IsSpace(r), unicode.IsPunct(r):
		case r == 'đ' || r == 'Đ':
			b.WriteByte('d')
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// Sheet is a table with its values, to write.
type Sheet struct {
	Table
	// Title lines are written above the header, each in its own row, then a blank row: what a
	// printed report says first (the unit, the date). Only for files that are not read back:
	// Read takes the first row that is not blank for the header.
	Title []string
	Rows  [][]any // values: string, int, int64, float64, bool, time.Time, nil
	// Stream, when set, yields more rows after Rows, one at a time as the file is written, for a
	// sheet too large to hold (every cell of a province): each row may be reused once yielded.
	Stream func(yield func(row []any) error) error
}

// each calls write with every row of s: Rows, then those Stream yields.
func (s Sheet) each(write func(r int, row []any) error) error {
	for r, row := range s.Rows {
		if err := write(r, row); err != nil {
			return err
		}
	}
	if s.Stream == nil {
		return nil
	}
	r := len(s.Rows)
	return s.Stream(func(row []any) error {
		r++
		return write(r-1, row)
	})
}

// dateValue is a time.Time to write, as a date and time in UTC with the wall clock of the original, so
// that a date at midnight in Vietnam stays the same day.
type dateValue struct{ t time.Time }

// checkValue turns a value of a Sheet into one of nil, string, int64, float64, bool or dateValue, or
// returns an error for any other type and for numbers a file cannot hold (NaN, infinities).
func checkValue(v any) (any, error) {
	switch v := v.(type) {
	case nil, string, int64, bool:
		return v, nil
	case int:
		return int64(v), nil
	case int32:
		return int64(v), nil
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("number %v cannot be written", v)
		}
		return v, nil
	case time.Time:
		y, m, d := v.Date()
		return dateValue{time.Date(y, m, d, v.Hour(), v.Minute(), v.Second(), v.Nanosecond(), time.UTC)}, nil
	}
	return nil, fmt.Errorf("unsupported value type %T", v)
}
