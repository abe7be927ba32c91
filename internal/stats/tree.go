package stats

import (
	"context"
	"slices"
	"strconv"
	"time"

	"ptdang/internal/org"
	"ptdang/internal/pg"
)

// biểu5Lines is the layout of Biểu 5 (docs/forms.md; the official layout is unconfirmed): the
// Party organisations of the subtree by kind (cấp, loại tổ chức), then the grassroots
// organisations and the cells by type of unit (loại hình, org.OrgTypes), as the tree records
// them.
var biểu5Lines = func() []Line {
	lines := []Line{
		{No: "I", Label: "Tổ chức cơ sở đảng (tổ chức)", Key: "grassroots", Group: true},
		{No: "1", Label: "Đảng bộ cơ sở", Key: "kind_" + string(org.GrassrootsCommittee)},
		{No: "2", Label: "Chi bộ cơ sở", Key: "kind_" + string(org.GrassrootsCell)},
		{No: "II", Label: "Đảng bộ bộ phận", Key: "kind_" + string(org.IntermediateCommittee), Group: true},
		{No: "III", Label: "Chi bộ trực thuộc", Key: "kind_" + string(org.AffiliatedCell), Group: true},
		{No: "IV", Label: "Tổ chức đảng cấp trên trực tiếp cơ sở", Key: "upper", Group: true},
	}
	for i, k := range upperKinds {
		lines = append(lines, Line{No: strconv.Itoa(i + 1), Label: k.Label(), Key: "kind_" + string(k)})
	}
	byType := func(no, heading, key string) {
		lines = append(lines, Line{No: no, Label: heading, Key: key, Group: true})
		for i, t := range org.OrgTypes {
			lines = append(lines, Line{No: strconv.Itoa(i + 1), Label: t.Label(), Key: key + "_" + string(t)})
		}
	}
	byType("V", "Tổ chức cơ sở đảng chia theo loại hình", "grassroots")
	byType("VI", "Chi bộ (cơ sở và trực thuộc) chia theo loại hình", "cells")
	return lines
}()

// upperKinds are the committees directly above the grassroots: the commune's, the district's
// (before July 2025) and the bloc's.
var upperKinds = []org.Kind{org.CommuneCommittee, org.DistrictCommittee, org.BlocCommittee}

// treeCounts counts the Party units of unit's subtree on day (itself included) by kind and by
// type of unit: "kind_<kind>", "grassroots" and "grassroots_<type>" (đảng bộ cơ sở and chi bộ
// cơ sở), "cells" and "cells_<type>" (chi bộ cơ sở and chi bộ trực thuộc), "upper".
func treeCounts(ctx context.Context, q pg.Querier, unit int64, day time.Time) (map[string]int, error) {
	rows, err := q.Query(ctx, `
		WITH RECURSIVE `+org.SubtreeCTE+`
		SELECT v.kind, v.org_type, count(DISTINCT sub.id)::int
		FROM sub CROSS JOIN LATERAL party_version_at(sub.id, $2) v
		WHERE v.valid_from <= $2 AND (v.valid_to IS NULL OR v.valid_to > $2) -- not a unit formed since, or closed
		GROUP BY v.kind, v.org_type`, []int64{unit}, day)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var kind org.Kind
		var typ org.OrgType
		var n int
		if err := rows.Scan(&kind, &typ, &n); err != nil {
			return nil, err
		}
		out["kind_"+string(kind)] += n
		if kind == org.GrassrootsCommittee || kind == org.GrassrootsCell {
			out["grassroots"] += n
			out["grassroots_"+string(typ)] += n
		}
		if kind.IsCell() {
			out["cells"] += n
			out["cells_"+string(typ)] += n
		}
		if slices.Contains(upperKinds, kind) {
			out["upper"] += n
		}
	}
	return out, rows.Err()
}

// counted fills f (a form of the tree) with lines counted on its structure date and on the same
// day a year before: organisations are counted as they stood, not restated.
func (f Form) counted(ctx context.Context, q pg.Querier, lines []Line) (Form, error) {
	this, err := treeCounts(ctx, q, f.Unit.ID, f.AsOf)
	if err != nil {
		return Form{}, err
	}
	last, err := treeCounts(ctx, q, f.Unit.ID, f.AsOf.AddDate(-1, 0, 0))
	for _, l := range lines {
		l.This, l.Last = this[l.Key], last[l.Key]
		f.Lines = append(f.Lines, l)
	}
	return f, err
}
