package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"

	"ptdang/internal/format"
	"ptdang/internal/org"
	"ptdang/internal/quarter"
	"ptdang/internal/report"
)

// The reports part: every cell's quarterly reports from the first quarter of last year to the
// last quarter ended on the load day, so the demo stays alive in later years. The history is
// copied through the report package's bulk path (its rules checked on every report); the older
// quarters are approved, a few late and a few never sent; the last quarter is in every state.
// The demo commune's last quarter goes through the use cases instead: the demo secretary has a
// draft to finish, the commune's staff reports to approve.
var reportsPart = Part{Name: "reports", Load: func(ctx context.Context, tx pgx.Tx) (string, error) {
	return loadReports(ctx, tx, time.Now())
}}

// reportsSeed fixes the generator: the same load day gives the same reports.
var reportsSeed = [2]uint64{2025, 2026}

// shownQuarters are the quarters the demo reports on today, oldest first.
func shownQuarters(today time.Time) []report.Period {
	last := quarter.LastEnded(today)
	var ps []report.Period
	for p := (report.Period{Year: last.Year - 1, Quarter: 1}); p != last; p = p.Next() {
		ps = append(ps, p)
	}
	return append(ps, last)
}

// demoCell is a cell that reports, with what shapes its figures.
type demoCell struct {
	id             int64
	members        int       // full members recorded on the unit
	from, to       time.Time // its life; to is far ahead while it lives
	journey        bool      // in the demo commune: its last quarter goes through the use cases
	vigour         float64   // how keen it is to admit, around 1
	women, youth   float64   // shares of its members
	religious      float64
	ethnic, exempt float64
	congress       report.Period // the quarter it held its congress in, if shown
	admitted       [4]int        // the last four quarters' admissions: the probationary members
}

func loadReports(ctx context.Context, tx pgx.Tx, today time.Time) (string, error) {
	cells, err := reportingCells(ctx, tx)
	if err != nil {
		return "", err
	}
	var demoCellID int64
	if err := tx.QueryRow(ctx, demoCellSQL).Scan(&demoCellID); err != nil {
		return "", err
	}
	quarters := shownQuarters(today)
	last := quarters[len(quarters)-1]
	rng := rand.New(rand.NewPCG(reportsSeed[0], reportsSeed[1]))
	var bulk, journeys []report.BulkReport
	for _, c := range cells {
		c.shape(rng)
		closing := c.members + c.members/15
		for _, p := range quarters {
			if c.from.After(p.Previous().End()) || c.to.Before(p.End()) {
				continue
			}
			r := report.BulkReport{CellID: c.id, Period: p, Figures: c.figures(rng, closing, p)}
			closing = r.Figures["closing"]
			if !stateOf(rng, &r, p == last) {
				continue
			}
			if c.journey && p == last {
				journeys = append(journeys, r)
			} else {
				bulk = append(bulk, r)
			}
		}
	}
	n, err := report.CopyReports(ctx, tx, each(bulk))
	if err != nil {
		return "", err
	}
	if err := walkJourneys(ctx, tx, journeys, demoCellID, last); err != nil {
		return "", err
	}
	n += int64(len(journeys))
	return fmt.Sprintf("%s báo cáo quý của %s chi bộ, %s – %s", format.Int(n), format.Int(int64(len(cells))), quarters[0], last), nil
}

// each returns s's elements one by one, as the bulk paths ask for them, then false.
func each[T any](s []T) func() (T, bool) {
	return func() (T, bool) {
		var zero T
		if len(s) == 0 {
			return zero, false
		}
		v := s[0]
		s = s[1:]
		return v, true
	}
}

// reportingCells lists every cell that lived in the demo's quarters, the demo commune's marked.
func reportingCells(ctx context.Context, tx pgx.Tx) ([]*demoCell, error) {
	rows, err := tx.Query(ctx, `
		SELECT u.id, u.full_members, min(v.valid_from), max(COALESCE(v.valid_to, date '9999-12-31')),
			bool_or(v.valid_to IS NULL AND v.parent_id = (`+demoCommuneSQL+`))
		FROM party_unit u JOIN party_unit_version v ON v.unit_id = u.id
		WHERE v.kind IN ('affiliated_cell', 'grassroots_cell')
		GROUP BY u.id ORDER BY u.id`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (*demoCell, error) {
		c := &demoCell{}
		return c, r.Scan(&c.id, &c.members, &c.from, &c.to, &c.journey)
	})
}

// shape draws the cell's character: how keen it is to admit, and who its members are.
func (c *demoCell) shape(rng *rand.Rand) {
	c.vigour = 0.3 + 1.5*rng.Float64()
	c.women = 0.2 + 0.25*rng.Float64()
	c.youth = 0.15 * rng.Float64()
	c.religious = 0.3 * rng.Float64() * rng.Float64()
	c.ethnic = 0.2 * rng.Float64() * rng.Float64()
	c.exempt = 0.08 * rng.Float64()
	// Cells held their congress for the 2025–2027 term in the second or third quarter of 2025.
	c.congress = report.Period{Year: 2025, Quarter: 2 + rng.IntN(2)}
}

// odds turns an expected count into a whole one: its floor, plus one with the chance of the rest.
func odds(rng *rand.Rand, expected float64) int {
	n := int(expected)
	if rng.Float64() < expected-float64(n) {
		n++
	}
	return n
}

