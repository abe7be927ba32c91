package dashboard

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"ptdang/internal/lru"
	"ptdang/internal/org"
	"ptdang/internal/pg"
)

// Cache remembers the rows dashboards computed, the units listed under each unit and the
// targets, for as long as the data they came from stands. The database keeps generations
// (table dashboard_generation, migration 000009): one per unit, bumped with any change to the
// reports, ratings or trees below it; one for the whole structure, bumped by changes at the top
// of the tree; one for the targets. A row is reused only while the generations it was computed
// at are current; they are read at every request, so a change made through any server, or
// straight in the database, shows on the next request.
//
// A Cache is safe for concurrent use. Its rows share their maps: callers only read them.
type Cache struct {
	mu          sync.Mutex
	rowLRU      *lru.Cache[rowKey, cachedRow]
	childrenLRU *lru.Cache[childrenKey, []org.PartyUnit]
	paceLRU     *lru.Cache[paceKey, pace]
	stats       Stats
	// computing shares one computation among requests that miss the same rows at once (many
	// staff open the province's dashboard when a quarter's figures come in).
	computing singleflight.Group
}

// Stats count the rows a cache served and those it had to compute.
type Stats struct{ Hits, Misses int64 }

// Stats returns the counts so far.
func (c *Cache) Stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stats
}

// NewCache returns a cache holding up to maxRows rows (about 2 KB each), and the children and
// the targets of up to maxRows/10 units.
func NewCache(maxRows int) *Cache {
	units := max(maxRows/10, 1)
	// A row costs about as much to compute as its subtree has cells: a province's hundreds of
	// times a commune's. Browsing many small dashboards must not push the large rows out.
	cost := func(r cachedRow) int { return r.row.CellsExpected }
	return &Cache{rowLRU: lru.New[rowKey](maxRows, cost), childrenLRU: lru.New[childrenKey, []org.PartyUnit](units, nil),
		paceLRU: lru.New[paceKey, pace](units, nil)}
}

type rowKey struct {
	unit       int64
	year       int
	asOf       time.Time
	generation int64 // of the structure
}

type cachedRow struct {
	generation int64 // of the unit
	row        Row
}

type childrenKey struct {
	unit       int64
	asOf       time.Time
	generation generations
}

type paceKey struct {
	unit       int64
	year       int
	generation generations
}

// generations are those of the structure (unit_id 0), of the targets (unit_id −1) and of the
// dashboard's unit, read at the start of each request; all 0 without a cache.
type generations struct{ structure, targets, unit int64 }

func (c *Cache) generations(ctx context.Context, q pg.Querier, unit int64) (generations, error) {
	var g generations
	if c == nil {
		return g, nil
	}
	err := q.QueryRow(ctx, `SELECT max(gen) FILTER (WHERE unit_id = 0), max(gen) FILTER (WHERE unit_id = -1),
			COALESCE(max(gen) FILTER (WHERE unit_id = $1), 0)
		FROM dashboard_generation WHERE unit_id IN (0, -1, $1)`, unit).Scan(&g.structure, &g.targets, &g.unit)
	return g, err
}

// pace returns the pace of d (see paceOf).
func (c *Cache) pace(ctx context.Context, q pg.Querier, d *Dashboard, g generations) (pace, error) {
	fresh := func() (pace, error) { return paceOf(ctx, q, d) }
	if c == nil {
		return fresh()
	}
	return remembered(c, c.paceLRU, paceKey{d.Unit.ID, d.Year, g}, fresh)
}

// children lists the units under unit on asOf (the tops of the tree for the org.Nation).
func (c *Cache) children(ctx context.Context, q pg.Querier, unit int64, asOf time.Time, g generations) ([]org.PartyUnit, error) {
	fresh := func() ([]org.PartyUnit, error) { return org.PartyChildren(ctx, q, org.Everything(), unit, asOf) }
	if c == nil {
		return fresh()
	}
	return remembered(c, c.childrenLRU, childrenKey{unit, asOf, generations{structure: g.structure, unit: g.unit}}, fresh) // targets do not change the list
}

// remembered returns what l holds under key, or makes it and remembers it.
func remembered[K comparable, V any](c *Cache, l *lru.Cache[K, V], key K, fresh func() (V, error)) (V, error) {
	c.mu.Lock()
	v, ok := l.Get(key)
	c.mu.Unlock()
	if ok {
		return v, nil
	}
	v, err := fresh()
	if err == nil {
		c.mu.Lock()
		l.Put(key, v)
		c.mu.Unlock()
	}
	return v, err
}

