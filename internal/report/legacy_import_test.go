package report

// The per-row import, as it stood before ImportFigures became set-based (about ten round trips
// a row). It is kept here, in a test file only, so that a test can show both give the same
// stored rows, revisions, audit entries and problems.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/jackc/pgx/v5"

	"ptdang/internal/apperr"
	"ptdang/internal/exchange"
	"ptdang/internal/org"
	"ptdang/internal/pg"
)

// importFiguresPerRow is ImportFigures as it was before it became set-based: it reads a quarter's figures for many cells and submits each report on the cell's
// behalf, checked as a submission is (unusual values are taken as confirmed: the paper was
// signed). All or nothing: any problem, or a dry run, writes nothing.
//
// An import is recorded as what it is: a revision "import" by the importing user at the real
// time of the import. Lateness is decided by today, the day of the import, never by the
// "Ngày nộp" a file states (that date is only kept in the revision's note). A quarter that has
// not ended on today is refused. A locked period is refused too, unless historic is set: province
// staff loading past years' paper reports, which are then marked late (docs/import.md).
func importFiguresPerRow(ctx context.Context, db pg.Beginner, scope org.Scope, r io.Reader, filename string, dryRun, historic bool, today time.Time) (ImportResult, error) {
	var res ImportResult
	im := exchange.Import{Tables: []exchange.Table{FiguresTable}, MaxBytes: org.MaxImportBytes,
		Apply: func(ctx context.Context, tx pgx.Tx, tables [][]*exchange.Row, _ *exchange.Progress) error {
			for _, row := range tables[0] {
				unchanged, err := importRowPerRow(ctx, tx, scope, row, historic, today)
				if err != nil {
					return err
				}
				if unchanged {
					res.Unchanged++
				} else if len(row.Problems()) == 0 {
					res.Submitted++
				}
			}
			return nil
		}}
	problems, err := im.Run(ctx, db, r, filename, dryRun)
	if len(problems) > 0 {
		res = ImportResult{}
	}
	res.DryRun, res.Problems = dryRun, problems
	return res, err
}

// importRowPerRow submits one row's report; unchanged tells that the row equals the report already
// submitted or approved (as an export of it does), which is left alone.
func importRowPerRow(ctx context.Context, tx pgx.Tx, scope org.Scope, row *exchange.Row, historic bool, today time.Time) (unchanged bool, err error) {
	// Reading a row's period and figures has not changed since: the set-based import's own.
	item := parseImportRow(row, today)
	if item == nil {
		return false, nil
	}
	p, figs, code := item.period, item.figs, item.code
	paperDate, hasPaperDate := item.paper, !item.paper.IsZero()
	cell, err := org.GetPartyUnitByCode(ctx, tx, scope, code, p.End().AddDate(0, 0, -1))
	if errors.Is(err, apperr.ErrNotFound) {
		row.Problemf("cell_code", "không có chi bộ mã %q trong phạm vi đồng chí quản lý", code)
		return false, nil
	}
	if err != nil {
		return false, err
	}
	cur, err := Get(ctx, tx, scope, cell.ID, p)
	if errors.Is(err, apperr.ErrNotFound) {
		row.Problemf("cell_code", "%q không phải là chi bộ", code)
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if !cur.State.Editable() && cur.Figures.Equal(figs) {
		return true, nil
	}
	if !cur.State.Editable() {
		row.Problemf("", "báo cáo %s của %s đã gửi hoặc đã duyệt (%s); không ghi đè", p, cell.Name, cur.State.Label())
		return false, nil
	}
	// The paper's date decides nothing (a file could back-date it); it is kept as a note, and
	// only a date that could be true is taken. (A row left unchanged above is not checked: an
	// export states the day the report was really submitted.)
	var note string
	if hasPaperDate {
		switch d := paperDate; {
		case d.Before(p.End()):
			row.Problemf("submitted_on", "ngày nộp %s trước khi %s kết thúc", d.Format("02/01/2006"), p)
			return false, nil
		case d.After(today):
			row.Problemf("submitted_on", "ngày nộp %s sau ngày nhập tệp", d.Format("02/01/2006"))
			return false, nil
		}
		note = "Ngày nộp trên giấy: " + paperDate.Format("02/01/2006")
	}
	// write runs in a savepoint of tx: a refused row leaves nothing behind.
	_, err = write(ctx, tx, scope, cell.ID, p, Entry{Version: cur.Version, Figures: figs, OnBehalf: true, Confirm: true, Note: note}, today, "import", Submitted, historic)
	var inv *apperr.Invalid
	switch {
	case err == nil:
	case errors.As(err, &inv):
		for field, msg := range inv.Fields {
			row.Problemf(field, "%s", msg)
		}
	case errors.Is(err, ErrLocked):
		row.Problemf("", "%s đã khóa sổ với %s", p, cell.Name)
	case errors.Is(err, apperr.ErrConflict), errors.Is(err, apperr.ErrForbidden):
		row.Problemf("", "báo cáo %s của %s vừa được người khác sửa hoặc gửi; xin nhập lại tệp", p, cell.Name)
	default:
		return false, fmt.Errorf("row %d: %w", row.Number(), err)
	}
	return false, nil
}
