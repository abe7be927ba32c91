package calendar

import (
	"math"
	"time"
)

// The Vietnamese lunisolar calendar (âm lịch), computed as Hồ Ngọc Đức describes it
// (docs/calendar.md): a month starts on the day, in Vietnam's time zone, that holds the new
// moon; the winter solstice always falls in month 11; in a year of 13 months the first month
// holding no major solar term (trung khí) is the leap month and repeats the number before it.
// The Chinese calendar follows the same rules at UTC+8, which is why the two now and then put
// a new moon, and so a month, a day apart (Tết 2007: 17/02 here, 18/02 in China).

// vietnamHours is the time zone the calendar is reckoned in: UTC+7.
const vietnamHours = 7.0

// synodicMonth is the mean time from new moon to new moon, in days.
const synodicMonth = 29.530588853

// newMoonEpoch is the Julian day of the new moon numbered 0 (early January 1900, UT).
const newMoonEpoch = 2415021.076998695

// unixJulianDay is the Julian day number of 1970-01-01.
const unixJulianDay = 2440588

// julianDay is the Julian day number of the civil date of t (its year, month and day, in t's
// own location).
func julianDay(t time.Time) int {
	y, m, d := t.Date()
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix()/86400) + unixJulianDay
}

// civilDate is the date, at midnight UTC, of Julian day number jd.
func civilDate(jd int) time.Time {
	return time.Unix(int64(jd-unixJulianDay)*86400, 0).UTC()
}

const radian = math.Pi / 180

// newMoonAt is the moment (Julian day, UT) of new moon number k, counted from newMoonEpoch,
// by the truncated series of Meeus, Astronomical Algorithms, ch. 49: a mean phase plus the
// largest periodic terms, less ΔT (terrestrial minus universal time).
func newMoonAt(k int) float64 {
	t := float64(k) / 1236.85 // Julian centuries from 1900
	t2, t3 := t*t, t*t*t
	mean := 2415020.75933 + synodicMonth*float64(k) + 0.0001178*t2 - 0.000000155*t3 +
		0.00033*math.Sin((166.56+132.87*t-0.009173*t2)*radian)
	sun := (359.2242 + 29.10535608*float64(k) - 0.0000333*t2 - 0.00000347*t3) * radian   // Sun's mean anomaly
	moon := (306.0253 + 385.81691806*float64(k) + 0.0107306*t2 + 0.00001236*t3) * radian // Moon's mean anomaly
	lat := (21.2964 + 390.67050646*float64(k) - 0.0016528*t2 - 0.00000239*t3) * radian   // Moon's argument of latitude
	terms := []struct{ coef, arg float64 }{
		{0.1734 - 0.000393*t, sun},
		{0.0021, 2 * sun},
		{-0.4068, moon},
		{0.0161, 2 * moon},
		{-0.0004, 3 * moon},
		{0.0104, 2 * lat},
		{-0.0051, sun + moon},
		{-0.0074, sun - moon},
		{0.0004, 2*lat + sun},
		{-0.0004, 2*lat - sun},
		{-0.0006, 2*lat + moon},
		{0.0010, 2*lat - moon},
		{0.0005, sun + 2*moon},
	}
	correction := 0.0
	for _, term := range terms {
		correction += term.coef * math.Sin(term.arg)
	}
	var deltaT float64
	if t < -11 {
		deltaT = 0.001 + 0.000839*t + 0.0002261*t2 - 0.00000845*t3 - 0.000000081*t*t3
	} else {
		deltaT = -0.000278 + 0.000265*t + 0.000262*t2
	}
	return mean + correction - deltaT
}

// sunLongitude is the Sun's apparent ecliptic longitude, in radians in [0, 2π), at Julian day
// jd (UT), by the low-precision formula of Meeus ch. 25 (good to about 0.01°).
func sunLongitude(jd float64) float64 {
	t := (jd - 2451545.0) / 36525 // Julian centuries from J2000
	t2 := t * t
	anomaly := (357.52910 + 35999.05030*t - 0.0001559*t2 - 0.00000048*t*t2) * radian
	mean := 280.46645 + 36000.76983*t + 0.0003032*t2
	center := (1.914600-0.004817*t-0.000014*t2)*math.Sin(anomaly) +
		(0.019993-0.000101*t)*math.Sin(2*anomaly) + 0.000290*math.Sin(3*anomaly)
	l := math.Mod((mean+center)*radian, 2*math.Pi)
	if l < 0 {
		l += 2 * math.Pi
	}
	return l
}

