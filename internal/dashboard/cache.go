package dashboard

import (
	"container/list"
	"context"
	"sync"
	"time"

	"ptdang/internal/org"
	"ptdang/internal/pg"
)

// Cache remembers the rows dashboards computed, and the units listed under each unit, for as
// long as the data they came from stands. The database keeps generations (table
// dashboard_generation): one per unit, bumped with any change to a report or rating below it,
// and one for the structure, bumped with any change to the trees. A row is reused only while
// both it was computed at are current; they are read at every request, so a change made
// through any server, or straight in the database, shows on the next request.
//
// A Cache is safe for concurrent use. Its rows share their maps: callers only read them.
type Cache struct {
	mu          sync.Mutex
	rowLRU      *lru[rowKey, cachedRow]
	childrenLRU *lru[childrenKey, cachedChildren]
	stats       Stats
}

// Stats count the rows a cache served and those it had to compute.
type Stats struct{ Hits, Misses int64 }

// Stats returns the counts so far.
func (c *Cache) Stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stats
}

// NewCache returns a cache holding up to maxRows rows (about 3 KB each) and the children of
// up to maxRows/10 units.
func NewCache(maxRows int) *Cache {
	return &Cache{rowLRU: newLRU[rowKey, cachedRow](maxRows), childrenLRU: newLRU[childrenKey, cachedChildren](max(maxRows/10, 1))}
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
	generation int64 // of the structure
}

type cachedChildren []org.PartyUnit

// structureGeneration is the generation of the trees; 0 without a cache.
func (c *Cache) structureGeneration(ctx context.Context, q pg.Querier) (int64, error) {
	if c == nil {
		return 0, nil
	}
	var g int64
	err := q.QueryRow(ctx, `SELECT gen FROM dashboard_generation WHERE unit_id = 0`).Scan(&g)
	return g, err
}

// children lists the units under unit on asOf (the tops of the tree for the Nation).
func (c *Cache) children(ctx context.Context, q pg.Querier, unit int64, asOf time.Time) ([]org.PartyUnit, error) {
	g, err := c.structureGeneration(ctx, q)
	if err != nil {
		return nil, err
	}
	key := childrenKey{unit, asOf, g}
	if c != nil {
		c.mu.Lock()
		list, ok := c.childrenLRU.get(key)
		c.mu.Unlock()
		if ok {
			return list, nil
		}
	}
	list, err := org.PartyChildren(ctx, q, org.Everything(), unit, asOf)
	if err != nil {
		return nil, err
	}
	if c != nil {
		c.mu.Lock()
		c.childrenLRU.put(key, list)
		c.mu.Unlock()
	}
	return list, nil
}

// rows returns a row for each of units, for d: those remembered at the current generations,
// the others computed (and remembered).
func (c *Cache) rows(ctx context.Context, q pg.Querier, units []org.PartyUnit, d *Dashboard) ([]Row, error) {
	out := make([]Row, len(units))
	for i, u := range units {
		out[i] = Row{UnitID: u.ID, Code: u.Code, Name: u.Name, Children: u.Children}
	}
	missing := map[int64]*Row{}
	structure, own, err := c.generations(ctx, q, units)
	if err != nil {
		return nil, err
	}
	if c != nil {
		c.mu.Lock()
		for i := range out {
			r := &out[i]
			if hit, ok := c.rowLRU.get(rowKey{r.UnitID, d.Year, d.AsOf, structure}); ok && hit.generation == own[r.UnitID] {
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
		return out, nil
	}
	if err := compute(ctx, q, missing, d); err != nil {
		return nil, err
	}
	if c != nil {
		c.mu.Lock()
		for id, r := range missing {
			c.rowLRU.put(rowKey{id, d.Year, d.AsOf, structure}, cachedRow{own[id], *r})
		}
		c.mu.Unlock()
	}
	return out, nil
}

// generations reads the structure's generation and each unit's; all 0 without a cache. They
// are read before the rows are computed, so a row may be remembered under a generation older
// than its data (a recomputation too many), never under a newer one (a stale row).
func (c *Cache) generations(ctx context.Context, q pg.Querier, units []org.PartyUnit) (int64, map[int64]int64, error) {
	own := map[int64]int64{}
	if c == nil {
		return 0, own, nil
	}
	ids := make([]int64, len(units))
	for i, u := range units {
		ids[i] = u.ID
	}
	rows, err := q.Query(ctx, `SELECT unit_id, gen FROM dashboard_generation WHERE unit_id = ANY ($1) OR unit_id = 0`, ids)
	if err != nil {
		return 0, nil, err
	}
	defer rows.Close()
	var structure int64
	for rows.Next() {
		var id, g int64
		if err := rows.Scan(&id, &g); err != nil {
			return 0, nil, err
		}
		if id == 0 {
			structure = g
		} else {
			own[id] = g
		}
	}
	return structure, own, rows.Err()
}

// lru is a map that forgets its least recently used entries beyond max.
type lru[K comparable, V any] struct {
	max     int
	order   *list.List // of *lruEntry, most recent first
	entries map[K]*list.Element
}

type lruEntry[K comparable, V any] struct {
	key   K
	value V
}

func newLRU[K comparable, V any](max int) *lru[K, V] {
	return &lru[K, V]{max: max, order: list.New(), entries: map[K]*list.Element{}}
}

func (l *lru[K, V]) get(k K) (V, bool) {
	e, ok := l.entries[k]
	if !ok {
		var zero V
		return zero, false
	}
	l.order.MoveToFront(e)
	return e.Value.(*lruEntry[K, V]).value, true
}

func (l *lru[K, V]) put(k K, v V) {
	if e, ok := l.entries[k]; ok {
		e.Value.(*lruEntry[K, V]).value = v
		l.order.MoveToFront(e)
		return
	}
	l.entries[k] = l.order.PushFront(&lruEntry[K, V]{k, v})
	for l.order.Len() > l.max {
		last := l.order.Back()
		l.order.Remove(last)
		delete(l.entries, last.Value.(*lruEntry[K, V]).key)
	}
}
