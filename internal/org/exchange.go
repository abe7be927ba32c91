package org

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"ptdang/internal/apperr"
	"ptdang/internal/exchange"
	"ptdang/internal/pg"
)

// The structure workbook (docs/import.md): one sheet per table. A .csv file holds one table.
var (
	AdminTable = exchange.Table{Sheet: "Đơn vị hành chính", Columns: []exchange.Column{
		{Key: "code", Header: "Mã", Required: true},
		{Key: "name", Header: "Tên", Required: true},
		{Key: "level", Header: "Cấp", Required: true},
		{Key: "local_word", Header: "Gọi là"},
		{Key: "parent_code", Header: "Mã cấp trên"},
		{Key: "from", Header: "Ngày hiệu lực", Required: true},
		{Key: "to", Header: "Ngày hết hiệu lực"},
		{Key: "population", Header: "Số dân"},
		{Key: "households", Header: "Số hộ"},
		{Key: "religious_share", Header: "Tỷ lệ có đạo"},
		{Key: "ethnic_minority_share", Header: "Tỷ lệ dân tộc thiểu số"},
	}}
	PartyTable = exchange.Table{Sheet: "Tổ chức đảng", Columns: []exchange.Column{
		{Key: "code", Header: "Mã", Required: true},
		{Key: "name", Header: "Tên", Required: true},
		{Key: "kind", Header: "Cấp tổ chức", Required: true},
		{Key: "org_type", Header: "Loại hình", Required: true},
		{Key: "parent_code", Header: "Mã cấp trên"},
		{Key: "from", Header: "Ngày thành lập", Required: true},
		{Key: "to", Header: "Ngày giải thể"},
		{Key: "full_members", Header: "Số đảng viên chính thức"},
		{Key: "committee_since", Header: "Có chi ủy từ ngày"},
		{Key: "term_months", Header: "Nhiệm kỳ (tháng)"},
		{Key: "territory_code", Header: "Mã địa bàn"},
	}}
	LinkTable = exchange.Table{Sheet: "Thôn - chi bộ", Columns: []exchange.Column{
		{Key: "hamlet_code", Header: "Mã thôn", Required: true},
		{Key: "cell_code", Header: "Mã chi bộ"},
		{Key: "mode", Header: "Hình thức", Required: true},
		{Key: "from", Header: "Từ ngày", Required: true},
		{Key: "secretary_is_head", Header: "Bí thư kiêm trưởng thôn"},
	}}
	// StructureTables are the sheets of a structure workbook, in import order: administrative
	// units first (Party units name their territory), links last.
	StructureTables = []exchange.Table{AdminTable, PartyTable, LinkTable}
)

// MaxImportBytes bounds an uploaded structure file.
const MaxImportBytes = 20 << 20

const noMemberLabel = "Chưa có đảng viên"

func modeChoices() map[string]string {
	return map[string]string{OwnCell.Label(): string(OwnCell), CombinedCell.Label(): string(CombinedCell), noMemberLabel: "none"}
}

// ImportReport says what an import did, or would do on a dry run.
type ImportReport struct {
	exchange.Outcome
	Created, Updated, Unchanged, Closed int
	Changes                             []string // one line per changed row
}

// ImportStructure upserts, by code, the units and links of a structure workbook (.xlsx with the
// three sheets of StructureTables) or of a .csv file holding table. It is all-or-nothing: every
// problem is reported with sheet, row and column, and with any problem, or on a dry run, nothing
// is written. New codes create units; known codes correct them (as UpdatePartyUnit does); a
// closing date closes them. A parent may come later in the file than its children. The error
// is the database's or the upload's.
func ImportStructure(ctx context.Context, db pg.Beginner, scope Scope, r io.Reader, filename string, csvTable exchange.Table, dryRun bool) (ImportReport, error) {
	var rep ImportReport
	im := exchange.Import{Tables: StructureTables, CSV: csvTable, MaxBytes: MaxImportBytes, Check: repeatedRows,
		Apply: func(ctx context.Context, tx pgx.Tx, tables [][]*exchange.Row, p *exchange.Progress) error {
			sheet := func(i int) string { return StructureTables[i].Sheet }
			if len(tables) == 1 {
				sheet = func(int) string { return csvTable.Sheet }
			}
			return (&importer{ctx: ctx, tx: tx, scope: scope, rep: &rep, progress: p}).tables(tables, sheet)
		}}
	return exchange.RunInto(ctx, db, im, r, filename, dryRun, &rep)
}

