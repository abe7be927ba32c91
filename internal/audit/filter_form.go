package audit

import (
	"time"

	"ptdang/internal/format"
)

// ParseFilter reads the change log's filters as typed, any of them empty: the code or login
// changed (label), who changed it (by), and the first and last days, Vietnam's. A malformed day
// is no bound.
func ParseFilter(label, by, from, to string) Filter {
	f := Filter{Label: label, Login: by}
	if d, err := format.ParseDate(from); err == nil {
		f.From = d.Add(-7 * time.Hour) // midnight in Vietnam
	}
	if d, err := format.ParseDate(to); err == nil {
		f.To = d.Add(-7 * time.Hour)
	}
	return f
}
