package stats

import (
	"context"
	"time"

	"ptdang/internal/dashboard"
	"ptdang/internal/org"
	"ptdang/internal/pg"
)

// Admission is one person admitted (kết nạp), as a per-person admission register gives it: what
// Biểu 2's rows by occupation, age, education, ethnic group and religion need and the quarterly
// reports' totals cannot give.
type Admission struct {
	CellID     int64     // the cell that admitted the person
	Admitted   time.Time // the admission ceremony: the Party entry date
	Born       time.Time
	Occupation string
	Education  string // general education, e.g. "trung học phổ thông"
	Profession string // professional level, e.g. "đại học"
	Ethnicity  string
	Religion   string
}

// PerPerson returns the people admitted by cells from from to to (both included), from a
// per-person admission register. It is the seam through which Biểu 2's NoData rows are to be
// filled; a cell whose register holds fewer people than its reports' admitted stays among the
// form's TotalsOnly. Its errors are the register's.
type PerPerson func(ctx context.Context, q pg.Querier, cells []int64, from, to time.Time) ([]Admission, error)

// NoRegister is the PerPerson in use until the admission register (internal/register) is
// wired: it knows nobody, so every cell that admitted someone gives totals only.
func NoRegister(context.Context, pg.Querier, []int64, time.Time, time.Time) ([]Admission, error) {
	return nil, nil
}

// totalsOnly are the cells that admitted members over p (their own reports, cells) for whom
// register holds fewer people than they admitted.
func totalsOnly(ctx context.Context, q pg.Querier, cells []cellSums, p Period, register PerPerson) ([]Cell, error) {
	var ids []int64
	for _, c := range cells {
		ids = append(ids, c.ID)
	}
	people, err := register(ctx, q, ids, firstDay(p), p.LastDay())
	if err != nil {
		return nil, err
	}
	known := map[int64]int{}
	for _, a := range people {
		known[a.CellID]++
	}
	var out []Cell
	for _, c := range cells {
		if c.flows["admitted"] > known[c.ID] {
			out = append(out, c.Cell)
		}
	}
	return out, nil
}

// admittingGrassroots counts the grassroots organisations (tổ chức cơ sở đảng) of unit's subtree
// on asOf that admitted someone over p: for each cell with a report in p (not a draft, its own or
// a predecessor's, dashboard.OriginCTE) admitting at least one member, its grassroots
// organisation on asOf — the cell itself unless it is an affiliated cell, else the nearest unit
// above it that is neither an affiliated cell nor an intermediate committee (a đảng bộ cơ sở, or
// the commune committee for the hamlet cells directly under it) — each counted once.
func admittingGrassroots(ctx context.Context, q pg.Querier, unit int64, asOf time.Time, p Period) (int, error) {
	var n int
	err := q.QueryRow(ctx, `
		WITH RECURSIVE `+org.SubtreeCTE+`,
		cells AS (SELECT id AS top, id FROM sub WHERE kind IN `+org.CellKindsSQL+`),`+dashboard.OriginCTE("cells")+`,
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