// tables applies the rows of each table, named by sheet, in order.
func (im *importer) tables(tables [][]*exchange.Row, sheet func(int) string) error {
	for i, rows := range tables {
		var err error
		switch sheet(i) {
		case AdminTable.Sheet:
			err = im.inDependencyOrder(rows, im.admin)
		case PartyTable.Sheet:
			err = im.inDependencyOrder(rows, im.party)
		case LinkTable.Sheet:
			for _, row := range rows {
				if err = im.link(row); err != nil {
					break
				}
				im.progress.Checked(1)
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// repeatedRows finds the rows of t that repeat an earlier row's code (a link: its hamlet and date).
// Such a file was merged silently, the last row winning; now it is refused, naming both rows.
func repeatedRows(t exchange.Table, rows []*exchange.Row) exchange.Problems {
	var ps exchange.Problems
	first := map[string]int{} // key → row number where it first appears
	for _, row := range rows {
		var column, key, what string
		if t.Sheet == LinkTable.Sheet {
			column, key = "hamlet_code", row.Text("hamlet_code")+"\x00"+row.Text("from")
			what = fmt.Sprintf("thôn %q từ ngày %s", row.Text("hamlet_code"), row.Text("from"))
		} else {
			column, key = "code", row.Text("code")
			what = fmt.Sprintf("mã %q", key)
		}
		if row.Text(column) == "" {
			continue // the row's own problem says the cell is empty
		}
		if n, seen := first[key]; seen {
			header := column
			for _, c := range t.Columns {
				if c.Key == column {
					header = c.Header
				}
			}
			ps = append(ps, exchange.Problem{Sheet: t.Sheet, Row: row.Number(), Column: header,
				Message: fmt.Sprintf("%s trùng với dòng %d; mỗi đơn vị chỉ ghi một dòng", what, n)})
			continue
		}
		first[key] = row.Number()
	}
	return ps
}

type importer struct {
	ctx      context.Context
	tx       pgx.Tx
	scope    Scope
	rep      *ImportReport
	progress *exchange.Progress
}

// inDependencyOrder handles each row once its parent, if the file also holds it, is done.
func (im *importer) inDependencyOrder(rows []*exchange.Row, handle func(*exchange.Row) error) error {
	pending := map[string]bool{}
	for _, row := range rows {
		pending[row.Text("code")] = true
	}
	done := make([]bool, len(rows))
	for progress := true; progress; {
		progress = false
		for i, row := range rows {
			if done[i] || (pending[row.Text("parent_code")] && row.Text("parent_code") != row.Text("code")) {
				continue
			}
			if err := handle(row); err != nil {
				return err
			}
			im.progress.Checked(1)
			done[i], progress = true, true
			delete(pending, row.Text("code"))
		}
	}
	for i, row := range rows {
		if !done[i] {
			row.Problemf("parent_code", "các đơn vị trong tệp lấy nhau làm cấp trên theo vòng tròn")
		}
	}
	return nil
}

// step runs one use case in a savepoint; its field errors become problems of the row (fields
// names the column of each domain field), and false tells the row failed.
func (im *importer) step(row *exchange.Row, fields map[string]string, f func() error) (bool, error) {
	err := f()
	var inv *apperr.Invalid
	switch {
	case err == nil:
		return true, nil
	case errors.As(err, &inv):
		for field, msg := range inv.Fields {
			col, ok := fields[field]
			if !ok {
				col = ""
			}
			row.Problemf(col, "%s", msg)
		}
		return false, nil
	case errors.Is(err, apperr.ErrConflict):
		row.Problemf("", "đơn vị vừa bị người khác sửa trong lúc nhập; xin nhập lại")
		return false, nil
	}
	return false, err
}

func (im *importer) change(row *exchange.Row, sheet, format string, args ...any) {
	im.rep.Changes = append(im.rep.Changes, fmt.Sprintf("%s, dòng %d: ", sheet, row.Number())+fmt.Sprintf(format, args...))
}

func optDate(row *exchange.Row, key string) *time.Time {
	if row.Text(key) == "" {
		return nil
	}
	d, ok := row.Date(key)
	if !ok {
		return nil
	}
	return &d
}

func sameDate(a, b *time.Time) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && a.Equal(*b))
}

var partyFieldColumns = map[string]string{"code": "code", "name": "name", "kind": "kind", "org_type": "org_type",
	"parent_id": "parent_code", "from": "from", "on": "to", "full_members": "full_members",
	"committee_since": "committee_since", "term_months": "term_months"}

func (im *importer) party(row *exchange.Row) error {
	ctx, tx := im.ctx, im.tx
	in, to, id, err := im.partyInput(row)
	if err != nil || len(row.Problems()) > 0 {
		return err
	}
	in.normalise()
	// The row describes a new unit or one version of an existing unit: the current one, or, in
	// an export as of a past date, the one of then, with its parent, name and kind of then.
	d, refused, err := describedUnit(im, partyTables, id, in.ParentID, versionKey(in.Name, string(in.Kind), string(in.OrgType)),
		GetPartyUnit, row, "khác cấp trên hiện nay (%s) và mọi cấp trên trước đây; để chuyển trực thuộc, dùng chức năng Chuyển trực thuộc")
	if err != nil || refused {
		return err
	}
	if !d.inScope { // a new code; for a unit out of scope, creating it is refused as a used code
		return im.create(row, PartyTable.Sheet, partyFieldColumns, in.Code, in.Name, func() error { return createParty(ctx, tx, im.scope, in, to) })
	}
	cur := d.cur
	if !cur.Life.From.Equal(in.From) {
		row.Problemf("from", "khác ngày thành lập đã ghi (%s); ngày thành lập không sửa qua nhập tệp", cur.Life.From.Format("02/01/2006"))
	}
	if !d.latest && (cur.Name != in.Name || cur.Kind != in.Kind || cur.OrgType != in.OrgType) {
		row.Problemf("name", "khác tên, cấp tổ chức hoặc loại hình đã ghi từ %s (%s, %s); nhập tệp chỉ sửa phiên bản hiện nay của đơn vị",
			cur.Span.From.Format("02/01/2006"), cur.Name, strings.ToLower(cur.Kind.Label()))
	}
	if len(row.Problems()) > 0 {
		return nil
	}
	if !d.latest {
		// The versioned fields are those of an earlier version; a correction of the undated
		// ones keeps the current version as it is.
		now, err := GetPartyUnit(ctx, tx, im.scope, cur.ID, d.latestFrom)
		if err != nil {
			return err
		}
		cur.Name, cur.Kind, cur.OrgType = now.Name, now.Kind, now.OrgType
		in.Name, in.Kind, in.OrgType = now.Name, now.Kind, now.OrgType
	}
	changed := cur.Name != in.Name || cur.Kind != in.Kind || cur.OrgType != in.OrgType || cur.FullMembers != in.FullMembers ||
		cur.TermMonths != in.TermMonths || !sameDate(cur.CommitteeSince, in.CommitteeSince) || cur.TerritoryID != in.TerritoryID
	return im.correct(row, PartyTable.Sheet, partyFieldColumns, in.Code, in.Name, cur.Version, changed, cur.Life.To, to,
		func(version int) error {
			_, err := UpdatePartyUnit(ctx, tx, im.scope, cur.ID, version, in, d.latestFrom)
			return err
		},
		func(version int) error { return ClosePartyUnit(ctx, tx, im.scope, cur.ID, version, *to) })
}

// createParty creates a Party unit, closed at once when to is set.
func createParty(ctx context.Context, tx pgx.Tx, scope Scope, in PartyUnitInput, to *time.Time) error {
	id, _, err := CreatePartyUnit(ctx, tx, scope, in)
	if err == nil && to != nil {
		err = ClosePartyUnit(ctx, tx, scope, id, 1, *to)
	}
	return err
}

// partyInput reads a Party unit row: the unit it describes, its closing date if any, and the id
// of the unit with its code (0 for a new code). Problems are left on the row.
func (im *importer) partyInput(row *exchange.Row) (in PartyUnitInput, to *time.Time, id int64, err error) {
	kind, _ := row.Choice("kind", exchange.Choices(Kinds...))
	orgType, _ := row.Choice("org_type", exchange.Choices(OrgTypes...))
	from, _ := row.Date("from")
	members, _ := row.Int("full_members")
	term := int64(60)
	if row.Text("term_months") != "" {
		term, _ = row.Int("term_months")
	}
	in = PartyUnitInput{Code: row.Text("code"), Name: row.Text("name"), Kind: Kind(kind), OrgType: OrgType(orgType),
		From: from, FullMembers: int(members), TermMonths: int(term), CommitteeSince: optDate(row, "committee_since")}
	if id, err = im.idByCode(partyTables, in.Code); err != nil {
		return in, nil, 0, err
	}
	if in.ParentID, err = im.parentID(row, partyTables, id, from, "tổ chức đảng"); err != nil {
		return in, nil, 0, err
	}
	if in.TerritoryID, err = im.codeID(row, "territory_code", adminTables, &from, "đơn vị hành chính"); err != nil {
		return in, nil, 0, err
	}
	return in, optDate(row, "to"), id, nil
}

// parentID is the id of the unit of t named in the row's parent_code, for the unit id (0: a new
// unit) founded on from. An existing unit's parent is only compared, never changed: it is found
// by code alone, as the unit may have moved under it long after its founding date.
func (im *importer) parentID(row *exchange.Row, t tables, id int64, from time.Time, what string) (int64, error) {
	if id != 0 {
		return im.codeID(row, "parent_code", t, nil, what)
	}
	return im.codeID(row, "parent_code", t, &from, what)
}

// codeID is the id of the unit of t whose code is in column key: one in scope on *on, or any
// unit with the code when on is nil. It is 0 when the cell is empty, and 0 with a problem
// naming what (the kind of unit wanted) when there is no such unit.
func (im *importer) codeID(row *exchange.Row, key string, t tables, on *time.Time, what string) (int64, error) {
	code := row.Text(key)
	if code == "" {
		return 0, nil
	}
	var id int64
	var err error
	if on == nil {
		id, err = t.idByCode(im.ctx, im.tx, code)
	} else {
		var u Unit
		u, err = unitReader(t.tree).byCode(im.ctx, im.tx, im.scope, code, *on)
		id = u.ID
	}
	if errors.Is(err, apperr.ErrNotFound) {
		row.Problemf(key, "không có %s mã %q", what, code)
		return 0, nil
	}
	return id, err
}

// idByCode is the id of the unit of t with code, or 0 when there is none.
func (im *importer) idByCode(t tables, code string) (int64, error) {
	id, err := t.idByCode(im.ctx, im.tx, code)
	if errors.Is(err, apperr.ErrNotFound) {
		return 0, nil
	}
	return id, err
}

// create runs a row's creation of a unit in one step, and counts it.
func (im *importer) create(row *exchange.Row, sheet string, fields map[string]string, code, name string, create func() error) error {
	ok, err := im.step(row, fields, create)
	if ok {
		im.rep.Created++
		im.change(row, sheet, "thêm %s %s", code, name)
	}
	return err
}

// correct runs a row's correction (when changed) and closing (when to differs from the unit's
// end, stored) of an existing unit at version in one step, and counts them.
func (im *importer) correct(row *exchange.Row, sheet string, fields map[string]string, code, name string, version int,
	changed bool, stored, to *time.Time, update, close func(version int) error) error {
	closing := to != nil && !sameDate(stored, to)
	if !changed && !closing {
		im.rep.Unchanged++
		return nil
	}
	ok, err := im.step(row, fields, func() error {
		if changed {
			if err := update(version); err != nil {
				return err
			}
			version++
		}
		if closing {
			return close(version)
		}
		return nil
	})
	if ok && changed {
		im.rep.Updated++
		im.change(row, sheet, "sửa %s %s", code, name)
	}
	if ok && closing {
		im.rep.Closed++
		im.change(row, sheet, "giải thể %s từ %s", code, to.Format("02/01/2006"))
	}
	return err
}

var adminFieldColumns = map[string]string{"code": "code", "name": "name", "level": "level", "parent_id": "parent_code",
	"from": "from", "on": "to", "population": "population", "households": "households",
	"religious_share": "religious_share", "ethnic_minority_share": "ethnic_minority_share"}

func optInt(row *exchange.Row, key string) *int {
	if row.Text(key) == "" {
		return nil
	}
	n, ok := row.Int(key)
	if !ok {
		return nil
	}
	v := int(n)
	return &v
}

func optShare(row *exchange.Row, key string) *float64 {
	if row.Text(key) == "" {
		return nil
	}
	v, ok := row.Decimal(key)
	if !ok {
		return nil
	}
	return &v
}

func sameInt(a, b *int) bool { return (a == nil && b == nil) || (a != nil && b != nil && *a == *b) }

func sameShare(a, b *float64) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && fmt.Sprintf("%.4f", *a) == fmt.Sprintf("%.4f", *b))
}

