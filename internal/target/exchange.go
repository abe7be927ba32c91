package target

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"ptdang/internal/apperr"
	"ptdang/internal/exchange"
	"ptdang/internal/format"
	"ptdang/internal/org"
	"ptdang/internal/pg"
)

// Table is the layout of a targets file (docs/targets.md): one row per unit and year.
var Table = exchange.Table{Sheet: "Chỉ tiêu kết nạp", Columns: []exchange.Column{
	{Key: "code", Header: "Mã đơn vị", Required: true},
	{Key: "name", Header: "Tên đơn vị"},
	{Key: "parent_code", Header: "Mã cấp trên"},
	{Key: "year", Header: "Năm", Required: true},
	{Key: "target", Header: "Chỉ tiêu"},
	{Key: "share", Header: "Tỷ lệ"},
	{Key: "basis", Header: "Tính trên"},
	{Key: "base", Header: "Số đảng viên làm căn cứ"},
	{Key: "reason", Header: "Lý do điều chỉnh"},
}}

// MaxImportBytes bounds an uploaded targets file.
const MaxImportBytes = 20 << 20

const (
	yearStartLabel = "Đầu năm"
	termStartLabel = "Đầu nhiệm kỳ"
)

func basisChoices() map[string]string {
	return map[string]string{yearStartLabel: string(ShareOfYear), termStartLabel: string(ShareOfTerm)}
}

func basisLabel(b Basis) string {
	switch b {
	case ShareOfYear:
		return yearStartLabel
	case ShareOfTerm:
		return termStartLabel
	}
	return ""
}

// ImportReport says what an import did, or would do on a dry run.
type ImportReport struct {
	exchange.Outcome
	Created, Updated, Removed, Unchanged int
	Changes                              []string // one line per changed row
}

// importRow is one parsed row of a targets file.
type importRow struct {
	row    *exchange.Row
	unit   org.PartyUnit // on the year's AsOf
	year   int
	entry  Entry
	reason string
	// share and target as written, to check that they agree
	hasShare, hasTarget bool
}

// groupKey names the rows one unit allocates in a year with one reason: its children's targets,
// and its own when it is the top of its tree.
type groupKey struct {
	unit   int64
	year   int
	reason string
}

// Import sets the targets in a targets file (.xlsx with the sheet of Table, or .csv), each row
// as if entered on the allocation page of the unit's parent, by the same rules: who may set
// which target, the lock date and its reason, and, once the whole file is applied, strict
// allocation. It is all-or-nothing: every problem is reported with sheet, row and column, and
// with any problem, or on a dry run, nothing is written. An empty Chỉ tiêu and Tỷ lệ removes a
// target; an export imported back changes nothing. The error is the database's or the upload's.
func Import(ctx context.Context, db pg.Beginner, scope org.Scope, r io.Reader, filename string, dryRun bool, today time.Time) (ImportReport, error) {
	var rep ImportReport
	im := exchange.Import{Tables: []exchange.Table{Table}, MaxBytes: MaxImportBytes,
		Apply: func(ctx context.Context, tx pgx.Tx, tables [][]*exchange.Row, p *exchange.Progress) error {
			return (&importer{ctx: ctx, tx: tx, scope: scope, today: today, rep: &rep, progress: p}).run(tables[0])
		}}
	return exchange.RunInto(ctx, db, im, r, filename, dryRun, &rep)
}

type importer struct {
	ctx      context.Context
	tx       pgx.Tx
	scope    org.Scope
	today    time.Time
	rep      *ImportReport
	progress *exchange.Progress
}

