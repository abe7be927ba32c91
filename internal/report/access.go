package report

import (
	"slices"
	"time"

	"ptdang/internal/account"
)

// OwnSecretary reports whether u is the cell's own secretary (bí thư của chi bộ). What anyone
// else enters into the cell's report is entered on its behalf (nhập thay); only the own
// secretary may ask to reopen its approved report, and never reviews it.
func OwnSecretary(u account.User, cell int64) bool {
	return slices.ContainsFunc(u.Grants, func(g account.Grant) bool { return g.Role == account.CellSecretary && g.UnitID == cell })
}

// OnBehalf reports whether what u enters into cell's report is entered on the cell's behalf:
// by anyone but its own secretary.
func OnBehalf(u account.User, cell int64) bool { return !OwnSecretary(u, cell) }

// SecretaryCell returns the cell u is secretary of, the one they report for; ok is false when u
// is no cell's secretary.
func SecretaryCell(u account.User) (cell int64, ok bool) {
	for _, g := range u.Grants {
		if g.Role == account.CellSecretary {
			return g.UnitID, true
		}
	}
	return 0, false
}

// Permits is what a user may do with a report on a day; the steps refuse what it does not
// allow in any case, this is what the report's page offers.
type Permits struct {
	Edit      bool // enter, save and submit figures
	Review    bool // return, approve, reopen
	Accept    bool // the province's acceptance, in a two-step province
	AskReopen bool // ask the commune to reopen the approved report
	Extend    bool // give the cell more time to enter a locked period: the province's staff, who set deadlines
}

// PermitsFor says what u may do with r on today. Only the parent that holds the cell now acts on
// its report (Held); the cell's own secretary never reviews it.
func (r Report) PermitsFor(u account.User, today time.Time) Permits {
	own := OwnSecretary(u, r.CellID)
	return Permits{
		Edit:      r.Held && r.State.Editable() && !r.Locked(today) && r.Ended(today) && u.Can(account.EnterReports),
		Review:    r.Held && u.Can(account.ReviewReports) && !own,
		Accept:    r.Held && u.Can(account.AcceptReports) && r.TwoStep,
		AskReopen: r.Held && own,
		Extend:    r.Held && u.Can(account.AcceptReports),
	}
}
