// Package calendar is the Vietnamese working-day calendar (lịch ngày làm việc): which days
// state bodies work, and deadlines counted in working days (ngày làm việc). A day is a working
// day when it is Monday to Friday and not a public holiday of the Labour Code 2019, art. 112
// (Tết by the lunar calendar of lunar.go), nor a day off in lieu of a holiday that fell on a
// weekend (art. 111(3)); exceptions the government announces each year (extra days off,
// Saturdays worked in exchange), kept in calendar_exception, override all of that.
// docs/calendar.md states the rules and their sources.
package calendar

import (
	"slices"
	"sort"
	"sync/atomic"
	"time"
)

// Kind is what an announced exception makes of its day.
type Kind string

// The kinds of exception.
const (
	DayOff     Kind = "off"     // a day off the government adds (ngày nghỉ)
	WorkingDay Kind = "working" // a weekend day worked in exchange (ngày làm bù)
)

// Valid reports whether k is DayOff or WorkingDay.
func (k Kind) Valid() bool { return k == DayOff || k == WorkingDay }

// Label is the kind's Vietnamese name.
func (k Kind) Label() string {
	if k == WorkingDay {
		return "Ngày làm việc bù"
	}
	return "Ngày nghỉ"
}

// Holiday is a statutory day off: a public holiday, or a day off in lieu of one.
type Holiday struct {
	Day  time.Time // at midnight UTC
	Name string    // in Vietnamese: "Tết Âm lịch (mùng 1)", "Nghỉ bù Giỗ Tổ Hùng Vương"
}

// Holidays lists year's statutory days off in date order: the public holidays of the Labour
// Code 2019, art. 112(1), and, for each that falls on a Saturday or Sunday, a day off in lieu
// on the next working day (art. 111(3)). Tết is the last day of the lunar year and the first
// four of the next, and National Day 02/09 is paired with 01/09, or with 03/09 when 02/09 is a
// Thursday: the Prime Minister fixes both each year (art. 112(3)); where a decision differs,
// the difference is an announced exception.
func Holidays(year int) []Holiday {
	day := func(m time.Month, d int) time.Time { return time.Date(year, m, d, 0, 0, 0, 0, time.UTC) }
	tet := Tet(year)
	hung, _ := FromLunar(LunarDate{Year: year, Month: 3, Day: 10})
	national := day(time.September, 1)
	if day(time.September, 2).Weekday() == time.Thursday {
		national = day(time.September, 3)
	}
	hs := []Holiday{
		{day(time.January, 1), "Tết Dương lịch"},
		{tet.AddDate(0, 0, -1), "Tết Âm lịch (ngày cuối năm)"},
		{tet, "Tết Âm lịch (mùng 1)"},
		{tet.AddDate(0, 0, 1), "Tết Âm lịch (mùng 2)"},
		{tet.AddDate(0, 0, 2), "Tết Âm lịch (mùng 3)"},
		{tet.AddDate(0, 0, 3), "Tết Âm lịch (mùng 4)"},
		{hung, "Giỗ Tổ Hùng Vương (10/3 âm lịch)"},
		{day(time.April, 30), "Ngày Chiến thắng"},
		{day(time.May, 1), "Ngày Quốc tế Lao động"},
		{national, "Quốc khánh (ngày liền kề)"},
		{day(time.September, 2), "Quốc khánh"},
	}
	slices.SortStableFunc(hs, func(a, b Holiday) int { return a.Day.Compare(b.Day) })
	taken := map[time.Time]bool{}
	for _, h := range hs {
		taken[h.Day] = true
	}
	var inLieu []Holiday
	for _, h := range hs {
		if !weekend(h.Day) {
			continue
		}
		d := h.Day.AddDate(0, 0, 1)
		for weekend(d) || taken[d] {
			d = d.AddDate(0, 0, 1)
		}
		taken[d] = true
		inLieu = append(inLieu, Holiday{d, "Nghỉ bù " + h.Name})
	}
	hs = append(hs, inLieu...)
	slices.SortStableFunc(hs, func(a, b Holiday) int { return a.Day.Compare(b.Day) })
	return hs
}

// weekend reports whether d is a Saturday or Sunday, the weekly days off of state bodies.
func weekend(d time.Time) bool {
	w := d.Weekday()
	return w == time.Saturday || w == time.Sunday
}

// Exception is a day the government announced as off or as worked, against the rules.
type Exception struct {
	Day  time.Time // at midnight UTC
	Kind Kind
	Note string // the announcement, in Vietnamese: "Nghỉ bù Tết (đổi ngày làm việc thứ Bảy 24/01)"
	// By and At are who recorded the exception and when; empty for one not yet stored.
	By string
	At time.Time
}

// The years whose tables a Calendar keeps once computed, and in which exceptions may be stored;
// a day outside them has its year's table computed again on every call.
const (
	FirstYear = 1900
	LastYear  = 2199
)

// Calendar answers which days are working days and counts them. It is safe for concurrent use;
// each year's table is computed the first time one of its days is asked about.
type Calendar struct {
	exceptions map[int]Exception // by Julian day number
	years      [LastYear - FirstYear + 1]atomic.Pointer[yearTable]
}

