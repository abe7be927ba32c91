package pg

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"time"

	"github.com/golang-migrate/migrate/v4"
	migratepgx "github.com/golang-migrate/migrate/v4/database/pgx/v5"
	"github.com/golang-migrate/migrate/v4/source/iofs"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"ptdang/migrations"
)

// ErrSchemaDirty means a migration failed half-way; an operator must repair the schema and
// run `ptdang migrate force VERSION` before the server will start.
var ErrSchemaDirty = errors.New("the database schema is dirty: a migration failed half-way")

// ErrSchemaStale means the database is behind (or ahead of) the migrations in this binary.
var ErrSchemaStale = errors.New("the database schema is not at this binary's version")

// LatestVersion is the version of the newest embedded migration.
func LatestVersion() uint {
	var latest uint
	names, _ := fs.Glob(migrations.FS, "*.up.sql")
	for _, name := range names {
		v, err := strconv.ParseUint(strings.SplitN(name, "_", 2)[0], 10, 64)
		if err == nil && uint(v) > latest {
			latest = uint(v)
		}
	}
	return latest
}

// withMigrator runs f with a migrator bound to url. Migrate holds a PostgreSQL advisory lock
// while it changes the schema, so several servers starting at once apply each migration once.
func withMigrator(url string, f func(*migrate.Migrate) error) error {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return fmt.Errorf("database URL: %w", err)
	}
	db := stdlib.OpenDB(*cfg)
	defer db.Close()
	return withMigratorDB(db, f)
}

func withMigratorDB(db *sql.DB, f func(*migrate.Migrate) error) error {
	src, err := iofs.New(migrations.FS, ".")
	if err != nil {
		return err
	}
	driver, err := migratepgx.WithInstance(db, &migratepgx.Config{})
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	m, err := migrate.NewWithInstance("iofs", src, "pgx5", driver)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	// A long migration on one server must not make the others give up waiting.
	m.LockTimeout = 10 * time.Minute
	defer m.Close()
	return f(m)
}

// MigrateUp applies every pending migration. It refuses a dirty schema.
func MigrateUp(url string) error {
	return withMigrator(url, func(m *migrate.Migrate) error {
		// Up checks for a dirty schema under the lock; checking before would race with
		// another server that is half-way through a migration.
		err := m.Up()
		var dirty migrate.ErrDirty
		switch {
		case err == nil, errors.Is(err, migrate.ErrNoChange):
			return nil
		case errors.As(err, &dirty):
			return fmt.Errorf("%w (version %d)", ErrSchemaDirty, dirty.Version)
		}
		return fmt.Errorf("migrate up: %w", err)
	})
}

// MigrateDown reverts the newest steps migrations, or all of them when steps is 0.
func MigrateDown(url string, steps int) error {
	return withMigrator(url, func(m *migrate.Migrate) error {
		var err error
		if steps == 0 {
			err = m.Down()
		} else {
			err = m.Steps(-steps)
		}
		if err != nil && !errors.Is(err, migrate.ErrNoChange) {
			return fmt.Errorf("migrate down: %w", err)
		}
		return nil
	})
}

// MigrateForce records version as current and clean, after an operator repaired a failed migration.
func MigrateForce(url string, version int) error {
	return withMigrator(url, func(m *migrate.Migrate) error { return m.Force(version) })
}

// SchemaVersion reports the database's migration version (0 when none is applied) and whether
// a migration failed half-way.
func SchemaVersion(ctx context.Context, q Querier) (version uint, dirty bool, err error) {
	err = q.QueryRow(ctx, `SELECT version, dirty FROM schema_migrations LIMIT 1`).Scan(&version, &dirty)
	if errors.Is(err, pgx.ErrNoRows) || IsUndefinedTable(err) {
		return 0, false, nil
	}
	return version, dirty, err
}

// CheckSchema returns nil when the database is exactly at LatestVersion, ErrSchemaDirty or
// ErrSchemaStale (wrapped with both versions) otherwise.
func CheckSchema(ctx context.Context, q Querier) error {
	version, dirty, err := SchemaVersion(ctx, q)
	switch {
	case err != nil:
		return err
	case dirty:
		return fmt.Errorf("%w (version %d)", ErrSchemaDirty, version)
	case version != LatestVersion():
		return fmt.Errorf("%w: database %d, binary %d", ErrSchemaStale, version, LatestVersion())
	}
	return nil
}
