package register

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"ptdang/internal/calendar"
	"ptdang/internal/pg"
)

// summary is what Việc cần làm and the pipeline board need of a file, stored on it (migration
// 000019) so that they read neither its steps nor the calendar. Its dates do not depend on the
// day it is read: the readers compare them with their today.
type summary struct {
	Stage   Stage     // the stage of the furthest step, -1 for none (or closed)
	StageOn time.Time // the earliest step of that stage
	Closed  bool
	LastOn  time.Time // the latest step, zero for none
	// WarnFrom is the earliest day an open deadline is warned of: a file has a task on a day
	// only from it (Clock.Warned); zero for none.
	WarnFrom time.Time
	// OverdueFrom is the first day the file has an overdue task (warned and past its due day), as
	// the board counts it; zero for never.
	OverdueFrom time.Time
	First       [len(flowKinds)]time.Time // the first step of each of flowKinds, zero for none
	Open        []Clock                   // the deadlines still awaited: Việc cần làm's rows (candidate_clock)
}

// flowKinds are the steps the board's flow counts, by the day a file first reached them, and
// their columns.
var (
	flowKinds   = [...]Kind{Sympathiser, Course, CellResolution, Ceremony}
	flowColumns = [len(flowKinds)]string{"first_sympathiser", "first_course", "first_resolution", "first_ceremony"}
)

// summarise is the summary of a file of steps (in date order), from its clocks: the one
// definition of its stage, its tasks' first day and its overdue day.
func summarise(steps []Step, book Book, cal *calendar.Calendar) summary {
	s := summary{Stage: -1}
	for _, x := range steps {
		s.LastOn = x.On
		if x.Kind.Closes() {
			s.Closed = true
		}
		for i, k := range flowKinds {
			if x.Kind == k && s.First[i].IsZero() {
				s.First[i] = x.On
			}
		}
		if st := stageOf(x.Kind); st > s.Stage || (st == s.Stage && x.On.Before(s.StageOn)) {
			s.Stage, s.StageOn = st, x.On
		}
	}
	if s.Closed {
		s.Stage, s.StageOn = -1, time.Time{}
	}
	for _, c := range clocks(steps, book, cal) {
		if !c.Open() {
			continue
		}
		s.Open = append(s.Open, c)
		s.WarnFrom = earliest(s.WarnFrom, c.WarnFrom)
		if c.Kind != ProbationClock { // a probation's task ends on its due day (Clock.Warned)
			s.OverdueFrom = earliest(s.OverdueFrom, later(c.WarnFrom, c.Due.AddDate(0, 0, 1)))
		}
	}
	return s
}

// summariseOn is the summary of the steps recorded up to today: the board of a day before some
// steps (generated data; a board of the past) leaves out those that had not happened.
func summariseOn(steps []Step, today time.Time, book Book, cal *calendar.Calendar) summary {
	n := 0
	for n < len(steps) && !steps[n].On.After(today) {
		n++
	}
	return summarise(steps[:n], book, cal)
}

