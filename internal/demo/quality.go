package demo

import (
	"bytes"
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"ptdang/internal/exchange"
	"ptdang/internal/org"
	"ptdang/internal/quality"
)

// The quality part: 2024 and 2025 ratings of the cells that have reports, loaded through the
// ratings import as a province would load them.
var qualityPart = Part{Name: "quality", Load: func(ctx context.Context, tx pgx.Tx) (string, error) {
	// Members rated: the closing count of the cell's last report of the year, else its members.
	rows, err := tx.Query(ctx, `
		SELECT u.code, y.year,
			COALESCE((SELECT r.closing FROM quarterly_report r WHERE r.cell_id = u.id AND r.year = y.year
				ORDER BY r.quarter DESC LIMIT 1), u.full_members)
		FROM party_unit u CROSS JOIN (VALUES (2024), (2025)) y (year)
		WHERE u.id IN (SELECT cell_id FROM quarterly_report)
		ORDER BY y.year, u.code`)
	if err != nil {
		return "", err
	}
	type cell struct {
		code          string
		year, members int
	}
	cells, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (cell, error) {
		var c cell
		return c, r.Scan(&c.code, &c.year, &c.members)
	})
	if err != nil {
		return "", err
	}
	sheet := exchange.Sheet{Table: quality.Table}
	for i, c := range cells {
		good := c.members * 6 / 10
		excellent := good / 5 // within the cap of 20 % of those rated good or better
		unsatisfactory := 0
		if (i+c.year)%17 == 0 && c.members > 3 {
			unsatisfactory = 1
		}
		satisfactory := c.members - excellent - good - unsatisfactory
		vals := map[string]any{"cell_code": c.code, "year": c.year, "excellent": excellent, "good": good,
			"satisfactory": satisfactory, "unsatisfactory": unsatisfactory, "own_rating": "Hoàn thành tốt nhiệm vụ"}
		row := make([]any, len(quality.Table.Columns))
		for j, col := range quality.Table.Columns {
			row[j] = vals[col.Key]
		}
		sheet.Rows = append(sheet.Rows, row)
	}
	var buf bytes.Buffer
	if err := exchange.WriteXLSX(&buf, sheet); err != nil {
		return "", err
	}
	res, err := quality.Import(ctx, tx, org.Everything(), &buf, "xep-loai-mau.xlsx", false)
	if err != nil {
		return "", err
	}
	if len(res.Problems) > 0 {
		return "", res.Problems
	}
	return fmt.Sprintf("xếp loại chất lượng 2024, 2025 của %d chi bộ", len(cells)/2), nil
}}
