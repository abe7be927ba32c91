package pg

import (
	"context"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Querier is what both a pool and a transaction offer, so read helpers accept either.
type Querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// IsUndefinedTable reports whether err is PostgreSQL's "relation does not exist".
func IsUndefinedTable(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "42P01"
}

// IsUniqueViolation reports whether err is PostgreSQL's "duplicate key value violates unique
// constraint".
func IsUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505"
}

// Beginner starts a transaction: a pool starts a real one, a transaction a savepoint, so a use
// case can run alone or as one step of a larger one (an import, the demo data).
type Beginner interface {
	Begin(ctx context.Context) (pgx.Tx, error)
}

// DB both queries and starts transactions: a pool, or a transaction (whose Begin is a savepoint).
type DB interface {
	Querier
	Beginner
}

// IsInsufficientPrivilege reports whether err is PostgreSQL's "permission denied" or "must be
// owner" (SQLSTATE 42501), also when it comes through golang-migrate, which keeps only the text.
func IsInsufficientPrivilege(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "42501"
	}
	return err != nil && strings.Contains(err.Error(), "(SQLSTATE 42501)")
}
