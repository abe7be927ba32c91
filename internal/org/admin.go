package org

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"ptdang/internal/apperr"
	"ptdang/internal/format"
	"ptdang/internal/pg"
)

// AdminUnit is an administrative unit as it stood on one date.
type AdminUnit struct {
	ID         int64
	Code       string
	Name       string
	Level      Level
	LocalWord  string // thôn, ấp, bản, tổ dân phố, khu phố, xã, phường, đặc khu
	ParentID   int64
	ParentName string
	Span       Span
	Life       Span
	HamletFacts
	Version  int
	Children int // child units on the date (list queries only)
}

// HamletFacts are the optional figures kept about a unit, mostly hamlets, for coverage reports.
type HamletFacts struct {
	Population          *int
	Households          *int
	ReligiousShare      *float64 // 0..1
	EthnicMinorityShare *float64 // 0..1
}

// AdminUnitInput is what a user enters to create or correct an administrative unit.
type AdminUnitInput struct {
	Code      string
	Name      string
	Level     Level
	LocalWord string
	ParentID  int64
	From      time.Time
	HamletFacts
}

func (in *AdminUnitInput) normalise() {
	in.Code = strings.TrimSpace(in.Code)
	in.Name = cleanName(in.Name)
	in.LocalWord = cleanName(strings.ToLower(in.LocalWord))
}

// MaxPopulation bounds the population and the households of an administrative unit: more than the
// whole country, and within the integer columns that hold them.
const MaxPopulation = 200_000_000

func (in AdminUnitInput) validate(creating bool) *apperr.Invalid {
	inv := &apperr.Invalid{}
	checkCodeAndName(inv, in.Code, in.Name, creating)
	if !in.Level.Valid() {
		inv.Add("level", "Chọn cấp hành chính.")
	}
	if creating && in.From.IsZero() {
		inv.Add("from", "Nhập ngày bắt đầu hiệu lực.")
	}
	if in.Population != nil && *in.Population < 0 {
		inv.Add("population", "Số dân không được âm.")
	} else if in.Population != nil && *in.Population > MaxPopulation {
		inv.Add("population", "Số dân quá lớn: nhiều nhất "+format.Int(MaxPopulation)+".")
	}
	if in.Households != nil && *in.Households < 0 {
		inv.Add("households", "Số hộ không được âm.")
	} else if in.Households != nil && *in.Households > MaxPopulation {
		inv.Add("households", "Số hộ quá lớn: nhiều nhất "+format.Int(MaxPopulation)+".")
	}
	for field, share := range map[string]*float64{"religious_share": in.ReligiousShare, "ethnic_minority_share": in.EthnicMinorityShare} {
		if share != nil && !(*share >= 0 && *share <= 1) { // NaN too
			inv.Add(field, "Tỷ lệ phải từ 0 % đến 100 %.")
		}
	}
	return inv
}

// CreateAdminUnit opens a new administrative unit under in.ParentID from in.From; a unit
// without parent is a province and needs the Everything scope. It returns the new id;
// *apperr.Invalid names the fields at fault (a code already used among them).
func CreateAdminUnit(ctx context.Context, db pg.Beginner, scope Scope, in AdminUnitInput) (int64, error) {
	var id int64
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		var err error
		id, err = createAdminUnit(ctx, tx, scope, in, 0)
		return err
	})
	return id, err
}

