package format

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"time"
)

// The readers of what is typed into a form's fields: each returns the value and, when the text
// holds none, a Vietnamese message for the field (and the zero value).

// MaxTyped bounds the whole numbers a form takes: the integer columns hold no more. The domain
// checks its own, tighter bounds (no cell has 100 000 members).
const MaxTyped = math.MaxInt32

// ReadInt reads a whole number, dots grouping thousands ("1.234"); empty reads as 0.
func ReadInt(text string) (int, string) {
	v := strings.ReplaceAll(strings.TrimSpace(text), ".", "")
	if v == "" {
		return 0, ""
	}
	n, err := strconv.Atoi(v)
	switch {
	case errors.Is(err, strconv.ErrRange) || err == nil && (n > MaxTyped || n < -MaxTyped):
		return 0, "Số quá lớn: nhập một số nguyên không quá " + Int(MaxTyped) + "."
	case err != nil:
		return n, "Nhập một số nguyên, ví dụ 12."
	}
	return n, ""
}

// ReadPercent reads a percentage (0–100, comma or dot decimals, "%" or not) as a share 0..1.
func ReadPercent(text string) (float64, string) {
	p, msg := ReadPoints(text)
	return p / 100, msg
}

// ReadPoints reads a percentage as typed, in points ("12,5 %" is 12.5); NaN, infinities and
// numbers beyond MaxTyped hold none.
func ReadPoints(text string) (float64, string) {
	v := strings.TrimSpace(strings.TrimSuffix(strings.ReplaceAll(strings.TrimSpace(text), ",", "."), "%"))
	p, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(p) || math.IsInf(p, 0) || math.Abs(p) > MaxTyped {
		return 0, "Nhập tỷ lệ phần trăm, ví dụ 12,5."
	}
	return p, ""
}

// ReadDate reads a date (ParseDate); empty reads as the zero time, for the domain to name the
// missing date.
func ReadDate(text string) (time.Time, string) {
	if strings.TrimSpace(text) == "" {
		return time.Time{}, ""
	}
	d, err := ParseDate(strings.TrimSpace(text))
	if err != nil {
		return d, "Ngày không hợp lệ: nhập theo dạng ngày/tháng/năm, ví dụ 01/07/2025."
	}
	return d, ""
}