func (im *importer) admin(row *exchange.Row) error {
	ctx, tx := im.ctx, im.tx
	in, to, id, err := im.adminInput(row)
	if err != nil || len(row.Problems()) > 0 {
		return err
	}
	in.normalise()
	d, refused, err := describedUnit(im, adminTables, id, in.ParentID, versionKey(in.Name, in.LocalWord),
		GetAdminUnit, row, "khác đơn vị cấp trên hiện nay (%s) và mọi đơn vị cấp trên trước đây; để chuyển, dùng chức năng Chuyển đơn vị cấp trên")
	if err != nil || refused {
		return err
	}
	if !d.inScope { // as for Party units
		return im.create(row, AdminTable.Sheet, adminFieldColumns, in.Code, in.Name, func() error { return createAdmin(ctx, tx, im.scope, in, to) })
	}
	cur := d.cur
	if !cur.Life.From.Equal(in.From) {
		row.Problemf("from", "khác ngày hiệu lực đã ghi (%s); ngày này không sửa qua nhập tệp", cur.Life.From.Format("02/01/2006"))
	}
	if cur.Level != in.Level {
		row.Problemf("level", "khác cấp đã ghi (%s); cấp hành chính không đổi được", cur.Level.Label())
	}
	if !d.latest && (cur.Name != in.Name || cur.LocalWord != in.LocalWord) {
		row.Problemf("name", "khác tên hoặc tên gọi đã ghi từ %s (%s); nhập tệp chỉ sửa phiên bản hiện nay của đơn vị",
			cur.Span.From.Format("02/01/2006"), cur.Name)
	}
	if len(row.Problems()) > 0 {
		return nil
	}
	if !d.latest {
		now, err := GetAdminUnit(ctx, tx, im.scope, cur.ID, d.latestFrom)
		if err != nil {
			return err
		}
		cur.Name, cur.LocalWord = now.Name, now.LocalWord
		in.Name, in.LocalWord = now.Name, now.LocalWord
	}
	changed := cur.Name != in.Name || cur.LocalWord != in.LocalWord || !sameInt(cur.Population, in.Population) ||
		!sameInt(cur.Households, in.Households) || !sameShare(cur.ReligiousShare, in.ReligiousShare) ||
		!sameShare(cur.EthnicMinorityShare, in.EthnicMinorityShare)
	return im.correct(row, AdminTable.Sheet, adminFieldColumns, in.Code, in.Name, cur.Version, changed, cur.Life.To, to,
		func(version int) error { return UpdateAdminUnit(ctx, tx, im.scope, cur.ID, version, in, d.latestFrom) },
		func(version int) error { return CloseAdminUnit(ctx, tx, im.scope, cur.ID, version, *to) })
}

