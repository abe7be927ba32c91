package register

import (
	"context"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/sync/errgroup"

	"ptdang/internal/apperr"
	"ptdang/internal/org"
	"ptdang/internal/pg"
	"ptdang/internal/quarter"
)

// Stage is a group of steps a file stands at on the pipeline board (bảng tiến độ tạo nguồn).
type Stage int

// The stages, in the order of the procedure. A file stands at the stage of its furthest step.
const (
	StageSympathiser Stage = iota // outstanding, sympathiser
	StageCourse                   // course
	StageDossier                  // application, verification, sponsors
	StageResolution               // cell resolution: awaiting the decision
	StageDecision                 // decision: awaiting the ceremony
	StageProbation                // ceremony, recognition vote: probationary member
	stageCount
)

// Stages lists every stage in order.
var Stages = []Stage{StageSympathiser, StageCourse, StageDossier, StageResolution, StageDecision, StageProbation}

var stageLabels = [stageCount]string{"Cảm tình đảng", "Đã học lớp", "Đang lập hồ sơ", "Chi bộ đã xét", "Có quyết định", "Dự bị"}

// Label is the stage's Vietnamese name.
func (s Stage) Label() string { return stageLabels[s] }

// stageOf is the stage of each open step kind (-1 for the closing steps and transfers).
func stageOf(k Kind) Stage {
	switch k {
	case Outstanding, Sympathiser:
		return StageSympathiser
	case Course:
		return StageCourse
	case Application, Verification, Sponsors:
		return StageDossier
	case CellResolution:
		return StageResolution
	case Decision:
		return StageDecision
	case Ceremony, RecognitionVote:
		return StageProbation
	}
	return -1
}

// Waiting is how many open files stand at a stage, and how long they have stood there in
// calendar days since its step: the median and the longest.
type Waiting struct {
	Files          int
	Median, Oldest float64
}

// Flow are the files that reached each step of the conversion for the first time in a period:
// sympathisers listed, courses finished, cell resolutions, and admissions (ceremonies).
type Flow struct {
	Sympathisers, Courses, Resolutions, Admitted int
}

// PipelineRow is one unit's pipeline: its open files by stage, the flow of this year and of
// the same period last year, and its files with an overdue deadline.
type PipelineRow struct {
	UnitID   int64
	Name     string
	Children int
	Stages   [stageCount]Waiting
	// ThisYear counts from 1 January to the board's FiguresOn, LastYear the same period a year
	// earlier: ThisYear.Admitted is the dashboard's "admitted" for cells that use the register.
	ThisYear, LastYear Flow
	Overdue            int // open files with at least one overdue deadline (as in Việc cần làm)
	sums               rowSums
}

// rowSums are what a row's figures are made of, kept so that rows add up exactly (a province's
// row is its children's added up: BoardCache): at each stage the files' shares, and the files'
// ways to the unit by days waited (a file counts once for each way its cell's figures reach the
// unit, as the median of percentile_cont counts rows); the flow's shares; the overdue rows.
type rowSums struct {
	files   [stageCount]float64
	waits   [stageCount][]waited // by days, ascending
	flow    [2 * len(flowKinds)]float64
	overdue int
}

// waited is how many ways to the unit waited so many days.
type waited struct{ days, ways int32 }

// add adds o to s.
func (s *rowSums) add(o rowSums) {
	for i := range s.files {
		s.files[i] += o.files[i]
		s.waits[i] = mergeWaits(s.waits[i], o.waits[i])
	}
	for i := range s.flow {
		s.flow[i] += o.flow[i]
	}
	s.overdue += o.overdue
}

// mergeWaits is a and b, both by days ascending, as one list.
func mergeWaits(a, b []waited) []waited {
	out := make([]waited, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		switch {
		case a[0].days < b[0].days:
			out, a = append(out, a[0]), a[1:]
		case b[0].days < a[0].days:
			out, b = append(out, b[0]), b[1:]
		default:
			out, a, b = append(out, waited{a[0].days, a[0].ways + b[0].ways}), a[1:], b[1:]
		}
	}
	return append(append(out, a...), b...)
}

