package exchange

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/unicode/norm"
)

// Row is one data row of a parsed table. Its getters parse a cell and, when the value is bad, record a
// Problem on the row, so the caller can call many getters and then check Problems once. Each getter's
// bool reports whether the cell held a valid value: it is false for an empty cell (a Problem only when the
// column is Required) and for a bad one (always a Problem). A column missing from the file reads as empty
// without a Problem on the row: Read already reported it. A Row is not safe for concurrent use.
type Row struct {
	number   int
	layout   *layout
	cells    []string // by index in the Table's Columns, as read from the file
	problems Problems
}

// Number is the row's number as Excel shows it.
func (r *Row) Number() int { return r.number }

// Problems returns the problems recorded on the row so far.
func (r *Row) Problems() Problems { return r.problems }

// Problemf records a caller's own problem on this row, such as a broken domain rule. column is a Column's
// Key (reported by its header), any other text (reported as is), or "" for the whole row.
func (r *Row) Problemf(column string, format string, args ...any) {
	if i, ok := r.layout.byKey[column]; ok {
		column = r.layout.table.Columns[i].Header
	}
	r.add(column, fmt.Sprintf(format, args...))
}

// add records a problem unless the same one is already there, so that reading a cell twice reports it once.
func (r *Row) add(header, message string) {
	p := Problem{Sheet: r.layout.table.Sheet, Row: r.number, Column: header, Message: message}
	if !slices.Contains(r.problems, p) {
		r.problems = append(r.problems, p)
	}
}

// cell returns the trimmed, NFC-normalised text of the cell in column key and its column. ok is false when
// there is nothing to parse: the cell is empty (a problem if the column is required), the column is missing
// from the file, or key is not a Column of the Table (a problem: the caller's mistake, which must not let
// an import pass silently).
func (r *Row) cell(key string) (value string, c Column, ok bool) {
	i, known := r.layout.byKey[key]
	if !known {
		r.add(key, fmt.Sprintf("lỗi chương trình: bảng không có cột %q", key))
		return "", Column{}, false
	}
	c = r.layout.table.Columns[i]
	if !r.layout.present[i] {
		return "", c, false
	}
	value = strings.TrimSpace(norm.NFC.String(r.cells[i]))
	if value == "" {
		if c.Required {
			r.add(c.Header, "không được để trống")
		}
		return "", c, false
	}
	return value, c, true
}

// Text returns the cell in column key, trimmed and NFC-normalised; "" when empty.
func (r *Row) Text(key string) string {
	v, _, _ := r.cell(key)
	return v
}

// Int returns the cell in column key as a whole number from 0 to 2 147 483 647: "1827", "1.827" (Vietnamese
// thousands), "1 827", or an Excel number cell. Decimals such as "1,5" or "1.5", signs and words are
// problems. (0, false) when empty or bad.
func (r *Row) Int(key string) (int64, bool) {
	v, c, ok := r.cell(key)
	if !ok {
		return 0, false
	}
	n, err := parseInt(v)
	if err != nil {
		r.add(c.Header, quote(v)+" "+err.Error())
		return 0, false
	}
	return n, true
}

// Date returns the cell in column key as a date at midnight UTC. It accepts dd/mm/yyyy, d/m/yyyy (also
// with - or . between), yyyy-mm-dd and Excel date cells; a time of day after the date is ignored.
// Impossible dates such as 31/02/2025 are problems. (zero time, false) when empty or bad.
func (r *Row) Date(key string) (time.Time, bool) {
	v, c, ok := r.cell(key)
	if !ok {
		return time.Time{}, false
	}
	d, ok := parseDate(v, r.layout.fromXLSX, r.layout.date1904)
	if !ok {
		r.add(c.Header, quote(v)+" không phải là ngày hợp lệ (ngày/tháng/năm, ví dụ 24/11/2026)")
		return time.Time{}, false
	}
	return d, true
}

// Decimal returns the cell in column key as a number: "0,5" and "0.5" are 0.5; "1.234,5" is 1234.5;
// "50%", "50 %" and an Excel percentage cell showing 50 % are 0.5; "12,5 %" is 0.125. A single dot is a
// decimal point. (0, false) when empty or bad.
func (r *Row) Decimal(key string) (float64, bool) {
	v, c, ok := r.cell(key)
	if !ok {
		return 0, false
	}
	x, ok := parseDecimal(v)
	if !ok {
		r.add(c.Header, quote(v)+" không phải là số (ví dụ 0,5 hoặc 50 %)")
		return 0, false
	}
	return x, true
}

// Words for yes and no, folded (see Fold).
var (
	yesWords = []string{"co", "x", "1", "true", "yes", "dung"}
	noWords  = []string{"khong", "0", "false", "no", "sai"}
)

