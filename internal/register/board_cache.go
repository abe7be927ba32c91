package register

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/sync/singleflight"

	"ptdang/internal/format"
	"ptdang/internal/lru"
	"ptdang/internal/org"
	"ptdang/internal/pg"
)

// BoardCache remembers the pipeline board's rows for as long as the files below them stand,
// as the dashboards' cache does (internal/dashboard Cache). The database keeps generations
// (table register_generation, migration 000022): one per unit, bumped with any change to a
// file, step or sponsor of a cell below it, past or present; one for everything, bumped by a
// change to the Party tree, the rules or the calendar. A row is reused only while both are the
// ones it was computed at; they are read at every request, so a step recorded through any
// server shows on the next board. A nil *BoardCache computes every row.
//
// A BoardCache is safe for concurrent use.
type BoardCache struct {
	mu       sync.Mutex
	rows     *lru.Cache[boardKey, boardRow]
	children *lru.Cache[boardKey, []org.PartyUnit]
	stats    Stats
	// computing shares one computation among requests that miss the same rows at once.
	computing singleflight.Group
}

// Stats count the rows a cache served and those it had to compute.
type Stats struct{ Hits, Misses int64 }

// Stats returns the counts so far.
func (c *BoardCache) Stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stats
}

// NewBoardCache returns a cache of up to maxRows rows (some 300 bytes each), and the units
// listed under up to maxRows/10 units.
func NewBoardCache(maxRows int) *BoardCache {
	return &BoardCache{rows: lru.New[boardKey, boardRow](maxRows, nil), children: lru.New[boardKey, []org.PartyUnit](max(maxRows/10, 1), nil)}
}

// boardKey is a unit's row, or list of units under it, on a day, at the register's whole
// generation.
type boardKey struct {
	unit  int64
	today time.Time
	all   int64
}

type boardRow struct {
	generation int64 // of the unit
	row        PipelineRow
}

// generation reads the register's whole generation; 0 without a cache.
func (c *BoardCache) generation(ctx context.Context, q pg.Querier) (int64, error) {
	if c == nil {
		return 0, nil
	}
	var g int64
	err := q.QueryRow(ctx, `SELECT gen FROM register_generation WHERE unit_id = 0`).Scan(&g)
	return g, err
}

// unitsUnder lists the units under unit on today (the tops of the tree for the nation).
func (c *BoardCache) unitsUnder(ctx context.Context, q pg.Querier, unit int64, today time.Time, all int64) ([]org.PartyUnit, error) {
	key := boardKey{unit, today, all}
	if c != nil {
		c.mu.Lock()
		units, ok := c.children.Get(key)
		c.mu.Unlock()
		if ok {
			return units, nil
		}
	}
	units, err := org.PartyChildren(ctx, q, org.Everything(), unit, today)
	if err == nil && c != nil {
		c.mu.Lock()
		c.children.Put(key, units)
		c.mu.Unlock()
	}
	return units, err
}

// fill computes the figures of rows (keyed by the units' ids) on today: those remembered at the
// current generations from the cache, the others from the files (and remembered). A province's
// row is its children's rows added up (they are remembered too): after a step below it, only the
// row of the commune that holds the cell is computed from the files.
func (c *BoardCache) fill(ctx context.Context, q pg.Querier, units []org.PartyUnit, today, on time.Time, all int64, rows map[int64]*PipelineRow) error {
	ids := make([]int64, len(units))
	for i, u := range units {
		ids[i] = u.ID
	}
	if c == nil {
		return pipelineRows(ctx, q, ids, today, on, rows)
	}
	// Read before the rows are computed: a row may be remembered under a generation older than
	// its files (one computation too many), never under a newer one (a stale row).
	own, err := c.generations(ctx, q, ids)
	if err != nil {
		return err
	}
	missing := c.remembered(ids, today, all, own, rows)
	if len(missing) == 0 {
		return nil
	}
	var key strings.Builder
	fmt.Fprintf(&key, "%s %d", today.Format(time.DateOnly), all)
	for _, id := range missing {
		fmt.Fprintf(&key, " %d:%d", id, own[id])
	}
	kinds := map[int64]org.Kind{}
	for _, u := range units {
		kinds[u.ID] = u.Kind
	}
	computed, err, _ := c.computing.Do(key.String(), func() (any, error) {
		// The computation serves every request waiting on it: the first one leaving does not
		// cancel it.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
		defer cancel()
		return c.compute(ctx, q, missing, kinds, own, today, on, all)
	})
	if err != nil {
		return err
	}
	for id, r := range computed.(map[int64]PipelineRow) {
		rows[id].setFigures(r)
	}
	return nil
}

