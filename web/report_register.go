package web

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"ptdang/internal/format"
	"ptdang/internal/quarter"
	"ptdang/internal/register"
	"ptdang/internal/report"
)

// RegisterFigureHref is the address of the people behind figure key of cell's report for p.
func RegisterFigureHref(cell int64, p report.Period, key string) string {
	return fmt.Sprintf("%s/register/%s", ReportHref(cell, p), key)
}

// WithRegister shows the figures the cell's register counts (t; nil for a cell that keeps
// none) read-only, each with the number of people and a link to them. On a form still being
// entered the count is the value, so the live check and the balance use it.
func (v *ReportView) WithRegister(cell int64, p report.Period, t register.Tally) {
	if t == nil {
		return
	}
	v.FromRegister = true
	for i := range v.Sections {
		for j := range v.Sections[i].Fields {
			f := &v.Sections[i].Fields[j]
			if !slices.Contains(register.TallyKeys, f.Key) {
				continue
			}
			n := len(t[f.Key])
			f.FromRegister, f.Counted = RegisterFigureHref(cell, p, f.Key), format.Int(int64(n))+" người"
			if v.Editable {
				f.Value = strconv.Itoa(n)
			}
		}
	}
}

// KeepChoice offers a reviewer the choice to fill the cell's reports from its register, from
// this quarter, or to stop; kept is the day the current choice starts, zero for none.
func (v *ReportView) KeepChoice(kept time.Time) {
	v.Keep.Shown = v.CanReview
	if !kept.IsZero() {
		v.Keep.Was = format.Date(kept)
		v.Keep.KeptFrom = quarter.Of(kept).String()
	}
}
