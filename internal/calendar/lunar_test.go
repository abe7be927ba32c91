package calendar

import (
	"strings"
	"testing"
	"time"

	"ptdang/internal/orgtest"
)

// day is the date written yyyy-mm-dd.
var day = orgtest.Day

// The first day of the lunar year in Vietnam, from published calendars (docs/calendar.md lists
// the sources). 1968, 1985, 2007 and 2030 are years in which Vietnam's Tết differs from
// China's (30/01/1968, 20/02/1985, 18/02/2007, 03/02/2030 there): the UTC+7 reckoning shows.
func TestTetFallsOnThePublishedDay(t *testing.T) {
	for year, want := range map[int]string{
		1968: "1968-01-29",
		1985: "1985-01-21",
		2007: "2007-02-17",
		2020: "2020-01-25",
		2021: "2021-02-12",
		2023: "2023-01-22",
		2024: "2024-02-10",
		2025: "2025-01-29",
		2026: "2026-02-17",
		2027: "2027-02-06",
		2030: "2030-02-02",
	} {
		if got := Tet(year); !got.Equal(day(want)) {
			t.Errorf("Tết %d: %s, want %s", year, got.Format(time.DateOnly), want)
		}
	}
}

// excelnotes.com's list of Tết 2028–2049, which follows the Chinese dates: ours agree every year
// but 2030, when the new moon of 2 February falls before midnight at UTC+7 and after it at UTC+8.
func TestTetAgreesWithAPublishedListSave2030(t *testing.T) {
	list := "2028-01-26 2029-02-13 2030-02-03 2031-01-23 2032-02-11 2033-01-31 2034-02-19 2035-02-08 " +
		"2036-01-28 2037-02-15 2038-02-04 2039-01-24 2040-02-12 2041-02-01 2042-01-22 2043-02-10 " +
		"2044-01-30 2045-02-17 2046-02-06 2047-01-26 2048-02-14 2049-02-02"
	for _, s := range strings.Fields(list) {
		listed := day(s)
		got := Tet(listed.Year())
		if listed.Year() == 2030 {
			listed = listed.AddDate(0, 0, -1)
		}
		if !got.Equal(listed) {
			t.Errorf("Tết %d: %s, the list has %s", listed.Year(), got.Format(time.DateOnly), s)
		}
	}
}

// Hùng Kings' day, 10/3 lunar, as the government's holiday announcements of those years give it.
func TestHungKingsDayFallsOnThePublishedDay(t *testing.T) {
	for year, want := range map[int]string{
		2020: "2020-04-02",
		2021: "2021-04-21",
		2023: "2023-04-29",
		2024: "2024-04-18",
		2025: "2025-04-07",
		2026: "2026-04-26",
	} {
		got, ok := FromLunar(LunarDate{Year: year, Month: 3, Day: 10})
		if !ok || !got.Equal(day(want)) {
			t.Errorf("10/3 lunar %d: %s (%v), want %s", year, got.Format(time.DateOnly), ok, want)
		}
	}
}

// Every lunar year of the calendar's range is well formed: months follow one another, hold 29
// or 30 days, number 1 to 12 with one leap month in a 13-month year, and Tết falls between 21/01
// and 20/02. A mistake in the new-moon or solar-term series breaks one of these somewhere.
func TestLunarYearsAreWellFormed(t *testing.T) {
	for y := FirstYear; y <= LastYear; y++ {
		months := LunarYear(y)
		if n := len(months); n != 12 && n != 13 {
			t.Fatalf("lunar year %d has %d months", y, n)
		}
		leaps, number := 0, 0
		for i, m := range months {
			if m.Days != 29 && m.Days != 30 {
				t.Fatalf("lunar year %d month %d: %d days", y, m.Number, m.Days)
			}
			if i+1 < len(months) && !m.Start.AddDate(0, 0, m.Days).Equal(months[i+1].Start) {
				t.Fatalf("lunar year %d: month %d does not end where the next begins", y, m.Number)
			}
			if m.Leap {
				leaps++
				if m.Number != number {
					t.Fatalf("lunar year %d: leap month %d after month %d", y, m.Number, number)
				}
			} else if m.Number != number+1 {
				t.Fatalf("lunar year %d: month %d after month %d", y, m.Number, number)
			}
			number = m.Number
		}
		if want := len(months) - 12; leaps != want || number != 12 {
			t.Fatalf("lunar year %d: %d leap months in %d, last month %d", y, leaps, len(months), number)
		}
		last := months[len(months)-1]
		if next := Tet(y + 1); !last.Start.AddDate(0, 0, last.Days).Equal(next) {
			t.Fatalf("lunar year %d ends on %s, the next begins %s", y, last.Start.AddDate(0, 0, last.Days), next)
		}
		if tet := Tet(y); tet.Before(time.Date(y, 1, 21, 0, 0, 0, 0, time.UTC)) || tet.After(time.Date(y, 2, 20, 0, 0, 0, 0, time.UTC)) {
			t.Fatalf("Tết %d on %s", y, tet.Format(time.DateOnly))
		}
	}
}

func TestToLunarAndBackIsTheSameDay(t *testing.T) {
	for d := day("2019-01-01"); d.Before(day("2032-01-01")); d = d.AddDate(0, 0, 1) {
		l := ToLunar(d)
		back, ok := FromLunar(l)
		if !ok || !back.Equal(d) {
			t.Fatalf("%s → %+v → %s (%v)", d.Format(time.DateOnly), l, back.Format(time.DateOnly), ok)
		}
	}
	// 16/02/2026 is the last day of lunar year 2025, the 29th of a short 12th month.
	if got, want := ToLunar(day("2026-02-16")), (LunarDate{Year: 2025, Month: 12, Day: 29}); got != want {
		t.Errorf("16/02/2026: %+v, want %+v", got, want)
	}
	if _, ok := FromLunar(LunarDate{Year: 2025, Month: 12, Day: 30}); ok {
		t.Error("30/12 of lunar year 2025 exists, want none: the month has 29 days")
	}
}
