package quality

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/jackc/pgx/v5"

	"ptdang/internal/apperr"
	"ptdang/internal/audit"
	"ptdang/internal/exchange"
	"ptdang/internal/format"
	"ptdang/internal/org"
	"ptdang/internal/pg"
)

// MaxImportBytes bounds an uploaded ratings file.
const MaxImportBytes = 20 << 20

// memberHeader is the column header of a member count: "Đảng viên – Hoàn thành tốt nhiệm vụ".
func memberHeader(f memberField) string { return "Đảng viên – " + f.label }

// Table is the layout of a ratings file (docs/import.md): one row per cell and year, one
// column per category of members, and the cell's own category.
var Table = func() exchange.Table {
	t := exchange.Table{Sheet: "Xếp loại chất lượng", Columns: []exchange.Column{
		{Key: "cell_code", Header: "Mã chi bộ", Required: true},
		{Key: "cell_name", Header: "Tên chi bộ"},
		{Key: "year", Header: "Năm", Required: true},
	}}
	for _, f := range memberFields {
		t.Columns = append(t.Columns, exchange.Column{Key: f.key, Header: memberHeader(f)})
	}
	t.Columns = append(t.Columns, exchange.Column{Key: "own_rating", Header: "Xếp loại chi bộ"})
	return t
}()

// ImportResult says what a ratings import did, or would do on a dry run.
type ImportResult struct {
	exchange.Outcome
	Created, Updated, Unchanged int
	// OverCap lists, one line per row, the cells whose excellent count is above the cap of
	// their year. They are taken (the rating was decided), and counted by Summarise.
	OverCap []string
}

// Import reads a year's ratings of many cells from an .xlsx file (the sheet of Table) or a
// .csv file and upserts them by cell code and year. Every cell must be a cell in scope on 31
// December of the year. It is all-or-nothing: every problem is reported with sheet, row and
// column, and with any problem, or on a dry run, nothing is written. Each row written is
// audited in the scope's actor's name. The error is the database's or the upload's.
//
// Checks per row: whole numbers of 0 or more (empty reads as 0), a year from 2018, no more
// members unsatisfactory two years running than unsatisfactory, the cell's category one of the
// four labels, the cell and year once in the file, and, when the cell's fourth-quarter report
// of the year was submitted, no more members rated or exempt than its closing count.
func Import(ctx context.Context, db pg.Beginner, scope org.Scope, r io.Reader, filename string, dryRun bool) (ImportResult, error) {
	var res ImportResult
	im := exchange.Import{Tables: []exchange.Table{Table}, MaxBytes: MaxImportBytes,
		Apply: func(ctx context.Context, tx pgx.Tx, tables [][]*exchange.Row, p *exchange.Progress) error {
			im := importer{ctx: ctx, tx: tx, scope: scope, filename: filename, res: &res, seen: map[string]int{}, rules: map[int]CapRule{}}
			for _, row := range tables[0] {
				if err := im.row(row); err != nil {
					return err
				}
				p.Checked(1)
			}
			return nil
		}}
	return exchange.RunInto(ctx, db, im, r, filename, dryRun, &res)
}

type importer struct {
	ctx      context.Context
	tx       pgx.Tx
	scope    org.Scope
	filename string
	res      *ImportResult
	seen     map[string]int // "cell id/year" → the row that had it first
	rules    map[int]CapRule
}

