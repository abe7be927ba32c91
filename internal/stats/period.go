package stats

import (
	"fmt"
	"time"

	"ptdang/internal/report"
)

// Period is a run of quarters of one year: a quarter, the first half (Q1–Q2) or the year.
type Period struct {
	Year, From, To int // quarters From..To of Year
}

// The kinds of period a form is made for, as the page's picker names them.
const (
	KindYear = "nam"
	KindHalf = "6thang"
)

// ParsePeriod reads a period from the picker: kind is KindYear, KindHalf or "q1".."q4". ok is
// false for anything else, or a year out of 2000–2100.
func ParsePeriod(year int, kind string) (p Period, ok bool) {
	if year < 2000 || year > 2100 {
		return Period{}, false
	}
	switch kind {
	case KindYear:
		return Period{year, 1, 4}, true
	case KindHalf:
		return Period{year, 1, 2}, true
	case "q1", "q2", "q3", "q4":
		q := int(kind[1] - '0')
		return Period{year, q, q}, true
	}
	return Period{}, false
}

// Kind is the picker's name of p's kind (ParsePeriod's inverse).
func (p Period) Kind() string {
	switch {
	case p.From == 1 && p.To == 4:
		return KindYear
	case p.From == 1 && p.To == 2:
		return KindHalf
	}
	return fmt.Sprintf("q%d", p.From)
}

// Label is how the form's title names p.
func (p Period) Label() string {
	switch p.Kind() {
	case KindYear:
		return fmt.Sprintf("NĂM %d", p.Year)
	case KindHalf:
		return fmt.Sprintf("6 THÁNG ĐẦU NĂM %d", p.Year)
	}
	return fmt.Sprintf("QUÝ %d NĂM %d", p.From, p.Year)
}

// LastYear is the same period a year before.
func (p Period) LastYear() Period { return Period{p.Year - 1, p.From, p.To} }

// LastDay is the last day of p's last quarter.
func (p Period) LastDay() time.Time { return report.Period{Year: p.Year, Quarter: p.To}.LastDay() }

// Quarters lists p's quarters.
func (p Period) Quarters() []int {
	var qs []int
	for q := p.From; q <= p.To; q++ {
		qs = append(qs, q)
	}
	return qs
}

// Latest is the half-year or year that ended last by today: the form staff file next.
func Latest(today time.Time) Period {
	y := today.Year()
	switch {
	case !today.Before(Period{y, 1, 4}.LastDay()):
		return Period{y, 1, 4}
	case !today.Before(Period{y, 1, 2}.LastDay()):
		return Period{y, 1, 2}
	}
	return Period{y - 1, 1, 4}
}

// firstDay is the first day of p's first quarter.
func firstDay(p Period) time.Time {
	return time.Date(p.Year, time.Month(3*p.From-2), 1, 0, 0, 0, 0, time.UTC)
}