// figures invents a plausible, balanced quarter for the cell opening with opening members: it
// admits some 3 % of its members a year (more or less, by its vigour), loses about 1 % to
// death, and transfers a few in and out.
func (c *demoCell) figures(rng *rand.Rand, opening int, p report.Period) report.Figures {
	m := float64(opening)
	f := report.Figures{"opening": opening}
	f["admitted"] = odds(rng, m*0.03*c.vigour/4)
	f["transferred_in"] = odds(rng, m*0.02/4)
	if opening > 3 {
		f["deceased"] = odds(rng, m*0.012/4)
		f["transferred_out"] = odds(rng, m*0.02/4)
		f["removed"] = odds(rng, m*0.001/4)
	}
	f["closing"] = f.ExpectedClosing()
	closing := float64(f["closing"])
	copy(c.admitted[1:], c.admitted[:3])
	c.admitted[0] = f["admitted"]
	probationary := min(f["closing"], c.admitted[0]+c.admitted[1]+c.admitted[2]+c.admitted[3])
	f["probationary"], f["full_members"] = probationary, f["closing"]-probationary
	f["recognised"] = min(c.admitted[3], f["full_members"])
	f["women"] = int(closing * c.women)
	f["youth_union"] = int(closing * c.youth)
	f["religious"] = int(closing * c.religious)
	f["ethnic_minority"] = int(closing * c.ethnic)
	f["exempt"] = int(closing * c.exempt)
	f["working_away"] = min(f["closing"], rng.IntN(3))
	f["outstanding"] = 2 + odds(rng, 4*c.vigour)
	f["sympathisers"] = 1 + odds(rng, 3*c.vigour)
	f["course_completed"] = rng.IntN(f["sympathisers"] + 1)
	f["dossiers"] = rng.IntN(3)
	for _, k := range []string{"adm_women", "adm_youth_union", "adm_workers", "adm_students"} {
		f[k] = rng.IntN(f["admitted"] + 1)
	}
	f["monthly_meetings"], f["thematic_meetings"] = 3, 1
	if rng.IntN(15) == 0 {
		f["monthly_meetings"], f["thematic_meetings"] = 2, 0
	}
	if p == c.congress {
		f["congress_held"] = 1
	}
	return f
}

// stateOf draws how far r got, with its days, and reports false for a report never sent. An
// older quarter is approved but for a few never sent; the last one is in every state.
func stateOf(rng *rand.Rand, r *report.BulkReport, last bool) bool {
	x, lateShare := rng.IntN(100), 10
	r.State = report.Approved
	switch {
	case last && x < 8, !last && x < 2:
		return false
	case last && x < 15:
		r.State = report.Draft
		return true
	case last && x < 35:
		r.State = report.Submitted
	case last && x < 40:
		r.State = report.Returned
		r.ReturnedReason = returnReasons[rng.IntN(len(returnReasons))]
	}
	if last {
		lateShare = 20
	}
	deadline := r.Period.End().AddDate(0, 0, report.DefaultSettings.DeadlineDays-1)
	r.SubmittedAt = deadline.AddDate(0, 0, -rng.IntN(9)).Add(time.Duration(8+rng.IntN(9)) * time.Hour)
	if rng.IntN(100) < lateShare {
		r.SubmittedAt = deadline.AddDate(0, 0, 1+rng.IntN(20)).Add(time.Duration(8+rng.IntN(9)) * time.Hour)
	}
	r.Late = r.SubmittedAt.After(deadline)
	if r.State == report.Approved {
		r.ApprovedAt = r.SubmittedAt.AddDate(0, 0, 1+rng.IntN(7))
	}
	return true
}

var returnReasons = []string{
	"Số đảng viên nữ cuối quý chưa khớp với sổ, xin kiểm tra lại",
	"Thiếu số quần chúng ưu tú được giới thiệu trong quý",
	"Số chuyển sinh hoạt đi chưa khớp với giấy giới thiệu, xin rà soát lại",
}

// walkJourneys files the demo commune's last-quarter reports through the use cases, as its
// cells and staff would: the demo cell keeps a draft it may still finish, past the lock; at
// least two reports wait for the commune's approval.
func walkJourneys(ctx context.Context, tx pgx.Tx, journeys []report.BulkReport, demoCell int64, last report.Period) error {
	scope := org.Everything()
	waiting := 0
	for _, r := range journeys {
		switch {
		case r.CellID == demoCell:
			r.State = report.Draft
		case waiting < 2:
			r.State = report.Submitted
		}
		if r.State == report.Submitted {
			waiting++
		}
		if err := fileReport(ctx, tx, scope, r); err != nil {
			return fmt.Errorf("cell %d %s: %w", r.CellID, r.Period, err)
		}
	}
	cell, err := org.GetPartyUnit(ctx, tx, scope, demoCell, last.End())
	if err != nil {
		return err
	}
	return report.GrantException(ctx, tx, scope, cell.Code, last, last.End().AddDate(1, 0, 0))
}

// fileReport files r and walks it to its state: submitted on time or late, then returned or
// approved.
func fileReport(ctx context.Context, tx pgx.Tx, scope org.Scope, r report.BulkReport) error {
	rep, err := report.Get(ctx, tx, scope, r.CellID, r.Period)
	if err != nil {
		return err
	}
	when := rep.Deadline.AddDate(0, 0, -3)
	if r.Late {
		when = rep.Deadline.AddDate(0, 0, 5)
	}
	entry := report.Entry{Figures: r.Figures, Confirm: true}
	if r.State == report.Draft {
		_, err = report.SaveDraft(ctx, tx, scope, r.CellID, r.Period, entry, when)
		return err
	}
	if rep, err = report.Submit(ctx, tx, scope, r.CellID, r.Period, entry, when); err != nil {
		return err
	}
	switch r.State {
	case report.Returned:
		_, err = report.Return(ctx, tx, scope, r.CellID, r.Period, rep.Version, r.ReturnedReason)
	case report.Approved:
		_, err = report.Approve(ctx, tx, scope, r.CellID, r.Period, rep.Version)
	}
	return err
}
