package register

import "slices"

// RulesApplied lists the rule sets the file's steps were checked with and its deadlines
// counted by (the set in force on each step's day), oldest first.
func (f File) RulesApplied() []Rules {
	var out []Rules
	for _, s := range f.Steps {
		r := f.book.On(s.On)
		if !slices.ContainsFunc(out, func(x Rules) bool { return x.From.Equal(r.From) }) {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b Rules) int { return a.From.Compare(b.From) })
	return out
}
