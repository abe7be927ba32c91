// Package pgtest gives each test its own real PostgreSQL database, cloned from a template
// database migrated once per test binary. It uses DATABASE_URL when set; otherwise it starts
// a throwaway cluster from the system's binaries. When no database can be had, tests fail.
//
// As in production (docs/deployment.md), each database is owned and migrated by one role,
// ptdang_test_owner, and the tests' URLs and pools connect as another, ptdang_test_app, that
// owns nothing and holds only what pg.GrantApp gives it. Owner gives a test the owner's rights.
// Both roles are created on the server the first time and left there; DATABASE_URL's role must
// be allowed to create roles and databases (a superuser is simplest).
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
	password    string        // the test roles': DATABASE_URL's, when it has one
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

// The tests' roles, as in docs/deployment.md.
const (
	ownerRole = "ptdang_test_owner"
	appRole   = "ptdang_test_app"
)

// URL returns the URL of a new database holding the full schema, dropped when t ends. It
// connects as the role the server runs as, which owns nothing.
func URL(t testing.TB) string {
	t.Helper()
	return newDatabase(t, true)
}

// EmptyURL returns the URL of a new database with no schema at all, dropped when t ends, as the
// server's role: migrate it through OwnerURL.
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

// OwnerURL returns url (a URL from this package) connecting as the role that owns the database
// and migrates it.
func OwnerURL(url string) string {
	return withRole(url, ownerRole)
}

// Owner returns a new pool on pool's database connecting as the role that owns it, for what
// the server may not do (change the schema, bulk loads); it is closed when t ends.
func Owner(t testing.TB, pool *pgxpool.Pool) *pgxpool.Pool {
	t.Helper()
	owner, err := pg.Open(t.Context(), OwnerURL(pool.Config().ConnString()))
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(owner.Close)
	return owner
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
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()+" TEMPLATE "+pgx.Identifier{from}.Sanitize()+
		" OWNER "+pgx.Identifier{ownerRole}.Sanitize()); err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			t.Errorf("pgtest: drop database %s: %v", name, err)
		}
	})
	return withRole(withDatabase(serverURL, name), appRole)
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
	if u, err := url.Parse(serverURL); err == nil && u.User != nil {
		// The server may want passwords; DATABASE_URL's is no new secret.
		password, _ = u.User.Password()
	}
	for _, role := range []string{ownerRole, appRole} {
		if err := pg.CreateRole(ctx, admin, role, password); err != nil {
			return err
		}
	}
	template = "ptdang_template_" + strings.ToLower(rand.Text()[:12])
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{template}.Sanitize()+" OWNER "+pgx.Identifier{ownerRole}.Sanitize()); err != nil {
		return fmt.Errorf("create template database: %w", err)
	}
	owner := withRole(withDatabase(serverURL, template), ownerRole)
	if err := pg.MigrateUp(owner); err != nil {
		return err
	}
	return pg.GrantApp(ctx, owner, withRole(owner, appRole))
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

// withRole returns u connecting as role, with the test roles' password.
func withRole(u, role string) string {
	parsed, err := url.Parse(u)
	if err != nil {
		return u // pg.Open reports the malformed URL
	}
	if password != "" {
		parsed.User = url.UserPassword(role, password)
	} else {
		parsed.User = url.User(role)
	}
	return parsed.String()
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