// createAdmin creates an administrative unit, closed at once when to is set.
func createAdmin(ctx context.Context, tx pgx.Tx, scope Scope, in AdminUnitInput, to *time.Time) error {
	id, err := CreateAdminUnit(ctx, tx, scope, in)
	if err == nil && to != nil {
		err = CloseAdminUnit(ctx, tx, scope, id, 1, *to)
	}
	return err
}

// adminInput reads an administrative unit row as partyInput reads a Party unit's.
func (im *importer) adminInput(row *exchange.Row) (in AdminUnitInput, to *time.Time, id int64, err error) {
	level, _ := row.Choice("level", exchange.Choices(Levels...))
	from, _ := row.Date("from")
	in = AdminUnitInput{Code: row.Text("code"), Name: row.Text("name"), Level: Level(level), LocalWord: row.Text("local_word"), From: from,
		HamletFacts: HamletFacts{Population: optInt(row, "population"), Households: optInt(row, "households"),
			ReligiousShare: optShare(row, "religious_share"), EthnicMinorityShare: optShare(row, "ethnic_minority_share")}}
	if id, err = im.idByCode(adminTables, in.Code); err != nil {
		return in, nil, 0, err
	}
	if in.ParentID, err = im.parentID(row, adminTables, id, from, "đơn vị hành chính"); err != nil {
		return in, nil, 0, err
	}
	return in, optDate(row, "to"), id, nil
}

