package report

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"ptdang/internal/apperr"
	"ptdang/internal/exchange"
	"ptdang/internal/format"
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
	Unchanged int               // rows equal to a report already submitted or approved
	Problems  exchange.Problems // when not empty, nothing was written
}

var errRollback = errors.New("rollback")

// ImportFigures reads a quarter's figures for many cells and submits each report on the cell's
// behalf, checked as a submission is (unusual values are taken as confirmed: the paper was
// signed). All or nothing: any problem, or a dry run, writes nothing.
//
// An import is recorded as what it is: a revision "import" by the importing user at the real
// time of the import. Lateness is decided by today, the day of the import, never by the
// "Ngày nộp" a file states (that date is only kept in the revision's note). A quarter that has
// not ended on today is refused. A locked period is refused too, unless historic is set: province
// staff loading past years' paper reports, which are then marked late (docs/import.md).
func ImportFigures(ctx context.Context, db pg.Beginner, scope org.Scope, r io.Reader, filename string, dryRun, historic bool, today time.Time) (ImportResult, error) {
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
			unchanged, err := importRow(ctx, tx, scope, row, historic, today)
			if err != nil {
				return err
			}
			if unchanged {
				res.Unchanged++
				continue
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
		res.Submitted, res.Unchanged = 0, 0
	}
	return res, err
}

// importRow submits one row's report; unchanged tells that the row equals the report already
// submitted or approved (as an export of it does), which is left alone.
func importRow(ctx context.Context, tx pgx.Tx, scope org.Scope, row *exchange.Row, historic bool, today time.Time) (unchanged bool, err error) {
	year, _ := row.Int("year")
	quarter, _ := row.Int("quarter")
	p := Period{Year: int(year), Quarter: int(quarter)}
	if !p.Valid() && len(row.Problems()) == 0 {
		row.Problemf("quarter", "quý phải từ 1 đến 4 và năm hợp lệ")
	}
	if len(row.Problems()) == 0 {
		if err := CheckEnded(p, today); err != nil {
			row.Problemf("quarter", "%s", err.(NotEndedError).Message())
		}
	}
	paperDate, hasPaperDate := row.Date("submitted_on")
	figs := Figures{}
	for _, f := range Fields {
		n, _ := row.Int(f.Key)
		figs[f.Key] = int(n)
	}
	if len(row.Problems()) > 0 {
		return false, nil
	}
	code := row.Text("cell_code")
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

// ExportFigures returns the reports of p already submitted, approved or accepted, of every cell
// within scope on the quarter's last day, in the layout of FiguresTable and in Vietnamese order
// of the cells' names: the file ImportFigures reads back unchanged. Drafts and returned reports
// are left out: imported, a row is a submission. The submission date is the day it was made,
// in Vietnam.
func ExportFigures(ctx context.Context, q pg.Querier, scope org.Scope, p Period) (exchange.Sheet, error) {
	sheet := exchange.Sheet{Table: FiguresTable}
	if !p.Valid() {
		return sheet, apperr.ErrNotFound
	}
	rows, err := q.Query(ctx, `
		SELECT u.code, r.submitted_at, r.`+strings.ReplaceAll(columns, ", ", ", r.")+`
		FROM quarterly_report r
		JOIN party_unit u ON u.id = r.cell_id
		CROSS JOIN LATERAL party_version_at(u.id, $1) v
		WHERE r.year = $2 AND r.quarter = $3 AND r.state IN ('submitted', 'approved', 'accepted')
			AND ($4::bigint[] IS NULL OR party_in_scope(u.id, $4, $1))
		ORDER BY v.name COLLATE "vi-x-icu", u.code`, p.End().AddDate(0, 0, -1), p.Year, p.Quarter, scope.SQLRoots())
	if err != nil {
		return sheet, err
	}
	for rows.Next() {
		var (
			code      string
			submitted *time.Time
			vals      = make([]int, len(Fields))
		)
		dest := []any{&code, &submitted}
		for i := range vals {
			dest = append(dest, &vals[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return sheet, err
		}
		cells := []any{code, p.Year, p.Quarter, nil}
		if submitted != nil {
			d := submitted.In(format.Zone)
			cells[3] = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
		}
		for _, v := range vals {
			cells = append(cells, v)
		}
		sheet.Rows = append(sheet.Rows, cells)
	}
	return sheet, rows.Err()
}
