package stats

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"ptdang/internal/apperr"
	"ptdang/internal/dashboard"
	"ptdang/internal/format"
	"ptdang/internal/org"
	"ptdang/internal/pg"
)

// CoverageRow is how the hamlets a unit counts (dashboard.HamletsCTE) are served on a day: by
// their own cell, with a neighbour's (sinh hoạt ghép), or by none (no Party member, so no Party
// organisation: trắng đảng viên); whose own cell has a chi ủy; whose cell's secretary is also
// the hamlet's head. The first five are the dashboard's figures of the unit on that day.
type CoverageRow struct {
	UnitID                                                             int64
	Code, Name                                                         string
	Hamlets, OwnCell, Combined, NoMember, WithCommittee, SecretaryHead int
}

// Covered are the hamlets with a Party organisation: their own cell or a neighbour's.
func (r CoverageRow) Covered() int { return r.OwnCell + r.Combined }

// Share is n over the row's hamlets × 100, NaN without hamlets.
func (r CoverageRow) Share(n int) float64 { return dashboard.Percent(n, r.Hamlets) }

// count adds a hamlet served in mode ("" for none).
func (r *CoverageRow) count(mode org.LinkMode, committee, head bool) {
	r.Hamlets++
	switch mode {
	case org.OwnCell:
		r.OwnCell++
	case org.CombinedCell:
		r.Combined++
	default:
		r.NoMember++
	}
	if committee {
		r.WithCommittee++
	}
	if head {
		r.SecretaryHead++
	}
}

// CoverageHamlet names a hamlet in the lists, and the cell serving it ("" for none).
type CoverageHamlet struct {
	ID               int64
	Code, Name, Cell string
}

// CoverageList is one row unit's hamlets that need attention, each list in Vietnamese order:
// without a Party member, meeting with a neighbour's cell, with their own cell but no chi ủy.
type CoverageList struct {
	UnitID                          int64
	Name                            string
	NoMember, Combined, NoCommittee []CoverageHamlet
}

// Coverage is the hamlet coverage report (báo cáo địa bàn) of a unit on a day.
type Coverage struct {
	Unit  org.PartyUnit
	AsOf  time.Time
	Rows  []CoverageRow // one per commune committee under the unit, or the unit's own
	Total CoverageRow   // the unit's own figures (its hamlets counted once), as the dashboard's

	Lists []CoverageList
}

// HamletCoverage is the report of unit (in scope) on asOf: a row per commune committee under it
// (before July 2025, under its districts too), or the unit's own row when it has none.
// Errors: apperr.ErrNotFound when the unit is out of scope or did not exist on asOf; any other
// is the database's.
func HamletCoverage(ctx context.Context, q pg.Querier, scope org.Scope, unit int64, asOf time.Time) (Coverage, error) {
	u, err := org.GetPartyUnit(ctx, q, scope, unit, asOf)
	if err != nil {
		return Coverage{}, err
	}
	c := Coverage{Unit: u, AsOf: asOf}
	// The unit is in scope, so are the communes under it.
	rows, err := q.Query(ctx, `
		WITH RECURSIVE `+org.SubtreeCTE+`
		SELECT sub.id, p.code, v.name FROM sub
		JOIN party_unit p ON p.id = sub.id
		CROSS JOIN LATERAL party_version_at(sub.id, $2) v
		WHERE sub.kind = $3 AND sub.depth > 0
		ORDER BY v.name COLLATE "vi-x-icu", p.code`, []int64{unit}, asOf, org.CommuneCommittee)
	if err != nil {
		return Coverage{}, err
	}
	c.Rows, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (CoverageRow, error) {
		var row CoverageRow
		return row, r.Scan(&row.UnitID, &row.Code, &row.Name)
	})
	if err != nil {
		return Coverage{}, err
	}
	if len(c.Rows) == 0 {
		c.Rows = []CoverageRow{{UnitID: u.ID, Code: u.Code, Name: u.Name}}
	}
	c.Total = CoverageRow{UnitID: u.ID, Code: u.Code, Name: "Tổng cộng"}
	ids := []int64{u.ID}
	index := map[int64]int{}
	for i, r := range c.Rows {
		index[r.UnitID] = i
		if r.UnitID != u.ID {
			ids = append(ids, r.UnitID)
		}
	}
	c.Lists = make([]CoverageList, len(c.Rows))
	rows, err = q.Query(ctx, `
		WITH RECURSIVE `+org.SubtreeCTE+`, `+dashboard.HamletsCTE+`
		SELECT h.top, h.id, a.code, hv.name, COALESCE(l.mode, ''), COALESCE(l.committee, false),
			COALESCE(l.secretary_is_head, false), COALESCE(cv.name, '')
		FROM hamlet h `+dashboard.HamletLinkJoin+`
		JOIN admin_unit a ON a.id = h.id
		CROSS JOIN LATERAL admin_version_at(h.id, $2) hv
		LEFT JOIN LATERAL party_version_at(l.cell_id, $2) cv ON true
		ORDER BY hv.name COLLATE "vi-x-icu", a.code`, ids, asOf)
	if err != nil {
		return Coverage{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			top             int64
			h               CoverageHamlet
			mode            org.LinkMode
			committee, head bool
		)
		if err := rows.Scan(&top, &h.ID, &h.Code, &h.Name, &mode, &committee, &head, &h.Cell); err != nil {
			return Coverage{}, err
		}
		if top == u.ID {
			c.Total.count(mode, committee, head)
		}
		i, ok := index[top]
		if !ok {
			continue
		}
		c.Rows[i].count(mode, committee, head)
		l := &c.Lists[i]
		switch {
		case mode == org.OwnCell && !committee:
			l.NoCommittee = append(l.NoCommittee, h)
		case mode == org.CombinedCell:
			l.Combined = append(l.Combined, h)
		case mode == "":
			l.NoMember = append(l.NoMember, h)
		}
	}
	if err := rows.Err(); err != nil {
		return Coverage{}, err
	}
	lists := c.Lists[:0]
	for i, r := range c.Rows {
		if l := c.Lists[i]; len(l.NoMember)+len(l.Combined)+len(l.NoCommittee) > 0 {
			l.UnitID, l.Name = r.UnitID, r.Name
			lists = append(lists, l)
		}
	}
	c.Lists = lists
	return c, nil
}

