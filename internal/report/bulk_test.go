package report_test

import (
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"ptdang/internal/report"
)

// A bulk load holds reports to the rules of their state: an unbalanced approved report stops
// the copy, an unbalanced draft passes, and what is copied reads back through Get.
func TestCopyReportsChecksTheRulesOfEachState(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	good := report.BulkReport{CellID: f.cell, Period: q2, State: report.Approved, Figures: quarterFigures(20),
		SubmittedAt: day("2022-07-05"), ApprovedAt: day("2022-07-08")}
	unbalanced := quarterFigures(20)
	unbalanced["closing"] = 30
	for _, c := range []struct {
		state report.State
		ok    bool
	}{{report.Approved, false}, {report.Submitted, false}, {report.Draft, true}} {
		bad := report.BulkReport{CellID: f.cell, Period: report.Period{Year: 2022, Quarter: 3}, State: c.state, Figures: unbalanced}
		err := pgx.BeginFunc(ctx, f.db, func(tx pgx.Tx) error {
			rs, i := []report.BulkReport{good, bad}, -1
			n, err := report.CopyReports(ctx, tx, func() (report.BulkReport, bool) {
				i++
				if i == len(rs) {
					return report.BulkReport{}, false
				}
				return rs[i], true
			})
			if err == nil && n != 2 {
				t.Errorf("%d reports copied, want 2", n)
			}
			return err
		})
		if c.ok != (err == nil) || (err != nil && !strings.Contains(err.Error(), "Quý 3/2022")) {
			t.Fatalf("an unbalanced %s report: %v", c.state, err)
		}
	}
	r, err := report.Get(ctx, f.db, f.communeStaff, f.cell, q2)
	if err != nil {
		t.Fatal(err)
	}
	if r.State != report.Approved || !r.Figures.Equal(quarterFigures(20)) || r.SubmittedAt == nil {
		t.Errorf("copied report reads back as %s, %v", r.State, r.Figures)
	}
}