func (im *importer) run(rows []*exchange.Row) error {
	var (
		order  []groupKey
		groups = map[groupKey][]*importRow{}
		seen   = map[[2]int64]int{}
	)
	for _, row := range rows {
		ir, key, err := im.parse(row)
		if err != nil {
			return err
		}
		im.progress.Checked(1)
		if ir == nil {
			continue
		}
		k := [2]int64{ir.unit.ID, int64(ir.year)}
		if first, dup := seen[k]; dup {
			row.Problemf("code", "đơn vị này đã có chỉ tiêu năm %d ở dòng %d", ir.year, first)
			continue
		}
		seen[k] = row.Number()
		if _, ok := groups[key]; !ok {
			order = append(order, key)
		}
		groups[key] = append(groups[key], ir)
	}
	for _, key := range order {
		if err := im.apply(key, groups[key]); err != nil {
			return err
		}
	}
	// Strict allocation is judged on the file as a whole: rows of one allocation may be spread
	// over the file, and a province may enter its total and its communes' in any order.
	checked := map[[2]int64]bool{}
	for _, key := range order {
		k := [2]int64{key.unit, int64(key.year)}
		if checked[k] {
			continue
		}
		checked[k] = true
		a, err := getAllocation(im.ctx, im.tx, im.scope, key.unit, key.year, false)
		if errors.Is(err, apperr.ErrNotFound) {
			continue // its rows already have their problem
		}
		if err != nil {
			return err
		}
		if !a.Settings.Strict || !a.Mismatch() {
			continue
		}
		for _, g := range order {
			if g.unit == key.unit && g.year == key.year {
				for _, ir := range groups[g] {
					ir.row.Problemf("target", "%s", a.StrictMessage())
				}
			}
		}
	}
	return nil
}

// parse reads one row and finds its unit; it returns nil when the row has problems.
func (im *importer) parse(row *exchange.Row) (*importRow, groupKey, error) {
	ir := &importRow{row: row}
	year, ok := row.Int("year")
	if ok && (year < 2000 || year > 2100) {
		row.Problemf("year", "năm %d nằm ngoài khoảng 2000–2100", year)
	}
	ir.year = int(year)
	number, hasTarget := row.Int("target")
	ir.hasTarget = hasTarget
	if row.Text("share") != "" {
		if f, ok := row.Decimal("share"); ok {
			s, ok := ShareFromFraction(f)
			if !ok || f > 1 || f <= 0 {
				row.Problemf("share", "%q không phải là tỷ lệ hợp lệ: ghi dạng 3 %% hoặc 0,03 (lớn hơn 0, không quá 100 %%, tối đa hai chữ số thập phân của phần trăm)", row.Text("share"))
			}
			ir.entry.Share, ir.hasShare = s, true
		}
	}
	basis := ShareOfYear
	if row.Text("basis") != "" {
		if b, ok := row.Choice("basis", basisChoices()); ok {
			basis = Basis(b)
		}
	}
	base, hasBase := row.Int("base")
	ir.reason = cleanReason(row.Text("reason"))
	if len(row.Problems()) > 0 {
		return nil, groupKey{}, nil
	}
	code := row.Text("code")
	u, err := org.GetPartyUnitByCode(im.ctx, im.tx, im.scope, code, yearStart(ir.year))
	if errors.Is(err, apperr.ErrNotFound) {
		row.Problemf("code", "không có tổ chức đảng mã %q trong phạm vi đồng chí quản lý", code)
		return nil, groupKey{}, nil
	}
	if err != nil {
		return nil, groupKey{}, err
	}
	if ir.unit, err = org.GetPartyUnit(im.ctx, im.tx, im.scope, u.ID, AsOf(u, ir.year)); err != nil {
		return nil, groupKey{}, err
	}
	switch {
	case ir.hasShare:
		ir.entry.Basis = basis
		ir.entry.Base = int(base)
		if !hasBase {
			ir.entry.Base = -1 // the default, known once the allocation is read
		}
	case hasTarget:
		ir.entry.Basis, ir.entry.Number = Number, int(number)
	default:
		ir.entry.Clear = true
	}
	if ir.hasShare && hasTarget {
		ir.entry.Number = int(number) // checked against the share once the base is known
	}
	ir.entry.UnitID = ir.unit.ID
	key := groupKey{unit: ir.unit.ParentID, year: ir.year, reason: ir.reason}
	if key.unit == 0 {
		key.unit = ir.unit.ID
	}
	return ir, key, nil
}

