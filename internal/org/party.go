package org

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/text/unicode/norm"

	"ptdang/internal/apperr"
	"ptdang/internal/audit"
	"ptdang/internal/format"
	"ptdang/internal/pg"
)

// PartyUnit is a Party organisation as it stood on one date.
type PartyUnit struct {
	ID             int64
	Code           string
	Name           string
	Kind           Kind
	OrgType        OrgType
	ParentID       int64 // 0 at the top of the tree
	ParentName     string
	Span           Span // of the version shown
	Life           Span // from the first version's start to the last one's end
	TerritoryID    int64
	TermMonths     int
	CommitteeSince *time.Time
	FullMembers    int
	Version        int // for optimistic locking of edits
	Children       int // child units on the date (list queries only)
}

// HasCommittee reports whether the cell had elected a committee (chi ủy) by date d.
func (u PartyUnit) HasCommittee(d time.Time) bool {
	return u.CommitteeSince != nil && !u.CommitteeSince.After(d)
}

// PartyUnitInput is what a user enters to create or correct a Party unit.
type PartyUnitInput struct {
	Code           string
	Name           string
	Kind           Kind
	OrgType        OrgType
	ParentID       int64     // 0 only for the top of the tree
	From           time.Time // first day of validity (creation only)
	TerritoryID    int64
	TermMonths     int
	CommitteeSince *time.Time
	FullMembers    int
}

var codePattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,40}$`)

func (in *PartyUnitInput) normalise() {
	in.Code = strings.TrimSpace(in.Code)
	in.Name = norm.NFC.String(strings.Join(strings.Fields(in.Name), " "))
	if in.TermMonths == 0 {
		in.TermMonths = 60
	}
}

// Bounds on the members of a unit: no cell has more than MaxCellMembers, no unit more than
// MaxMembers (more than the whole Party); both within the integer columns that hold them.
const (
	MaxCellMembers = 100_000
	MaxMembers     = 10_000_000
)

// validate checks the fields on their own; rules that need the database come later.
func (in PartyUnitInput) validate(creating bool) *apperr.Invalid {
	inv := &apperr.Invalid{}
	if creating && !codePattern.MatchString(in.Code) {
		inv.Add("code", "Mã đơn vị gồm 1–40 chữ cái không dấu, chữ số, dấu chấm, gạch ngang hoặc gạch dưới.")
	}
	if in.Name == "" {
		inv.Add("name", "Tên đơn vị không được để trống.")
	} else if len([]rune(in.Name)) > 200 {
		inv.Add("name", "Tên đơn vị dài quá 200 ký tự.")
	}
	if !in.Kind.Valid() {
		inv.Add("kind", "Chọn cấp tổ chức.")
	}
	if !in.OrgType.Valid() {
		inv.Add("org_type", "Chọn loại hình tổ chức.")
	}
	if creating && in.From.IsZero() {
		inv.Add("from", "Nhập ngày thành lập (ngày bắt đầu hiệu lực).")
	}
	if in.TermMonths < 1 || in.TermMonths > 120 {
		inv.Add("term_months", "Nhiệm kỳ đại hội phải từ 1 đến 120 tháng (thường là 30 hoặc 60).")
	}
	switch {
	case in.FullMembers < 0:
		inv.Add("full_members", "Số đảng viên chính thức không được âm.")
	case in.Kind.IsCell() && in.FullMembers > MaxCellMembers:
		inv.Add("full_members", "Số đảng viên chính thức quá lớn: một chi bộ không có quá "+format.Int(MaxCellMembers)+" đảng viên.")
	case in.FullMembers > MaxMembers:
		inv.Add("full_members", "Số đảng viên chính thức quá lớn: nhiều nhất "+format.Int(MaxMembers)+".")
	}
	if in.CommitteeSince != nil && !in.Kind.IsCell() {
		inv.Add("committee_since", "Chỉ chi bộ mới bầu chi ủy; đảng bộ có ban chấp hành riêng.")
	}
	return inv
}

// checkRules applies the dated rules of structure on date d. Breaking a hard rule is an error
// on its field; the soft ones come back as warnings.
func checkRules(ctx context.Context, tx pgx.Tx, in PartyUnitInput, d time.Time, inv *apperr.Invalid) ([]string, error) {
	rules, err := RulesOn(ctx, tx, d)
	if err != nil {
		return nil, err
	}
	if in.CommitteeSince != nil && in.FullMembers < rules.CommitteeMinFullMembers {
		inv.Add("committee_since", fmt.Sprintf("Chi bộ có %d đảng viên chính thức; phải có từ %d đảng viên chính thức trở lên mới bầu chi ủy.",
			in.FullMembers, rules.CommitteeMinFullMembers))
	}
	return rules.Warnings(in.Kind, in.FullMembers), nil
}

// CreatePartyUnit opens a new Party unit under in.ParentID from in.From. The parent must be in
// scope and valid on that date; a unit without parent needs the Everything scope. It returns
// the new id and the warnings of the soft rules; *apperr.Invalid names the fields at fault.
func CreatePartyUnit(ctx context.Context, db pg.Beginner, scope Scope, in PartyUnitInput) (int64, []string, error) {
	var (
		id       int64
		warnings []string
	)
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		var err error
		id, warnings, err = createPartyUnit(ctx, tx, scope, in, 0)
		return err
	})
	return id, warnings, err
}

// createPartyUnit is CreatePartyUnit inside tx; event is the reorganisation that opens the
// unit, 0 for none.
func createPartyUnit(ctx context.Context, tx pgx.Tx, scope Scope, in PartyUnitInput, event int64) (int64, []string, error) {
	in.normalise()
	inv := in.validate(true)
	if in.ParentID == 0 && !scope.all {
		inv.Add("parent_id", "Chọn tổ chức cấp trên.")
	}
	if in.ParentID != 0 && !in.From.IsZero() {
		if err := checkParent(ctx, tx, scope, in.ParentID, 0, in.From, nil, inv); err != nil {
			return 0, nil, err
		}
	}
	warnings, err := checkRules(ctx, tx, in, in.From, inv)
	if err != nil {
		return 0, nil, err
	}
	if err := inv.Err(); err != nil {
		return 0, nil, err
	}
	var id int64
	err = tx.QueryRow(ctx, `
		INSERT INTO party_unit (code, territory_id, term_months, committee_since, full_members)
		VALUES ($1, NULLIF($2, 0), $3, $4, $5) RETURNING id`,
		in.Code, in.TerritoryID, in.TermMonths, in.CommitteeSince, in.FullMembers).Scan(&id)
	if pg.IsUniqueViolation(err) {
		inv.Add("code", fmt.Sprintf("Mã %q đã được dùng cho một đơn vị khác.", in.Code))
		return 0, nil, inv
	}
	if err != nil {
		return 0, nil, err
	}
	_, err = tx.Exec(ctx, `
		INSERT INTO party_unit_version (unit_id, valid_from, name, kind, org_type, parent_id, event_id)
		VALUES ($1, $2, $3, $4, $5, NULLIF($6, 0), NULLIF($7, 0))`,
		id, in.From, in.Name, in.Kind, in.OrgType, in.ParentID, event)
	if err != nil {
		return 0, nil, err
	}
	err = scope.record(ctx, tx, audit.Entry{Action: "create", Entity: "party_unit", EntityID: id, Label: in.Code, UnitID: id, New: in.snapshot()})
	return id, warnings, err
}

// snapshot is what the audit log keeps of an input.
func (in PartyUnitInput) snapshot() map[string]any {
	m := map[string]any{"name": in.Name, "kind": in.Kind, "org_type": in.OrgType, "full_members": in.FullMembers,
		"term_months": in.TermMonths, "committee_since": in.CommitteeSince, "territory_id": in.TerritoryID}
	if !in.From.IsZero() {
		m["from"], m["parent_id"] = in.From, in.ParentID
	}
	return m
}

// checkParent checks that parent is in scope, is not a cell, is valid on from and stays valid
// as long as the child (until to, nil: open), and that it is not child itself or below it.
func checkParent(ctx context.Context, tx pgx.Tx, scope Scope, parent, child int64, from time.Time, to *time.Time, inv *apperr.Invalid) error {
	var (
		kind    Kind
		life    Span
		inScope bool
	)
	err := tx.QueryRow(ctx, `
		SELECT v.kind, l.life_from, l.life_to, party_in_scope($1, $2, $3)
		FROM party_version_at($1, $3) v, party_life($1) l`,
		parent, scope.SQLRoots(), from).Scan(&kind, &life.From, &life.To, &inScope)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && !inScope) {
		inv.Add("parent_id", "Không tìm thấy tổ chức cấp trên này.")
		return nil
	}
	if err != nil {
		return err
	}
	switch {
	case kind.IsCell():
		inv.Add("parent_id", "Chi bộ không có tổ chức trực thuộc; chọn một đảng bộ làm cấp trên.")
	case !life.Contains(from):
		inv.Add("parent_id", "Tổ chức cấp trên chưa thành lập hoặc đã giải thể vào ngày "+from.Format("02/01/2006")+".")
	case life.To != nil && (to == nil || to.After(*life.To)):
		inv.Add("parent_id", "Thời gian hiệu lực của đơn vị phải nằm trong thời gian hiệu lực của tổ chức cấp trên (đến "+life.To.Format("02/01/2006")+").")
	}
	if child != 0 {
		var cycle bool
		err := tx.QueryRow(ctx, `
			WITH RECURSIVE up (id, depth) AS (
				SELECT $1::bigint, 0
				UNION ALL
				SELECT v.parent_id, up.depth + 1
				FROM up CROSS JOIN LATERAL party_version_at(up.id, $3) v
				WHERE v.parent_id IS NOT NULL AND up.depth < 32
			)
			SELECT EXISTS (SELECT 1 FROM up WHERE id = $2)`, parent, child, from).Scan(&cycle)
		if err != nil {
			return err
		}
		if cycle {
			inv.Add("parent_id", "Không thể chọn chính đơn vị này hoặc một đơn vị trực thuộc nó làm cấp trên (tạo thành vòng lặp).")
		}
	}
	return nil
}

// partyColumns selects a PartyUnit from party_unit u, the version v and the life l.
const partyColumns = `u.id, u.code, v.name, v.kind, v.org_type, COALESCE(v.parent_id, 0),
	COALESCE((SELECT pv.name FROM party_version_at(v.parent_id, v.valid_from) pv), ''),
	v.valid_from, v.valid_to, l.life_from, l.life_to,
	COALESCE(u.territory_id, 0), u.term_months, u.committee_since, u.full_members, u.version`

func scanPartyUnit(row pgx.Row, extra ...any) (PartyUnit, error) {
	var u PartyUnit
	err := row.Scan(append([]any{&u.ID, &u.Code, &u.Name, &u.Kind, &u.OrgType, &u.ParentID, &u.ParentName,
		&u.Span.From, &u.Span.To, &u.Life.From, &u.Life.To,
		&u.TerritoryID, &u.TermMonths, &u.CommitteeSince, &u.FullMembers, &u.Version}, extra...)...)
	return u, err
}

// GetPartyUnit returns unit id as it stood on asOf (its nearest version if it did not exist
// then), or apperr.ErrNotFound when it does not exist or is out of scope.
func GetPartyUnit(ctx context.Context, q pg.Querier, scope Scope, id int64, asOf time.Time) (PartyUnit, error) {
	u, err := scanPartyUnit(q.QueryRow(ctx, `
		SELECT `+partyColumns+`
		FROM party_unit u
		CROSS JOIN LATERAL party_version_at(u.id, $2) v
		CROSS JOIN LATERAL party_life(u.id) l
		WHERE u.id = $1 AND ($3::bigint[] IS NULL OR party_in_scope(u.id, $3, $2))`, id, asOf, scope.SQLRoots()))
	if errors.Is(err, pgx.ErrNoRows) {
		return PartyUnit{}, apperr.ErrNotFound
	}
	return u, err
}

// HoldsLatest reports whether scope holds the unit where it stands in its latest version: its
// place in the tree today, or its last place if it has closed. A unit that moved belongs to its
// new parent from then on, whatever it did before (report.Get uses this for a cell's reports).
func HoldsLatest(ctx context.Context, q pg.Querier, scope Scope, id int64) (bool, error) {
	if scope.All() {
		return true, nil
	}
	var in bool
	err := q.QueryRow(ctx, `
		SELECT party_in_scope($1, $2, v.valid_from) FROM party_unit_version v
		WHERE v.unit_id = $1 ORDER BY v.valid_from DESC LIMIT 1`, id, scope.SQLRoots()).Scan(&in)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	return in, err
}

// GetPartyUnitByCode is GetPartyUnit by the unit's code.
func GetPartyUnitByCode(ctx context.Context, q pg.Querier, scope Scope, code string, asOf time.Time) (PartyUnit, error) {
	id, err := partyTables.idByCode(ctx, q, code)
	if err != nil {
		return PartyUnit{}, err
	}
	return GetPartyUnit(ctx, q, scope, id, asOf)
}

// PartyChildren lists the units directly under parent on asOf, in Vietnamese order. With
// parent 0 it lists the tops of the caller's scope: the roots of the tree, or the units the
// scope is granted on.
func PartyChildren(ctx context.Context, q pg.Querier, scope Scope, parent int64, asOf time.Time) ([]PartyUnit, error) {
	// The parent's scope is checked first, so its children need no check of their own.
	where, args := `v.parent_id IS NULL`, []any{asOf}
	switch {
	case parent != 0:
		if _, err := GetPartyUnit(ctx, q, scope, parent, asOf); err != nil {
			return nil, err
		}
		where, args = `v.parent_id = $2`, append(args, parent)
	case !scope.all:
		where, args = `u.id = ANY ($2)`, append(args, scope.SQLRoots())
	}
	rows, err := q.Query(ctx, `
		SELECT `+partyColumns+`,
			(SELECT count(*) FROM party_unit_version c
			 WHERE c.parent_id = u.id AND c.valid_from <= $1 AND (c.valid_to IS NULL OR c.valid_to > $1))
		FROM party_unit_version v
		JOIN party_unit u ON u.id = v.unit_id
		CROSS JOIN LATERAL party_life(u.id) l
		WHERE `+where+` AND v.valid_from <= $1 AND (v.valid_to IS NULL OR v.valid_to > $1)
		ORDER BY v.name COLLATE "vi-x-icu", u.code`, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (PartyUnit, error) {
		var n int
		u, err := scanPartyUnit(row, &n)
		u.Children = n
		return u, err
	})
}

// PartyVersion is one dated version of a Party unit, with the event that opened it.
type PartyVersion struct {
	Span       Span
	Name       string
	Kind       Kind
	OrgType    OrgType
	ParentID   int64
	ParentName string
	EventKind  EventKind // "" when the version was entered, not made by an event
	EventNote  string
}

// PartyVersions lists every version of unit id, oldest first.
func PartyVersions(ctx context.Context, q pg.Querier, scope Scope, id int64) ([]PartyVersion, error) {
	u, err := GetPartyUnit(ctx, q, scope, id, time.Now())
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `
		SELECT v.valid_from, v.valid_to, v.name, v.kind, v.org_type, COALESCE(v.parent_id, 0),
			COALESCE((SELECT pv.name FROM party_version_at(v.parent_id, v.valid_from) pv), ''),
			COALESCE(e.kind, ''), COALESCE(e.note, '')
		FROM party_unit_version v
		LEFT JOIN reorg_event e ON e.id = v.event_id
		WHERE v.unit_id = $1
		ORDER BY v.valid_from`, u.ID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (PartyVersion, error) {
		var v PartyVersion
		err := row.Scan(&v.Span.From, &v.Span.To, &v.Name, &v.Kind, &v.OrgType, &v.ParentID, &v.ParentName, &v.EventKind, &v.EventNote)
		return v, err
	})
}

// UpdatePartyUnit corrects unit id: the name, kind and type of its latest version, and its
// undated attributes. It is a correction, not a reorganisation: renaming or moving on a date
// is Rename or Move. version is the Version the user edited; a stale one is apperr.ErrConflict.
func UpdatePartyUnit(ctx context.Context, db pg.Beginner, scope Scope, id int64, version int, in PartyUnitInput) ([]string, error) {
	in.normalise()
	var warnings []string
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		cur, err := GetPartyUnit(ctx, tx, scope, id, time.Now())
		if err != nil {
			return err
		}
		if cur.Version != version {
			return apperr.ErrConflict
		}
		inv := in.validate(false)
		if in.Kind.IsCell() && !cur.Kind.IsCell() {
			var children int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM party_unit_version WHERE parent_id = $1 AND valid_to IS NULL`, id).Scan(&children); err != nil {
				return err
			}
			if children > 0 {
				inv.Add("kind", fmt.Sprintf("Đơn vị còn %d tổ chức trực thuộc nên không thể là chi bộ.", children))
			}
		}
		if warnings, err = checkRules(ctx, tx, in, time.Now(), inv); err != nil {
			return err
		}
		if err := inv.Err(); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `
			UPDATE party_unit SET territory_id = NULLIF($3, 0), term_months = $4, committee_since = $5,
				full_members = $6, version = version + 1
			WHERE id = $1 AND version = $2`,
			id, version, in.TerritoryID, in.TermMonths, in.CommitteeSince, in.FullMembers)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return apperr.ErrConflict
		}
		_, err = tx.Exec(ctx, `
			UPDATE party_unit_version SET name = $2, kind = $3, org_type = $4
			WHERE unit_id = $1 AND valid_from = (SELECT max(valid_from) FROM party_unit_version WHERE unit_id = $1)`,
			id, in.Name, in.Kind, in.OrgType)
		if err != nil {
			return err
		}
		old := PartyUnitInput{Name: cur.Name, Kind: cur.Kind, OrgType: cur.OrgType, FullMembers: cur.FullMembers,
			TermMonths: cur.TermMonths, CommitteeSince: cur.CommitteeSince, TerritoryID: cur.TerritoryID}
		return scope.record(ctx, tx, audit.Entry{Action: "update", Entity: "party_unit", EntityID: id, Label: cur.Code, UnitID: id,
			Old: old.snapshot(), New: in.snapshot()})
	})
	return warnings, err
}