// Bool returns the cell in column key as yes or no: "có", "x", "1", "true", "yes", "đúng" are yes;
// "không", "0", "false", "no", "sai" are no, in any case and with or without accents. (false, false)
// when empty or bad: a caller for whom an empty cell means no can ignore the second result.
func (r *Row) Bool(key string) (bool, bool) {
	v, c, ok := r.cell(key)
	if !ok {
		return false, false
	}
	switch f := Fold(v); {
	case slices.Contains(yesWords, f):
		return true, true
	case slices.Contains(noWords, f):
		return false, true
	}
	r.add(c.Header, quote(v)+` không hợp lệ; hãy ghi "có" hoặc "không"`)
	return false, false
}

// Choices maps the label of each of values to its code, as Choice takes them.
func Choices[T interface {
	~string
	Label() string
}](values ...T) map[string]string {
	m := make(map[string]string, len(values))
	for _, v := range values {
		m[v.Label()] = string(v)
	}
	return m
}

// Choice returns the code of the cell in column key, looked up among options (label → code). Labels match
// case- and accent-insensitively: "chi bo co so" finds "Chi bộ cơ sở"; an exact match wins over a folded
// one. A cell matching no label is a problem listing the labels. ("", false) when empty or bad.
func (r *Row) Choice(key string, options map[string]string) (string, bool) {
	v, c, ok := r.cell(key)
	if !ok {
		return "", false
	}
	// Labels that differ only in case or accents are unlikely; should there be some, the smallest wins,
	// so that the answer does not depend on the map's order.
	var exact, folded string
	var foundExact, foundFolded bool
	f := Fold(v)
	for label := range options {
		if strings.EqualFold(norm.NFC.String(label), v) && (!foundExact || label < exact) {
			exact, foundExact = label, true
		}
		if Fold(label) == f && (!foundFolded || label < folded) {
			folded, foundFolded = label, true
		}
	}
	switch {
	case foundExact:
		return options[exact], true
	case foundFolded:
		return options[folded], true
	}
	labels := make([]string, 0, len(options))
	for label := range options {
		labels = append(labels, label)
	}
	collate.New(language.Vietnamese).SortStrings(labels)
	quoted := make([]string, len(labels))
	for i, label := range labels {
		quoted[i] = strconv.Quote(label)
	}
	r.add(c.Header, quote(v)+" không phải là lựa chọn hợp lệ; hãy chọn một trong: "+strings.Join(quoted, ", "))
	return "", false
}

// quote writes a cell's value in a message, cut short when long.
func quote(v string) string {
	const most = 40
	if utf8.RuneCountInString(v) > most {
		v = string([]rune(v)[:most]) + "…"
	}
	return strconv.Quote(v)
}

// intError is why a text is not a whole number, as the end of a Vietnamese sentence.
type intError string

func (e intError) Error() string { return string(e) }

const (
	errNotInt   intError = "không phải là số nguyên không âm"
	errIntLarge intError = "quá lớn: nhiều nhất là 2.147.483.647"
)

// maxInt bounds what Int reads: the integer columns hold no more. Callers check their own, tighter
// bounds (no cell has 100 000 members), but a number beyond this must never reach the database.
const maxInt = math.MaxInt32