// yearTable is one Gregorian year's working days.
type yearTable struct {
	first   int     // Julian day number of 1 January
	working []bool  // by day of the year, from 0
	before  []int32 // before[i]: working days among the year's first i days; before[len] is the year's total
}

// New returns the calendar of the rules with the given exceptions (the latest for a day wins).
func New(exceptions []Exception) *Calendar {
	c := &Calendar{exceptions: make(map[int]Exception, len(exceptions))}
	for _, e := range exceptions {
		c.exceptions[julianDay(e.Day)] = e
	}
	return c
}

func (c *Calendar) year(y int) *yearTable {
	if y < FirstYear || y > LastYear {
		return c.buildYear(y)
	}
	slot := &c.years[y-FirstYear]
	if t := slot.Load(); t != nil {
		return t
	}
	t := c.buildYear(y)
	slot.Store(t) // two first callers build equal tables; either may stay
	return t
}

func (c *Calendar) buildYear(y int) *yearTable {
	first := julianDay(time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC))
	days := julianDay(time.Date(y+1, 1, 1, 0, 0, 0, 0, time.UTC)) - first
	t := &yearTable{first: first, working: make([]bool, days), before: make([]int32, days+1)}
	for i := range days {
		t.working[i] = !weekend(civilDate(first + i))
	}
	for _, h := range Holidays(y) {
		t.working[julianDay(h.Day)-first] = false
	}
	for jd, e := range c.exceptions {
		if i := jd - first; i >= 0 && i < days {
			t.working[i] = e.Kind == WorkingDay
		}
	}
	for i, w := range t.working {
		t.before[i+1] = t.before[i]
		if w {
			t.before[i+1]++
		}
	}
	return t
}

// IsWorkingDay reports whether the civil date of d is a working day.
func (c *Calendar) IsWorkingDay(d time.Time) bool {
	t := c.year(d.Year())
	return t.working[julianDay(d)-t.first]
}

// AddWorkingDays is the day on which a period of n working days that starts on the civil date
// of start ends: the n-th working day after start, start itself not counted, whether or not it
// is a working day (Civil Code 2015, art. 147(2)–(3): a period counted in days starts on the
// day after the event). With n < 0 it is the |n|-th working day before start; with n = 0, start.
// The result is at midnight UTC.
func (c *Calendar) AddWorkingDays(start time.Time, n int) time.Time {
	y := start.Year()
	t := c.year(y)
	i := julianDay(start) - t.first
	if n == 0 {
		return civilDate(t.first + i)
	}
	if n > 0 {
		// want: the (counted+n)-th working day of year y, where counted are those up to start.
		want := int(t.before[i+1]) + n
		for want > int(t.before[len(t.working)]) {
			want -= int(t.before[len(t.working)])
			y++
			t = c.year(y)
		}
		return civilDate(t.first + t.nth(want))
	}
	have := int(t.before[i]) // working days of year y before start
	for have < -n {
		y--
		t = c.year(y)
		have += int(t.before[len(t.working)])
	}
	return civilDate(t.first + t.nth(have+n+1))
}

// nth is the day of the year (from 0) of its k-th working day (from 1), k within the year.
func (t *yearTable) nth(k int) int {
	return sort.Search(len(t.working), func(i int) bool { return int(t.before[i+1]) >= k })
}

// WorkingDaysBetween counts the working days after a up to and including b, the count
// AddWorkingDays inverts: WorkingDaysBetween(a, AddWorkingDays(a, n)) == n. It is negative
// when b is before a.
func (c *Calendar) WorkingDaysBetween(a, b time.Time) int {
	if julianDay(b) < julianDay(a) {
		return -c.WorkingDaysBetween(b, a)
	}
	ta, tb := c.year(a.Year()), c.year(b.Year())
	n := int(tb.before[julianDay(b)-tb.first+1]) - int(ta.before[julianDay(a)-ta.first+1])
	for y := a.Year(); y < b.Year(); y++ {
		n += c.year(y).total()
	}
	return n
}

func (t *yearTable) total() int { return int(t.before[len(t.working)]) }

// Describe states in Vietnamese why the civil date of d is not a working day: the note of an
// announced day off, the holiday's name, or the weekday ("Thứ Bảy"); "" for a working day.
func (c *Calendar) Describe(d time.Time) string {
	if c.IsWorkingDay(d) {
		return ""
	}
	day := civilDate(julianDay(d))
	if e, ok := c.exceptions[julianDay(day)]; ok {
		return e.Note
	}
	for _, h := range Holidays(day.Year()) {
		if h.Day.Equal(day) {
			return h.Name
		}
	}
	return weekdayNames[day.Weekday()]
}

var weekdayNames = [...]string{"Chủ nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy"}

// DayOffs lists the days of year that are not working days, in order.
func (c *Calendar) DayOffs(year int) []time.Time {
	t := c.year(year)
	var days []time.Time
	for i, w := range t.working {
		if !w {
			days = append(days, civilDate(t.first+i))
		}
	}
	return days
}
