// Package format writes numbers, percentages and dates the Vietnamese way (định dạng số, ngày):
// 1.827 · 71,85 % · 24/11/2026.
package format

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

var printer = message.NewPrinter(language.Vietnamese)

// Int writes n with dots between thousands: 1827 → "1.827". It is what x/text's Vietnamese
// printer writes (a test holds it to that), without the printer's cost: a province's dashboard
// writes some seven thousand numbers.
func Int(n int64) string {
	s := strconv.FormatInt(n, 10)
	digits := strings.TrimPrefix(s, "-")
	if len(digits) <= 3 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + len(digits)/3)
	if n < 0 {
		b.WriteByte('-')
	}
	for i, d := range []byte(digits) {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteByte(d)
	}
	return b.String()
}

// Percent writes p (already multiplied by 100) with two decimals after a comma and a spaced
// percent sign: 71.8461 → "71,85 %". NaN and infinities, from a zero denominator, write "—".
// Below a thousand it writes what the printer would, itself.
func Percent(p float64) string {
	if math.IsNaN(p) || math.IsInf(p, 0) {
		return "—"
	}
	if p == 0 {
		p = 0 // negative zero too: "0,00 %", as the printer writes it
	}
	if math.Abs(p) < 999.5 {
		return strings.Replace(strconv.FormatFloat(p, 'f', 2, 64), ".", ",", 1) + " %"
	}
	return printer.Sprintf("%.2f", p) + " %"
}

// Date writes t as dd/mm/yyyy.
func Date(t time.Time) string { return t.Format("02/01/2006") }

// DateTime writes t as dd/mm/yyyy hh:mm.
func DateTime(t time.Time) string { return t.Format("02/01/2006 15:04") }

// Zone is Vietnam's time (UTC+7, no daylight saving); dates shown to users are in it.
var Zone = time.FixedZone("ICT", 7*60*60)

// ParseDate reads a date typed as dd/mm/yyyy (d/m/yyyy too) or sent by a date input as
// yyyy-mm-dd, at midnight UTC.
func ParseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01-02", "02/01/2006", "2/1/2006"} {
		if d, err := time.Parse(layout, s); err == nil {
			return d, nil
		}
	}
	return time.Time{}, fmt.Errorf("date %q: want dd/mm/yyyy", s)
}

// Today is the current date in Vietnam, at midnight UTC like every date the database returns.
func Today(now time.Time) time.Time {
	y, m, d := now.In(Zone).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// ISODate writes t as yyyy-mm-dd, the value of a date input.
func ISODate(t time.Time) string { return t.Format("2006-01-02") }
