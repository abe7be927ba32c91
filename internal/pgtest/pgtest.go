// Package pgtest gives each test its own real PostgreSQL database, cloned from a template
// database migrated once per test binary. It uses DATABASE_URL when set; otherwise it starts
// a throwaway cluster from the system's binaries. When no database can be had, tests fail.
//
// A package that uses it runs its tests through Main:
//
//	func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
package pgtest

import (
	"context"
	"crypto/rand"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"ptdang/internal/pg"
)

var (
	mainRunning bool
	setupOnce   sync.Once
	setupErr    error
	admin       *pgxpool.Pool // on the server's maintenance database
	serverURL   string        // any database of the server; only the path changes
	template    string        // name of the migrated template database
	cluster     *pg.Cluster   // nil when DATABASE_URL was given
)

// Main runs the package's tests and then removes the template database and any throwaway
// cluster it started.
func Main(m *testing.M) int {
	mainRunning = true
	code := m.Run()
	if err := teardown(); err != nil {
		fmt.Fprintln(os.Stderr, "pgtest:", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// URL returns the URL of a new database holding the full schema, dropped when t ends.
func URL(t testing.TB) string {
	t.Helper()
	return newDatabase(t, true)
}

// EmptyURL returns the URL of a new database with no schema at all, dropped when t ends.
func EmptyURL(t testing.TB) string {
	t.Helper()
	return newDatabase(t, false)
}

// New returns a pool on a new database holding the full schema; both go away when t ends.
func New(t testing.TB) *pgxpool.Pool {
	t.Helper()
	pool, err := pg.Open(t.Context(), URL(t))
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

func newDatabase(t testing.TB, migrated bool) string {
	t.Helper()
	if !mainRunning {
		t.Fatal("pgtest: the package's TestMain must call pgtest.Main")
	}
	setupOnce.Do(func() { setupErr = setup() })
	if setupErr != nil {
		t.Fatalf("pgtest: no PostgreSQL for the tests: %v", setupErr)
	}
	from := "template0"
	if migrated {
		from = template
	}
	name := "ptdang_test_" + strings.ToLower(rand.Text()[:12])
	ctx := context.Background()
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()+" TEMPLATE "+pgx.Identifier{from}.Sanitize()); err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			t.Errorf("pgtest: drop database %s: %v", name, err)
		}
	})
	return withDatabase(serverURL, name)
}

func setup() error {
	serverURL = os.Getenv("DATABASE_URL")
	if serverURL == "" {
		if err := startCluster(); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var err error
	if admin, err = pg.Open(ctx, withDatabase(serverURL, "postgres")); err != nil {
		return err
	}
	template = "ptdang_template_" + strings.ToLower(rand.Text()[:12])
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{template}.Sanitize()); err != nil {
		return fmt.Errorf("create template database: %w", err)
	}
	return pg.MigrateUp(withDatabase(serverURL, template))
}

func startCluster() error {
	dir, err := os.MkdirTemp("", "ptdang-pgtest-")
	if err != nil {
		return err
	}
	// As root the server runs as postgres, which must be able to reach its data directory.
	if err := os.Chmod(dir, 0o755); err != nil {
		return err
	}
	cluster = &pg.Cluster{Dir: filepath.Join(dir, "data"), Throwaway: true}
	port, err := pg.FreePort(0)
	if err != nil {
		return err
	}
	if err := cluster.Init(port); err != nil {
		return err
	}
	if err := cluster.Start(); err != nil {
		return err
	}
	serverURL, err = cluster.URL("postgres")
	return err
}

func teardown() error {
	if admin != nil {
		if cluster == nil {
			// Someone else's server: leave it as we found it.
			_, err := admin.Exec(context.Background(), "DROP DATABASE IF EXISTS "+pgx.Identifier{template}.Sanitize()+" WITH (FORCE)")
			if err != nil {
				return err
			}
		}
		admin.Close()
	}
	if cluster != nil {
		if err := cluster.Stop(); err != nil {
			return err
		}
		return os.RemoveAll(filepath.Dir(cluster.Dir))
	}
	return nil
}

// withDatabase returns serverURL pointing at database db.
func withDatabase(serverURL, db string) string {
	u, err := url.Parse(serverURL)
	if err != nil {
		return serverURL // pg.Open reports the malformed URL
	}
	u.Path = "/" + db
	return u.String()
}