// apply sets the targets of one group's rows as the allocation page of key.unit would.
func (im *importer) apply(key groupKey, rows []*importRow) error {
	ctx, tx := im.ctx, im.tx
	a, err := getAllocation(ctx, tx, im.scope, key.unit, key.year, false)
	if errors.Is(err, apperr.ErrNotFound) {
		for _, ir := range rows {
			ir.row.Problemf("code", "chỉ tiêu của đơn vị này do cấp trên giao; đồng chí không quản lý cấp trên của đơn vị")
		}
		return nil
	}
	if err != nil {
		return err
	}
	children := map[int64]Child{}
	for _, c := range a.Children {
		children[c.Unit.ID] = c
	}
	in := AllocationInput{Unit: key.unit, Year: key.year, Reason: key.reason}
	byUnit := map[int64]*importRow{}
	for _, ir := range rows {
		var cur Target
		members := 0
		if ir.unit.ID == key.unit {
			cur, members = a.Total, a.Members
		} else if c, ok := children[ir.unit.ID]; ok {
			cur, members = c.Target, c.Members
		} else {
			ir.row.Problemf("parent_code", "đơn vị không trực thuộc %s vào ngày %s", a.Unit.Name, format.Date(a.AsOf))
			continue
		}
		e := ir.entry
		if e.Base == -1 {
			e.Base = members
			if cur.Set() && cur.Basis.IsShare() {
				e.Base = cur.Base // an export leaves the base as recorded
			}
		}
		if ir.hasShare {
			typed := e.Number
			e = e.normalise()
			if ir.hasTarget && typed != e.Number {
				ir.row.Problemf("target", "%s khác chỉ tiêu tính theo tỷ lệ (%s × %s, làm tròn lên: %s); để trống cột này hoặc sửa cho khớp",
					format.Int(int64(typed)), e.Share, format.Int(int64(e.Base)), format.Int(int64(e.Number)))
				continue
			}
		} else {
			e = e.normalise()
		}
		e.Version = cur.Version
		byUnit[ir.unit.ID] = ir
		switch {
		case !e.differs(cur):
			im.rep.Unchanged++
		case e.Clear:
			im.rep.Removed++
			im.change(ir, "bỏ chỉ tiêu %s", format.Int(int64(cur.Number)))
		case cur.Set():
			im.rep.Updated++
			im.change(ir, "%s → %s", format.Int(int64(cur.Number)), describe(e))
		default:
			im.rep.Created++
			im.change(ir, "giao %s", describe(e))
		}
		if ir.unit.ID == key.unit {
			in.Total = &e
		} else {
			in.Children = append(in.Children, e)
		}
	}
	if in.Total == nil && len(in.Children) == 0 {
		return nil
	}
	_, _, err = allocate(ctx, tx, im.scope, in, im.today, false)
	var inv *apperr.Invalid
	switch {
	case err == nil:
		return nil
	case errors.As(err, &inv):
		for field, msg := range inv.Fields {
			for id, ir := range byUnit {
				switch {
				case field == "reason":
					ir.row.Problemf("reason", "%s", msg)
				case field == "total" && id == key.unit, field == UnitField(id):
					col := "target"
					if ir.hasShare {
						col = "share"
					}
					ir.row.Problemf(col, "%s", msg)
				}
			}
		}
		return nil
	case errors.Is(err, apperr.ErrForbidden):
		for _, ir := range byUnit {
			if a.Settings.Locked(im.today) {
				ir.row.Problemf("code", "chỉ tiêu năm %d đã khóa từ ngày %s; chỉ Ban Tổ chức Tỉnh ủy được điều chỉnh", key.year, format.Date(*a.Settings.LockDate))
			} else {
				ir.row.Problemf("code", "chỉ tiêu của đơn vị này do cấp trên giao; đồng chí không quản lý cấp trên của đơn vị")
			}
		}
		return nil
	case errors.Is(err, apperr.ErrConflict):
		for _, ir := range byUnit {
			ir.row.Problemf("", "chỉ tiêu vừa bị người khác sửa trong lúc nhập; xin nhập lại")
		}
		return nil
	}
	return err
}

