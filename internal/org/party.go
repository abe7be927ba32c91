package org

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"ptdang/internal/apperr"
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
	TerritoryCode  string // "" without territory
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
	in.Name = cleanName(in.Name)
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
	checkCodeAndName(inv, in.Code, in.Name, creating)
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
// the new id and the warnings of the soft rules; *apperr.Invalid names the fields at fault
// (a code already used among them).
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
	id, err := partyTables.newUnit(ctx, tx, scope, in.Code, in.From, in.snapshot(), `
		INSERT INTO party_unit (code, territory_id, term_months, committee_since, full_members)
		VALUES ($1, NULLIF($2, 0), $3, $4, $5) RETURNING id`,
		[]any{in.Code, in.TerritoryID, in.TermMonths, in.CommitteeSince, in.FullMembers}, `
		INSERT INTO party_unit_version (unit_id, valid_from, name, kind, org_type, parent_id, event_id)
		VALUES ($1, $2, $3, $4, $5, NULLIF($6, 0), NULLIF($7, 0))`,
		in.From, in.Name, in.Kind, in.OrgType, in.ParentID, event)
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
	if child == 0 {
		return nil
	}
	cycle, err := partyTables.below(ctx, tx, parent, child, from)
	if cycle {
		inv.Add("parent_id", msgCycle)
	}
	return err
}

// partyColumns selects a PartyUnit from party_unit u, the version v and the life l.
var partyColumns = partyTables.withParentName(`u.id, u.code, v.name, v.kind, v.org_type, COALESCE(v.parent_id, 0), %s,
	v.valid_from, v.valid_to, l.life_from, l.life_to,
	COALESCE(u.territory_id, 0), COALESCE((SELECT t.code FROM admin_unit t WHERE t.id = u.territory_id), ''),
	u.term_months, u.committee_since, u.full_members, u.version`)

var partyUnits = reader[PartyUnit]{partyTables, partyColumns, func(u *PartyUnit) ([]any, *int) {
	return []any{&u.ID, &u.Code, &u.Name, &u.Kind, &u.OrgType, &u.ParentID, &u.ParentName,
		&u.Span.From, &u.Span.To, &u.Life.From, &u.Life.To,
		&u.TerritoryID, &u.TerritoryCode, &u.TermMonths, &u.CommitteeSince, &u.FullMembers, &u.Version}, &u.Children
}}

// GetPartyUnit returns unit id as it stood on asOf (its nearest version if it did not exist
// then), or apperr.ErrNotFound when it does not exist or is out of scope.
func GetPartyUnit(ctx context.Context, q pg.Querier, scope Scope, id int64, asOf time.Time) (PartyUnit, error) {
	return partyUnits.get(ctx, q, scope, id, asOf)
}

// HoldsLatest reports whether scope holds the unit where it stands in its latest version: its
// place in the tree today, or its last place if it has closed. A unit that moved belongs to its
// new parent from then on, whatever it did before (report.Get uses this for a cell's reports).
// A unit that does not exist is not held; only a database failure is an error.
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

// GetPartyUnitByCode is GetPartyUnit by the unit's code: apperr.ErrNotFound when no unit in
// scope has it.
func GetPartyUnitByCode(ctx context.Context, q pg.Querier, scope Scope, code string, asOf time.Time) (PartyUnit, error) {
	return partyUnits.byCode(ctx, q, scope, code, asOf)
}

// PartyChildren lists the units directly under parent on asOf, in Vietnamese order. With
// parent 0 it lists the tops of the caller's scope: the roots of the tree, or the units the
// scope is granted on. A parent not in scope is apperr.ErrNotFound.
func PartyChildren(ctx context.Context, q pg.Querier, scope Scope, parent int64, asOf time.Time) ([]PartyUnit, error) {
	return partyUnits.children(ctx, q, scope, parent, asOf, `u.id = ANY ($2)`)
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

// PartyVersions lists every version of unit id, oldest first. The unit must be in scope on on,
// else apperr.ErrNotFound.
func PartyVersions(ctx context.Context, q pg.Querier, scope Scope, id int64, on time.Time) ([]PartyVersion, error) {
	return versions(ctx, q, scope, partyTables, id, on, func(row pgx.Row) (PartyVersion, error) {
		var v versionRow
		var kind Kind
		var orgType OrgType
		err := row.Scan(v.dest(&kind, &orgType)...)
		return PartyVersion{Span: v.Span, Name: v.Name, Kind: kind, OrgType: orgType, ParentID: v.ParentID,
			ParentName: v.ParentName, EventKind: v.EventKind, EventNote: v.EventNote}, err
	})
}

// UpdatePartyUnit corrects unit id: the name, kind and type of its latest version, and its
// undated attributes. It is a correction, not a reorganisation: renaming or moving on a date
// is Rename or Move. The unit must be in scope on today (else apperr.ErrNotFound), and the
// rules of structure in force on today apply: *apperr.Invalid names the fields that break
// them, and the soft ones come back as warnings. version is the Version the user edited; a
// stale one is apperr.ErrConflict, refused with a message for the form.
func UpdatePartyUnit(ctx context.Context, db pg.Beginner, scope Scope, id int64, version int, in PartyUnitInput, today time.Time) ([]string, error) {
	in.normalise()
	var warnings []string
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		cur, err := GetPartyUnit(ctx, tx, scope, id, today)
		if err != nil {
			return err
		}
		if cur.Version != version {
			return errStale
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
		if warnings, err = checkRules(ctx, tx, in, today, inv); err != nil {
			return err
		}
		if err := inv.Err(); err != nil {
			return err
		}
		old := PartyUnitInput{Name: cur.Name, Kind: cur.Kind, OrgType: cur.OrgType, FullMembers: cur.FullMembers,
			TermMonths: cur.TermMonths, CommitteeSince: cur.CommitteeSince, TerritoryID: cur.TerritoryID}
		return partyTables.correct(ctx, tx, scope, cur.Unit(), version, today, correction{
			unitSet:    `territory_id = NULLIF($3, 0), term_months = $4, committee_since = $5, full_members = $6`,
			unitArgs:   []any{in.TerritoryID, in.TermMonths, in.CommitteeSince, in.FullMembers},
			versionSet: `name = $2, kind = $3, org_type = $4`, versionArgs: []any{in.Name, in.Kind, in.OrgType},
		}, old.snapshot(), in.snapshot())
	})
	return warnings, err
}

// Unit is what u shares with every unit.
func (u PartyUnit) Unit() Unit {
	return Unit{Tree: PartyTree, ID: u.ID, Code: u.Code, Name: u.Name, ParentID: u.ParentID, ParentName: u.ParentName,
		Span: u.Span, Life: u.Life, Version: u.Version}
}

// ClosePartyUnit is CloseUnit for a Party unit, with its errors.
func ClosePartyUnit(ctx context.Context, db pg.Beginner, scope Scope, id int64, version int, on time.Time) error {
	return CloseUnit(ctx, db, scope, PartyTree, id, version, on)
}
