package quality

import "strconv"

// ParseYear reads a year of ratings as typed, empty being def; ok is false for a malformed year
// or one outside FirstYear–LastYear.
func ParseYear(text string, def int) (year int, ok bool) {
	if text == "" {
		return def, true
	}
	n, err := strconv.Atoi(text)
	return n, err == nil && n >= FirstYear && n <= LastYear
}
