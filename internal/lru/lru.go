// Package lru is a bounded map that forgets what was least recently used, weighing what each
// entry costs to make again. It is not safe for concurrent use: its owner holds a lock.
package lru

import "container/list"

// Cache is a map that forgets its least recently used entries beyond max. With a cost, an entry
// that comes up for eviction is given another round for each creditCost of its cost: what is
// costly to recompute stays longer (a province's dashboard row, thousands of cells, survives
// many rounds of cells' rows).
type Cache[K comparable, V any] struct {
	max     int
	cost    func(V) int // nil: every entry costs the same
	order   *list.List  // of *entry, most recent first
	entries map[K]*list.Element
}

type entry[K comparable, V any] struct {
	key    K
	value  V
	credit int // rounds left before eviction
}

// creditCost is the cost that buys an entry one more round.
const creditCost = 50

// New returns a cache of up to max entries; cost, if not nil, says what an entry costs to make
// again (a dashboard row: the cells of its subtree).
func New[K comparable, V any](max int, cost func(V) int) *Cache[K, V] {
	return &Cache[K, V]{max: max, cost: cost, order: list.New(), entries: map[K]*list.Element{}}
}

func (l *Cache[K, V]) credit(v V) int {
	if l.cost == nil {
		return 0
	}
	return l.cost(v) / creditCost
}

// Get returns the value under k, and makes it the most recently used.
func (l *Cache[K, V]) Get(k K) (V, bool) {
	e, ok := l.entries[k]
	if !ok {
		var zero V
		return zero, false
	}
	l.order.MoveToFront(e)
	entry := e.Value.(*entry[K, V])
	entry.credit = l.credit(entry.value)
	return entry.value, true
}

// Put stores v under k, forgetting what must go to stay within max.
func (l *Cache[K, V]) Put(k K, v V) {
	if e, ok := l.entries[k]; ok {
		entry := e.Value.(*entry[K, V])
		entry.value, entry.credit = v, l.credit(v)
		l.order.MoveToFront(e)
		return
	}
	l.entries[k] = l.order.PushFront(&entry[K, V]{k, v, l.credit(v)})
	for l.order.Len() > l.max {
		victim := l.order.Back()
		entry := victim.Value.(*entry[K, V])
		if entry.credit > 0 {
			entry.credit--
			l.order.MoveToFront(victim)
			continue
		}
		l.order.Remove(victim)
		delete(l.entries, entry.key)
	}
}
