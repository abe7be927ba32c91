package calendar

import (
	"sync"
	"testing"
	"time"
)

func TestStatutoryDaysOffAndDaysInLieu(t *testing.T) {
	c := New(nil)
	for _, tc := range []struct {
		day     string
		working bool
		why     string
	}{
		{"2026-01-01", false, "Tết Dương lịch"},
		{"2026-01-02", true, ""},
		{"2026-02-13", true, ""},                             // Friday before Tết
		{"2026-02-16", false, "Tết Âm lịch (ngày cuối năm)"}, // 29 tháng Chạp, the lunar year's last day
		{"2026-02-17", false, "Tết Âm lịch (mùng 1)"},
		{"2026-02-20", false, "Tết Âm lịch (mùng 4)"},
		{"2026-02-21", false, "Thứ Bảy"},
		{"2026-02-23", true, ""},
		{"2026-04-26", false, "Giỗ Tổ Hùng Vương (10/3 âm lịch)"},         // a Sunday…
		{"2026-04-27", false, "Nghỉ bù Giỗ Tổ Hùng Vương (10/3 âm lịch)"}, // …so Monday off in lieu
		{"2026-04-30", false, "Ngày Chiến thắng"},
		{"2026-05-01", false, "Ngày Quốc tế Lao động"},
		{"2026-09-01", false, "Quốc khánh (ngày liền kề)"},
		{"2026-09-02", false, "Quốc khánh"},
		{"2026-09-03", true, ""},
		// 2022: 30/04 and 01/05 on Saturday and Sunday, Monday and Tuesday off in lieu, as announced.
		{"2022-05-02", false, "Nghỉ bù Ngày Chiến thắng"},
		{"2022-05-03", false, "Nghỉ bù Ngày Quốc tế Lao động"},
		{"2022-05-04", true, ""},
		// 2021: 02/09 a Thursday, paired with Friday 03/09 as the Prime Minister decided.
		{"2021-09-01", true, ""},
		{"2021-09-03", false, "Quốc khánh (ngày liền kề)"},
		// 2023: 02/09 a Saturday: Friday 01/09 and Monday 04/09 in lieu, as announced.
		{"2023-09-01", false, "Quốc khánh (ngày liền kề)"},
		{"2023-09-04", false, "Nghỉ bù Quốc khánh"},
		// 2023: Hùng Kings' day on Saturday 29/04 and 30/04 a Sunday: Tuesday 02/05 and Wednesday
		// 03/05 in lieu, 29/04–03/05 off as announced.
		{"2023-05-02", false, "Nghỉ bù Giỗ Tổ Hùng Vương (10/3 âm lịch)"},
		{"2023-05-03", false, "Nghỉ bù Ngày Chiến thắng"},
		{"2023-05-04", true, ""},
		// 2023: Tết's five days from Saturday 21/01 hold two weekend days, so Thursday and Friday
		// in lieu: 21–27/01, as publicholidays.vn lists the holiday.
		{"2023-01-26", false, "Nghỉ bù Tết Âm lịch (ngày cuối năm)"},
		{"2023-01-27", false, "Nghỉ bù Tết Âm lịch (mùng 1)"},
		{"2023-01-30", true, ""},
	} {
		d := day(tc.day)
		if got := c.IsWorkingDay(d); got != tc.working {
			t.Errorf("%s: working %v, want %v", tc.day, got, tc.working)
		}
		if got := c.Describe(d); got != tc.why {
			t.Errorf("%s: %q, want %q", tc.day, got, tc.why)
		}
	}
}

// The rules give the Tết breaks the Prime Minister decided in these years, as publicholidays.vn
// lists them (the last day of the year and four of the new, with days in lieu). Other years
// (2017, 2018, 2020, 2021) took two days of the old year and three of the new: exceptions.
func TestTetBreaksOfRecentYears(t *testing.T) {
	c := New(nil)
	for _, span := range [][2]string{
		{"2019-02-04", "2019-02-08"},
		{"2022-01-31", "2022-02-04"},
		{"2023-01-21", "2023-01-27"},
		{"2024-02-09", "2024-02-15"},
		{"2026-02-16", "2026-02-20"},
	} {
		first, last := day(span[0]), day(span[1])
		for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
			if c.IsWorkingDay(d) {
				t.Errorf("Tết break %s–%s: %s is a working day", span[0], span[1], d.Format(time.DateOnly))
			}
		}
		if !c.IsWorkingDay(first.AddDate(0, 0, -1)) && !weekend(first.AddDate(0, 0, -1)) {
			t.Errorf("Tết break %s–%s starts earlier", span[0], span[1])
		}
		if !c.IsWorkingDay(last.AddDate(0, 0, 1)) && !weekend(last.AddDate(0, 0, 1)) {
			t.Errorf("Tết break %s–%s ends later", span[0], span[1])
		}
	}
}