func (im *importer) change(ir *importRow, f string, args ...any) {
	im.rep.Changes = append(im.rep.Changes, fmt.Sprintf("dòng %d, %s năm %d: ", ir.row.Number(), ir.unit.Code, ir.year)+fmt.Sprintf(f, args...))
}

// unitsCTE lists, as units (id, depth), unit $1 and every unit below it on $2.
const unitsCTE = `
		WITH units AS (
			SELECT $1::bigint AS id, 0 AS depth
			UNION ALL
			SELECT id, depth FROM party_descendants($1, $2)
		)`

// Export returns the targets for year of unit and every unit below it (as the tree stood on
// AsOf), within scope, in tree order: the file Import reads back unchanged, and the template
// to fill in. The unit must be within scope: apperr.ErrNotFound otherwise.
func Export(ctx context.Context, q pg.Querier, scope org.Scope, unit int64, year int) (exchange.Sheet, error) {
	sheet := exchange.Sheet{Table: Table}
	if year < 2000 || year > 2100 {
		return sheet, apperr.ErrNotFound
	}
	u, err := org.GetPartyUnit(ctx, q, scope, unit, yearStart(year))
	if err != nil {
		return sheet, err
	}
	d := AsOf(u, year)
	rows, err := q.Query(ctx, unitsCTE+`
		SELECT x.id, COALESCE(v.parent_id, 0), p.code, v.name, COALESCE(pp.code, ''),
			COALESCE(t.target, -1), COALESCE((t.share * 100)::int, 0), COALESCE(t.basis, ''), COALESCE(t.base, 0)
		FROM units x
		JOIN party_unit p ON p.id = x.id
		CROSS JOIN LATERAL party_version_at(x.id, $2) v
		LEFT JOIN party_unit pp ON pp.id = v.parent_id
		LEFT JOIN admission_target t ON t.unit_id = x.id AND t.year = $3
		ORDER BY x.depth, v.name COLLATE "vi-x-icu", p.code`, u.ID, d, year)
	if err != nil {
		return sheet, err
	}
	type line struct {
		id, parent int64
		cells      []any
	}
	var lines []line
	for rows.Next() {
		var (
			l                  line
			code, name, parent string
			number, base       int
			share              Share
			basis              Basis
		)
		if err := rows.Scan(&l.id, &l.parent, &code, &name, &parent, &number, &share, &basis, &base); err != nil {
			return sheet, err
		}
		l.cells = []any{code, name, parent, year, nil, nil, nil, nil, nil}
		if number >= 0 {
			l.cells[4] = number
		}
		if basis.IsShare() {
			l.cells[5], l.cells[6], l.cells[7] = share.String(), basisLabel(basis), base
		}
		lines = append(lines, l)
	}
	if err := rows.Err(); err != nil {
		return sheet, err
	}
	// Tree order: each unit followed by the units below it, siblings in Vietnamese order.
	below := map[int64][]line{}
	for _, l := range lines[1:] {
		below[l.parent] = append(below[l.parent], l)
	}
	var walk func(l line, depth int)
	walk = func(l line, depth int) {
		sheet.Rows = append(sheet.Rows, l.cells)
		if depth < 32 {
			for _, c := range below[l.id] {
				walk(c, depth+1)
			}
		}
	}
	if len(lines) > 0 {
		walk(lines[0], 0)
	}
	return sheet, nil
}

// FileName is the name an export of unit's targets for year is downloaded as.
func FileName(code string, year int, ext string) string {
	return "chi-tieu-" + code + "-" + strconv.Itoa(year) + "." + ext
}