// generations reads the units' generations (absent: 0).
func (c *BoardCache) generations(ctx context.Context, q pg.Querier, ids []int64) (map[int64]int64, error) {
	own := map[int64]int64{}
	gens, err := q.Query(ctx, `SELECT unit_id, gen FROM register_generation WHERE unit_id = ANY ($1)`, ids)
	if err != nil {
		return nil, err
	}
	var id, g int64
	_, err = pgx.ForEachRow(gens, []any{&id, &g}, func() error { own[id] = g; return nil })
	return own, err
}

// remembered fills rows (where not nil) with the rows of ids the cache holds at generations
// own, and returns the ids it does not hold, in order.
func (c *BoardCache) remembered(ids []int64, today time.Time, all int64, own map[int64]int64, rows map[int64]*PipelineRow) []int64 {
	var missing []int64
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, id := range ids {
		if hit, ok := c.rows.Get(boardKey{id, today, all}); ok && hit.generation == own[id] {
			if r := rows[id]; r != nil {
				r.setFigures(hit.row)
			}
			c.stats.Hits++
			continue
		}
		missing = append(missing, id)
	}
	c.stats.Misses += int64(len(missing))
	slices.Sort(missing)
	return missing
}

// compute works out the rows of missing (of the kinds given) and remembers them under their
// generations own: a province's from its children's, remembered or computed here, every other
// one from the files; all those computed from the files at once.
func (c *BoardCache) compute(ctx context.Context, q pg.Querier, missing []int64, kinds map[int64]org.Kind, own map[int64]int64, today, on time.Time, all int64) (map[int64]PipelineRow, error) {
	own = maps.Clone(own) // the children's are added
	fresh := map[int64]*PipelineRow{}
	var provinces []int64
	for _, id := range missing {
		if kinds[id] == org.ProvinceCommittee {
			provinces = append(provinces, id)
		} else {
			fresh[id] = &PipelineRow{}
		}
	}
	// The provinces' children on today, as org.SubtreeCTE walks down to them: their subtrees
	// make up the province's.
	under := map[int64][]int64{}
	var kids []int64
	if len(provinces) > 0 {
		r, err := q.Query(ctx, `
			SELECT parent_id, unit_id FROM party_unit_version
			WHERE parent_id = ANY ($1) AND valid_from <= $2 AND (valid_to IS NULL OR valid_to > $2)`, provinces, today)
		if err != nil {
			return nil, err
		}
		var parent, kid int64
		if _, err := pgx.ForEachRow(r, []any{&parent, &kid}, func() error {
			under[parent] = append(under[parent], kid)
			kids = append(kids, kid)
			return nil
		}); err != nil {
			return nil, err
		}
	}
	kidGens, err := c.generations(ctx, q, kids)
	if err != nil {
		return nil, err
	}
	kidRows := map[int64]*PipelineRow{}
	for _, id := range kids {
		kidRows[id] = &PipelineRow{}
	}
	for _, id := range c.remembered(kids, today, all, kidGens, kidRows) {
		fresh[id] = kidRows[id]
		own[id] = kidGens[id]
	}
	if len(fresh) > 0 {
		ids := slices.Sorted(maps.Keys(fresh))
		if err := pipelineRows(ctx, q, ids, today, on, fresh); err != nil {
			return nil, err
		}
	}
	out := make(map[int64]PipelineRow, len(missing))
	for _, province := range provinces {
		var r PipelineRow
		for _, id := range under[province] {
			r.sums.add(kidRows[id].sums)
		}
		r.settle()
		fresh[province] = &r
	}
	c.mu.Lock()
	for id, r := range fresh {
		c.rows.Put(boardKey{id, today, all}, boardRow{own[id], *r})
	}
	c.mu.Unlock()
	for _, id := range missing {
		out[id] = *fresh[id]
	}
	return out, nil
}

// setFigures copies the figures of f and their sums into r, leaving the unit's name and
// children as they are. The sums' lists are shared: rows are only read.
func (r *PipelineRow) setFigures(f PipelineRow) {
	r.Stages, r.ThisYear, r.LastYear, r.Overdue, r.sums = f.Stages, f.ThisYear, f.LastYear, f.Overdue, f.sums
}

// KeepWarm computes the nation's board into c now and every interval until ctx ends, so that
// the first view of a day (rows are kept by day) or after a change to the tree finds its rows
// made; in between it costs the rows that changed. Errors are logged.
func (c *BoardCache) KeepWarm(ctx context.Context, q pg.Querier, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := c.Pipeline(ctx, q, org.Everything(), org.Nation, format.Today(time.Now())); err != nil && ctx.Err() == nil {
			log.Error("register board: keeping the nation's rows", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
