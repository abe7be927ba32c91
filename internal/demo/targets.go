package demo

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"ptdang/internal/org"
	"ptdang/internal/target"
)

// The targets part: admission targets of the demo province for the year of the load day and the
// two before, cascaded down to every unit and cell.
var targetsPart = Part{Name: "targets", Load: func(ctx context.Context, tx pgx.Tx) (string, error) {
	var province int64
	if err := tx.QueryRow(ctx, `SELECT unit_id FROM party_unit_version
		WHERE kind = 'province_committee' AND valid_to IS NULL ORDER BY unit_id LIMIT 1`).Scan(&province); err != nil {
		return "", err
	}
	y := time.Now().Year()
	return target.DemoTargets(ctx, tx, org.Everything(), province, []int{y - 2, y - 1, y})
}}
