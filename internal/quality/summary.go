package quality

import (
	"context"
	"time"

	"ptdang/internal/apperr"
	"ptdang/internal/org"
	"ptdang/internal/pg"
)

// Summary is a year's quality ratings summed over the cells of one unit's subtree.
type Summary struct {
	UnitID int64
	Year   int
	// Members are the members of the subtree's cells by rating (Rated, SatisfactoryOrBetter and
	// ShareSatisfactoryOrBetter come with it), the exempt, and the unsatisfactory two years
	// running.
	Members
	// CellsExpected are the cells of the subtree on the as-of date; Cells those of them with a
	// rating for the year.
	CellsExpected, Cells int
	// CellsOverCap are the cells whose excellent count is above Cap (see CapRule.Exceeded).
	CellsOverCap int
	// Organisations counts the cells' own ratings by category; OrganisationsNotRated the cells
	// with a rating of their members but none of their own.
	Organisations         map[Category]int
	OrganisationsNotRated int
	// Cap is the rule on "excellent" in force for the year.
	Cap CapRule
}

// Summarise sums year's ratings, for each of units (Party units in scope on asOf), over the
// cells of the unit's subtree on asOf; a unit that is itself a cell sums its own rating. Every
// unit gets a Summary, zero when nothing is rated. A unit that does not exist or is out of
// scope is apperr.ErrNotFound. Ratings are not restated across merges (see the package
// comment): a cell closed before asOf does not count.
//
// Formula (DOMAIN.md): quality = members rated satisfactory or better / members rated —
// Agencies bloc: above 99 % (e.g. 1.242 / 1.250 = 99,36 %), none unsatisfactory two years
// running.
func Summarise(ctx context.Context, q pg.Querier, scope org.Scope, units []int64, year int, asOf time.Time) (map[int64]Summary, error) {
	out := make(map[int64]Summary, len(units))
	if len(units) == 0 {
		return out, nil
	}
	var missing int
	err := q.QueryRow(ctx, `
		SELECT count(*) FROM unnest($1::bigint[]) t
		WHERE NOT EXISTS (SELECT 1 FROM party_unit u WHERE u.id = t) OR NOT party_in_scope(t, $2, $3)`,
		units, scope.SQLRoots(), asOf).Scan(&missing)
	if err != nil {
		return nil, err
	}
	if missing > 0 {
		return nil, apperr.ErrNotFound
	}
	rule, err := CapRuleFor(ctx, q, year)
	if err != nil {
		return nil, err
	}
	for _, u := range units {
		out[u] = Summary{UnitID: u, Year: year, Cap: rule, Organisations: map[Category]int{}}
	}
	rows, err := q.Query(ctx, `
		WITH RECURSIVE `+org.SubtreeCTE+`,
		cell AS (
			SELECT DISTINCT sub.top, sub.id FROM sub WHERE sub.kind IN `+org.CellKindsSQL+`
		)
		SELECT cell.top, count(*), count(r.id),
			COALESCE(sum(r.excellent), 0), COALESCE(sum(r.good), 0), COALESCE(sum(r.satisfactory), 0),
			COALESCE(sum(r.unsatisfactory), 0), COALESCE(sum(r.exempt), 0), COALESCE(sum(r.unsatisfactory_two_years), 0),
			count(r.id) FILTER (WHERE r.excellent::bigint * 10000 >
				$4::bigint * (r.good + CASE WHEN $5 THEN r.excellent ELSE 0 END)),
			count(r.id) FILTER (WHERE r.own_rating = 'excellent'),
			count(r.id) FILTER (WHERE r.own_rating = 'good'),
			count(r.id) FILTER (WHERE r.own_rating = 'satisfactory'),
			count(r.id) FILTER (WHERE r.own_rating = 'unsatisfactory'),
			count(r.id) FILTER (WHERE r.own_rating IS NULL)
		FROM cell
		LEFT JOIN quality_rating r ON r.cell_id = cell.id AND r.year = $3
		GROUP BY cell.top`, units, asOf, year, rule.hundredths(), rule.Base != GoodOnly)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			top             int64
			s               Summary
			exc, good, sat  int
			unsat, notRated int
		)
		err := rows.Scan(&top, &s.CellsExpected, &s.Cells,
			&s.Excellent, &s.Good, &s.Satisfactory, &s.Unsatisfactory, &s.Exempt, &s.UnsatisfactoryTwoYears,
			&s.CellsOverCap, &exc, &good, &sat, &unsat, &notRated)
		if err != nil {
			return nil, err
		}
		s.UnitID, s.Year, s.Cap, s.OrganisationsNotRated = top, year, rule, notRated
		s.Organisations = map[Category]int{Excellent: exc, Good: good, Satisfactory: sat, Unsatisfactory: unsat}
		out[top] = s
	}
	return out, rows.Err()
}

// OrganisationsRated is the number of cells rated as organisations, every category.
func (s Summary) OrganisationsRated() int {
	n := 0
	for _, c := range Categories {
		n += s.Organisations[c]
	}
	return n
}
