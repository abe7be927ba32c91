package stats

import (
	"context"
	"time"

	"ptdang/internal/org"
	"ptdang/internal/pg"
	"ptdang/internal/quality"
)

// biểu6Lines is the layout of Biểu 6 (docs/forms.md; the official row list is unconfirmed): the
// cells rated as organisations and the members rated, by category (quality.Categories).
var biểu6Lines = func() []Line {
	lines := []Line{{No: "I", Label: "Chi bộ được đánh giá, xếp loại (tổ chức)", Key: "org_rated", Group: true}}
	for i, c := range quality.Categories {
		lines = append(lines, Line{No: string(rune('1' + i)), Label: c.Label(), Key: "org_" + string(c)})
	}
	lines = append(lines, Line{No: "II", Label: "Đảng viên được đánh giá, xếp loại", Key: "rated", Group: true})
	for i, c := range quality.Categories {
		lines = append(lines, Line{No: string(rune('1' + i)), Label: c.Label(), Key: string(c)})
	}
	return append(lines,
		Line{Label: "Trong đó: hai năm liền không hoàn thành nhiệm vụ", Key: "unsatisfactory_two_years", Of: true},
		Line{No: "III", Label: "Đảng viên được miễn sinh hoạt, không xếp loại", Key: "rating_exempt", Group: true})
}()

// rated fills f (an annual form) with lines from the quality ratings of its year and the year
// before, the cells not rated and those with more members rated excellent than the cap allows.
func (f Form) rated(ctx context.Context, q pg.Querier, lines []Line) (Form, error) {
	this, err := ratingSums(ctx, q, f.Unit.ID, f.AsOf, f.Period.Year)
	if err != nil {
		return Form{}, err
	}
	last, err := ratingSums(ctx, q, f.Unit.ID, f.AsOf, f.Period.Year-1)
	if err != nil {
		return Form{}, err
	}
	for _, l := range lines {
		l.This, l.Last = this[l.Key], last[l.Key]
		f.Lines = append(f.Lines, l)
	}
	if f.Missing, err = unrated(ctx, q, f.Unit.ID, f.AsOf, f.Period.Year); err != nil {
		return Form{}, err
	}
	rule, err := quality.CapRuleFor(ctx, q, f.Period.Year)
	if err != nil {
		return Form{}, err
	}
	f.Cap = rule.Describe()
	f.OverCap, err = overCap(ctx, q, f.Unit.ID, f.AsOf, f.Period.Year, rule)
	return f, err
}

// ratingSums reads year's quality ratings (quality_rating) of the cells of unit's subtree on
// asOf, restated as the quarterly figures are (org.OriginCTE): the members of each
// category (and the exempt, and the unsatisfactory two years running) are round(Σ count ×
// share); an organisation is each rated cell among the origins, counted once (a cell split
// between two successors is still one organisation rated that year).
func ratingSums(ctx context.Context, q pg.Querier, unit int64, asOf time.Time, year int) (map[string]int, error) {
	totals := map[string]int{}
	var exc, good, sat, unsat, exempt, two, oExc, oGood, oSat, oUnsat int
	err := q.QueryRow(ctx, `
		WITH RECURSIVE `+org.SubtreeCTE+`,
		cells AS (SELECT id AS top, id FROM sub WHERE kind IN `+org.CellKindsSQL+`),`+org.OriginCTE("cells")+`,
		r AS (SELECT o.cell_id, o.share, q.excellent, q.good, q.satisfactory, q.unsatisfactory, q.exempt, q.unsatisfactory_two_years, q.own_rating
			FROM origin o JOIN quality_rating q ON q.cell_id = o.cell_id AND q.year = $3)
		SELECT COALESCE(round(sum(excellent * share)), 0)::int, COALESCE(round(sum(good * share)), 0)::int,
			COALESCE(round(sum(satisfactory * share)), 0)::int, COALESCE(round(sum(unsatisfactory * share)), 0)::int,
			COALESCE(round(sum(exempt * share)), 0)::int, COALESCE(round(sum(unsatisfactory_two_years * share)), 0)::int,
			count(DISTINCT cell_id) FILTER (WHERE own_rating = 'excellent'), count(DISTINCT cell_id) FILTER (WHERE own_rating = 'good'),
			count(DISTINCT cell_id) FILTER (WHERE own_rating = 'satisfactory'), count(DISTINCT cell_id) FILTER (WHERE own_rating = 'unsatisfactory')
		FROM r`, []int64{unit}, asOf, year).Scan(&exc, &good, &sat, &unsat, &exempt, &two, &oExc, &oGood, &oSat, &oUnsat)
	if err != nil {
		return nil, err
	}
	for k, v := range map[string]int{"excellent": exc, "good": good, "satisfactory": sat, "unsatisfactory": unsat,
		"rating_exempt": exempt, "unsatisfactory_two_years": two,
		"org_excellent": oExc, "org_good": oGood, "org_satisfactory": oSat, "org_unsatisfactory": oUnsat} {
		totals[k] = v
	}
	totals["rated"] = exc + good + sat + unsat
	totals["org_rated"] = oExc + oGood + oSat + oUnsat
	return totals, nil
}

// unrated lists the cells of unit's subtree on asOf without a rating for year, neither their own
// nor a predecessor's (by asOf): Missing without quarters.
func unrated(ctx context.Context, q pg.Querier, unit int64, asOf time.Time, year int) ([]Missing, error) {
	return readMissing(q.Query(ctx, `
		WITH RECURSIVE `+org.SubtreeCTE+`,
		cells AS (SELECT id AS top, id FROM sub WHERE kind IN `+org.CellKindsSQL+`),`+org.OriginCTE("cells")+`
		SELECT cells.id, u.code, (SELECT name FROM party_version_at(cells.id, $2)), '{}'::int[]
		FROM cells JOIN party_unit u ON u.id = cells.id
		WHERE NOT EXISTS (SELECT 1 FROM origin o JOIN quality_rating r ON r.cell_id = o.cell_id AND r.year = $3 WHERE o.top = cells.id)
		ORDER BY u.code`, []int64{unit}, asOf, year))
}

// overCap lists the cells (the rated ones among the origins of unit's subtree on asOf) whose
// excellent members for year are above the cap rule in force (quality.CapRule.Exceeded): Value
// is their excellent, Total the most the rule allows.
func overCap(ctx context.Context, q pg.Querier, unit int64, asOf time.Time, year int, rule quality.CapRule) ([]Excess, error) {
	rows, err := q.Query(ctx, `
		WITH RECURSIVE `+org.SubtreeCTE+`,
		cells AS (SELECT id AS top, id FROM sub WHERE kind IN `+org.CellKindsSQL+`),`+org.OriginCTE("cells")+`
		SELECT DISTINCT r.cell_id, u.code, (SELECT name FROM party_version_at(r.cell_id, $2)), r.excellent, r.good
		FROM origin o JOIN quality_rating r ON r.cell_id = o.cell_id AND r.year = $3 JOIN party_unit u ON u.id = r.cell_id
		ORDER BY u.code`, []int64{unit}, asOf, year)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Excess
	for rows.Next() {
		var e Excess
		var m quality.Members
		if err := rows.Scan(&e.ID, &e.Code, &e.Name, &m.Excellent, &m.Good); err != nil {
			return nil, err
		}
		if rule.Exceeded(m) {
			e.Part, e.Whole, e.Value, e.Total = "excellent", "good", m.Excellent, rule.Allowed(m)
			out = append(out, e)
		}
	}
	return out, rows.Err()
}