// newMoonDay is the Julian day number of the day, in Vietnam, that holds new moon k.
func newMoonDay(k int) int {
	return int(math.Floor(newMoonAt(k) + 0.5 + vietnamHours/24))
}

// solarSector is which twelfth of the ecliptic (0 from the spring equinox, 9 from the winter
// solstice) the Sun is in when day jd begins in Vietnam. A month whose first day and the next
// month's first day share a sector holds no major solar term.
func solarSector(jd int) int {
	return int(sunLongitude(float64(jd)-0.5-vietnamHours/24) / math.Pi * 6)
}

// month11Start is the first day (Julian day number) of the lunar month holding the winter
// solstice of Gregorian year y.
func month11Start(y int) int {
	k := int(float64(julianDay(time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC))-2415021) / synodicMonth)
	start := newMoonDay(k)
	if solarSector(start) >= 9 { // the Sun passed the solstice before this month began
		start = newMoonDay(k - 1)
	}
	return start
}

// LunarMonth is one month of the lunar calendar.
type LunarMonth struct {
	Start  time.Time // its first day (mùng 1), at midnight UTC
	Number int       // 1 (tháng Giêng) … 12 (tháng Chạp)
	Leap   bool      // a leap month (tháng nhuận), repeating the number of the month before
	Days   int       // 29 (tháng thiếu) or 30 (tháng đủ)
}

// lunarMonths lists the months from month 11 of the lunar year that holds the winter solstice
// of y-1 to month 12 (or leap 12) of the lunar year that holds the solstice of y: every month
// from one month 11 to the next, less the last.
func lunarMonths(y int) []LunarMonth {
	first, next := month11Start(y-1), month11Start(y)
	k := int(math.Floor((float64(first)-newMoonEpoch)/synodicMonth + 0.5))
	count := int(math.Floor(float64(next-first)/synodicMonth + 0.5)) // 12, or 13 in a leap year
	starts := make([]int, count+1)
	for i := range starts {
		starts[i] = newMoonDay(k + i)
	}
	leap := -1
	if count == 13 {
		for i := 1; i < count; i++ {
			if solarSector(starts[i]) == solarSector(starts[i+1]) {
				leap = i
				break
			}
		}
	}
	months := make([]LunarMonth, count)
	number := 11
	for i := range count {
		isLeap := i == leap
		if i > 0 && !isLeap {
			number = number%12 + 1
		}
		months[i] = LunarMonth{Start: civilDate(starts[i]), Number: number, Leap: isLeap, Days: starts[i+1] - starts[i]}
	}
	return months
}

// LunarYear lists the months of lunar year y, the one that begins at Tết of Gregorian year y,
// in order: 12 months, or 13 with a leap month.
func LunarYear(y int) []LunarMonth {
	var months []LunarMonth
	started := false
	for _, m := range append(lunarMonths(y), lunarMonths(y+1)...) {
		if m.Number == 1 && !m.Leap {
			if started {
				break
			}
			started = true
		}
		if started {
			months = append(months, m)
		}
	}
	return months
}

// Tet is the first day of lunar year y (mùng 1 Tết Nguyên đán), which falls between 21
// January and 20 February of Gregorian year y.
func Tet(y int) time.Time { return LunarYear(y)[0].Start }

// LunarDate is a day of the lunar calendar.
type LunarDate struct {
	Year  int // the Gregorian year in which the lunar year begins
	Month int // 1 … 12
	Leap  bool
	Day   int // 1 … 30
}

// FromLunar is the Gregorian date of l, and false when lunar year l.Year has no such day (a
// leap month it lacks, or day 30 of a 29-day month).
func FromLunar(l LunarDate) (time.Time, bool) {
	for _, m := range LunarYear(l.Year) {
		if m.Number == l.Month && m.Leap == l.Leap {
			if l.Day < 1 || l.Day > m.Days {
				return time.Time{}, false
			}
			return m.Start.AddDate(0, 0, l.Day-1), true
		}
	}
	return time.Time{}, false
}

// ToLunar is the lunar date of the civil date of t.
func ToLunar(t time.Time) LunarDate {
	jd := julianDay(t)
	y := t.Year()
	months := LunarYear(y)
	if jd < julianDay(months[0].Start) {
		y--
		months = LunarYear(y)
	}
	m := months[0]
	for _, next := range months[1:] {
		if julianDay(next.Start) > jd {
			break
		}
		m = next
	}
	return LunarDate{Year: y, Month: m.Number, Leap: m.Leap, Day: jd - julianDay(m.Start) + 1}
}