// earliest is the earlier of a and b, zero standing for none.
func earliest(a, b time.Time) time.Time {
	if a.IsZero() || b.Before(a) {
		return b
	}
	return a
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// resummarise writes the summary of files ids, inside tx, from their steps as stored.
func resummarise(ctx context.Context, tx pgx.Tx, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	// Locked first: a step recorded meanwhile (RecordStep claims the file) waits for this summary
	// or is read by it.
	if _, err := tx.Exec(ctx, `SELECT FROM candidate WHERE id = ANY ($1) ORDER BY id FOR UPDATE`, ids); err != nil {
		return err
	}
	steps, book, cal, err := readWithRules(ctx, tx, ids)
	if err != nil {
		return err
	}
	n := len(ids)
	stage, stageOn, closed := make([]*int16, n), make([]*time.Time, n), make([]bool, n)
	lastOn, warnFrom, overdueFrom := make([]*time.Time, n), make([]*time.Time, n), make([]*time.Time, n)
	var first [len(flowKinds)][]*time.Time
	for k := range first {
		first[k] = make([]*time.Time, n)
	}
	var clocks struct {
		file                  []int64
		kind                  []string
		start, due, warn, set []time.Time
	}
	for i, id := range ids {
		s := summarise(steps[id], book, cal)
		for _, c := range s.Open {
			clocks.file, clocks.kind = append(clocks.file, id), append(clocks.kind, string(c.Kind))
			clocks.start, clocks.due = append(clocks.start, c.Start), append(clocks.due, c.Due)
			clocks.warn, clocks.set = append(clocks.warn, c.WarnFrom), append(clocks.set, c.Rules)
		}
		stage[i], stageOn[i] = s.stageColumns()
		closed[i], lastOn[i], warnFrom[i], overdueFrom[i] = s.Closed, date(s.LastOn), date(s.WarnFrom), date(s.OverdueFrom)
		for k := range first {
			first[k][i] = date(s.First[k])
		}
	}
	_, err = tx.Exec(ctx, `
		UPDATE candidate c SET stage = x.stage, stage_on = x.stage_on, closed = x.closed, last_on = x.last_on,
			warn_from = x.warn_from, overdue_from = x.overdue_from, first_sympathiser = x.s, first_course = x.c,
			first_resolution = x.r, first_ceremony = x.e, summary_stale = false
		FROM unnest($1::bigint[], $2::smallint[], $3::date[], $4::bool[], $5::date[], $6::date[], $7::date[],
			$8::date[], $9::date[], $10::date[], $11::date[])
			x (id, stage, stage_on, closed, last_on, warn_from, overdue_from, s, c, r, e)
		WHERE c.id = x.id`, ids, stage, stageOn, closed, lastOn, warnFrom, overdueFrom, first[0], first[1], first[2], first[3])
	if err != nil {
		return err
	}
	if _, err = tx.Exec(ctx, `DELETE FROM candidate_clock WHERE candidate_id = ANY ($1)`, ids); err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `
		INSERT INTO candidate_clock (candidate_id, cell_id, kind, start, due, warn_from, rules)
		SELECT x.id, c.cell_id, x.kind, x.start, x.due, x.warn_from, x.rules
		FROM unnest($1::bigint[], $2::text[], $3::date[], $4::date[], $5::date[], $6::date[]) x (id, kind, start, due, warn_from, rules)
		JOIN candidate c ON c.id = x.id`,
		clocks.file, clocks.kind, clocks.start, clocks.due, clocks.warn, clocks.set)
	return err
}

// stageColumns are the stage and its day as stored: NULL for none.
func (s summary) stageColumns() (*int16, *time.Time) {
	if s.Stage < 0 {
		return nil, nil
	}
	st := int16(s.Stage)
	return &st, &s.StageOn
}

// readWithRules reads the steps of files ids (readClockSteps), and the rule sets and calendar to
// work them out.
func readWithRules(ctx context.Context, q pg.Querier, ids []int64) (map[int64][]Step, Book, *calendar.Calendar, error) {
	steps, err := readClockSteps(ctx, q, ids)
	if err != nil {
		return nil, nil, nil, err
	}
	book, cal, err := load(ctx, q)
	return steps, book, cal, err
}

// readClockSteps reads the steps of files ids, each file's in date order, with only what their
// stage and clocks need (kind, day, extended): lists read the steps of thousands of files.
func readClockSteps(ctx context.Context, q pg.Querier, ids []int64) (map[int64][]Step, error) {
	rows, err := q.Query(ctx, `
		SELECT candidate_id, kind, on_date, extended FROM candidate_step
		WHERE candidate_id = ANY ($1) ORDER BY candidate_id, on_date, id`, ids)
	if err != nil {
		return nil, err
	}
	steps := map[int64][]Step{}
	var (
		id int64
		s  Step
	)
	_, err = pgx.ForEachRow(rows, []any{&id, &s.Kind, &s.On, &s.Extended}, func() error {
		steps[id] = append(steps[id], s)
		return nil
	})
	return steps, err
}

// date is d as a nullable date column: NULL for zero.
func date(d time.Time) *time.Time {
	if d.IsZero() {
		return nil
	}
	return &d
}

// Resummarise writes again the summary of the files marked stale (a new schema, a calendar
// changed), or with all of every open file too, a batch of files per transaction; it returns
// how many it wrote. Việc cần làm and the board read a stale file the slow way meanwhile: they
// are right, only slower. It returns only database errors.
func Resummarise(ctx context.Context, db pg.Beginner, all bool) (int, error) {
	const batch = 5000
	done, after := 0, int64(0)
	for {
		var ids []int64
		err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
			rows, err := tx.Query(ctx, `
				SELECT id FROM candidate WHERE id > $1 AND (summary_stale OR ($2 AND NOT closed)) ORDER BY id LIMIT $3`,
				after, all, batch)
			if err != nil {
				return err
			}
			if ids, err = pgx.CollectRows(rows, pgx.RowTo[int64]); err != nil {
				return err
			}
			return resummarise(ctx, tx, ids)
		})
		if err != nil || len(ids) == 0 {
			return done, err
		}
		done, after = done+len(ids), ids[len(ids)-1]
	}
}