// ClosePartyUnit ends unit id on the day before on (it is no longer valid from on). It refuses
// while units under it or hamlets served by it are still open on that date.
func ClosePartyUnit(ctx context.Context, db pg.Beginner, scope Scope, id int64, version int, on time.Time) error {
	return pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		cur, err := GetPartyUnit(ctx, tx, scope, id, on)
		if err != nil {
			return err
		}
		if err := holdVersion(ctx, tx, "party_unit", id, version); err != nil {
			return err
		}
		inv := &apperr.Invalid{}
		if !cur.Life.Contains(on) || on.Equal(cur.Life.From) {
			inv.Add("on", "Ngày giải thể phải sau ngày thành lập và trong thời gian đơn vị còn hiệu lực.")
			return inv
		}
		var children, hamlets int
		if err := tx.QueryRow(ctx, `
			SELECT (SELECT count(*) FROM party_unit_version WHERE parent_id = $1 AND (valid_to IS NULL OR valid_to > $2)),
			       (SELECT count(*) FROM hamlet_cell_link WHERE cell_id = $1 AND (valid_to IS NULL OR valid_to > $2))`,
			id, on).Scan(&children, &hamlets); err != nil {
			return err
		}
		if children > 0 {
			inv.Add("on", fmt.Sprintf("Còn %d tổ chức trực thuộc sau ngày này: chuyển hoặc giải thể chúng trước.", children))
		}
		if hamlets > 0 {
			inv.Add("on", fmt.Sprintf("Chi bộ còn phụ trách %d thôn, tổ dân phố sau ngày này: chuyển các thôn sang chi bộ khác trước.", hamlets))
		}
		if err := inv.Err(); err != nil {
			return err
		}
		if err := closeVersions(ctx, tx, "party_unit_version", id, on, "on"); err != nil {
			return err
		}
		return scope.record(ctx, tx, audit.Entry{Action: "close", Entity: "party_unit", EntityID: id, Label: cur.Code, UnitID: id,
			New: map[string]any{"to": on}})
	})
}

