package exchange

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"ptdang/internal/format"
)

// bom is the UTF-8 byte order mark. Excel needs it to read a CSV file as UTF-8; it writes one in
// "CSV UTF-8" files.
const bom = "\xef\xbb\xbf"

// readCSV parses a CSV file: UTF-8 with or without BOM, fields separated by ',' or ';' (Excel in
// Vietnamese settings saves with ';'), quoted as Excel does. The CSV is read by hand rather than with
// encoding/csv, which skips blank lines: here every line, blank or not, is a row, so that row numbers are
// those Excel shows when it opens the file.
func readCSV(data []byte, t Table) ([]*Row, Problems) {
	if bytes.HasPrefix(data, []byte{0xff, 0xfe}) || bytes.HasPrefix(data, []byte{0xfe, 0xff}) {
		return nil, Problems{{Message: `tệp CSV đang ở dạng UTF-16; hãy lưu lại dưới dạng "CSV UTF-8 (Comma delimited)"`}}
	}
	s := strings.TrimPrefix(string(data), bom)
	b := newTableBuilder(t)
	sc := csvScanner{s: s, delim: delimiter(s)}
	for n := 1; ; n++ {
		fields, unclosed, ok := sc.next()
		if !ok {
			break
		}
		if unclosed {
			b.problems = append(b.problems, Problem{Sheet: t.Sheet, Row: n,
				Message: `có dấu ngoặc kép (") mở mà không đóng; phần còn lại của tệp bị bỏ qua`})
			break
		}
		if sc.wide {
			return nil, append(b.problems, Problem{Sheet: t.Sheet, Row: n,
				Message: "dòng này có hơn " + format.Int(maxColumns) + " cột, nhiều hơn Excel cho phép; tệp không phải là một bảng"})
		}
		if !validUTF8(fields) {
			if b.header == 0 {
				return nil, append(b.problems, Problem{Sheet: t.Sheet, Row: n, Message: utf8Message})
			}
			b.problems = append(b.problems, Problem{Sheet: t.Sheet, Row: n, Message: utf8Message})
			continue
		}
		for i, f := range fields {
			fields[i] = unneutralise(f)
		}
		if !b.add(n, fields) {
			return nil, b.problems
		}
	}
	return b.finish()
}

const utf8Message = `dòng này có chữ không đọc được: tệp không ở dạng UTF-8; hãy lưu lại dưới dạng "CSV UTF-8 (Comma delimited)"`

func validUTF8(fields []string) bool {
	for _, f := range fields {
		if !utf8.ValidString(f) {
			return false
		}
	}
	return true
}

// delimiter chooses ';' when the first line that is not blank has more semicolons than commas outside
// quotes, and ',' otherwise.
func delimiter(s string) byte {
	s = strings.TrimLeft(s, "\r\n")
	commas, semicolons, quoted := 0, 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '\n' || c == '\r':
			i = len(s)
		case c == ',':
			commas++
		case c == ';':
			semicolons++
		}
	}
	if semicolons > commas {
		return ';'
	}
	return ','
}

// csvScanner splits CSV text into records. A blank line is a record with one empty field. Like Excel, it
// takes text after a closing quote literally ("ab"c is abc) and a quote inside an unquoted field as is.
type csvScanner struct {
	s     string
	pos   int
	delim byte
	wide  bool // the last record had more than maxColumns fields
}

// maxColumns is the most columns a row may have: Excel's own limit (column XFD). A longer row would
// otherwise cost memory for nothing: one line of 20 MB of commas is ten million fields.
const maxColumns = 16384

