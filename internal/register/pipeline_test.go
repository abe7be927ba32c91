package register_test

import (
	"io"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"ptdang/internal/dashboard"
	"ptdang/internal/gen"
	"ptdang/internal/org"
	"ptdang/internal/pgtest"
	"ptdang/internal/register"
	"ptdang/internal/report"
)

// generated is a small generated data set whose quarterly reports admit exactly the people
// whose ceremony their files record in the quarter: cells that use the register.
func generated(t *testing.T) *pgxpool.Pool {
	t.Helper()
	db := pgtest.New(t)
	opt := gen.Options{Scale: gen.Scale{Name: "small", Provinces: 2, Communes: 7}, Years: 3, Seed: 7, Last: report.Period{Year: 2026, Quarter: 3}}
	if err := gen.Load(t.Context(), pgtest.Owner(t, db), opt, io.Discard); err != nil {
		t.Fatal(err)
	}
	// Each report admits its cell's ceremonies of the quarter; the balance carries the change on.
	if _, err := db.Exec(t.Context(), `
		WITH d AS (
			SELECT r.cell_id, r.year, r.quarter, n.admitted, sum(n.admitted - r.admitted) OVER w AS carried,
				sum(n.admitted - r.admitted) OVER w - (n.admitted - r.admitted) AS before
			FROM quarterly_report r CROSS JOIN LATERAL (
				SELECT count(*)::int AS admitted FROM candidate c JOIN candidate_step s ON s.candidate_id = c.id AND s.kind = 'ceremony'
				WHERE c.cell_id = r.cell_id AND s.on_date >= make_date(r.year, 3 * r.quarter - 2, 1)
					AND s.on_date < make_date(r.year, 3 * r.quarter - 2, 1) + interval '3 months') n
			WINDOW w AS (PARTITION BY r.cell_id ORDER BY r.year, r.quarter)
		)
		UPDATE quarterly_report r SET admitted = d.admitted, opening = r.opening + d.before,
			closing = r.closing + d.carried, full_members = r.full_members + d.carried
		FROM d WHERE d.cell_id = r.cell_id AND d.year = r.year AND d.quarter = r.quarter`); err != nil {
		t.Fatal(err)
	}
	return db
}

// boardToday is inside the third quarter: the figures stand on 30/06/2026.
var boardToday = day("2026-09-20")

