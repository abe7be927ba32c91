package register

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
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
	rows, err = q.Query(ctx, `SELECT candidate_id, kind, start, due, warn_from, rules FROM candidate_clock ORDER BY candidate_id, kind`)
	if err != nil {
		return nil, 0, 0, err
	}
	open := map[int64][]Clock{}
	var (
		id int64
		c  Clock
	)
	if _, err := pgx.ForEachRow(rows, []any{&id, &c.Kind, &c.Start, &c.Due, &c.WarnFrom, &c.Rules}, func() error {
		open[id] = append(open[id], c)
		return nil
	}); err != nil {
		return nil, 0, 0, err
	}
	for _, x := range all {
		x.s.Open = open[x.id]
		x.s.StageOn, x.s.LastOn, x.s.WarnFrom, x.s.OverdueFrom = day(x.stageOn), day(x.lastOn), day(x.warnFrom), day(x.overdueFrom)
		for k, d := range x.first {
			x.s.First[k] = day(d)
		}
		want := summarise(steps[x.id], book, cal)
		slices.SortFunc(want.Open, func(a, b Clock) int { return strings.Compare(string(a.Kind), string(b.Kind)) })
		if !reflect.DeepEqual(want, x.s) {
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
