// Package gen builds a synthetic data set in the real shape, for measuring: both dated trees
// with the 2025 reorganisation (districts abolished, communes merged), the links between
// hamlets and cells, a few merged cells, annual targets, quarterly reports that satisfy the
// balance equation, and annual quality ratings. Everything is loaded with COPY into an empty
// database, bypassing the domain packages and the audit log, as a restore would.
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

	"ptdang/internal/report"
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
	// The rows copied are new to every dashboard: one bump of the structure's generation
	// invalidates all, instead of a bump per row.
	for _, t := range triggered {
		if _, err := tx.Exec(ctx, `ALTER TABLE `+t+` DISABLE TRIGGER dashboard_generation`); err != nil {
			return err
		}
	}
	var total int64
	for _, t := range m.tables() {
		t0 := time.Now()
		n, err := tx.CopyFrom(ctx, pgx.Identifier{t.name}, t.columns, t.rows)
		if err != nil {
			return fmt.Errorf("copy %s: %w", t.name, err)
		}
		total += n
		fmt.Fprintf(out, "  %-28s %10d rows  %6.1f s\n", t.name, n, time.Since(t0).Seconds())
	}
	for _, t := range triggered {
		if _, err := tx.Exec(ctx, `ALTER TABLE `+t+` ENABLE TRIGGER dashboard_generation`); err != nil {
			return err
		}
	}
	if _, err := tx.Exec(ctx, `UPDATE dashboard_generation SET gen = gen + 1 WHERE unit_id IN (0, -1)`); err != nil {
		return err
	}
	for _, t := range []string{"reorg_event", "admin_unit", "admin_unit_version", "party_unit", "party_unit_version",
		"hamlet_cell_link", "quarterly_report", "admission_target", "quality_rating"} {
		if _, err := tx.Exec(ctx, fmt.Sprintf(`SELECT setval(pg_get_serial_sequence('%[1]s', 'id'), (SELECT max(id) FROM %[1]s))`, t)); err != nil {
			return err
		}
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

// triggered are the tables whose changes bump the dashboards' generations, row by row.
var triggered = []string{"party_unit", "party_unit_version", "party_unit_succession", "admin_unit", "admin_unit_version",
	"hamlet_cell_link", "quarterly_report", "quality_rating", "admission_target", "target_setting"}

// table is one COPY: its columns and its rows, made as they are read.
type table struct {
	name    string
	columns []string
	rows    pgx.CopyFromSource
}

// rowFunc makes a CopyFromSource of a function that returns the next row, or nil at the end.
func rowFunc(next func() []any) pgx.CopyFromSource {
	return pgx.CopyFromFunc(func() ([]any, error) { return next(), nil })
}

// rng returns the generator for one named stream of the data set, so that each part is the
// same whatever else changes.
func rng(seed uint64, stream uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, stream)) }
