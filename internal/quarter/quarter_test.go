package quarter

import (
	"testing"
	"time"
)

func TestLastEndedAtTheQuartersEdges(t *testing.T) {
	day := func(s string) time.Time {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	for _, c := range []struct {
		today    string
		want     Period
		lastDay  string
		thisOnes string
	}{
		{"2026-01-01", Period{2025, 4}, "2025-12-31", "Quý 1/2026"},
		{"2026-03-31", Period{2025, 4}, "2025-12-31", "Quý 1/2026"},
		{"2026-04-01", Period{2026, 1}, "2026-03-31", "Quý 2/2026"},
		{"2026-12-07", Period{2026, 3}, "2026-09-30", "Quý 4/2026"},
	} {
		got := LastEnded(day(c.today))
		if got != c.want || got.LastDay() != day(c.lastDay) || Of(day(c.today)).String() != c.thisOnes {
			t.Errorf("on %s: last ended %v (last day %s), this quarter %s; want %v, %s, %s", c.today, got,
				got.LastDay().Format(time.DateOnly), Of(day(c.today)), c.want, c.lastDay, c.thisOnes)
		}
		if !got.Ended(day(c.today)) || got.Next().Ended(day(c.today)) || got.Next().Previous() != got {
			t.Errorf("on %s: %v should have ended and the next not", c.today, got)
		}
	}
}