func (im *importer) row(row *exchange.Row) error {
	ctx, tx := im.ctx, im.tx
	year, ok := row.Int("year")
	if ok && (year < FirstYear || year > LastYear) {
		row.Problemf("year", "năm %d không nhận: từ năm %d mới dùng bốn mức xếp loại hiện nay (trước đó dùng tên mức khác); năm phải từ %d đến %d",
			year, FirstYear, FirstYear, LastYear)
	}
	var m Members
	for _, f := range memberFields {
		n, _ := row.Int(f.key)
		*f.of(&m) = int(n)
	}
	for key, msg := range m.Check() {
		row.Problemf(key, "%s", msg)
	}
	var own Category
	if code, ok := row.Choice("own_rating", exchange.Choices(Categories...)); ok {
		own = Category(code)
	}
	if len(row.Problems()) > 0 {
		return nil
	}
	code := row.Text("cell_code")
	cell, err := org.GetPartyUnitByCode(ctx, tx, im.scope, code, yearEnd(int(year)))
	if errors.Is(err, apperr.ErrNotFound) {
		row.Problemf("cell_code", "không có chi bộ mã %q trong phạm vi đồng chí quản lý", code)
		return nil
	}
	if err != nil {
		return err
	}
	if !cell.Kind.IsCell() {
		row.Problemf("cell_code", "%q là %s, không phải là chi bộ; chỉ nhập xếp loại của từng chi bộ", code, strings.ToLower(cell.Kind.Label()))
		return nil
	}
	key := fmt.Sprintf("%d/%d", cell.ID, year)
	if first, dup := im.seen[key]; dup {
		row.Problemf("cell_code", "chi bộ %s đã có xếp loại năm %d ở dòng %d", code, year, first)
		return nil
	}
	im.seen[key] = row.Number()
	if err := im.checkMembers(row, cell, int(year), m); err != nil || len(row.Problems()) > 0 {
		return err
	}

	cur, err := getRating(ctx, tx, cell.ID, int(year), true)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		var id int64
		err = tx.QueryRow(ctx, `
			INSERT INTO quality_rating (cell_id, year, excellent, good, satisfactory, unsatisfactory, exempt, unsatisfactory_two_years, own_rating, updated_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULLIF($9, ''), NULLIF($10, 0))
			ON CONFLICT (cell_id, year) DO NOTHING
			RETURNING id`, cell.ID, year, m.Excellent, m.Good, m.Satisfactory, m.Unsatisfactory, m.Exempt, m.UnsatisfactoryTwoYears,
			string(own), im.scope.Actor.UserID).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			// Another import stored this cell's year after this one looked: never overwrite what
			// this import did not see.
			row.Problemf("cell_code", "xếp loại năm %d của %s vừa được người khác nhập cùng lúc; xin xem lại rồi nhập lại tệp", year, cell.Name)
			return nil
		}
		if err != nil {
			return err
		}
		im.res.Created++
		if err := im.audit("create", id, cell, int(year), nil, snapshot(m, own)); err != nil {
			return err
		}
	case err != nil:
		return err
	case cur.Members == m && cur.Own == own:
		im.res.Unchanged++
	default:
		tag, err := tx.Exec(ctx, `
			UPDATE quality_rating SET excellent = $3, good = $4, satisfactory = $5, unsatisfactory = $6, exempt = $7,
				unsatisfactory_two_years = $8, own_rating = NULLIF($9, ''), updated_by = NULLIF($10, 0), updated_at = now(),
				version = version + 1
			WHERE cell_id = $1 AND year = $2 AND version = $11`, cell.ID, year, m.Excellent, m.Good, m.Satisfactory, m.Unsatisfactory, m.Exempt,
			m.UnsatisfactoryTwoYears, string(own), im.scope.Actor.UserID, cur.Version)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 { // cannot happen while getRating holds the row; never overwrite unseen
			row.Problemf("cell_code", "xếp loại năm %d của %s vừa được người khác nhập cùng lúc; xin xem lại rồi nhập lại tệp", year, cell.Name)
			return nil
		}
		im.res.Updated++
		if err := im.audit("update", cur.ID, cell, int(year), snapshot(cur.Members, cur.Own), snapshot(m, own)); err != nil {
			return err
		}
	}
	return im.noteCap(row, cell, int(year), m)
}