// next returns the next record; ok is false at the end of the text. unclosed reports a quoted field that
// runs to the end of the text.
func (c *csvScanner) next() (fields []string, unclosed, ok bool) {
	c.wide = false
	if c.pos >= len(c.s) {
		return nil, false, false
	}
	var field strings.Builder
	for {
		field.Reset()
		if c.pos < len(c.s) && c.s[c.pos] == '"' {
			c.pos++
			for {
				i := strings.IndexByte(c.s[c.pos:], '"')
				if i < 0 {
					c.pos = len(c.s)
					return append(fields, field.String()), true, true
				}
				field.WriteString(strings.ReplaceAll(c.s[c.pos:c.pos+i], "\r\n", "\n"))
				c.pos += i + 1
				if c.pos < len(c.s) && c.s[c.pos] == '"' {
					field.WriteByte('"')
					c.pos++
					continue
				}
				break
			}
		}
		end := c.pos
		for end < len(c.s) && c.s[end] != c.delim && c.s[end] != '\n' && c.s[end] != '\r' {
			end++
		}
		field.WriteString(c.s[c.pos:end])
		if len(fields) < maxColumns {
			fields = append(fields, field.String())
		} else {
			c.wide = true // the columns past Excel's last are dropped, and readCSV reports the row
		}
		c.pos = end
		if c.pos == len(c.s) {
			return fields, false, true
		}
		sep := c.s[c.pos]
		c.pos++
		switch {
		case sep == c.delim:
			continue
		case sep == '\r' && c.pos < len(c.s) && c.s[c.pos] == '\n':
			c.pos++
		}
		return fields, false, true
	}
}

// WriteCSV writes s as CSV for Excel: UTF-8 with a BOM (without it Excel garbles Vietnamese), fields
// separated by commas, lines ended by CRLF, numbers without thousands separators and with a decimal comma
// (0,5), dates as dd/mm/yyyy, booleans as có/không. A text that Excel would run as a formula gets a
// leading quote (see neutralise); Read takes it off again. Values are string, int, int64, float64, bool,
// time.Time or nil; any other type, a row longer than the columns or a NaN or infinite number is an error.
func WriteCSV(w io.Writer, s Sheet) error {
	if _, err := io.WriteString(w, bom); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	for _, line := range s.Title {
		if err := cw.Write([]string{line}); err != nil {
			return err
		}
	}
	if len(s.Title) > 0 {
		if err := cw.Write([]string{""}); err != nil {
			return err
		}
	}
	record := make([]string, len(s.Columns))
	for i, c := range s.Columns {
		record[i] = c.Header
	}
	if err := cw.Write(record); err != nil {
		return err
	}
	err := s.each(func(r int, row []any) error {
		if len(row) > len(s.Columns) {
			return fmt.Errorf("exchange: row %d has %d values for %d columns", r+1, len(row), len(s.Columns))
		}
		for i := range record {
			record[i] = ""
			if i < len(row) {
				text, err := csvValue(row[i])
				if err != nil {
					return fmt.Errorf("exchange: row %d column %d: %w", r+1, i+1, err)
				}
				if _, isText := row[i].(string); isText {
					text = neutralise(text)
				}
				record[i] = text
			}
		}
		return cw.Write(record)
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// csvValue writes one value as WriteCSV does.
func csvValue(v any) (string, error) {
	v, err := checkValue(v)
	if err != nil {
		return "", err
	}
	switch v := v.(type) {
	case nil:
		return "", nil
	case string:
		return v, nil
	case int64:
		return strconv.FormatInt(v, 10), nil
	case float64:
		return strings.Replace(strconv.FormatFloat(v, 'f', -1, 64), ".", ",", 1), nil
	case bool:
		if v {
			return "có", nil
		}
		return "không", nil
	case dateValue:
		return v.t.Format("02/01/2006"), nil
	}
	return "", fmt.Errorf("unexpected value %T", v) // checkValue returns no other type
}

// formulaStarts are the first characters that make Excel, LibreOffice or Google Sheets read a CSV cell
// as a formula (OWASP's list): "=1+1", "+1", "-1+1", "@SUM(1)", and tab or carriage return before one.
const formulaStarts = "=+-@\t\r"

// neutralise defuses a text cell Excel would run as a formula, the OWASP way: a leading single quote,
// which Excel shows as text. Anyone can put such a text in an export, for instance as the login name of
// a failed sign-in, which the audit log keeps. A text that is a plain number, such as "-5" or
// "-48,02 %", is no formula and stays as it is, readable.
func neutralise(text string) string {
	if text == "" || !strings.ContainsRune(formulaStarts, rune(text[0])) {
		return text
	}
	if _, isNumber := parseDecimal(text); isNumber {
		return text
	}
	return "'" + text
}

// unneutralise takes off the quote neutralise puts before a text, so that a file exported and imported
// again keeps its names. A quote before anything else is kept.
func unneutralise(field string) string {
	if len(field) > 1 && field[0] == '\'' && strings.ContainsRune(formulaStarts, rune(field[1])) {
		return field[1:]
	}
	return field
}
