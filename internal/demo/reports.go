package demo

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/jackc/pgx/v5"

	"ptdang/internal/format"
	"ptdang/internal/org"
	"ptdang/internal/report"
)

// The reports part: quarterly reports of the cells of the first demo communes, from Q1/2025 to
// Q3/2026, through the report use cases. Older quarters are approved; the last one shows every
// state of the workflow, late ones included, and the demo cell may still enter it.
var reportsPart = Part{Name: "reports", Load: loadReports}

var (
	reportsFrom = report.Period{Year: 2025, Quarter: 1}
	reportsTo   = report.Period{Year: 2026, Quarter: 3}
)

func loadReports(ctx context.Context, tx pgx.Tx) (string, error) {
	rng := rand.New(rand.NewPCG(2025, 2026))
	rows, err := tx.Query(ctx, `
		WITH communes AS (
			SELECT unit_id FROM party_unit_version
			WHERE kind = 'commune_committee' AND valid_to IS NULL
			ORDER BY name COLLATE "vi-x-icu", unit_id LIMIT 3
		)
		SELECT v.unit_id, u.full_members FROM party_unit_version v JOIN party_unit u ON u.id = v.unit_id
		WHERE v.kind IN ('affiliated_cell', 'grassroots_cell') AND v.valid_to IS NULL
		  AND v.parent_id IN (SELECT unit_id FROM communes)
		ORDER BY v.unit_id`)
	if err != nil {
		return "", err
	}
	type cell struct {
		id      int64
		members int
	}
	cells, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (cell, error) {
		var c cell
		return c, r.Scan(&c.id, &c.members)
	})
	if err != nil {
		return "", err
	}
	var demoCell int64
	if err := tx.QueryRow(ctx, demoCellSQL).Scan(&demoCell); err != nil {
		return "", err
	}
	scope := org.Everything()
	count := 0
	for _, c := range cells {
		closing := c.members + c.members/10
		for p := reportsFrom; ; p = next(p) {
			f := demoFigures(rng, closing)
			closing = f["closing"]
			last := p == reportsTo
			state := report.Approved
			if last {
				state = []report.State{report.NotStarted, report.NotStarted, report.Draft, report.Submitted,
					report.Submitted, report.Returned, report.Approved, report.Approved, report.Approved}[rng.IntN(9)]
				if c.id == demoCell {
					state = report.NotStarted
				}
			}
			if state != report.NotStarted {
				if err := demoReport(ctx, tx, scope, c.id, p, f, state, rng.IntN(6) == 0); err != nil {
					return "", fmt.Errorf("cell %d %s: %w", c.id, p, err)
				}
				count++
			}
			if last {
				break
			}
		}
	}
	// The demo secretary may still enter the last quarter.
	if _, err := tx.Exec(ctx, `INSERT INTO report_exception (cell_id, year, quarter, until) VALUES ($1, $2, $3, $4)`,
		demoCell, reportsTo.Year, reportsTo.Quarter, day(2027, 12, 31)); err != nil {
		return "", err
	}
	return fmt.Sprintf("%s báo cáo quý của %d chi bộ, %s – %s", format.Int(int64(count)), len(cells), reportsFrom, reportsTo), nil
}

func next(p report.Period) report.Period {
	if p.Quarter == 4 {
		return report.Period{Year: p.Year + 1, Quarter: 1}
	}
	return report.Period{Year: p.Year, Quarter: p.Quarter + 1}
}

// demoFigures invents a plausible, balanced quarter for a cell of opening members.
func demoFigures(rng *rand.Rand, opening int) report.Figures {
	f := report.Figures{"opening": opening}
	if rng.IntN(3) == 0 {
		f["admitted"] = 1 + rng.IntN(2)
	}
	if rng.IntN(8) == 0 {
		f["transferred_in"] = 1
	}
	if rng.IntN(10) == 0 && opening > 3 {
		f["deceased"] = 1
	}
	if rng.IntN(9) == 0 && opening > 3 {
		f["transferred_out"] = 1
	}
	f["closing"] = f.ExpectedClosing()
	probationary := min(f["closing"], f["admitted"]+rng.IntN(2))
	f["probationary"], f["full_members"] = probationary, f["closing"]-probationary
	f["women"] = f["closing"] * (25 + rng.IntN(20)) / 100
	f["youth_union"] = f["closing"] * rng.IntN(15) / 100
	f["religious"] = f["closing"] * rng.IntN(30) / 100
	f["working_away"] = rng.IntN(2)
	f["exempt"] = f["closing"] * rng.IntN(8) / 100
	f["sympathisers"] = 1 + rng.IntN(5)
	f["course_completed"] = rng.IntN(f["sympathisers"] + 1)
	f["outstanding"] = f["sympathisers"] + rng.IntN(3)
	f["dossiers"] = rng.IntN(2)
	f["adm_women"] = rng.IntN(f["admitted"] + 1)
	f["adm_youth_union"] = rng.IntN(f["admitted"] + 1)
	f["monthly_meetings"], f["thematic_meetings"] = 3, 1
	return f
}

// demoReport files the report and walks it to state: submitted on time or late, then returned
// or approved.
func demoReport(ctx context.Context, tx pgx.Tx, scope org.Scope, cell int64, p report.Period, f report.Figures, state report.State, late bool) error {
	rep, err := report.Get(ctx, tx, scope, cell, p)
	if err != nil {
		return err
	}
	when := rep.Deadline.AddDate(0, 0, -3)
	if late {
		when = rep.Deadline.AddDate(0, 0, 5)
	}
	entry := report.Entry{Figures: f, Confirm: true}
	if state == report.Draft {
		_, err = report.SaveDraft(ctx, tx, scope, cell, p, entry, when)
		return err
	}
	if rep, err = report.Submit(ctx, tx, scope, cell, p, entry, when); err != nil {
		return err
	}
	switch state {
	case report.Returned:
		_, err = report.Return(ctx, tx, scope, cell, p, rep.Version, "Số đảng viên nữ cuối quý chưa khớp với sổ, xin kiểm tra lại")
	case report.Approved:
		_, err = report.Approve(ctx, tx, scope, cell, p, rep.Version)
	}
	return err
}