// median is percentile_cont(0.5) of the days each way waited: the middle one, or the mean of
// the middle two.
func median(ws []waited) float64 {
	n := 0
	for _, w := range ws {
		n += int(w.ways)
	}
	lo, hi := (n-1)/2, n/2 // the middle ways, from 0
	var at [2]float64
	seen := 0
	for _, w := range ws {
		for k, i := range [2]int{lo, hi} {
			if i >= seen && i < seen+int(w.ways) {
				at[k] = float64(w.days)
			}
		}
		seen += int(w.ways)
	}
	return at[0] + (at[1]-at[0])*0.5
}

// settle sets the row's figures from its sums: shares rounded to files, as round(sum(share)) did.
func (r *PipelineRow) settle() {
	for i, ws := range r.sums.waits {
		r.Stages[i] = Waiting{}
		if len(ws) > 0 {
			r.Stages[i] = Waiting{Files: int(math.Round(r.sums.files[i])), Median: median(ws), Oldest: float64(ws[len(ws)-1].days)}
		}
	}
	n := func(i int) int { return int(math.Round(r.sums.flow[i])) }
	r.ThisYear = Flow{n(0), n(2), n(4), n(6)}
	r.LastYear = Flow{n(1), n(3), n(5), n(7)}
	r.Overdue = r.sums.overdue
}

// Board is the pipeline board of a unit: a row per unit directly below it, and its own row.
type Board struct {
	Unit  org.PartyUnit
	Today time.Time
	// FiguresOn is the last day of the last quarter ended by Today (31/12 of last year in
	// its first quarter): the flow counts to it, as the quarterly dashboard does.
	FiguresOn time.Time
	Rows      []PipelineRow
	Total     PipelineRow
}

// Pipeline is the board of unit (in by's scope; org.Nation for the whole tree, for one
// who sees everything) on today, every row computed. A file counts for the units whose subtree
// on today holds its cell, its cell's figures restated across merges and splits as the
// dashboard restates reports (org.OriginCTE). Errors: apperr.ErrNotFound for a unit out of
// scope (or the nation for one who does not see it all); any other is the database's.
func Pipeline(ctx context.Context, q pg.Querier, by org.Scope, unit int64, today time.Time) (Board, error) {
	return (*BoardCache)(nil).Pipeline(ctx, q, by, unit, today)
}

// Pipeline is the board as the package's Pipeline gives it, its rows from c where c holds
// them at the current generations. Errors: apperr.ErrNotFound for a unit out of scope (or the
// nation for one who does not see it all); any other is the database's.
func (c *BoardCache) Pipeline(ctx context.Context, q pg.Querier, by org.Scope, unit int64, today time.Time) (Board, error) {
	b := Board{Today: today, FiguresOn: figuresOn(today)}
	if unit == org.Nation {
		if !by.All() {
			return Board{}, apperr.ErrNotFound
		}
		b.Unit = org.PartyUnit{ID: org.Nation, Name: "Toàn quốc"}
	} else {
		u, err := org.GetPartyUnit(ctx, q, by, unit, today)
		if err != nil {
			return Board{}, err
		}
		b.Unit = u
	}
	all, err := c.generation(ctx, q)
	if err != nil {
		return Board{}, err
	}
	children, err := c.unitsUnder(ctx, q, unit, today, all)
	if err != nil {
		return Board{}, err
	}
	units := slices.Clone(children)
	rows := make(map[int64]*PipelineRow, len(children)+1)
	b.Rows = make([]PipelineRow, len(children))
	for i, c := range children {
		b.Rows[i] = PipelineRow{UnitID: c.ID, Name: c.Name, Children: c.Children}
		rows[c.ID] = &b.Rows[i]
	}
	b.Total = PipelineRow{Name: "Tổng cộng"}
	if unit != org.Nation {
		// The unit's own row, as its parent's board shows it: files of cells directly under it too.
		units = append(units, b.Unit)
		rows[unit] = &b.Total
	}
	if err := c.fill(ctx, q, units, today, b.FiguresOn, all, rows); err != nil {
		return Board{}, err
	}
	if unit == org.Nation {
		b.Total = sumPipeline(b.Rows)
	}
	return b, nil
}

