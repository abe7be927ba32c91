package stats

import (
	"context"
	"maps"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"ptdang/internal/org"
	"ptdang/internal/pg"
	"ptdang/internal/register"
)

// admitted reads from the admission register (register.AdmittedIn: the files of those cells) the
// people admitted over p whom the form's subtree on asOf counts: those of a file held by a
// cell that keeps its register for the report from the quarter of the ceremony on
// (register.KeptFromAll: the cell's reports of those quarters are the register's counts) and
// whose reports count for the subtree with their whole share (org.OriginCTE: a cell merged
// into one of the subtree counts for its successor; a cell split between the subtree and
// another unit cannot place its people, who are left out). The files of a cell that does not
// keep its register, or of quarters before it began to, are trials or typed elsewhere: never
// counted. It also returns the cells, among those that reported (cells), whose reports
// admitted more people than are counted for them (short: they gave totals only, the form's
// rows counted from people lack theirs), and those for which more people are counted than
// their reports admitted (over, as Excess of PeopleKey).
func admitted(ctx context.Context, q pg.Querier, unit int64, asOf time.Time, p Period, cells []cellSums) (people []register.Admission, short []Cell, over []Excess, err error) {
	rows, err := q.Query(ctx, `
		WITH RECURSIVE `+org.SubtreeCTE+`,`+org.OriginCTE("sub")+`
		SELECT cell_id FROM origin GROUP BY cell_id HAVING round(sum(share), 6) >= 1`, []int64{unit}, asOf)
	if err != nil {
		return nil, nil, nil, err
	}
	whole, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, nil, nil, err
	}
	kept, err := register.KeptFromAll(ctx, q, whole)
	if err != nil {
		return nil, nil, nil, err
	}
	all, err := register.AdmittedIn(ctx, q, slices.Collect(maps.Keys(kept)), firstDay(p), p.LastDay())
	if err != nil {
		return nil, nil, nil, err
	}
	known := map[int64]int{}
	for _, a := range all {
		if from, ok := kept[a.CellID]; ok && !a.On.Before(from) {
			people = append(people, a)
			known[a.CellID]++
		}
	}
	for _, c := range cells {
		switch n := c.flows["admitted"]; {
		case n > known[c.ID]:
			short = append(short, c.Cell)
		case n < known[c.ID]:
			over = append(over, Excess{Cell: c.Cell, Part: PeopleKey, Whole: "admitted", Value: known[c.ID], Total: n})
		}
	}
	return people, short, over, nil
}

// PeopleKey names, in an Excess, the people the admission register holds for a cell.
const PeopleKey = "register_people"

// admittingGrassroots counts the grassroots organisations (tổ chức cơ sở đảng) of unit's subtree
// on asOf that admitted someone over p: for each cell with a report in p (not a draft, its own or
// a predecessor's, org.OriginCTE) admitting at least one member, its grassroots
// organisation on asOf — the cell itself unless it is an affiliated cell, else the nearest unit
// above it that is neither an affiliated cell nor an intermediate committee (a đảng bộ cơ sở, or
// the commune committee for the hamlet cells directly under it) — each counted once.
func admittingGrassroots(ctx context.Context, q pg.Querier, unit int64, asOf time.Time, p Period) (int, error) {
	var n int
	err := q.QueryRow(ctx, `
		WITH RECURSIVE `+org.SubtreeCTE+`,
		cells AS (SELECT id AS top, id FROM sub WHERE kind IN `+org.CellKindsSQL+`),`+org.OriginCTE("cells")+`,
		admitting AS (
			SELECT DISTINCT o.top FROM origin o
			JOIN quarterly_report r ON r.cell_id = o.cell_id AND (r.year, r.quarter) BETWEEN ($3, $4) AND ($3, $5)
				AND r.state <> 'draft' AND r.admitted > 0
		),
		up (id, kind, depth) AS (
			SELECT a.top, (SELECT kind FROM party_version_at(a.top, $2)), 0 FROM admitting a
			UNION ALL
			SELECT v.parent_id, (SELECT kind FROM party_version_at(v.parent_id, $2)), up.depth + 1
			FROM up CROSS JOIN LATERAL party_version_at(up.id, $2) v
			WHERE up.kind IN ('affiliated_cell', 'intermediate_committee') AND v.parent_id IS NOT NULL AND up.depth < 16
		)
		SELECT count(DISTINCT id) FROM up WHERE kind NOT IN ('affiliated_cell', 'intermediate_committee')`,
		[]int64{unit}, asOf, p.Year, p.From, p.To).Scan(&n)
	return n, err
}
