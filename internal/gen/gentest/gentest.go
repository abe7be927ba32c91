// Package gentest gives benchmarks a database holding a generated data set (package gen).
package gentest

import (
	"io"
	"os"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"ptdang/internal/gen"
	"ptdang/internal/pg"
	"ptdang/internal/pgtest"
	"ptdang/internal/report"
)

// Last is the last quarter of the data sets made here.
var Last = report.Period{Year: 2026, Quarter: 3}

// Data returns PTDANG_BENCH_DATABASE_URL when set (it must hold a data set to Q3/2026 made by
// `ptdang gen`), else a new database loaded with ten years at the scale PTDANG_BENCH_SCALE
// (default province; national takes some minutes to load).
func Data(tb testing.TB) *pgxpool.Pool {
	tb.Helper()
	if url := os.Getenv("PTDANG_BENCH_DATABASE_URL"); url != "" {
		db, err := pg.Open(tb.Context(), url)
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(db.Close)
		return db
	}
	scale, ok := gen.Scales[os.Getenv("PTDANG_BENCH_SCALE")]
	if !ok {
		scale = gen.Scales["province"]
	}
	db := pgtest.New(tb)
	if err := gen.Load(tb.Context(), pgtest.Owner(tb, db), gen.Options{Scale: scale, Years: 10, Seed: 1, Last: Last}, io.Discard); err != nil {
		tb.Fatal(err)
	}
	return db
}
