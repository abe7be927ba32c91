package register

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"ptdang/internal/pg"
)

// SummaryMismatches compares every file's stored summary with the one worked out from its steps
// now: it returns the files whose summary differs while not marked stale, and how many differ
// in all (stale ones too).
func SummaryMismatches(ctx context.Context, q pg.Querier) (wrong []string, differ, files int, err error) {
	rows, err := q.Query(ctx, `SELECT id, COALESCE(stage, -1), stage_on, closed, last_on, warn_from, overdue_from, summary_stale,
		first_sympathiser, first_course, first_resolution, first_ceremony FROM candidate ORDER BY id`)
	if err != nil {
		return nil, 0, 0, err
	}
	type stored struct {
		id                                     int64
		s                                      summary
		stageOn, lastOn, warnFrom, overdueFrom *time.Time
		stale                                  bool
		first                                  [len(flowKinds)]*time.Time
	}
	all, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (stored, error) {
		var x stored
		err := r.Scan(&x.id, &x.s.Stage, &x.stageOn, &x.s.Closed, &x.lastOn, &x.warnFrom, &x.overdueFrom, &x.stale, &x.first[0], &x.first[1], &x.first[2], &x.first[3])
		return x, err
	})
	if err != nil {
		return nil, 0, 0, err
	}
	ids := make([]int64, len(all))
	for i, x := range all {
		ids[i] = x.id
	}
	steps, err := readSteps(ctx, q, ids)
	if err != nil {
		return nil, 0, 0, err
	}
	book, cal, err := load(ctx, q)
	if err != nil {
		return nil, 0, 0, err
	}
	day := func(d *time.Time) time.Time {
		if d == nil {
			return time.Time{}
		}
		return *d
	}
	for _, x := range all {
		x.s.StageOn, x.s.LastOn, x.s.WarnFrom, x.s.OverdueFrom = day(x.stageOn), day(x.lastOn), day(x.warnFrom), day(x.overdueFrom)
		for k, d := range x.first {
			x.s.First[k] = day(d)
		}
		if want := summarise(steps[x.id], book, cal); want != x.s {
			differ++
			if !x.stale {
				wrong = append(wrong, fmt.Sprintf("file %d: stored %+v, from its steps %+v", x.id, x.s, want))
			}
		}
	}
	return wrong, differ, len(all), nil
}

// EthnicityAliases and ReligionAliases are the other names Ethnicity and Religion read.
var EthnicityAliases, ReligionAliases = ethnicityAliases, religionAliases
