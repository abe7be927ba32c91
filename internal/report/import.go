package report

import (
	"bytes"
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

// FiguresTable is the layout of a bulk import of quarterly figures: one row per cell and
// quarter, one column per figure (headers are the form's labels), for provinces that still
// collect on paper. docs/import.md describes it.
var FiguresTable = func() exchange.Table {
	t := exchange.Table{Sheet: "Báo cáo quý", Columns: []exchange.Column{
		{Key: "cell_code", Header: "Mã chi bộ", Required: true},
		{Key: "year", Header: "Năm", Required: true},
		{Key: "quarter", Header: "Quý", Required: true},
		{Key: "submitted_on", Header: "Ngày nộp"},
	}}
	for _, s := range Sections {
		for _, f := range s.Fields {
			t.Columns = append(t.Columns, exchange.Column{Key: f.Key, Header: columnHeader(s, f)})
		}
	}
	return t
}()

// columnHeader makes a figure's column header unique: labels such as "Nữ" repeat across sections.
func columnHeader(s Section, f Field) string {
	return s.Title[3:] + " – " + f.Label
}

// ImportResult says what a figures import did, or would do on a dry run.
type ImportResult struct {
	DryRun    bool
	Submitted int
	Problems  exchange.Problems // when not empty, nothing was written
}

var errRollback = errors.New("rollback")

// ImportFigures reads a quarter's figures for many cells and submits each report on the cell's
// behalf, checked as a submission is (unusual values are taken as confirmed: the paper was
// signed). All or nothing: any problem, or a dry run, writes nothing. An optional submission
// date decides lateness; without it, today does.
func ImportFigures(ctx context.Context, db pg.Beginner, scope org.Scope, r io.Reader, filename string, dryRun bool, today time.Time) (ImportResult, error) {
	res := ImportResult{DryRun: dryRun}
	data, err := io.ReadAll(io.LimitReader(r, org.MaxImportBytes+1))
	if err != nil {
		return res, err
	}
	rows, problems := exchange.Read(bytes.NewReader(data), filename, FiguresTable, org.MaxImportBytes)
	if res.Problems = problems; len(problems) > 0 {
		return res, nil
	}
	err = pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		for _, row := range rows {
			if err := importRow(ctx, tx, scope, row, today); err != nil {
				return err
			}
			for _, p := range row.Problems() {
				p.Sheet = FiguresTable.Sheet
				res.Problems = append(res.Problems, p)
			}
			if len(row.Problems()) == 0 {
				res.Submitted++
			}
		}
		if len(res.Problems) > 0 || dryRun {
			return errRollback
		}
		return nil
	})
	if errors.Is(err, errRollback) {
		err = nil
	}
	if len(res.Problems) > 0 {
		res.Submitted = 0
	}
	return res, err
}

func importRow(ctx context.Context, tx pgx.Tx, scope org.Scope, row *exchange.Row, today time.Time) error {
	year, _ := row.Int("year")
	quarter, _ := row.Int("quarter")
	p := Period{Year: int(year), Quarter: int(quarter)}
	if !p.Valid() && len(row.Problems()) == 0 {
		row.Problemf("quarter", "quý phải từ 1 đến 4 và năm hợp lệ")
	}
	if d, ok := row.Date("submitted_on"); ok {
		today = d
	}
	figs := Figures{}
	for _, f := range Fields {
		n, _ := row.Int(f.Key)
		figs[f.Key] = int(n)
	}
	if len(row.Problems()) > 0 {
		return nil
	}
	code := row.Text("cell_code")
	cell, err := org.GetPartyUnitByCode(ctx, tx, scope, code, p.End().AddDate(0, 0, -1))
	if errors.Is(err, apperr.ErrNotFound) {
		row.Problemf("cell_code", "không có chi bộ mã %q trong phạm vi đồng chí quản lý", code)
		return nil
	}
	if err != nil {
		return err
	}
	cur, err := Get(ctx, tx, scope, cell.ID, p)
	if errors.Is(err, apperr.ErrNotFound) {
		row.Problemf("cell_code", "%q không phải là chi bộ", code)
		return nil
	}
	if err != nil {
		return err
	}
	if !cur.State.Editable() {
		row.Problemf("", "báo cáo %s của %s đã gửi hoặc đã duyệt (%s); không ghi đè", p, cell.Name, cur.State.Label())
		return nil
	}
	// write runs in a savepoint of tx: a refused row leaves nothing behind.
	_, err = write(ctx, tx, scope, cell.ID, p, Entry{Version: cur.Version, Figures: figs, OnBehalf: true, Confirm: true}, today, "import", Submitted)
	var inv *apperr.Invalid
	switch {
	case err == nil:
	case errors.As(err, &inv):
		for field, msg := range inv.Fields {
			row.Problemf(field, "%s", msg)
		}
	case errors.Is(err, ErrLocked):
		row.Problemf("", "%s đã khóa sổ với %s", p, cell.Name)
	default:
		return fmt.Errorf("row %d: %w", row.Number(), err)
	}
	return nil
}
