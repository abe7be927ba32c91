package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"ptdang/internal/gen"
	"ptdang/internal/quarter"
)

type genFlags struct {
	scale *string
	years *int
	seed  *uint64
}

func newGenFlags(fs *flag.FlagSet) genFlags {
	return genFlags{
		scale: fs.String("scale", "province", "gen: data set size, province or national"),
		years: fs.Int("years", 10, "gen: years of quarterly reports, up to the last quarter ended"),
		seed:  fs.Uint64("seed", 1, "gen: seed of the generator; the same seed gives the same data"),
	}
}

// generate loads a synthetic data set (package gen) into an empty database.
func generate(ctx context.Context, db *pgxpool.Pool, f genFlags, today time.Time, stdout io.Writer) error {
	scale, ok := gen.Scales[*f.scale]
	if !ok {
		names := make([]string, 0, len(gen.Scales))
		for n := range gen.Scales {
			names = append(names, n)
		}
		slices.Sort(names)
		return fmt.Errorf("gen: unknown scale %q, want %s", *f.scale, strings.Join(names, " or "))
	}
	return gen.Load(ctx, db, gen.Options{Scale: scale, Years: *f.years, Seed: *f.seed, Last: quarter.LastEnded(today)}, stdout)
}
