package register

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/sync/singleflight"

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

// fill computes the figures of rows (keyed by unit, ids in order) on today: those remembered
// at the current generations from the cache, the others from the files (and remembered).
func (c *BoardCache) fill(ctx context.Context, q pg.Querier, ids []int64, today, on time.Time, all int64, rows map[int64]*PipelineRow) error {
	if c == nil {
		return pipelineRows(ctx, q, ids, today, on, rows)
	}
	// Read before the rows are computed: a row may be remembered under a generation older than
	// its files (one computation too many), never under a newer one (a stale row).
	own := map[int64]int64{}
	gens, err := q.Query(ctx, `SELECT unit_id, gen FROM register_generation WHERE unit_id = ANY ($1)`, ids)
	if err != nil {
		return err
	}
	var id, g int64
	if _, err := pgx.ForEachRow(gens, []any{&id, &g}, func() error { own[id] = g; return nil }); err != nil {
		return err
	}
	var missing []int64
	c.mu.Lock()
	for _, id := range ids {
		if hit, ok := c.rows.Get(boardKey{id, today, all}); ok && hit.generation == own[id] {
			rows[id].setFigures(hit.row)
			c.stats.Hits++
			continue
		}
		missing = append(missing, id)
	}
	c.stats.Misses += int64(len(missing))
	c.mu.Unlock()
	if len(missing) == 0 {
		return nil
	}
	slices.Sort(missing)
	var key strings.Builder
	fmt.Fprintf(&key, "%s %d", today.Format(time.DateOnly), all)
	for _, id := range missing {
		fmt.Fprintf(&key, " %d:%d", id, own[id])
	}
	computed, err, _ := c.computing.Do(key.String(), func() (any, error) {
		// The computation serves every request waiting on it: the first one leaving does not
		// cancel it.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
		defer cancel()
		fresh := make(map[int64]*PipelineRow, len(missing))
		for _, id := range missing {
			fresh[id] = &PipelineRow{}
		}
		if err := pipelineRows(ctx, q, missing, today, on, fresh); err != nil {
			return nil, err
		}
		c.mu.Lock()
		for id, r := range fresh {
			c.rows.Put(boardKey{id, today, all}, boardRow{own[id], *r})
		}
		c.mu.Unlock()
		return fresh, nil
	})
	if err != nil {
		return err
	}
	for id, r := range computed.(map[int64]*PipelineRow) {
		rows[id].setFigures(*r)
	}
	return nil
}

// setFigures copies the figures of f into r, leaving the unit's name and children as they are.
func (r *PipelineRow) setFigures(f PipelineRow) {
	r.Stages, r.ThisYear, r.LastYear, r.Overdue = f.Stages, f.ThisYear, f.LastYear, f.Overdue
}