// parseInt reads a whole number written with or without thousands separators (dots or spaces, between
// groups of three digits). An Excel number cell written by other programs as "1827.0" is also whole.
func parseInt(s string) (int64, error) {
	digits, ok := ungroup(s, func(r rune) bool { return r == '.' || isSpace(r) })
	if !ok {
		whole, zeros, found := strings.Cut(s, ".")
		if !found || !allDigits(whole) || zeros == "" || strings.Trim(zeros, "0") != "" {
			return 0, errNotInt
		}
		digits = whole
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || n > maxInt {
		return 0, errIntLarge
	}
	return n, nil
}

// ungroup removes thousands separators from s: it returns the digits when s is one run of digits, or
// groups separated by single separators, the first group of one to three digits, every other of three.
func ungroup(s string, isSep func(rune) bool) (string, bool) {
	var groups []string
	start := 0
	for i, r := range s {
		if isSep(r) {
			groups = append(groups, s[start:i])
			start = i + len(string(r))
		}
	}
	groups = append(groups, s[start:])
	for i, g := range groups {
		if !allDigits(g) || len(groups) > 1 && (i == 0 && len(g) > 3 || i > 0 && len(g) != 3) {
			return "", false
		}
	}
	return strings.Join(groups, ""), true
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// isSpace reports the spaces people and Excel put between thousands: space, no-break and narrow no-break.
func isSpace(r rune) bool { return r == ' ' || r == '\u00a0' || r == '\u202f' }

// parseDecimal reads a number with a decimal comma or point, optional thousands separators, an optional
// minus sign and an optional trailing percent sign (which divides by 100). Excel's own notation for very
// small or large numbers in cells, such as "1.5E-5", is accepted too.
func parseDecimal(s string) (float64, bool) {
	s = strings.Map(func(r rune) rune {
		if isSpace(r) {
			return -1
		}
		return r
	}, s)
	percent := strings.HasSuffix(s, "%")
	s = strings.TrimSuffix(s, "%")
	negative := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	number, ok := plainDecimal(s)
	if !ok {
		return 0, false
	}
	x, err := strconv.ParseFloat(number, 64)
	if err != nil || math.IsInf(x, 0) {
		return 0, false
	}
	if percent {
		x /= 100
	}
	if negative {
		x = -x
	}
	return x, true
}

// plainDecimal rewrites s, without sign or percent, as digits with at most one decimal point, for
// strconv.ParseFloat.
func plainDecimal(s string) (string, bool) {
	if mantissa, exponent, found := strings.Cut(strings.ToUpper(s), "E"); found {
		exponent = strings.TrimLeft(exponent, "+-")
		if whole, frac, _ := strings.Cut(mantissa, "."); allDigits(whole) && (frac == "" || allDigits(frac)) && allDigits(exponent) {
			return s, true
		}
		return "", false
	}
	commas, dots := strings.Count(s, ","), strings.Count(s, ".")
	var whole, frac string
	var sep rune
	switch {
	case commas == 0 && dots <= 1: // 0.5, 12
		whole, frac, _ = strings.Cut(s, ".")
	case commas == 1 && dots == 0: // 0,5
		whole, frac, _ = strings.Cut(s, ",")
	case commas == 1 && strings.LastIndex(s, ",") > strings.LastIndex(s, "."): // 1.234,5
		whole, frac, _ = strings.Cut(s, ",")
		sep = '.'
	case dots == 1 && strings.LastIndex(s, ".") > strings.LastIndex(s, ","): // 1,234.5
		whole, frac, _ = strings.Cut(s, ".")
		sep = ','
	case commas == 0: // 1.234.567
		whole, sep = s, '.'
	case dots == 0: // 1,234,567
		whole, sep = s, ','
	default:
		return "", false
	}
	if sep != 0 {
		var ok bool
		if whole, ok = ungroup(whole, func(r rune) bool { return r == sep }); !ok {
			return "", false
		}
	}
	if whole == "" && frac == "" || whole != "" && !allDigits(whole) || frac != "" && !allDigits(frac) {
		return "", false
	}
	if frac == "" {
		return whole, true
	}
	return whole + "." + frac, true
}

// Bounds of Excel date serials: 1 is 01/01/1900 (or 02/01/1904), 2958465 is 31/12/9999.
const maxDateSerial = 2958465

// parseDate reads the dates Date accepts. A number is a date serial only in cells of an .xlsx file: in a
// CSV file "2025" is not a date.
func parseDate(s string, fromXLSX, date1904 bool) (time.Time, bool) {
	if whole, frac, _ := strings.Cut(s, "."); fromXLSX && allDigits(whole) && (frac == "" || allDigits(frac)) {
		return serialDate(whole, date1904)
	}
	if i := strings.IndexAny(s, "T "); i > 0 {
		s = s[:i] // a time of day, as in "2025-02-03T00:00:00Z" or "03/02/2025 08:30"
	}
	i := strings.IndexAny(s, "/-.")
	if i < 0 {
		return time.Time{}, false
	}
	parts := strings.Split(s, s[i:i+1])
	if len(parts) != 3 || !allDigits(parts[0]) || !allDigits(parts[1]) || !allDigits(parts[2]) {
		return time.Time{}, false
	}
	var y, m, d string
	switch {
	case len(parts[0]) == 4 && len(parts[1]) <= 2 && len(parts[2]) <= 2:
		y, m, d = parts[0], parts[1], parts[2]
	case len(parts[2]) == 4 && len(parts[0]) <= 2 && len(parts[1]) <= 2:
		d, m, y = parts[0], parts[1], parts[2]
	default:
		return time.Time{}, false
	}
	year, _ := strconv.Atoi(y)
	month, _ := strconv.Atoi(m)
	day, _ := strconv.Atoi(d)
	t := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if year < 1000 || t.Year() != year || t.Month() != time.Month(month) || t.Day() != day {
		return time.Time{}, false // 31/02/2025 would otherwise become 03/03/2025
	}
	return t, true
}

// serialDate turns the whole days of an Excel date serial into a date. In the 1900 system Excel counts
// 29/02/1900, a day that never was, so serial 60 is no date and later serials are one day off.
func serialDate(whole string, date1904 bool) (time.Time, bool) {
	n, err := strconv.Atoi(whole)
	if err != nil || n > maxDateSerial {
		return time.Time{}, false
	}
	switch {
	case date1904:
		return time.Date(1904, 1, 1+n, 0, 0, 0, 0, time.UTC), true
	case n == 0 || n == 60:
		return time.Time{}, false
	case n < 60:
		return time.Date(1899, 12, 31+n, 0, 0, 0, 0, time.UTC), true
	default:
		return time.Date(1899, 12, 30+n, 0, 0, 0, 0, time.UTC), true
	}
}