// CoverageQuery is what the coverage page's address asks for, as typed; either may be empty.
type CoverageQuery struct {
	Unit string // a Party unit id; the caller's own (home) when empty
	Date string // dd/mm/yyyy or yyyy-mm-dd (format.ParseDate); today when empty
}

// ChosenCoverage is the report q asks for. A malformed date is *apperr.Invalid on "date"; a
// malformed unit, or one out of scope or not existing on the day, is apperr.ErrNotFound.
func ChosenCoverage(ctx context.Context, q pg.Querier, scope org.Scope, query CoverageQuery, today time.Time, home int64) (Coverage, error) {
	on := today
	if query.Date != "" {
		d, err := format.ParseDate(query.Date)
		if err != nil || d.Year() < 2000 || d.Year() > 2100 {
			const msg = "Ngày không hợp lệ: chọn một ngày từ năm 2000 đến năm 2100."
			inv := &apperr.Invalid{}
			inv.Add("date", msg)
			return Coverage{}, apperr.Refuse(inv, msg)
		}
		on = d
	}
	unit := home
	if query.Unit != "" {
		var err error
		if unit, err = strconv.ParseInt(query.Unit, 10, 64); err != nil {
			return Coverage{}, apperr.ErrNotFound
		}
	}
	return HamletCoverage(ctx, q, scope, unit, on)
}

// CoverageColumn is a figure column of the report: its number (with its formula over the other
// columns), its heading, and the count it shows of a row; a Share column shows that count over
// the row's hamlets, in percent.
type CoverageColumn struct {
	No, Heading string
	Count       func(CoverageRow) int
	Share       bool
}

// Value is the column's figure of r: a count, or a percentage (NaN without hamlets).
func (c CoverageColumn) Value(r CoverageRow) float64 {
	if c.Share {
		return r.Share(c.Count(r))
	}
	return float64(c.Count(r))
}

// Text is the column's figure of r as the page writes it: 1.702, or 99,07 (— without hamlets).
func (c CoverageColumn) Text(r CoverageRow) string {
	if c.Share {
		return strings.TrimSuffix(format.Percent(c.Value(r)), " %")
	}
	return format.Int(int64(c.Count(r)))
}

// CoverageColumns are the report's figure columns, numbered from 1 after STT (A) and the unit (B).
var CoverageColumns = func() []CoverageColumn {
	hamlets := func(r CoverageRow) int { return r.Hamlets }
	own := func(r CoverageRow) int { return r.OwnCell }
	combined := func(r CoverageRow) int { return r.Combined }
	covered := CoverageRow.Covered
	none := func(r CoverageRow) int { return r.NoMember }
	committee := func(r CoverageRow) int { return r.WithCommittee }
	head := func(r CoverageRow) int { return r.SecretaryHead }
	return []CoverageColumn{
		{"1", "Tổng số thôn, tổ dân phố", hamlets, false},
		{"2", "Có chi bộ riêng", own, false},
		{"3 = 2 / 1", "Tỷ lệ có chi bộ riêng (%)", own, true},
		{"4", "Sinh hoạt ghép với chi bộ thôn khác", combined, false},
		{"5 = 2 + 4", "Có tổ chức đảng", covered, false},
		{"6 = 5 / 1", "Tỷ lệ có tổ chức đảng (%)", covered, true},
		{"7 = 1 − 5", "Chưa có tổ chức đảng (chưa có đảng viên)", none, false},
		{"8", "Chi bộ riêng có chi ủy", committee, false},
		{"9 = 8 / 1", "Tỷ lệ có chi ủy (%)", committee, true},
		{"10", "Bí thư chi bộ kiêm trưởng thôn, tổ trưởng", head, false},
		{"11 = 10 / 1", "Tỷ lệ bí thư kiêm trưởng thôn (%)", head, true},
	}
}()

// CoverageTitle is the report's title.
const CoverageTitle = "BÁO CÁO ĐỊA BÀN THÔN, TỔ DÂN PHỐ"

// Note says what the report covers.
func (c Coverage) Note() string {
	return fmt.Sprintf("(%s; cơ cấu tổ chức tại ngày %s)", c.Unit.Name, format.Date(c.AsOf))
}

// Filename is the report's download name.
func (c Coverage) Filename() string {
	return fmt.Sprintf("dia-ban-%s-%s.xlsx", c.Unit.Code, format.ISODate(c.AsOf))
}

// CoverageGroup is one of a list's groups of hamlets, with its label.
type CoverageGroup struct {
	Label   string
	Hamlets []CoverageHamlet
}

// Groups are l's non-empty groups in the report's order.
func (l CoverageList) Groups() []CoverageGroup {
	var out []CoverageGroup
	for _, g := range []CoverageGroup{{"Chưa có tổ chức đảng (chưa có đảng viên)", l.NoMember},
		{"Sinh hoạt ghép với chi bộ thôn khác", l.Combined}, {"Chi bộ riêng chưa có chi ủy", l.NoCommittee}} {
		if len(g.Hamlets) > 0 {
			out = append(out, g)
		}
	}
	return out
}
