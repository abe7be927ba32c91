package pg

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// BulkLoad runs load, which writes many rows into the tables the dashboards read, with their
// row-by-row generation triggers off, then bumps the generations of the whole structure and of
// the targets once: every cached figure is stale. Switching triggers needs the tables' owner;
// the ALTERs lock the tables until tx ends.
func BulkLoad(ctx context.Context, tx pgx.Tx, load func() error) error {
	// regclass prints each name quoted as SQL needs it.
	rows, err := tx.Query(ctx, `SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger WHERE tgname = 'dashboard_generation' ORDER BY 1`)
	if err != nil {
		return err
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return err
	}
	toggle := func(how string) error {
		for _, t := range tables {
			if _, err := tx.Exec(ctx, `ALTER TABLE `+t+` `+how+` TRIGGER dashboard_generation`); err != nil {
				return err
			}
		}
		return nil
	}
	if err := toggle("DISABLE"); err != nil {
		return err
	}
	if err := load(); err != nil {
		return err
	}
	if err := toggle("ENABLE"); err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE dashboard_generation SET gen = gen + 1 WHERE unit_id IN (0, -1)`)
	return err
}