// TestPipelineAdmittedIsTheDashboards checks the board's admitted against the quarterly
// dashboard's, for the nation, a province and a commune: per unit and in total, and a unit's
// total is its row one level up.
func TestPipelineAdmittedIsTheDashboards(t *testing.T) {
	db := generated(t)
	ctx := t.Context()
	var admitted int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM candidate_step WHERE kind = 'ceremony' AND on_date BETWEEN '2026-01-01' AND '2026-06-30'`).Scan(&admitted); err != nil {
		t.Fatal(err)
	}
	if admitted < 20 {
		t.Fatalf("only %d people admitted in the first half of 2026: the data set proves little", admitted)
	}
	up := map[int64]register.PipelineRow{}
	unit, checked := int64(org.Nation), 0
	for depth := 0; depth < 3; depth++ {
		b, err := register.Pipeline(ctx, db, org.Everything(), unit, boardToday)
		if err != nil {
			t.Fatal(err)
		}
		if !b.FiguresOn.Equal(day("2026-06-30")) {
			t.Fatalf("figures on %v, want 30/06/2026", b.FiguresOn)
		}
		d, err := dashboard.Build(ctx, db, org.Everything(), unit, 2026, boardToday)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Rows) != len(b.Rows) {
			t.Fatalf("unit %d: %d rows on the board, %d on the dashboard", unit, len(b.Rows), len(d.Rows))
		}
		for i, r := range b.Rows {
			if r.UnitID != d.Rows[i].UnitID || r.ThisYear.Admitted != d.Rows[i].Admitted || r.LastYear.Admitted != d.Rows[i].AdmittedLastYear {
				t.Errorf("unit %d, row %s: board admitted %d (last year %d), dashboard %d (%d)", unit, r.Name,
					r.ThisYear.Admitted, r.LastYear.Admitted, d.Rows[i].Admitted, d.Rows[i].AdmittedLastYear)
			}
			checked++
		}
		if b.Total.ThisYear.Admitted != d.Total.Admitted {
			t.Errorf("unit %d: board total admitted %d, dashboard %d", unit, b.Total.ThisYear.Admitted, d.Total.Admitted)
		}
		if unit == org.Nation && b.Total.ThisYear.Admitted != admitted {
			t.Errorf("nation admitted %d, files %d", b.Total.ThisYear.Admitted, admitted)
		}
		if row, ok := up[unit]; ok && (row.ThisYear != b.Total.ThisYear || row.Stages != b.Total.Stages || row.Overdue != b.Total.Overdue) {
			t.Errorf("unit %d: total %+v, its row one level up %+v", unit, b.Total, row)
		}
		// Go down through the row with most admitted.
		next := slices.MaxFunc(b.Rows, func(a, c register.PipelineRow) int { return a.ThisYear.Admitted - c.ThisYear.Admitted })
		up[next.UnitID], unit = next, next.UnitID
	}
	t.Logf("%d rows agree; %d admitted in the first half of 2026", checked, admitted)
}

// TestPipelineAgreesWithAReference computes the board file by file, from each file as its
// page reads it (steps and clocks), and compares every figure.
func TestPipelineAgreesWithAReference(t *testing.T) {
	db := generated(t)
	ctx := t.Context()
	reg := register.Register{Keys: register.NewKeys("")}
	for _, unit := range []int64{org.Nation, -1} {
		if unit == -1 { // a province
			b, err := register.Pipeline(ctx, db, org.Everything(), org.Nation, boardToday)
			if err != nil {
				t.Fatal(err)
			}
			unit = b.Rows[0].UnitID
		}
		b, err := register.Pipeline(ctx, db, org.Everything(), unit, boardToday)
		if err != nil {
			t.Fatal(err)
		}
		overdue := 0
		for _, got := range b.Rows {
			files, err := register.List(ctx, db, org.Under(got.UnitID), boardToday, "", register.Page{})
			if err != nil {
				t.Fatal(err)
			}
			want := register.PipelineRow{UnitID: got.UnitID, Name: got.Name, Children: got.Children}
			waits := make([][]float64, len(register.Stages))
			for _, row := range files.Rows {
				f, err := reg.Get(ctx, db, org.Everything(), row.ID, boardToday)
				if err != nil {
					t.Fatal(err)
				}
				referenceFile(f, &want, waits)
			}
			for i, w := range waits {
				want.Stages[i] = register.Waiting{Files: len(w), Median: median(w), Oldest: slices.Max(append(w, 0))}
			}
			if shown(got) != shown(want) {
				t.Errorf("unit %d:\n got %+v\nwant %+v", got.UnitID, shown(got), shown(want))
			}
			overdue += want.Overdue
		}
		if unit == org.Nation && (b.Total.Overdue != overdue || overdue == 0) {
			t.Errorf("nation: %d overdue, rows add to %d (want some)", b.Total.Overdue, overdue)
		}
	}
}

// shown is what a row shows (not what it is summed from).
func shown(r register.PipelineRow) [7]any {
	return [...]any{r.UnitID, r.Name, r.Children, r.Stages, r.ThisYear, r.LastYear, r.Overdue}
}

// referenceFile adds file f to row, the slow way.
func referenceFile(f register.File, row *register.PipelineRow, waits [][]float64) {
	this := [2]time.Time{day("2026-01-01"), day("2026-06-30")}
	last := [2]time.Time{day("2025-01-01"), day("2025-06-30")}
	first := map[register.Kind]time.Time{}
	for _, s := range f.Steps {
		if _, ok := first[s.Kind]; !ok {
			first[s.Kind] = s.On
		}
	}
	for _, p := range []struct {
		span [2]time.Time
		flow *register.Flow
	}{{this, &row.ThisYear}, {last, &row.LastYear}} {
		in := func(k register.Kind) int {
			if d, ok := first[k]; ok && !d.Before(p.span[0]) && !d.After(p.span[1]) {
				return 1
			}
			return 0
		}
		p.flow.Sympathisers += in(register.Sympathiser)
		p.flow.Courses += in(register.Course)
		p.flow.Resolutions += in(register.CellResolution)
		p.flow.Admitted += in(register.Ceremony)
	}
	// The generated steps run to the end of the quarter: those after today are not yet recorded.
	f.Steps = slices.DeleteFunc(f.Steps, func(s register.Step) bool { return s.On.After(boardToday) })
	if f.Closed() {
		return
	}
	stage := map[register.Kind]int{register.Outstanding: 0, register.Sympathiser: 0, register.Course: 1, register.Application: 2,
		register.Verification: 2, register.Sponsors: 2, register.CellResolution: 3, register.Decision: 4, register.Ceremony: 5,
		register.RecognitionVote: 5}
	at, since := -1, time.Time{}
	for _, s := range f.Steps {
		st, ok := stage[s.Kind]
		if !ok {
			continue
		}
		if st > at || (st == at && s.On.Before(since)) {
			at, since = st, s.On
		}
	}
	if at >= 0 {
		waits[at] = append(waits[at], boardToday.Sub(since).Hours()/24)
	}
	for _, c := range f.Clocks {
		if c.Open() && c.Warned(boardToday) && boardToday.After(c.Due) {
			row.Overdue++
			break
		}
	}
}

// median is the middle value of xs, or the mean of the two middle ones; 0 for none.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	slices.Sort(xs)
	n := len(xs)
	return (xs[(n-1)/2] + xs[n/2]) / 2
}