var linkFieldColumns = map[string]string{"hamlet_id": "hamlet_code", "cell_id": "cell_code", "mode": "mode", "from": "from", "secretary_is_head": "secretary_is_head"}

func (im *importer) link(row *exchange.Row) error {
	ctx, tx := im.ctx, im.tx
	mode, _ := row.Choice("mode", modeChoices())
	from, _ := row.Date("from")
	head, _ := row.Bool("secretary_is_head")
	if len(row.Problems()) == 0 {
		same, err := im.storedLink(row, LinkMode(mode), head, from)
		if err != nil || same {
			return err
		}
	}
	hamlet, err := im.codeID(row, "hamlet_code", adminTables, &from, "thôn, tổ dân phố")
	if err != nil {
		return err
	}
	var cell int64
	switch {
	case mode == "none":
	case row.Text("cell_code") != "":
		if cell, err = im.codeID(row, "cell_code", partyTables, &from, "chi bộ"); err != nil {
			return err
		}
	case mode != "":
		row.Problemf("cell_code", "cần mã chi bộ khi thôn có chi bộ phụ trách")
	}
	if len(row.Problems()) > 0 {
		return nil
	}
	var curCell int64
	var curMode LinkMode
	var curHead bool
	err = tx.QueryRow(ctx, `SELECT cell_id, mode, secretary_is_head FROM hamlet_cell_link WHERE hamlet_id = $1 AND valid_from = $2`, hamlet, from).Scan(&curCell, &curMode, &curHead)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return err
	}
	if err == nil && curCell == cell && curMode == LinkMode(mode) && curHead == (head && cell != 0) {
		im.rep.Unchanged++
		return nil
	}
	if err != nil && cell == 0 {
		var open bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM hamlet_cell_link WHERE hamlet_id = $1 AND valid_from <= $2 AND (valid_to IS NULL OR valid_to > $2))`,
			hamlet, from).Scan(&open); err != nil {
			return err
		}
		if !open {
			im.rep.Unchanged++
			return nil
		}
	}
	ok, err := im.step(row, linkFieldColumns, func() error {
		return SetLink(ctx, tx, im.scope, hamlet, cell, LinkMode(mode), head, from)
	})
	if ok {
		im.rep.Updated++
		im.change(row, LinkTable.Sheet, "thôn %s: %s %s từ %s", row.Text("hamlet_code"), LinkMode(mode).Label(), row.Text("cell_code"), from.Format("02/01/2006"))
	}
	return err
}

// storedLink reports whether the row repeats a stored link, as an export does, with its hamlet in
// scope on its first or last day: a link exported by a commune founded after it began dates from
// before the commune, when the hamlet was not yet under it.
func (im *importer) storedLink(row *exchange.Row, mode LinkMode, head bool, from time.Time) (bool, error) {
	if mode == "none" || row.Text("cell_code") == "" {
		return false, nil
	}
	var same bool
	err := im.tx.QueryRow(im.ctx, `
		SELECT admin_in_scope(l.hamlet_id, $5, l.valid_from) OR admin_in_scope(l.hamlet_id, $5, COALESCE(l.valid_to - 1, current_date))
		FROM hamlet_cell_link l
		JOIN admin_unit h ON h.id = l.hamlet_id
		JOIN party_unit c ON c.id = l.cell_id
		WHERE h.code = $1 AND c.code = $2 AND l.mode = $3 AND l.valid_from = $4 AND l.secretary_is_head = $6`,
		row.Text("hamlet_code"), row.Text("cell_code"), mode, from, im.scope.SQLRoots(), head).Scan(&same)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil || !same {
		return false, err
	}
	im.rep.Unchanged++
	return true, nil
}

// ExportStructure returns the three structure sheets as the tree stood on asOf, within scope:
// the file ImportStructure reads back unchanged. It returns only database errors.
func ExportStructure(ctx context.Context, q pg.Querier, scope Scope, asOf time.Time) ([]exchange.Sheet, error) {
	roots := scope.SQLRoots()
	admin := exchange.Sheet{Table: AdminTable}
	rows, err := q.Query(ctx, `
		SELECT a.code, v.name, a.level, v.local_word, COALESCE(p.code, ''), l.life_from, l.life_to,
			a.population, a.households, a.religious_share::float8, a.ethnic_minority_share::float8
		FROM admin_unit_version v
		JOIN admin_unit a ON a.id = v.unit_id
		LEFT JOIN admin_unit p ON p.id = v.parent_id
		CROSS JOIN LATERAL admin_life(a.id) l
		WHERE v.valid_from <= $1 AND (v.valid_to IS NULL OR v.valid_to > $1) AND ($2::bigint[] IS NULL OR admin_in_scope(a.id, $2, $1))
		ORDER BY array_position(ARRAY['province','district','commune','hamlet'], a.level), v.name COLLATE "vi-x-icu", a.code`, asOf, roots)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var (
			code, name, parent, localWord string
			level                         Level
			from                          time.Time
			to                            *time.Time
			pop, households               *int
			religious, ethnic             *float64
		)
		if err := rows.Scan(&code, &name, &level, &localWord, &parent, &from, &to, &pop, &households, &religious, &ethnic); err != nil {
			return nil, err
		}
		admin.Rows = append(admin.Rows, []any{code, name, level.Label(), localWord, parent, from, optTime(to), optIntValue(pop), optIntValue(households), optFloat(religious), optFloat(ethnic)})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}

	party := exchange.Sheet{Table: PartyTable}
	rows, err = q.Query(ctx, `
		SELECT u.code, v.name, v.kind, v.org_type, COALESCE(p.code, ''), l.life_from, l.life_to,
			u.full_members, u.committee_since, u.term_months, COALESCE(t.code, '')
		FROM party_unit_version v
		JOIN party_unit u ON u.id = v.unit_id
		LEFT JOIN party_unit p ON p.id = v.parent_id
		LEFT JOIN admin_unit t ON t.id = u.territory_id
		CROSS JOIN LATERAL party_life(u.id) l
		WHERE v.valid_from <= $1 AND (v.valid_to IS NULL OR v.valid_to > $1) AND ($2::bigint[] IS NULL OR party_in_scope(u.id, $2, $1))
		ORDER BY array_position(ARRAY['province_committee','district_committee','bloc_committee','commune_committee',
			'grassroots_committee','intermediate_committee','grassroots_cell','affiliated_cell'], v.kind),
			v.name COLLATE "vi-x-icu", u.code`, asOf, roots)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var (
			code, name, parent, territory string
			kind                          Kind
			orgType                       OrgType
			from                          time.Time
			to, committee                 *time.Time
			members, term                 int
		)
		if err := rows.Scan(&code, &name, &kind, &orgType, &parent, &from, &to, &members, &committee, &term, &territory); err != nil {
			return nil, err
		}
		party.Rows = append(party.Rows, []any{code, name, kind.Label(), orgType.Label(), parent, from, optTime(to), members, optTime(committee), term, territory})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}

	links := exchange.Sheet{Table: LinkTable}
	rows, err = q.Query(ctx, `
		SELECT a.code, p.code, l.mode, l.valid_from, l.secretary_is_head
		FROM hamlet_cell_link l
		JOIN admin_unit a ON a.id = l.hamlet_id
		JOIN party_unit p ON p.id = l.cell_id
		CROSS JOIN LATERAL admin_version_at(a.id, $1) v
		WHERE l.valid_from <= $1 AND (l.valid_to IS NULL OR l.valid_to > $1) AND ($2::bigint[] IS NULL OR admin_in_scope(a.id, $2, $1))
		ORDER BY v.name COLLATE "vi-x-icu", a.code`, asOf, roots)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var (
			hamlet, cell string
			mode         LinkMode
			from         time.Time
			head         bool
		)
		if err := rows.Scan(&hamlet, &cell, &mode, &from, &head); err != nil {
			return nil, err
		}
		links.Rows = append(links.Rows, []any{hamlet, cell, mode.Label(), from, head})
	}
	return []exchange.Sheet{admin, party, links}, rows.Err()
}

func optTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return *t
}

func optIntValue(n *int) any {
	if n == nil {
		return nil
	}
	return *n
}

func optFloat(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

// unitVersion is one dated version of a unit, reduced to what a structure row carries of it:
// the parent and a key of the versioned attributes (name, then kind and org type, or local word).
type unitVersion struct {
	from   time.Time
	parent int64
	key    string
}

// versionKey joins the versioned attributes of a row as versionsOf keys them.
func versionKey(attrs ...string) string { return strings.Join(attrs, "\x1f") }

// versionsOf lists unit id's versions, latest first.
func versionsOf(ctx context.Context, q pg.Querier, t tables, id int64) ([]unitVersion, error) {
	rows, err := q.Query(ctx, `
		SELECT valid_from, COALESCE(parent_id, 0), concat_ws(chr(31), name, `+t.attrs+`)
		FROM `+t.version+` WHERE unit_id = $1 ORDER BY valid_from DESC`, id)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (unitVersion, error) {
		var v unitVersion
		err := row.Scan(&v.from, &v.parent, &v.key)
		return v, err
	})
}

// described is the version of an existing unit that a row describes, as describedUnit reads it.
type described[U any] struct {
	cur        U         // the version the row describes
	latest     bool      // it is the current version
	latestFrom time.Time // when the current version began
	inScope    bool      // false: a new code, or a unit out of scope (creating it is refused as a used code)
}

// describedUnit reads, with get, the version of unit id of t that a row with this parent and
// attribute key describes (describedVersion); for id 0, a new code, it reads nothing and d is
// not in scope. When no version had the row's parent, the row gets its problem, refusal worded
// with the current parent's name, and refused is true. It is shared by administrative and
// Party units.
func describedUnit[U interface{ Unit() Unit }](im *importer, t tables, id, parent int64, key string,
	get func(context.Context, pg.Querier, Scope, int64, time.Time) (U, error), row *exchange.Row, refusal string) (d described[U], refused bool, err error) {
	if id == 0 {
		return d, false, nil
	}
	vs, err := versionsOf(im.ctx, im.tx, t, id)
	if err != nil {
		return d, false, err
	}
	v, isLatest, ok := describedVersion(vs, parent, key)
	if !ok {
		now, err := get(im.ctx, im.tx, im.scope, id, vs[0].from)
		if err != nil && !errors.Is(err, apperr.ErrNotFound) {
			return d, false, err
		}
		row.Problemf("parent_code", refusal, now.Unit().ParentName)
		return d, true, nil
	}
	d.latest, d.latestFrom = isLatest, vs[0].from
	d.cur, err = get(im.ctx, im.tx, im.scope, id, v.from)
	if errors.Is(err, apperr.ErrNotFound) {
		return d, false, nil
	}
	d.inScope = err == nil
	return d, false, err
}

// describedVersion picks, among a unit's versions (latest first), the one a row with this
// parent and attribute key describes. An export as of a past date writes the parent and names
// of then, so a row may describe an earlier version: the latest version with the row's parent
// and attributes is the one; failing that, the latest version when it has the row's parent (the
// row corrects it); failing that, the latest version with the row's parent (whose attributes the
// row then contradicts). ok is false when no version had the row's parent.
func describedVersion(vs []unitVersion, parent int64, key string) (v unitVersion, latest, ok bool) {
	match := -1
	for i, v := range vs {
		if v.parent != parent {
			continue
		}
		if v.key == key {
			return v, i == 0, true
		}
		if match < 0 {
			match = i
		}
	}
	switch {
	case match < 0:
		return unitVersion{}, false, false
	case vs[0].parent == parent:
		return vs[0], true, true
	}
	return vs[match], false, true
}
