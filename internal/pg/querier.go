package pg

import (
	"context"
	"errors"

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
