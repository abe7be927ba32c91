package demo_test

import (
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"ptdang/internal/pgtest"
	"ptdang/internal/quarter"
	"ptdang/internal/report"
)

// lastQuarter is the quarter the demo reports last: the last ended on the load day.
func lastQuarter() report.Period { return quarter.LastEnded(time.Now()) }

// livingProvince checks the demo's reports on db: every cell reports on the quarters shown, the
// last one in every state, the figures balanced, and the demo accounts' work waiting for them.
func livingProvince(t *testing.T, db *pgxpool.Pool) {
	last := lastQuarter()
	first := report.Period{Year: last.Year - 1, Quarter: 1}
	lastQ := last.Year*4 + last.Quarter
	t.Run("EveryCellReportsOnEveryQuarterShown", func(t *testing.T) {
		cells := pgtest.Count(t, db, `SELECT count(*) FROM party_unit_version WHERE valid_to IS NULL AND kind IN ('affiliated_cell', 'grassroots_cell')`)
		reported := pgtest.Count(t, db, `SELECT count(DISTINCT r.cell_id) FROM quarterly_report r JOIN party_unit_version v ON v.unit_id = r.cell_id
			WHERE v.valid_to IS NULL AND r.year = $1 AND r.quarter = $2`, last.Year, last.Quarter)
		if reported < cells*85/100 || reported == cells {
			t.Errorf("%d of %d cells reported on %s, want most but not all", reported, cells, last)
		}
		quarters := pgtest.Count(t, db, `SELECT count(DISTINCT year * 4 + quarter) FROM quarterly_report`)
		if want := lastQ - (first.Year*4 + first.Quarter) + 1; quarters != want {
			t.Errorf("reports on %d quarters, want %d (%s – %s)", quarters, want, first, last)
		}
		if n := pgtest.Count(t, db, `SELECT count(*) FROM quarterly_report WHERE year * 4 + quarter > $1`, lastQ); n != 0 {
			t.Errorf("%d reports on quarters not ended", n)
		}
	})
	t.Run("LastQuarterInEveryStateSomeLate", func(t *testing.T) {
		for _, s := range []report.State{report.Draft, report.Submitted, report.Returned, report.Approved} {
			if n := pgtest.Count(t, db, `SELECT count(*) FROM quarterly_report WHERE year = $1 AND quarter = $2 AND state = $3`, last.Year, last.Quarter, s); n < 5 {
				t.Errorf("%d reports %s on %s", n, s, last)
			}
		}
		late := pgtest.Count(t, db, `SELECT count(*) FROM quarterly_report WHERE late`)
		sent := pgtest.Count(t, db, `SELECT count(*) FROM quarterly_report WHERE submitted_at IS NOT NULL`)
		if late < sent/20 || late > sent/4 {
			t.Errorf("%d of %d reports late, want 5–25 %%", late, sent)
		}
		if n := pgtest.Count(t, db, `SELECT count(*) FROM quarterly_report WHERE state = 'returned' AND returned_reason = ''`); n != 0 {
			t.Errorf("%d returned reports without a reason", n)
		}
	})
	t.Run("FiguresBalanceAndFollowOn", func(t *testing.T) {
		rows, err := db.Query(t.Context(), `SELECT state, `+figureColumns()+` FROM quarterly_report`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var state report.State
			vals := make([]int, len(report.Fields))
			dest := []any{&state}
			for i := range vals {
				dest = append(dest, &vals[i])
			}
			if err := rows.Scan(dest...); err != nil {
				t.Fatal(err)
			}
			f := report.Figures{}
			for i, fl := range report.Fields {
				f[fl.Key] = vals[i]
			}
			if errs := f.Check(); len(errs) > 0 {
				t.Fatalf("a %s report fails the checks: %v", state, errs)
			}
		}
		if n := pgtest.Count(t, db, `SELECT count(*) FROM quarterly_report r JOIN quarterly_report p ON p.cell_id = r.cell_id
			AND p.year * 4 + p.quarter = r.year * 4 + r.quarter - 1 WHERE r.opening <> p.closing`); n != 0 {
			t.Errorf("%d reports do not open where the last closed", n)
		}
	})
	t.Run("DemoAccountsHaveWorkWaiting", func(t *testing.T) {
		if n := pgtest.Count(t, db, `SELECT count(*) FROM quarterly_report r JOIN report_exception e USING (cell_id, year, quarter)
			WHERE r.cell_id = (`+demoCellQuery+`) AND r.year = $1 AND r.quarter = $2 AND r.state = 'draft' AND e.until > now()`, last.Year, last.Quarter); n != 1 {
			t.Errorf("the demo cell has %d drafts it may still finish on %s", n, last)
		}
		if n := pgtest.Count(t, db, `SELECT count(*) FROM quarterly_report r JOIN party_unit_version v ON v.unit_id = r.cell_id AND v.valid_to IS NULL
			WHERE v.parent_id = (SELECT parent_id FROM party_unit_version WHERE unit_id = (`+demoCellQuery+`) AND valid_to IS NULL)
			AND r.year = $1 AND r.quarter = $2 AND r.state = 'submitted'`, last.Year, last.Quarter); n < 2 {
			t.Errorf("%d reports wait for the demo commune's approval", n)
		}
	})
	t.Run("RatingsForTheYearsEnded", func(t *testing.T) {
		y := time.Now().Year()
		for _, year := range []int{y - 2, y - 1} {
			rated := pgtest.Count(t, db, `SELECT count(*) FROM quality_rating WHERE year = $1`, year)
			if cells := pgtest.Count(t, db, `SELECT count(DISTINCT cell_id) FROM quarterly_report`); rated < cells*9/10 {
				t.Errorf("%d cells rated for %d, of %d reporting", rated, year, cells)
			}
		}
	})
}

// demoCellQuery picks the demo secretary's cell.
const demoCellQuery = `SELECT g.unit_id FROM role_grant g JOIN app_user a ON a.id = g.user_id WHERE a.login = 'bithu'`

func figureColumns() string {
	keys := make([]string, len(report.Fields))
	for i, f := range report.Fields {
		keys[i] = f.Key
	}
	return strings.Join(keys, ", ")
}
