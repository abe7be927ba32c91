package org

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/text/unicode/norm"

	"ptdang/internal/apperr"
	"ptdang/internal/audit"
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
	in.Name = norm.NFC.String(strings.Join(strings.Fields(in.Name), " "))
	in.LocalWord = norm.NFC.String(strings.ToLower(strings.Join(strings.Fields(in.LocalWord), " ")))
}

// MaxPopulation bounds the population and the households of an administrative unit: more than the
// whole country, and within the integer columns that hold them.
const MaxPopulation = 200_000_000

func (in AdminUnitInput) validate(creating bool) *apperr.Invalid {
	inv := &apperr.Invalid{}
	if creating && !codePattern.MatchString(in.Code) {
		inv.Add("code", "Mã đơn vị gồm 1–40 chữ cái không dấu, chữ số, dấu chấm, gạch ngang hoặc gạch dưới.")
	}
	if in.Name == "" {
		inv.Add("name", "Tên đơn vị không được để trống.")
	} else if len([]rune(in.Name)) > 200 {
		inv.Add("name", "Tên đơn vị dài quá 200 ký tự.")
	}
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

// CreateAdminUnit opens a new administrative unit under in.ParentID from in.From.
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
	var id int64
	err := tx.QueryRow(ctx, `
		INSERT INTO admin_unit (code, level, population, households, religious_share, ethnic_minority_share)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		in.Code, in.Level, in.Population, in.Households, in.ReligiousShare, in.EthnicMinorityShare).Scan(&id)
	if pg.IsUniqueViolation(err) {
		inv.Add("code", fmt.Sprintf("Mã %q đã được dùng cho một đơn vị khác.", in.Code))
		return 0, inv
	}
	if err != nil {
		return 0, err
	}
	_, err = tx.Exec(ctx, `
		INSERT INTO admin_unit_version (unit_id, valid_from, name, local_word, parent_id, event_id)
		VALUES ($1, $2, $3, $4, NULLIF($5, 0), NULLIF($6, 0))`, id, in.From, in.Name, in.LocalWord, in.ParentID, event)
	if err != nil {
		return 0, err
	}
	owner, err := adminOwner(ctx, tx, id, in.From)
	if err != nil {
		return 0, err
	}
	err = scope.record(ctx, tx, audit.Entry{Action: "create", Entity: "admin_unit", EntityID: id, Label: in.Code, UnitID: owner, New: in.snapshot()})
	return id, err
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
		cycle       bool
	)
	err := tx.QueryRow(ctx, `
		WITH RECURSIVE up (id, depth) AS (
			SELECT $1::bigint, 0
			UNION ALL
			SELECT v.parent_id, up.depth + 1
			FROM up CROSS JOIN LATERAL admin_version_at(up.id, $3) v
			WHERE v.parent_id IS NOT NULL AND up.depth < 32
		)
		SELECT a.level, l.life_from, l.life_to, admin_in_scope($1, $2, $3), EXISTS (SELECT 1 FROM up WHERE id = $4)
		FROM admin_unit a, admin_life(a.id) l WHERE a.id = $1`,
		parent, scope.SQLRoots(), from, child).Scan(&parentLevel, &life.From, &life.To, &inScope, &cycle)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && !inScope) {
		inv.Add("parent_id", "Không tìm thấy đơn vị hành chính cấp trên này.")
		return nil
	}
	if err != nil {
		return err
	}
	switch {
	case level.Valid() && !slices.Contains(level.parentLevels(), parentLevel):
		inv.Add("parent_id", fmt.Sprintf("Đơn vị cấp %q không thể trực thuộc đơn vị cấp %q.", level.Label(), parentLevel.Label()))
	case !life.Contains(from):
		inv.Add("parent_id", "Đơn vị cấp trên chưa thành lập hoặc đã giải thể vào ngày "+from.Format("02/01/2006")+".")
	case life.To != nil:
		inv.Add("parent_id", "Đơn vị cấp trên sẽ hết hiệu lực từ "+life.To.Format("02/01/2006")+"; chọn đơn vị còn hiệu lực.")
	case cycle:
		inv.Add("parent_id", "Không thể chọn chính đơn vị này hoặc một đơn vị trực thuộc nó làm cấp trên (tạo thành vòng lặp).")
	}
	return nil
}

const adminColumns = `a.id, a.code, v.name, a.level, v.local_word, COALESCE(v.parent_id, 0),
	COALESCE((SELECT pv.name FROM admin_version_at(v.parent_id, v.valid_from) pv), ''),
	v.valid_from, v.valid_to, l.life_from, l.life_to,
	a.population, a.households, a.religious_share::float8, a.ethnic_minority_share::float8, a.version`

func scanAdminUnit(row pgx.Row, extra ...any) (AdminUnit, error) {
	var u AdminUnit
	err := row.Scan(append([]any{&u.ID, &u.Code, &u.Name, &u.Level, &u.LocalWord, &u.ParentID, &u.ParentName,
		&u.Span.From, &u.Span.To, &u.Life.From, &u.Life.To,
		&u.Population, &u.Households, &u.ReligiousShare, &u.EthnicMinorityShare, &u.Version}, extra...)...)
	return u, err
}

// GetAdminUnit returns unit id as it stood on asOf, or apperr.ErrNotFound.
func GetAdminUnit(ctx context.Context, q pg.Querier, scope Scope, id int64, asOf time.Time) (AdminUnit, error) {
	u, err := scanAdminUnit(q.QueryRow(ctx, `
		SELECT `+adminColumns+`
		FROM admin_unit a
		CROSS JOIN LATERAL admin_version_at(a.id, $2) v
		CROSS JOIN LATERAL admin_life(a.id) l
		WHERE a.id = $1 AND ($3::bigint[] IS NULL OR admin_in_scope(a.id, $3, $2))`, id, asOf, scope.SQLRoots()))
	if errors.Is(err, pgx.ErrNoRows) {
		return AdminUnit{}, apperr.ErrNotFound
	}
	return u, err
}

// GetAdminUnitByCode is GetAdminUnit by the unit's code.
func GetAdminUnitByCode(ctx context.Context, q pg.Querier, scope Scope, code string, asOf time.Time) (AdminUnit, error) {
	id, err := adminTables.idByCode(ctx, q, code)
	if err != nil {
		return AdminUnit{}, err
	}
	return GetAdminUnit(ctx, q, scope, id, asOf)
}

// AdminChildren lists the units directly under parent on asOf in Vietnamese order; with
// parent 0, the top units of the caller's scope.
func AdminChildren(ctx context.Context, q pg.Querier, scope Scope, parent int64, asOf time.Time) ([]AdminUnit, error) {
	where, args := `v.parent_id IS NULL`, []any{asOf}
	switch {
	case parent != 0:
		if _, err := GetAdminUnit(ctx, q, scope, parent, asOf); err != nil {
			return nil, err
		}
		where, args = `v.parent_id = $2`, append(args, parent)
	case !scope.all:
		// The territories the roots lead, and the hamlets the root cells serve.
		where, args = `(a.id IN (SELECT territory_id FROM party_unit WHERE id = ANY ($2))
			OR a.id IN (SELECT hamlet_id FROM hamlet_cell_link WHERE cell_id = ANY ($2)
				AND valid_from <= $1 AND (valid_to IS NULL OR valid_to > $1)))`, append(args, scope.SQLRoots())
	}
	rows, err := q.Query(ctx, `
		SELECT `+adminColumns+`,
			(SELECT count(*) FROM admin_unit_version c
			 WHERE c.parent_id = a.id AND c.valid_from <= $1 AND (c.valid_to IS NULL OR c.valid_to > $1))
		FROM admin_unit_version v
		JOIN admin_unit a ON a.id = v.unit_id
		CROSS JOIN LATERAL admin_life(a.id) l
		WHERE `+where+` AND v.valid_from <= $1 AND (v.valid_to IS NULL OR v.valid_to > $1)
		ORDER BY v.name COLLATE "vi-x-icu", a.code`, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (AdminUnit, error) {
		var n int
		u, err := scanAdminUnit(row, &n)
		u.Children = n
		return u, err
	})
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

// AdminVersions lists every version of unit id, oldest first.
func AdminVersions(ctx context.Context, q pg.Querier, scope Scope, id int64) ([]AdminVersion, error) {
	if _, err := GetAdminUnit(ctx, q, scope, id, time.Now()); err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `
		SELECT v.valid_from, v.valid_to, v.name, v.local_word, COALESCE(v.parent_id, 0),
			COALESCE((SELECT pv.name FROM admin_version_at(v.parent_id, v.valid_from) pv), ''),
			COALESCE(e.kind, ''), COALESCE(e.note, '')
		FROM admin_unit_version v
		LEFT JOIN reorg_event e ON e.id = v.event_id
		WHERE v.unit_id = $1
		ORDER BY v.valid_from`, id)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (AdminVersion, error) {
		var v AdminVersion
		err := row.Scan(&v.Span.From, &v.Span.To, &v.Name, &v.LocalWord, &v.ParentID, &v.ParentName, &v.EventKind, &v.EventNote)
		return v, err
	})
}

// UpdateAdminUnit corrects unit id: the name and local word of its latest version and its
// figures. version is the Version the user edited; a stale one is apperr.ErrConflict.
func UpdateAdminUnit(ctx context.Context, db pg.Beginner, scope Scope, id int64, version int, in AdminUnitInput) error {
	in.normalise()
	return pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		cur, err := GetAdminUnit(ctx, tx, scope, id, time.Now())
		if err != nil {
			return err
		}
		in.Level = cur.Level // the level never changes
		if err := in.validate(false).Err(); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `
			UPDATE admin_unit SET population = $3, households = $4, religious_share = $5,
				ethnic_minority_share = $6, version = version + 1
			WHERE id = $1 AND version = $2`,
			id, version, in.Population, in.Households, in.ReligiousShare, in.EthnicMinorityShare)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return apperr.ErrConflict
		}
		_, err = tx.Exec(ctx, `
			UPDATE admin_unit_version SET name = $2, local_word = $3
			WHERE unit_id = $1 AND valid_from = (SELECT max(valid_from) FROM admin_unit_version WHERE unit_id = $1)`,
			id, in.Name, in.LocalWord)
		if err != nil {
			return err
		}
		owner, err := adminOwner(ctx, tx, id, time.Now())
		if err != nil {
			return err
		}
		old := AdminUnitInput{Name: cur.Name, LocalWord: cur.LocalWord, HamletFacts: cur.HamletFacts}
		return scope.record(ctx, tx, audit.Entry{Action: "update", Entity: "admin_unit", EntityID: id, Label: cur.Code, UnitID: owner,
			Old: old.snapshot(), New: in.snapshot()})
	})
}

// CloseAdminUnit ends unit id on the day before on. It refuses while units under it are open;
// a hamlet's link to its cell ends with it.
func CloseAdminUnit(ctx context.Context, db pg.Beginner, scope Scope, id int64, version int, on time.Time) error {
	return pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		cur, err := GetAdminUnit(ctx, tx, scope, id, on)
		if err != nil {
			return err
		}
		if err := holdVersion(ctx, tx, "admin_unit", id, version); err != nil {
			return err
		}
		inv := &apperr.Invalid{}
		if !cur.Life.Contains(on) || on.Equal(cur.Life.From) {
			inv.Add("on", "Ngày giải thể phải sau ngày thành lập và trong thời gian đơn vị còn hiệu lực.")
			return inv
		}
		var children int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM admin_unit_version WHERE parent_id = $1 AND (valid_to IS NULL OR valid_to > $2)`,
			id, on).Scan(&children); err != nil {
			return err
		}
		if children > 0 {
			inv.Add("on", fmt.Sprintf("Còn %d đơn vị trực thuộc sau ngày này: chuyển hoặc giải thể chúng trước.", children))
			return inv
		}
		if err := endLinks(ctx, tx, `hamlet_id = $1`, id, on); err != nil {
			return err
		}
		if err := closeVersions(ctx, tx, "admin_unit_version", id, on, "on"); err != nil {
			return err
		}
		owner, err := adminOwner(ctx, tx, id, cur.Span.From)
		if err != nil {
			return err
		}
		return scope.record(ctx, tx, audit.Entry{Action: "close", Entity: "admin_unit", EntityID: id, Label: cur.Code, UnitID: owner,
			New: map[string]any{"to": on}})
	})
}
