package quality_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"ptdang/internal/quality"
)

func TestSimultaneousFirstImportsOfARatingOneWrites(t *testing.T) {
	const racers = 8
	f := newFixture(t)
	cfg, err := pgxpool.ParseConfig(f.db.Config().ConnString())
	if err != nil {
		t.Fatal(err)
	}
	cfg.MaxConns = racers + 2
	db, err := pgxpool.NewWithConfig(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	file := ratingsFile(row("TU.X1.A2", "2024", "3", "12", "4", "", "", "", "Hoàn thành tốt nhiệm vụ"))
	results, errs := make([]quality.ImportResult, racers), make([]error, racers)
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	for i := range racers {
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			ready.Done()
			<-start
			results[i], errs[i] = quality.Import(t.Context(), db, f.staff, strings.NewReader(file), "xep-loai.csv", false)
		}()
	}
	ready.Wait()
	close(start)
	done.Wait()
	created := 0
	for i, res := range results {
		switch {
		case errs[i] != nil:
			t.Errorf("import %d: %v", i, errs[i])
		case len(res.Problems) == 0 && res.Created == 1:
			created++
		case !strings.Contains(res.Problems.Error(), "vừa được người khác nhập cùng lúc"):
			t.Errorf("import %d: %+v, want it created or told another import stored the rating", i, res)
		}
	}
	if created != 1 {
		t.Fatalf("%d of %d simultaneous imports created the rating, want 1", created, racers)
	}
	var rows, audited int
	if err := f.db.QueryRow(t.Context(), `SELECT (SELECT count(*) FROM quality_rating), (SELECT count(*) FROM audit_log WHERE entity = 'quality_rating')`).Scan(&rows, &audited); err != nil || rows != 1 || audited != 1 {
		t.Fatalf("%d ratings and %d audit entries, want 1 and 1 (%v)", rows, audited, err)
	}
}