// rows returns a row for each of units, for d: those remembered at the current generations,
// the others computed (and remembered).
func (c *Cache) rows(ctx context.Context, q pg.Querier, units []org.PartyUnit, d *Dashboard, g generations) ([]Row, error) {
	rows, own, err := c.rowsAt(ctx, q, units, d, g)
	if err == nil && c != nil {
		// The version names the generations the dashboard was made at: a page rendered from
		// it may be reused under the same version (see Dashboard.Version).
		var v strings.Builder
		fmt.Fprintf(&v, "%d %d %s %d %d %d", d.Unit.ID, d.Year, d.AsOf.Format(time.DateOnly), g.structure, g.targets, g.unit)
		for _, r := range rows {
			fmt.Fprintf(&v, " %d:%d", r.UnitID, own[r.UnitID])
		}
		d.Version = v.String()
	}
	return rows, err
}

func (c *Cache) rowsAt(ctx context.Context, q pg.Querier, units []org.PartyUnit, d *Dashboard, g generations) ([]Row, map[int64]int64, error) {
	out := make([]Row, len(units))
	for i, u := range units {
		out[i] = Row{UnitID: u.ID, Code: u.Code, Name: u.Name, Children: u.Children}
	}
	missing := map[int64]*Row{}
	structure := g.structure
	own, err := c.unitGenerations(ctx, q, units)
	if err != nil {
		return nil, nil, err
	}
	if c != nil {
		c.mu.Lock()
		for i := range out {
			r := &out[i]
			if hit, ok := c.rowLRU.Get(rowKey{r.UnitID, d.Year, d.AsOf, structure}); ok && hit.generation == own[r.UnitID] {
				hit.row.UnitID, hit.row.Code, hit.row.Name, hit.row.Children = r.UnitID, r.Code, r.Name, r.Children
				*r = hit.row
				c.stats.Hits++
				continue
			}
			missing[r.UnitID] = r
		}
		c.stats.Misses += int64(len(missing))
		c.mu.Unlock()
	} else {
		for i := range out {
			missing[out[i].UnitID] = &out[i]
		}
	}
	if len(missing) == 0 {
		return out, own, nil
	}
	if c == nil {
		return out, own, compute(ctx, q, missing, d)
	}
	// Requests that miss the same rows at the same generations compute them once.
	ids := slices.Sorted(maps.Keys(missing))
	var key strings.Builder
	fmt.Fprintf(&key, "%d %s %d", d.Year, d.AsOf.Format(time.DateOnly), structure)
	for _, id := range ids {
		fmt.Fprintf(&key, " %d:%d", id, own[id])
	}
	computed, err, _ := c.computing.Do(key.String(), func() (any, error) {
		rows := make(map[int64]*Row, len(missing))
		for id, r := range missing {
			cp := *r
			rows[id] = &cp
		}
		// The computation serves every request waiting on it: the first one leaving does not
		// cancel it.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
		defer cancel()
		if err := compute(ctx, q, rows, d); err != nil {
			return nil, err
		}
		c.mu.Lock()
		for id, r := range rows {
			c.rowLRU.Put(rowKey{id, d.Year, d.AsOf, structure}, cachedRow{own[id], *r})
		}
		c.mu.Unlock()
		return rows, nil
	})
	if err != nil {
		return nil, nil, err
	}
	for id, r := range computed.(map[int64]*Row) {
		*missing[id] = *r
	}
	return out, own, nil
}

// unitGenerations reads each unit's generation (absent: 0); none without a cache. They are
// read before the rows are computed, so a row may be remembered under a generation older than
// its data (a recomputation too many), never under a newer one (a stale row).
func (c *Cache) unitGenerations(ctx context.Context, q pg.Querier, units []org.PartyUnit) (map[int64]int64, error) {
	own := map[int64]int64{}
	if c == nil {
		return own, nil
	}
	ids := make([]int64, len(units))
	for i, u := range units {
		ids[i] = u.ID
	}
	rows, err := q.Query(ctx, `SELECT unit_id, gen FROM dashboard_generation WHERE unit_id = ANY ($1)`, ids)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, g int64
		if err := rows.Scan(&id, &g); err != nil {
			return nil, err
		}
		own[id] = g
	}
	return own, rows.Err()
}
