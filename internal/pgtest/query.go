package pgtest

import (
	"testing"

	"github.com/jackc/pgx/v5"

	"ptdang/internal/pg"
)

// Column returns the one column of the rows sql selects from db; an error fails t.
func Column[T any](t testing.TB, db pg.Querier, sql string, args ...any) []T {
	t.Helper()
	rows, err := db.Query(t.Context(), sql, args...)
	if err != nil {
		t.Fatalf("pgtest: %v\n%s", err, sql)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[T])
	if err != nil {
		t.Fatalf("pgtest: %v\n%s", err, sql)
	}
	return out
}

// Count returns the one number sql selects from db, a count(*) mostly; an error fails t.
func Count(t testing.TB, db pg.Querier, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(t.Context(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("pgtest: %v\n%s", err, sql)
	}
	return n
}
