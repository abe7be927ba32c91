package lru

import "testing"

func TestLRUForgetsTheLeastRecentlyUsed(t *testing.T) {
	l := New[int, string](2, nil)
	l.Put(1, "a")
	l.Put(2, "b")
	l.Get(1) // 2 is now the least recently used
	l.Put(3, "c")
	if _, ok := l.Get(2); ok {
		t.Error("2 was kept, though least recently used")
	}
	for _, k := range []int{1, 3} {
		if _, ok := l.Get(k); !ok {
			t.Errorf("%d was forgotten", k)
		}
	}
}

func TestLRUKeepsWhatIsCostlyToRecompute(t *testing.T) {
	l := New[int](3, func(cells int) int { return cells })
	l.Put(1, 7000) // a province's row: the oldest, but costly
	for k := 2; k < 100; k++ {
		l.Put(k, 1) // cells' rows, cheap
	}
	if _, ok := l.Get(1); !ok {
		t.Error("the costly row was forgotten before cheaper ones")
	}
	if _, ok := l.Get(2); ok {
		t.Error("an old cheap row was kept")
	}
	if len(l.entries) != 3 || l.order.Len() != 3 {
		t.Errorf("%d entries, %d in order; want 3", len(l.entries), l.order.Len())
	}
	// Its credit spent, the costly row goes too.
	for k := 100; k < 1000; k++ {
		l.Put(k, 1)
	}
	if _, ok := l.Get(1); ok {
		t.Error("the costly row, never used again, was kept for ever")
	}
}
