package report

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// BulkReport is one quarterly report as a bulk load writes it (a generated data set, the demo's
// history): already at its state, with the days it reached each step.
type BulkReport struct {
	CellID  int64
	Period  Period
	State   State // Draft, Submitted, Returned, Approved or Accepted
	Figures Figures
	// The days the report was submitted, approved and accepted; zero for a step not reached.
	SubmittedAt, ApprovedAt, AcceptedAt time.Time
	Late                                bool
	ReturnedReason                      string
}

// bulkColumns are the columns CopyReports writes, the figures in Fields order after the
// workflow's; the id comes from the table, in the order the reports are given.
var bulkColumns = func() []string {
	cols := []string{"cell_id", "year", "quarter", "state", "submitted_at", "late", "approved_at", "accepted_at", "returned_reason"}
	for _, f := range Fields {
		cols = append(cols, f.Key)
	}
	return cols
}()

// CopyReports writes the reports next returns, until it returns false, with one COPY: no
// workflow, no revision and no audit entry, for loads that stand for history rather than a
// user's action. Each report must meet the rules its state demands (Check from submission on,
// the ranges for a draft); the first that does not is an error naming its cell and quarter, and
// the caller's transaction should be rolled back. next may reuse its Figures map: each report
// is read before the next is asked for. It returns the number of reports written.
func CopyReports(ctx context.Context, tx pgx.Tx, next func() (BulkReport, bool)) (int64, error) {
	row := make([]any, len(bulkColumns))
	return tx.CopyFrom(ctx, pgx.Identifier{"quarterly_report"}, bulkColumns, pgx.CopyFromFunc(func() ([]any, error) {
		r, ok := next()
		if !ok {
			return nil, nil
		}
		rules := Submitted // every state after a draft's holds the figures submitted
		if r.State == Draft {
			rules = Draft
		}
		if err := checkEntry(r.Figures, rules).Err(); err != nil {
			return nil, fmt.Errorf("cell %d, %s: %w", r.CellID, r.Period, err)
		}
		row[0], row[1], row[2], row[3] = r.CellID, int32(r.Period.Year), int32(r.Period.Quarter), string(r.State)
		row[4], row[5], row[6], row[7], row[8] = nullTime(r.SubmittedAt), r.Late, nullTime(r.ApprovedAt), nullTime(r.AcceptedAt), r.ReturnedReason
		for i, f := range Fields {
			row[9+i] = int32(r.Figures[f.Key])
		}
		return row, nil
	}))
}

// BulkSettings are a province's reporting rules as a bulk load writes them.
type BulkSettings struct {
	ProvinceID int64
	Settings
}

// CopySettings writes the reporting rules of new provinces with one COPY, unaudited; a
// province that has rules already is an error.
func CopySettings(ctx context.Context, tx pgx.Tx, settings []BulkSettings) (int64, error) {
	return tx.CopyFrom(ctx, pgx.Identifier{"report_setting"}, []string{"province_id", "deadline_days", "grace_days", "two_step"},
		pgx.CopyFromSlice(len(settings), func(i int) ([]any, error) {
			s := settings[i]
			return []any{s.ProvinceID, s.DeadlineDays, s.GraceDays, s.TwoStep}, nil
		}))
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}