// pipelineRows computes the figures of rows, the units ids, on today.
func pipelineRows(ctx context.Context, q pg.Querier, ids []int64, today, on time.Time, rows map[int64]*PipelineRow) error {
	// Each part fills its own fields of the rows; on a pool they run at once, each on its own
	// connection, so the board costs about the slowest, as the dashboard's queries do.
	parts := []func(context.Context) error{
		func(ctx context.Context) error { return pipelineStages(ctx, q, ids, today, rows) },
		func(ctx context.Context) error { return pipelineFlow(ctx, q, ids, today, on, rows) },
	}
	g, gctx := errgroup.WithContext(ctx)
	if _, pool := q.(*pgxpool.Pool); !pool {
		g.SetLimit(1) // one connection: one query at a time
	}
	for _, part := range parts {
		g.Go(func() error { return part(gctx) })
	}
	if err := g.Wait(); err != nil {
		return err
	}
	for _, r := range rows {
		r.settle()
	}
	return nil
}

// figuresOn is the last day of the last quarter ended by today: the day the quarterly
// dashboard's figures stand on.
func figuresOn(today time.Time) time.Time { return quarter.LastEnded(today).LastDay() }

// sumPipeline adds up the nation's rows: its files and flow are the rows' as shown (each
// rounded), its waits those of all the rows' files.
func sumPipeline(rows []PipelineRow) PipelineRow {
	t := PipelineRow{Name: "Tổng cộng"}
	for _, r := range rows {
		t.sums.add(r.sums)
		for i := range t.Stages {
			t.Stages[i].Files += r.Stages[i].Files
		}
		t.ThisYear = t.ThisYear.add(r.ThisYear)
		t.LastYear = t.LastYear.add(r.LastYear)
	}
	for i, ws := range t.sums.waits {
		if len(ws) > 0 {
			t.Stages[i].Median, t.Stages[i].Oldest = median(ws), float64(ws[len(ws)-1].days)
		}
	}
	t.Overdue = t.sums.overdue
	return t
}

func (f Flow) add(g Flow) Flow {
	return Flow{f.Sympathisers + g.Sympathisers, f.Courses + g.Courses, f.Resolutions + g.Resolutions, f.Admitted + g.Admitted}
}

// cellsInScope is a recursive CTE, scoped (id): the units in the scope of roots ($1, not NULL)
// on day ($2) that may hold files, for lists that would otherwise test inScope file by file:
// the subtrees on that day, and the units they succeeded (closed since) that inScope still
// places in scope. A file's cell is in it exactly when inScope holds, save a cell closed with
// no successor.
var cellsInScope = org.SubtreeCTE + `,` + org.OriginCTE("sub") + `,
	scoped (id) AS (
		SELECT id FROM sub
		UNION SELECT cell_id FROM origin WHERE depth > 0 AND party_in_scope(cell_id, $1, $2)
	)`

// inScopedCells is the test, after cellsInScope, that a file c's cell is in the scope: the lists'
// spelling of inScope, one lookup in an array rather than a walk up the tree per file.
const inScopedCells = `($1::bigint[] IS NULL OR c.cell_id = ANY (ARRAY(SELECT id FROM scoped)))`

// planEach has a query planned for its arguments each time (an unnamed statement): the plan
// that suits the nation's scope would scan all files for a commune's, and a connection's cached
// generic plan is made after the first few scopes it served.
const planEach = pgx.QueryExecModeExec