// createAdminUnit is CreateAdminUnit inside tx; event is the reorganisation that opens the
// unit, 0 for none.
func createAdminUnit(ctx context.Context, tx pgx.Tx, scope Scope, in AdminUnitInput, event int64) (int64, error) {
	in.normalise()
	inv := in.validate(true)
	switch {
	case in.ParentID == 0 && (!scope.all || in.Level != Province):
		inv.Add("parent_id", "Chọn đơn vị hành chính cấp trên.")
	case in.ParentID != 0 && !in.From.IsZero():
		if err := checkAdminParent(ctx, tx, scope, in.ParentID, 0, in.Level, in.From, inv); err != nil {
			return 0, err
		}
	}
	if err := inv.Err(); err != nil {
		return 0, err
	}
	return adminTables.newUnit(ctx, tx, scope, in.Code, in.From, in.snapshot(), `
		INSERT INTO admin_unit (code, level, population, households, religious_share, ethnic_minority_share)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		[]any{in.Code, in.Level, in.Population, in.Households, in.ReligiousShare, in.EthnicMinorityShare}, `
		INSERT INTO admin_unit_version (unit_id, valid_from, name, local_word, parent_id, event_id)
		VALUES ($1, $2, $3, $4, NULLIF($5, 0), NULLIF($6, 0))`,
		in.From, in.Name, in.LocalWord, in.ParentID, event)
}

// snapshot is what the audit log keeps of an input.
func (in AdminUnitInput) snapshot() map[string]any {
	m := map[string]any{"name": in.Name, "local_word": in.LocalWord, "population": in.Population, "households": in.Households,
		"religious_share": in.ReligiousShare, "ethnic_minority_share": in.EthnicMinorityShare}
	if !in.From.IsZero() {
		m["level"], m["from"], m["parent_id"] = in.Level, in.From, in.ParentID
	}
	return m
}

// checkAdminParent checks that parent is in scope, of a level that may hold level, valid on
// from and still open, and not child itself or below it.
func checkAdminParent(ctx context.Context, tx pgx.Tx, scope Scope, parent, child int64, level Level, from time.Time, inv *apperr.Invalid) error {
	var (
		parentLevel Level
		life        Span
		inScope     bool
	)
	err := tx.QueryRow(ctx, `
		SELECT a.level, l.life_from, l.life_to, admin_in_scope($1, $2, $3)
		FROM admin_unit a, admin_life(a.id) l WHERE a.id = $1`,
		parent, scope.SQLRoots(), from).Scan(&parentLevel, &life.From, &life.To, &inScope)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && !inScope) {
		inv.Add("parent_id", "Không tìm thấy đơn vị hành chính cấp trên này.")
		return nil
	}
	if err != nil {
		return err
	}
	cycle := false
	if child != 0 {
		if cycle, err = adminTables.below(ctx, tx, parent, child, from); err != nil {
			return err
		}
	}
	switch {
	case level.Valid() && !slices.Contains(level.parentLevels(), parentLevel):
		inv.Add("parent_id", fmt.Sprintf("Đơn vị cấp %q không thể trực thuộc đơn vị cấp %q.", level.Label(), parentLevel.Label()))
	case !life.Contains(from):
		inv.Add("parent_id", "Đơn vị cấp trên chưa thành lập hoặc đã giải thể vào ngày "+from.Format("02/01/2006")+".")
	case life.To != nil:
		inv.Add("parent_id", "Đơn vị cấp trên sẽ hết hiệu lực từ "+life.To.Format("02/01/2006")+"; chọn đơn vị còn hiệu lực.")
	case cycle:
		inv.Add("parent_id", msgCycle)
	}
	return nil
}

// adminColumns selects an AdminUnit from admin_unit u, the version v and the life l.
var adminColumns = adminTables.withParentName(`u.id, u.code, v.name, u.level, v.local_word, COALESCE(v.parent_id, 0), %s,
	v.valid_from, v.valid_to, l.life_from, l.life_to,
	u.population, u.households, u.religious_share::float8, u.ethnic_minority_share::float8, u.version`)

var adminUnits = reader[AdminUnit]{adminTables, adminColumns, func(u *AdminUnit) ([]any, *int) {
	return []any{&u.ID, &u.Code, &u.Name, &u.Level, &u.LocalWord, &u.ParentID, &u.ParentName,
		&u.Span.From, &u.Span.To, &u.Life.From, &u.Life.To,
		&u.Population, &u.Households, &u.ReligiousShare, &u.EthnicMinorityShare, &u.Version}, &u.Children
}}

// GetAdminUnit returns unit id as it stood on asOf (its nearest version if it did not exist
// then), or apperr.ErrNotFound when it does not exist or is out of scope.
func GetAdminUnit(ctx context.Context, q pg.Querier, scope Scope, id int64, asOf time.Time) (AdminUnit, error) {
	return adminUnits.get(ctx, q, scope, id, asOf)
}

// GetAdminUnitByCode is GetAdminUnit by the unit's code: apperr.ErrNotFound when no unit in
// scope has it.
func GetAdminUnitByCode(ctx context.Context, q pg.Querier, scope Scope, code string, asOf time.Time) (AdminUnit, error) {
	return adminUnits.byCode(ctx, q, scope, code, asOf)
}

// AdminChildren lists the units directly under parent on asOf in Vietnamese order; with
// parent 0, the top units of the caller's scope: the territories the roots lead, and the
// hamlets the root cells serve. A parent not in scope is apperr.ErrNotFound.
func AdminChildren(ctx context.Context, q pg.Querier, scope Scope, parent int64, asOf time.Time) ([]AdminUnit, error) {
	return adminUnits.children(ctx, q, scope, parent, asOf, `(u.id IN (SELECT territory_id FROM party_unit WHERE id = ANY ($2))
		OR u.id IN (SELECT hamlet_id FROM hamlet_cell_link WHERE cell_id = ANY ($2)
			AND valid_from <= $1 AND (valid_to IS NULL OR valid_to > $1)))`)
}

// AdminVersion is one dated version of an administrative unit.
type AdminVersion struct {
	Span       Span
	Name       string
	LocalWord  string
	ParentID   int64
	ParentName string
	EventKind  EventKind
	EventNote  string
}

// AdminVersions lists every version of unit id, oldest first. The unit must be in scope on on,
// else apperr.ErrNotFound.
func AdminVersions(ctx context.Context, q pg.Querier, scope Scope, id int64, on time.Time) ([]AdminVersion, error) {
	return versions(ctx, q, scope, adminTables, id, on, func(row pgx.Row) (AdminVersion, error) {
		var v versionRow
		var localWord string
		err := row.Scan(v.dest(&localWord)...)
		return AdminVersion{Span: v.Span, Name: v.Name, LocalWord: localWord, ParentID: v.ParentID,
			ParentName: v.ParentName, EventKind: v.EventKind, EventNote: v.EventNote}, err
	})
}

// UpdateAdminUnit corrects unit id: the name and local word of its latest version and its
// figures. The unit must be in scope on today (else apperr.ErrNotFound); *apperr.Invalid names
// the fields at fault. version is the Version the user edited; a stale one is
// apperr.ErrConflict, refused with a message for the form.
func UpdateAdminUnit(ctx context.Context, db pg.Beginner, scope Scope, id int64, version int, in AdminUnitInput, today time.Time) error {
	in.normalise()
	return pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		cur, err := GetAdminUnit(ctx, tx, scope, id, today)
		if err != nil {
			return err
		}
		in.Level = cur.Level // the level never changes
		if err := in.validate(false).Err(); err != nil {
			return err
		}
		old := AdminUnitInput{Name: cur.Name, LocalWord: cur.LocalWord, HamletFacts: cur.HamletFacts}
		return adminTables.correct(ctx, tx, scope, cur.Unit(), version, today, correction{
			unitSet:    `population = $3, households = $4, religious_share = $5, ethnic_minority_share = $6`,
			unitArgs:   []any{in.Population, in.Households, in.ReligiousShare, in.EthnicMinorityShare},
			versionSet: `name = $2, local_word = $3`, versionArgs: []any{in.Name, in.LocalWord},
		}, old.snapshot(), in.snapshot())
	})
}

// Unit is what u shares with every unit.
func (u AdminUnit) Unit() Unit {
	return Unit{Tree: AdminTree, ID: u.ID, Code: u.Code, Name: u.Name, ParentID: u.ParentID, ParentName: u.ParentName,
		Span: u.Span, Life: u.Life, Version: u.Version}
}

// CloseAdminUnit is CloseUnit for an administrative unit, with its errors.
func CloseAdminUnit(ctx context.Context, db pg.Beginner, scope Scope, id int64, version int, on time.Time) error {
	return CloseUnit(ctx, db, scope, AdminTree, id, version, on)
}
