// Package demo loads the demo data set (dữ liệu mẫu) that `make run` shows: a realistic
// province, generated deterministically. Each capability contributes one Part; every part is
// loaded once, in its own transaction, and remembered in the demo_part table.
package demo

import (
	"context"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Part is one capability's share of the demo data.
type Part struct {
	Name string
	// Load writes the part inside tx and returns a one-line summary for the operator.
	Load func(ctx context.Context, tx pgx.Tx) (summary string, err error)
}

// Parts lists the parts in load order; later parts may rely on earlier ones.
var Parts = []Part{provincePart, accountsPart, reportsPart, targetsPart, qualityPart}

// Load loads every part not yet loaded and reports each on out. A part that fails leaves
// nothing behind, and the parts after it are not tried.
func Load(ctx context.Context, db *pgxpool.Pool, parts []Part, out io.Writer) error {
	for _, p := range parts {
		err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
			tag, err := tx.Exec(ctx, `INSERT INTO demo_part (name) VALUES ($1) ON CONFLICT (name) DO NOTHING`, p.Name)
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 0 {
				fmt.Fprintf(out, "demo: %s: already loaded\n", p.Name)
				return nil
			}
			summary, err := p.Load(ctx, tx)
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "demo: %s: %s\n", p.Name, summary)
			return nil
		})
		if err != nil {
			return fmt.Errorf("demo part %s: %w", p.Name, err)
		}
	}
	return nil
}
