package dashboard

import (
	"cmp"
	"slices"

	"ptdang/internal/target"
)

// AttentionMax is how many units each list of Attention holds at most.
const AttentionMax = 5

// Attention are the units of a dashboard's rows that most need the board's attention, each list
// the worst first and at most AttentionMax long.
type Attention struct {
	// Behind: judged behind the pace of their admissions target, the furthest (the largest gap
	// between the target's share admitted and the share expected by now) first.
	Behind []Row
	// NotReporting: with cells that have not sent the report of the quarter shown, most first.
	NotReporting []Row
	// NoMember: with hamlets no cell serves (thôn chưa có đảng viên), most first.
	NoMember []Row
}

// Attention picks from d's rows the units furthest behind their target, those with reports
// missing for the last quarter ended and those with hamlets without a cell. The unit itself
// (a cell's dashboard shows the cell as its one row) is never among them.
func (d Dashboard) Attention() Attention {
	pick := func(keep func(Row) bool, worse func(a, b Row) int) []Row {
		var out []Row
		for _, r := range d.Rows {
			if r.UnitID != d.Unit.ID && keep(r) {
				out = append(out, r)
			}
		}
		slices.SortStableFunc(out, func(a, b Row) int { return cmp.Or(worse(a, b), cmp.Compare(a.Name, b.Name)) })
		return out[:min(len(out), AttentionMax)]
	}
	missing := func(r Row) int { return r.CellsExpected - r.CellsSubmitted }
	return Attention{
		Behind: pick(func(r Row) bool { return r.Progress.Status == target.Behind || r.Progress.Status == target.FarBehind },
			func(a, b Row) int { return cmp.Compare(a.Progress.Gap, b.Progress.Gap) }),
		NotReporting: pick(func(r Row) bool { return missing(r) > 0 },
			func(a, b Row) int { return cmp.Compare(missing(b), missing(a)) }),
		NoMember: pick(func(r Row) bool { return r.NoMember > 0 },
			func(a, b Row) int { return cmp.Compare(b.NoMember, a.NoMember) }),
	}
}
