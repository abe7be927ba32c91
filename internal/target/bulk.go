package target

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// BulkTarget is a unit's admission target for a year, set as a number, as a bulk load writes it
// (a generated data set).
type BulkTarget struct {
	UnitID int64
	Year   int
	Target int
}

// BulkSettings are a province's target rules as a bulk load writes them; the thresholds of
// progress keep their defaults.
type BulkSettings struct {
	ProvinceID       int64
	StrictAllocation bool
}

// CopyTargets writes targets and the provinces' settings with one COPY each, unaudited and
// unchecked against the allocation rules; a target or setting already there is an error. It
// returns the number of rows written.
func CopyTargets(ctx context.Context, tx pgx.Tx, settings []BulkSettings, targets []BulkTarget) (int64, error) {
	n, err := tx.CopyFrom(ctx, pgx.Identifier{"target_setting"}, []string{"province_id", "strict_allocation"},
		pgx.CopyFromSlice(len(settings), func(i int) ([]any, error) {
			return []any{settings[i].ProvinceID, settings[i].StrictAllocation}, nil
		}))
	if err != nil {
		return n, err
	}
	m, err := tx.CopyFrom(ctx, pgx.Identifier{"admission_target"}, []string{"unit_id", "year", "basis", "target"},
		pgx.CopyFromSlice(len(targets), func(i int) ([]any, error) {
			t := targets[i]
			return []any{t.UnitID, int32(t.Year), "number", int32(t.Target)}, nil
		}))
	return n + m, err
}