// closeVersions ends unit's validity on the day before on. A version that starts on on itself
// (a change made the same day) never takes effect and is removed. It refuses, naming field,
// when the unit already changed after on: history is closed in order. It moves the unit's
// version on without checking it: every caller holds the unit's row already (holdVersion for a
// close, the reorganisation's lock for a merge or split), so nothing changed it since it was read.
func closeVersions(ctx context.Context, tx pgx.Tx, table string, unit int64, on time.Time, field string) error {
	var later *time.Time
	if err := tx.QueryRow(ctx, `SELECT max(valid_from) FROM `+table+` WHERE unit_id = $1 AND valid_from > $2`, unit, on).Scan(&later); err != nil {
		return err
	}
	if later != nil {
		inv := &apperr.Invalid{}
		inv.Add(field, "Đơn vị đã có thay đổi từ ngày "+later.Format("02/01/2006")+"; ngày hiệu lực phải sau ngày đó.")
		return inv
	}
	if _, err := tx.Exec(ctx, `DELETE FROM `+table+` WHERE unit_id = $1 AND valid_from = $2
		AND EXISTS (SELECT 1 FROM `+table+` WHERE unit_id = $1 AND valid_from < $2)`, unit, on); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `UPDATE `+table+` SET valid_to = $2 WHERE unit_id = $1 AND (valid_to IS NULL OR valid_to > $2)`, unit, on)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE `+strings.TrimSuffix(table, "_version")+` SET version = version + 1 WHERE id = $1`, unit)
	return err
}

// holdVersion locks unit's row (table party_unit or admin_unit) for the rest of tx if it is still
// at version; otherwise, or when another transaction changes it first, apperr.ErrConflict. A
// check on a plain read would let two closes of one version both apply.
func holdVersion(ctx context.Context, tx pgx.Tx, table string, id int64, version int) error {
	var one int
	err := tx.QueryRow(ctx, `SELECT 1 FROM `+table+` WHERE id = $1 AND version = $2 FOR UPDATE`, id, version).Scan(&one)
	if errors.Is(err, pgx.ErrNoRows) {
		return apperr.ErrConflict
	}
	return err
}