// checkMembers compares the members rated or exempt with the closing count of the cell's
// fourth-quarter report of the year, when one was submitted.
func (im *importer) checkMembers(row *exchange.Row, cell org.PartyUnit, year int, m Members) error {
	var closing int
	err := im.tx.QueryRow(im.ctx, `
		SELECT closing FROM quarterly_report WHERE cell_id = $1 AND year = $2 AND quarter = 4 AND state <> 'draft'`,
		cell.ID, year).Scan(&closing)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	if total := m.Rated() + m.Exempt; total > closing {
		row.Problemf("", "số đảng viên được xếp loại và miễn sinh hoạt (%s) nhiều hơn số đảng viên cuối quý 4/%d của %s (%s) theo báo cáo quý",
			format.Int(int64(total)), year, cell.Name, format.Int(int64(closing)))
	}
	return nil
}

// noteCap lists the row among OverCap when the cell's excellent count is above its year's cap.
func (im *importer) noteCap(row *exchange.Row, cell org.PartyUnit, year int, m Members) error {
	rule, ok := im.rules[year]
	if !ok {
		var err error
		if rule, err = CapRuleFor(im.ctx, im.tx, year); err != nil {
			return err
		}
		im.rules[year] = rule
	}
	if rule.Exceeded(m) {
		im.res.OverCap = append(im.res.OverCap, fmt.Sprintf("Dòng %d: %s năm %d có %d đảng viên hoàn thành xuất sắc nhiệm vụ, vượt mức tối đa %d (%s)",
			row.Number(), cell.Name, year, m.Excellent, rule.Allowed(m), rule.Describe()))
	}
	return nil
}

// snapshot is a rating as the audit log keeps it.
func snapshot(m Members, own Category) map[string]any {
	s := map[string]any{"excellent": m.Excellent, "good": m.Good, "satisfactory": m.Satisfactory,
		"unsatisfactory": m.Unsatisfactory, "exempt": m.Exempt, "unsatisfactory_two_years": m.UnsatisfactoryTwoYears}
	if own != "" {
		s["own_rating"] = own
	}
	return s
}

func (im *importer) audit(action string, id int64, cell org.PartyUnit, year int, old, nw map[string]any) error {
	e := audit.Entry{Action: action, Entity: "quality_rating", EntityID: id, UnitID: cell.ID,
		Label: fmt.Sprintf("%s năm %d", cell.Code, year), New: nw,
		Reason: "Nhập từ tệp " + im.filename}
	if old != nil {
		e.Old = old
	}
	return audit.Record(im.ctx, im.tx, im.scope.Actor, e)
}

// Export returns the ratings of year of every cell within scope on 31 December of the year, in
// the layout of Table and in Vietnamese order of the cells' names: the file Import reads back
// unchanged. It returns only database errors.
func Export(ctx context.Context, q pg.Querier, scope org.Scope, year int) (exchange.Sheet, error) {
	sheet := exchange.Sheet{Table: Table}
	counts := make([]string, len(memberFields))
	for i, f := range memberFields {
		counts[i] = "r." + f.key
	}
	rows, err := q.Query(ctx, `
		SELECT u.code, v.name, `+strings.Join(counts, ", ")+`, COALESCE(r.own_rating, '')
		FROM quality_rating r
		JOIN party_unit u ON u.id = r.cell_id
		CROSS JOIN LATERAL party_version_at(u.id, $1) v
		WHERE r.year = $2 AND ($3::bigint[] IS NULL OR party_in_scope(u.id, $3, $1))
		ORDER BY v.name COLLATE "vi-x-icu", u.code`, yearEnd(year), year, scope.SQLRoots())
	if err != nil {
		return sheet, err
	}
	for rows.Next() {
		var (
			code, name string
			own        Category
			n          = make([]int, len(memberFields))
		)
		dest := []any{&code, &name}
		for i := range n {
			dest = append(dest, &n[i])
		}
		if err := rows.Scan(append(dest, &own)...); err != nil {
			return sheet, err
		}
		cells := []any{code, name, year}
		for _, v := range n {
			cells = append(cells, v)
		}
		sheet.Rows = append(sheet.Rows, append(cells, own.Label()))
	}
	return sheet, rows.Err()
}
