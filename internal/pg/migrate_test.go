package pg_test

import (
	"errors"
	"os"
	"sync"
	"testing"

	"ptdang/internal/pg"
	"ptdang/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func TestMigrateDownThenUpRoundTrips(t *testing.T) {
	url := pgtest.OwnerURL(pgtest.EmptyURL(t))
	ctx := t.Context()
	if err := pg.MigrateUp(url); err != nil {
		t.Fatal(err)
	}
	pool, err := pg.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if err := pg.CheckSchema(ctx, pool); err != nil {
		t.Fatalf("after up: %v", err)
	}

	if err := pg.MigrateDown(url, 1); err != nil {
		t.Fatal(err)
	}
	if v, _, _ := pg.SchemaVersion(ctx, pool); v == 0 || v >= pg.LatestVersion() {
		t.Fatalf("after one step down: version %d, want one below %d", v, pg.LatestVersion())
	}
	if err := pg.CheckSchema(ctx, pool); !errors.Is(err, pg.ErrSchemaStale) {
		t.Fatalf("one step behind: CheckSchema = %v, want ErrSchemaStale", err)
	}

	if err := pg.MigrateDown(url, 0); err != nil {
		t.Fatal(err)
	}
	var tables int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations'`).Scan(&tables); err != nil {
		t.Fatal(err)
	}
	if tables != 0 {
		t.Fatalf("after down all: %d tables left", tables)
	}

	if err := pg.MigrateUp(url); err != nil {
		t.Fatalf("up again: %v", err)
	}
	if err := pg.CheckSchema(ctx, pool); err != nil {
		t.Fatalf("after up again: %v", err)
	}
}

func TestConcurrentMigrateUpAppliesEachMigrationOnce(t *testing.T) {
	url := pgtest.OwnerURL(pgtest.EmptyURL(t))
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() { errs[i] = pg.MigrateUp(url) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("server %d: %v", i, err)
		}
	}
	pool, err := pg.Open(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if err := pg.CheckSchema(t.Context(), pool); err != nil {
		t.Fatal(err)
	}
}

func TestMigrateUpRefusesDirtySchema(t *testing.T) {
	url := pgtest.OwnerURL(pgtest.URL(t))
	pool, err := pg.Open(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if _, err := pool.Exec(t.Context(), `UPDATE schema_migrations SET dirty = true`); err != nil {
		t.Fatal(err)
	}
	if err := pg.MigrateUp(url); !errors.Is(err, pg.ErrSchemaDirty) {
		t.Fatalf("MigrateUp on a dirty schema = %v, want ErrSchemaDirty", err)
	}
	if err := pg.CheckSchema(t.Context(), pool); !errors.Is(err, pg.ErrSchemaDirty) {
		t.Fatalf("CheckSchema on a dirty schema = %v, want ErrSchemaDirty", err)
	}
}
