// Package gen builds a synthetic data set in the real shape, for measuring: both dated trees
// with the 2025 reorganisation (districts abolished, communes merged), the links between
// hamlets and cells, a few merged cells, annual targets, quarterly reports that satisfy the
// balance equation, annual quality ratings, and the admission register's files (about one to three
// people a cell a year, each with the steps of the procedure). Everything is loaded into an empty database
// through the bulk (COPY) path of the package that owns each table, bypassing the use cases and
// the audit log, as a restore would.
//
// The same scale, years, seed and last quarter give the same rows, down to the ids.
package gen

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"ptdang/internal/org"
	"ptdang/internal/pg"
	"ptdang/internal/quality"
	"ptdang/internal/register"
	"ptdang/internal/report"
	"ptdang/internal/target"
)

// Scale fixes how big the data set is.
type Scale struct {
	Name      string
	Provinces int
	// Communes are the communes and wards after the 2025 reorganisation, over all provinces;
	// each was merged from one to four communes of before.
	Communes int
}

// Scales are the sizes `ptdang gen --scale` knows: one average province, and the nation
// (34 provinces, 3.321 communes, some 100.000 hamlets and 250.000 cells).
var Scales = map[string]Scale{
	"province": {Name: "province", Provinces: 1, Communes: 98},
	"national": {Name: "national", Provinces: 34, Communes: 3321},
}

// Options choose the data set.
type Options struct {
	Scale Scale
	// Years of quarterly reports, ending with Last's year.
	Years int
	Seed  uint64
	// Last is the last quarter reported; its reports are in every state, the earlier ones
	// approved (or accepted).
	Last report.Period
}

// Reform is the day districts were abolished and communes merged.
var Reform = time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)

// cellMerge is the day some neighbouring cells of a commune merged, restated on the new cell.
var cellMerge = time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)

// Load generates the data set into db, which must hold no Party or administrative unit, and
// reports the rows per table and the load rate to out.
func Load(ctx context.Context, db *pgxpool.Pool, opt Options, out io.Writer) error {
	if opt.Years < 1 || opt.Years > 30 {
		return errors.New("years must be between 1 and 30")
	}
	var n int
	if err := db.QueryRow(ctx, `SELECT (SELECT count(*) FROM party_unit) + (SELECT count(*) FROM admin_unit)`).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return errors.New("the database already holds units: generate into a new, empty database")
	}
	start := time.Now()
	m := build(opt)
	fmt.Fprintf(out, "gen: %s scale, %d years to Q%d/%d, seed %d: %d provinces, %d communes (%d before 2025), %d hamlets, %d cells\n",
		opt.Scale.Name, opt.Years, opt.Last.Quarter, opt.Last.Year, opt.Seed,
		opt.Scale.Provinces, m.newCommunes, m.oldCommunes, m.hamlets, len(m.cells))
	tx, err := db.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	var total int64
	err = pg.BulkLoad(ctx, tx, func() error {
		total, err = m.copy(ctx, tx, out)
		return err
	})
	if err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return err
	}
	if _, err := db.Exec(ctx, `ANALYZE`); err != nil {
		return err
	}
	secs := time.Since(start).Seconds()
	fmt.Fprintf(out, "gen: %d rows in %.1f s (%.0f rows/s)\n", total, secs, float64(total)/secs)
	return nil
}

// copy writes the model through each owning package's bulk path, in the order the foreign
// keys need, and reports each table's rows and time to out.
func (m *model) copy(ctx context.Context, tx pgx.Tx, out io.Writer) (int64, error) {
	done := func(table string, n int64, took time.Duration) {
		fmt.Fprintf(out, "  %-28s %10d rows  %6.1f s\n", table, n, took.Seconds())
	}
	total, err := org.CopyTrees(ctx, tx, m.trees, done)
	if err != nil {
		return total, err
	}
	steps := []struct {
		name string
		copy func() (int64, error)
	}{
		{"report_setting", func() (int64, error) { return report.CopySettings(ctx, tx, m.settings) }},
		{"admission_target", func() (int64, error) { return target.CopyTargets(ctx, tx, m.targetSettings, m.targets) }},
		{"quarterly_report", func() (int64, error) { return report.CopyReports(ctx, tx, m.reports()) }},
		{"quality_rating", func() (int64, error) { return quality.CopyRatings(ctx, tx, m.ratings()) }},
		{"candidate, candidate_step", func() (int64, error) { return register.CopyFiles(ctx, tx, m.files) }},
	}
	for _, s := range steps {
		start := time.Now()
		n, err := s.copy()
		if err != nil {
			return total, fmt.Errorf("copy %s: %w", s.name, err)
		}
		total += n
		done(s.name, n, time.Since(start))
	}
	return total, nil
}

// rng returns the generator for one named stream of the data set, so that each part is the
// same whatever else changes.
func rng(seed uint64, stream uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, stream)) }