func TestAddWorkingDays(t *testing.T) {
	// 2024: the Prime Minister moved Monday 29/04 off and Saturday 04/05 to work, joining 30/04
	// and 01/05 to the weekend: 27/04–01/05 off (docs/calendar.md).
	swap2024 := []Exception{
		{Day: day("2024-04-29"), Kind: DayOff, Note: "Nghỉ hoán đổi dịp 30/4 – 1/5"},
		{Day: day("2024-05-04"), Kind: WorkingDay, Note: "Làm bù cho thứ Hai 29/04"},
	}
	for _, tc := range []struct {
		name       string
		exceptions []Exception
		start      string
		n          int
		want       string
	}{
		// A cell resolution on Thursday 15/01/2026; the decision is due within 60 working days.
		// By hand: 16/01 and 19–30/01 make 11; February gives 2–13/02 and 23–27/02, 15, Tết
		// taking 16–20/02 (total 26); March 2–31 gives 22 (48); April 1–3 (51), 6–10 (56),
		// 13–16 (60): Thursday 16/04/2026. Without Tết it would be 09/04.
		{"60 days across Tết 2026", nil, "2026-01-15", 60, "2026-04-16"},
		{"across Hùng Kings' day in lieu", nil, "2026-04-24", 1, "2026-04-28"},
		{"across 30/04 and 01/05", nil, "2026-04-29", 1, "2026-05-04"},
		{"2024 without the swap", nil, "2024-04-26", 1, "2024-04-29"},
		{"2024 with the extra day off", swap2024, "2024-04-26", 1, "2024-05-02"},
		{"2024 make-up Saturday counts", swap2024, "2024-05-03", 1, "2024-05-04"},
		{"2024 make-up Saturday, backwards", swap2024, "2024-05-06", -1, "2024-05-04"},
		{"start on a day off is not counted", nil, "2026-02-17", 1, "2026-02-23"},
		{"across the new year", nil, "2025-12-30", 2, "2026-01-02"},
		{"zero", nil, "2026-02-17", 0, "2026-02-17"},
		{"backwards across Tết", nil, "2026-02-23", -1, "2026-02-13"},
		{"backwards across the new year", nil, "2026-01-05", -2, "2025-12-31"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := New(tc.exceptions)
			got := c.AddWorkingDays(day(tc.start), tc.n)
			if !got.Equal(day(tc.want)) {
				t.Fatalf("AddWorkingDays(%s, %d) = %s, want %s", tc.start, tc.n, got.Format(time.DateOnly), tc.want)
			}
			if back := c.WorkingDaysBetween(day(tc.start), got); back != tc.n && c.IsWorkingDay(day(tc.start)) {
				t.Fatalf("WorkingDaysBetween(%s, %s) = %d, want %d", tc.start, tc.want, back, tc.n)
			}
		})
	}
}

// WorkingDaysBetween and AddWorkingDays agree, and agree with counting day by day, wherever one
// starts: forward from any day, backward from a working day.
func TestWorkingDaysBetweenCountsDayByDay(t *testing.T) {
	c := New([]Exception{{Day: day("2024-04-29"), Kind: DayOff}, {Day: day("2024-05-04"), Kind: WorkingDay}})
	start := day("2023-12-20")
	count := 0
	for d := start.AddDate(0, 0, 1); d.Before(day("2026-01-10")); d = d.AddDate(0, 0, 1) {
		if c.IsWorkingDay(d) {
			count++
			if got := c.AddWorkingDays(start, count); !got.Equal(d) {
				t.Fatalf("AddWorkingDays(%s, %d) = %s, want %s", start.Format(time.DateOnly), count, got.Format(time.DateOnly), d.Format(time.DateOnly))
			}
			if got := c.AddWorkingDays(d, -count); !got.Equal(c.AddWorkingDays(start, 0)) && c.IsWorkingDay(start) {
				t.Fatalf("AddWorkingDays(%s, %d) = %s", d.Format(time.DateOnly), -count, got.Format(time.DateOnly))
			}
		}
		if got := c.WorkingDaysBetween(start, d); got != count {
			t.Fatalf("WorkingDaysBetween(%s, %s) = %d, want %d", start.Format(time.DateOnly), d.Format(time.DateOnly), got, count)
		}
		if got := c.WorkingDaysBetween(d, start); got != -count {
			t.Fatalf("WorkingDaysBetween(%s, %s) = %d, want %d", d.Format(time.DateOnly), start.Format(time.DateOnly), got, -count)
		}
	}
	// 2024 by the rules and the swap: 262 weekdays less 01/01; Tết from Friday 09/02 (the
	// year's last day) to Tuesday 13/02, with Wednesday 14/02 and Thursday 15/02 in lieu of
	// Saturday 10/02 and Sunday 11/02; 18/04; 30/04; 01/05; 02/09 and Tuesday 03/09 in lieu of
	// Sunday 01/09 (11 days); the swap takes 29/04 and gives 04/05: 251.
	if got := c.WorkingDaysBetween(day("2023-12-31"), day("2024-12-31")); got != 251 {
		t.Errorf("working days in 2024: %d, want 251", got)
	}
}

// A deadline list of thousands of files asks the calendar thousands of times: each answer is a
// table look-up once the year is built.
func BenchmarkAddWorkingDays(b *testing.B) {
	c := New(nil)
	starts := make([]time.Time, 5000)
	for i := range starts {
		starts[i] = day("2024-01-01").AddDate(0, 0, i%1000)
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		c.AddWorkingDays(starts[i%len(starts)], 60)
	}
}

func BenchmarkWorkingDaysBetween(b *testing.B) {
	c := New(nil)
	starts := make([]time.Time, 5000)
	for i := range starts {
		starts[i] = day("2024-01-01").AddDate(0, 0, i%1000)
	}
	end := day("2026-12-07")
	for i := 0; b.Loop(); i++ {
		c.WorkingDaysBetween(starts[i%len(starts)], end)
	}
}

// One calendar serves a whole request's goroutines: the first callers of a year build its
// table at once and all get the same answers (run with -race).
func TestCalendarIsSafeForConcurrentUse(t *testing.T) {
	c := New(nil)
	want := New(nil).AddWorkingDays(day("2026-01-15"), 60)
	var wg sync.WaitGroup
	got := make([]time.Time, 8)
	for i := range got {
		wg.Go(func() { got[i] = c.AddWorkingDays(day("2026-01-15"), 60) })
	}
	wg.Wait()
	for i, g := range got {
		if !g.Equal(want) {
			t.Fatalf("goroutine %d: %s, want %s", i, g.Format(time.DateOnly), want.Format(time.DateOnly))
		}
	}
}