// pipelineStages sums each top's open files by stage and days waited since the step of the
// stage, and its open files with an overdue deadline, from the
// files' summaries (summarise: the stage of the furthest step on today; closed files and files
// with no step yet left out; overdue as the tasks of Todo, by file, a ceased sponsor's too). Files whose summary does not
// hold on today (stale, or with steps after it) are summarised here from their steps.
func pipelineStages(ctx context.Context, q pg.Querier, ids []int64, today time.Time, rows map[int64]*PipelineRow) error {
	r, err := q.Query(ctx, `SELECT id FROM candidate WHERE summary_stale OR last_on > $1`, today)
	if err != nil {
		return err
	}
	odd, err := pgx.CollectRows(r, pgx.RowTo[int64])
	if err != nil {
		return err
	}
	steps, book, cal, err := readWithRules(ctx, q, odd)
	if err != nil {
		return err
	}
	stage, stageOn, overdue := make([]*int16, len(odd)), make([]*time.Time, len(odd)), make([]bool, len(odd))
	for i, id := range odd {
		stage[i], stageOn[i] = summariseOn(steps[id], today, book, cal).stageColumns()
		due := summarise(steps[id], book, cal).OverdueFrom
		overdue[i] = !due.IsZero() && !due.After(today)
	}
	r, err = q.Query(ctx, `
		WITH RECURSIVE `+org.SubtreeCTE+`,`+org.OriginCTE("sub")+`,
		x (id, stage, stage_on, overdue) AS (SELECT * FROM unnest($3::bigint[], $4::smallint[], $5::date[], $6::bool[])),
		f AS (
			SELECT o.top, o.share, CASE WHEN x.id IS NULL THEN c.stage ELSE x.stage END AS stage,
				$2::date - CASE WHEN x.id IS NULL THEN c.stage_on ELSE x.stage_on END AS waited,
				CASE WHEN x.id IS NULL THEN c.overdue_from <= $2 ELSE x.overdue END
					OR NOT c.closed AND c.id IN (SELECT candidate_id FROM (`+ceasedSponsors("$2::date - 1")+`) s) AS overdue
			FROM candidate c JOIN origin o ON o.cell_id = c.cell_id LEFT JOIN x ON x.id = c.id
			WHERE c.cell_id = ANY (ARRAY(SELECT cell_id FROM origin))
		)
		SELECT top, COALESCE(stage, -1), waited, count(*)::int, sum(share)::float8, count(*) FILTER (WHERE overdue)::int
		FROM f GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`, planEach, ids, today, odd, stage, stageOn, overdue)
	if err != nil {
		return err
	}
	var (
		top       int64
		at        Stage
		days      *int32
		ways, due int32
		files     float64
	)
	_, err = pgx.ForEachRow(r, []any{&top, &at, &days, &ways, &files, &due}, func() error {
		s := &rows[top].sums
		s.overdue += int(due)
		if at >= 0 && days != nil {
			s.files[at] += files
			s.waits[at] = append(s.waits[at], waited{*days, ways})
		}
		return nil
	})
	return err
}

// pipelineFlow sums, for each top, the shares of the files whose first sympathiser listing,
// course, cell resolution and ceremony fall from 1 January to on, and in the same period last year.
//
// Formula: admitted = files whose ceremony (the Party entry date) falls from 1 January to the
// end of the last quarter ended: the quarterly reports' "admitted" summed over the year, which
// the dashboard shows, when a cell's reports agree with its files.
func pipelineFlow(ctx context.Context, q pg.Querier, ids []int64, today, on time.Time, rows map[int64]*PipelineRow) error {
	from := time.Date(on.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	if on.Year() < today.Year() { // the first quarter: nothing has been reported this year yet
		from = time.Date(today.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	}
	var counts []string
	for _, c := range flowColumns {
		counts = append(counts, `COALESCE(sum(o.share) FILTER (WHERE c.`+c+` BETWEEN $3 AND $4), 0)::float8`,
			`COALESCE(sum(o.share) FILTER (WHERE c.`+c+` BETWEEN ($3::date - interval '1 year')::date AND ($4::date - interval '1 year')::date), 0)::float8`)
	}
	r, err := q.Query(ctx, `
		WITH RECURSIVE `+org.SubtreeCTE+`,`+org.OriginCTE("sub")+`
		SELECT o.top, `+strings.Join(counts, ", ")+`
		FROM candidate c JOIN origin o ON o.cell_id = c.cell_id
		WHERE c.cell_id = ANY (ARRAY(SELECT cell_id FROM origin))
		GROUP BY o.top`, planEach, ids, today, from, on)
	if err != nil {
		return err
	}
	var (
		top int64
		n   [2 * len(flowKinds)]float64
	)
	_, err = pgx.ForEachRow(r, []any{&top, &n[0], &n[1], &n[2], &n[3], &n[4], &n[5], &n[6], &n[7]}, func() error {
		rows[top].sums.flow = n
		return nil
	})
	return err
}
