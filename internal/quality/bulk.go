package quality

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// BulkRating is one cell's ratings of its members for a year, as a bulk load writes them (a
// generated data set); OwnRating is the cell's own category, empty when not rated.
type BulkRating struct {
	CellID    int64
	Year      int
	Members   Members
	OwnRating Category
}

// CopyRatings writes the ratings next returns, until it returns false, with one COPY: no audit
// entry and no cap check (a bulk load stands for ratings already made). Each must hold by
// Members.Check, for a year from FirstYear to LastYear, with a valid or empty own rating; the
// first that does not is an error naming its cell and year. It returns the number written.
func CopyRatings(ctx context.Context, tx pgx.Tx, next func() (BulkRating, bool)) (int64, error) {
	cols := []string{"cell_id", "year"}
	for _, f := range memberFields {
		cols = append(cols, f.key)
	}
	cols = append(cols, "own_rating")
	row := make([]any, len(cols))
	return tx.CopyFrom(ctx, pgx.Identifier{"quality_rating"}, cols, pgx.CopyFromFunc(func() ([]any, error) {
		r, ok := next()
		if !ok {
			return nil, nil
		}
		errs := r.Members.Check()
		if r.Year < FirstYear || r.Year > LastYear || (r.OwnRating != "" && !r.OwnRating.Valid()) || len(errs) > 0 {
			return nil, fmt.Errorf("rating of cell %d for %d: year, own rating %q or counts invalid %v", r.CellID, r.Year, r.OwnRating, errs)
		}
		row[0], row[1] = r.CellID, int32(r.Year)
		for i, f := range memberFields {
			row[2+i] = int32(*f.of(&r.Members))
		}
		row[len(row)-1] = nil
		if r.OwnRating != "" {
			row[len(row)-1] = string(r.OwnRating)
		}
		return row, nil
	}))
}
