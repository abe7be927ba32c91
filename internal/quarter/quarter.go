// Package quarter names the quarters cells report on, below both the reports and the register,
// which count over the same quarters.
package quarter

import (
	"fmt"
	"time"
)

// Period is one quarter.
type Period struct {
	Year, Quarter int
}

// Of is the quarter day falls in.
func Of(day time.Time) Period {
	return Period{Year: day.Year(), Quarter: (int(day.Month())-1)/3 + 1}
}

// LastEnded is the quarter cells report on today: the latest one that has ended.
func LastEnded(today time.Time) Period {
	return Of(today).Previous()
}

// Valid reports whether p names a real quarter.
func (p Period) Valid() bool {
	return p.Quarter >= 1 && p.Quarter <= 4 && p.Year >= 1990 && p.Year <= 2200
}

// Start is the quarter's first day.
func (p Period) Start() time.Time { return p.End().AddDate(0, -3, 0) }

// End is the first day after the quarter.
func (p Period) End() time.Time {
	return time.Date(p.Year, time.Month(3*p.Quarter+1), 1, 0, 0, 0, 0, time.UTC)
}

// LastDay is the quarter's last day: the day the units' tree is read on for it.
func (p Period) LastDay() time.Time { return p.End().AddDate(0, 0, -1) }

// Ended reports whether the quarter is over on today: a report may only be entered from the
// first day after it.
func (p Period) Ended(today time.Time) bool { return !today.Before(p.End()) }

// Previous is the quarter before p.
func (p Period) Previous() Period {
	if p.Quarter == 1 {
		return Period{p.Year - 1, 4}
	}
	return Period{p.Year, p.Quarter - 1}
}

// Next is the quarter after p.
func (p Period) Next() Period {
	if p.Quarter == 4 {
		return Period{p.Year + 1, 1}
	}
	return Period{p.Year, p.Quarter + 1}
}

// String writes the quarter the Vietnamese way: "Quý 2/2022".
func (p Period) String() string { return fmt.Sprintf("Quý %d/%d", p.Quarter, p.Year) }
