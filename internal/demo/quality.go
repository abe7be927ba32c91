package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"

	"ptdang/internal/format"
	"ptdang/internal/quality"
)

// The quality part: the ratings of every reporting cell for the two years ended before the
// load day's, through the quality package's bulk path. Most cells rate nearly all their members
// good or better, one in ten has an unsatisfactory member, and the excellent stay within the cap.
var qualityPart = Part{Name: "quality", Load: func(ctx context.Context, tx pgx.Tx) (string, error) {
	y := time.Now().Year()
	// Members rated: the closing count of the cell's last report of the year, else its members;
	// only cells that stood on 31 December.
	rows, err := tx.Query(ctx, `
		SELECT u.id, y.year,
			COALESCE((SELECT r.closing FROM quarterly_report r WHERE r.cell_id = u.id AND r.year = y.year
				ORDER BY r.quarter DESC LIMIT 1), u.full_members)
		FROM party_unit u CROSS JOIN (VALUES ($1::int), ($2::int)) y (year)
		WHERE u.id IN (SELECT cell_id FROM quarterly_report)
		  AND EXISTS (SELECT 1 FROM party_unit_version v WHERE v.unit_id = u.id
			AND v.valid_from <= make_date(y.year, 12, 31) AND (v.valid_to IS NULL OR v.valid_to > make_date(y.year, 12, 31)))
		ORDER BY y.year, u.code`, y-2, y-1)
	if err != nil {
		return "", err
	}
	rng := rand.New(rand.NewPCG(qualitySeed[0], qualitySeed[1]))
	ratings, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (quality.BulkRating, error) {
		var (
			b       quality.BulkRating
			members int
		)
		err := r.Scan(&b.CellID, &b.Year, &members)
		b.Members, b.OwnRating = demoRating(rng, members)
		return b, err
	})
	if err != nil {
		return "", err
	}
	n, err := quality.CopyRatings(ctx, tx, each(ratings))
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("xếp loại chất lượng %d, %d: %s lượt chi bộ", y-2, y-1, format.Int(n)), nil
}}

// qualitySeed fixes the generator: every load rates the same way.
var qualitySeed = [2]uint64{2024, 1231}

// demoRating rates a cell of members and gives the cell's own rating.
func demoRating(rng *rand.Rand, members int) (quality.Members, quality.Category) {
	var m quality.Members
	m.Exempt = members * rng.IntN(6) / 100
	rated := members - m.Exempt
	if rated > 3 && rng.IntN(10) == 0 {
		m.Unsatisfactory = 1
	}
	m.Satisfactory = rated * (5 + rng.IntN(20)) / 100
	goodOrBetter := rated - m.Satisfactory - m.Unsatisfactory
	// At most 20 % of those rated good or better: within the cap.
	m.Excellent = goodOrBetter * rng.IntN(21) / 100
	m.Good = goodOrBetter - m.Excellent
	own := []quality.Category{quality.Excellent, quality.Good, quality.Good, quality.Good, quality.Good, quality.Satisfactory}[rng.IntN(6)]
	if m.Unsatisfactory > 0 {
		own = quality.Satisfactory
	}
	return m, own
}
