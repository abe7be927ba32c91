package report

import "strconv"

// ParsePeriod reads a year and a quarter as typed, an empty one being def's; ok is false for a
// malformed or impossible quarter.
func ParsePeriod(year, quarter string, def Period) (p Period, ok bool) {
	p = def
	var err1, err2 error
	if year != "" {
		p.Year, err1 = strconv.Atoi(year)
	}
	if quarter != "" {
		p.Quarter, err2 = strconv.Atoi(quarter)
	}
	return p, err1 == nil && err2 == nil && p.Valid()
}
