package pgtest

import (
	"errors"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"ptdang/internal/apperr"
)

// Racers is how many attempts a concurrency test starts at once.
const Racers = 8

// RacePool is a pool on db's database with a connection for each of Racers, all opened before
// the race, so that the attempts really run at once (a default pool has fewer connections on a
// small machine). It closes when t ends.
func RacePool(t testing.TB, db *pgxpool.Pool) *pgxpool.Pool {
	t.Helper()
	cfg := db.Config().Copy()
	cfg.MaxConns = Racers + 2
	pool, err := pgxpool.NewWithConfig(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	conns := make([]*pgxpool.Conn, Racers)
	for i := range conns {
		if conns[i], err = pool.Acquire(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range conns {
		c.Release()
	}
	return pool
}

// Race runs attempt Racers times at once, released together from a start barrier, and
// returns each attempt's error.
func Race(attempt func(i int) error) []error {
	errs := make([]error, Racers)
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	for i := range Racers {
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			ready.Done()
			<-start
			errs[i] = attempt(i)
		}()
	}
	ready.Wait()
	close(start)
	done.Wait()
	return errs
}

// OneWinner fails t unless exactly one of the attempts succeeded and every other one was
// refused as lost says (apperr.ErrConflict when lost is nil). It returns the winner's index.
func OneWinner(t testing.TB, errs []error, lost func(error) bool) int {
	t.Helper()
	if lost == nil {
		lost = func(err error) bool { return errors.Is(err, apperr.ErrConflict) }
	}
	winner, wins := -1, 0
	for i, err := range errs {
		switch {
		case err == nil:
			winner = i
			wins++
		case lost(err):
		default:
			t.Errorf("attempt %d: %v, want success or a refusal the user can act on", i, err)
		}
	}
	if wins != 1 {
		t.Fatalf("%d of %d simultaneous attempts from one version succeeded, want exactly 1 (errors: %v)", wins, len(errs), errs)
	}
	return winner
}
