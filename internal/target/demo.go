package target

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"ptdang/internal/audit"
	"ptdang/internal/format"
	"ptdang/internal/org"
)

// demoShares are the province's targets, by year modulo 3: at least 3 %, 2,8 % or 3,2 % of
// the members at the start of the year.
var demoShares = [3]Share{300, 280, 320}

// DemoTargets sets plausible targets for years on the province committee and cascades them down
// its tree (as it stood on each year's AsOf) to the cells, for the demo data set. The province's
// target is a share of its members at the start of the year (FromShare); each unit's target is
// shared among the units directly below it in proportion to their members (Members), by largest
// remainder, so that every allocation adds up exactly. Each year also gets a lock date, 31 March,
// unless the province already chose one. The same tree gives the same targets on every run. The
// province must be within scope (apperr.ErrNotFound); each year is audited once, in scope's name.
// It returns a one-line summary in Vietnamese.
func DemoTargets(ctx context.Context, tx pgx.Tx, scope org.Scope, province int64, years []int) (string, error) {
	var (
		units  int
		totals []string
	)
	for _, year := range years {
		u, err := org.GetPartyUnit(ctx, tx, scope, province, yearStart(year))
		if err != nil {
			return "", err
		}
		n, total, err := demoYear(ctx, tx, u, year)
		if err != nil {
			return "", err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO target_year (province_id, year, lock_date) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
			u.ID, year, time.Date(year, 3, 31, 0, 0, 0, 0, time.UTC)); err != nil {
			return "", err
		}
		err = audit.Record(ctx, tx, scope.Actor, audit.Entry{Action: "demo", Entity: "admission_target", EntityID: u.ID, Label: u.Code,
			UnitID: u.ID, New: map[string]any{"year": year, "units": n, "target": total}})
		if err != nil {
			return "", err
		}
		units += n
		totals = append(totals, fmt.Sprintf("%d: %s", year, format.Int(int64(total))))
	}
	return fmt.Sprintf("chỉ tiêu kết nạp %s cho %s lượt đơn vị (chỉ tiêu của tỉnh %s)",
		yearList(years), format.Int(int64(units)), strings.Join(totals, ", ")), nil
}

func yearList(years []int) string {
	s := make([]string, len(years))
	for i, y := range years {
		s[i] = strconv.Itoa(y)
	}
	return "năm " + strings.Join(s, ", ")
}

type demoUnit struct {
	id, parent int64
	cell       bool
	own        int // recorded full members
	cells      int // full members of the cells in its subtree (its own if a cell)
	children   []*demoUnit
	target     int
}

// members mirrors Members: the recorded figure, else the cells' sum.
func (u *demoUnit) members() int {
	if u.own > 0 {
		return u.own
	}
	return u.cells
}

// demoYear sets the targets of year under province; it returns how many units got one and
// the province's target.
func demoYear(ctx context.Context, tx pgx.Tx, province org.PartyUnit, year int) (int, int, error) {
	d := AsOf(province, year)
	rows, err := tx.Query(ctx, unitsCTE+`
		SELECT x.id, COALESCE(v.parent_id, 0), v.kind IN ('grassroots_cell', 'affiliated_cell'), p.full_members
		FROM units x
		JOIN party_unit p ON p.id = x.id
		CROSS JOIN LATERAL party_version_at(x.id, $2) v
		ORDER BY x.depth, v.name COLLATE "vi-x-icu", p.code`, province.ID, d)
	if err != nil {
		return 0, 0, err
	}
	var list []*demoUnit
	byID := map[int64]*demoUnit{}
	for rows.Next() {
		u := &demoUnit{}
		if err := rows.Scan(&u.id, &u.parent, &u.cell, &u.own); err != nil {
			return 0, 0, err
		}
		list = append(list, u)
		byID[u.id] = u
	}
	if err := rows.Err(); err != nil {
		return 0, 0, err
	}
	if len(list) == 0 {
		return 0, 0, nil
	}
	for _, u := range list[1:] {
		if p := byID[u.parent]; p != nil {
			p.children = append(p.children, u)
		}
	}
	// Deepest first, so that each unit's cells are counted before its parent adds them up.
	for i := len(list) - 1; i >= 0; i-- {
		u := list[i]
		if u.cell {
			u.cells = u.own
		}
		for _, c := range u.children {
			u.cells += c.cells
		}
	}
	top := list[0]
	share, base := demoShares[year%3], top.members()
	top.target = FromShare(share, base)
	var allocate func(u *demoUnit)
	allocate = func(u *demoUnit) {
		weights := make([]int, len(u.children))
		for i, c := range u.children {
			weights[i] = c.members()
		}
		for i, n := range largestRemainder(u.target, weights) {
			u.children[i].target = n
		}
		for _, c := range u.children {
			allocate(c)
		}
	}
	allocate(top)
	var (
		ids     []int64
		numbers []int
	)
	for _, u := range list[1:] {
		ids = append(ids, u.id)
		numbers = append(numbers, u.target)
	}
	if _, err := tx.Exec(ctx, `
		INSERT INTO admission_target (unit_id, year, basis, share, base, target) VALUES ($1, $2, 'share_year', $3, $4, $5)
		ON CONFLICT (unit_id, year) DO UPDATE SET basis = 'share_year', share = $3, base = $4, target = $5,
			version = admission_target.version + 1, updated_at = now()`,
		top.id, year, share.Percent(), base, top.target); err != nil {
		return 0, 0, err
	}
	if _, err := tx.Exec(ctx, `
		INSERT INTO admission_target (unit_id, year, basis, target)
		SELECT u, $2, 'number', n FROM unnest($1::bigint[], $3::int[]) AS x (u, n)
		ON CONFLICT (unit_id, year) DO UPDATE SET basis = 'number', share = NULL, base = NULL, target = EXCLUDED.target,
			version = admission_target.version + 1, updated_at = now()`,
		ids, year, numbers); err != nil {
		return 0, 0, err
	}
	return len(list), top.target, nil
}

// largestRemainder shares total among weights in proportion, in whole numbers adding up to
// total: each gets the floor of its quota, and what is left goes one by one to the largest
// remainders, the earlier first on a tie. With no weight at all, the shares are even.
func largestRemainder(total int, weights []int) []int {
	out := make([]int, len(weights))
	if len(weights) == 0 {
		return out
	}
	sum := 0
	for _, w := range weights {
		sum += w
	}
	if sum == 0 {
		weights = make([]int, len(out))
		for i := range weights {
			weights[i] = 1
		}
		sum = len(weights)
	}
	rem := make([]int64, len(weights))
	given := 0
	for i, w := range weights {
		q := int64(total) * int64(w)
		out[i] = int(q / int64(sum))
		rem[i] = q % int64(sum)
		given += out[i]
	}
	for left := total - given; left > 0; left-- {
		best := -1
		for i := range rem {
			if rem[i] >= 0 && (best < 0 || rem[i] > rem[best]) {
				best = i
			}
		}
		out[best]++
		rem[best] = -1
	}
	return out
}
