package org

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"golang.org/x/text/unicode/norm"

	"ptdang/internal/apperr"
	"ptdang/internal/audit"
	"ptdang/internal/pg"
)

// What the two trees do alike: read a unit as of a date, list its children and versions, create
// it, correct it and close it. Each tree supplies its SQL names (tables) and how to read its own
// columns; the queries read the unit u, its version v in force and its life l.

// Unit is what every unit has, in either tree, as it stood on one date.
type Unit struct {
	Tree       Tree
	ID         int64
	Code       string
	Name       string
	ParentID   int64 // 0 at the top of the tree
	ParentName string
	Span       Span // of the version shown
	Life       Span // from the first version's start to the last one's end
	Version    int  // for optimistic locking of edits
}

// unitColumns selects a Unit (without its tree) from u, v and l.
const unitColumns = `u.id, u.code, v.name, COALESCE(v.parent_id, 0), %s,
	v.valid_from, v.valid_to, l.life_from, l.life_to, u.version`

// withParentName puts the parent's name, as of the version's start, into a column list at %s.
func (t tables) withParentName(format string) string {
	return fmt.Sprintf(format, `COALESCE((SELECT pv.name FROM `+t.versionAt+`(v.parent_id, v.valid_from) pv), '')`)
}

// unitFields points at u's fields in the order of unitColumns; a Unit keeps no count of
// children, so a list would read it into a variable of its own.
func (t tables) unitFields(u *Unit) (dest []any, children *int) {
	u.Tree = t.tree
	return []any{&u.ID, &u.Code, &u.Name, &u.ParentID, &u.ParentName, &u.Span.From, &u.Span.To, &u.Life.From, &u.Life.To, &u.Version}, new(int)
}

// reader reads one tree's units as T: its columns from u, v and l, and the fields of a T they
// are scanned into, with where a list puts the count of children on the date (read after them).
type reader[T any] struct {
	tables
	columns string
	fields  func(u *T) (dest []any, children *int)
}

// scan reads a T from row; withChildren, the count of children after its columns (lists).
func (r reader[T]) scan(row pgx.Row, withChildren bool) (T, error) {
	var u T
	dest, children := r.fields(&u)
	if withChildren {
		dest = append(dest, children)
	}
	return u, row.Scan(dest...)
}

// get returns unit id as it stood on asOf (its nearest version if it did not exist then), or
// apperr.ErrNotFound when it does not exist or is out of scope.
func (r reader[T]) get(ctx context.Context, q pg.Querier, scope Scope, id int64, asOf time.Time) (T, error) {
	u, err := r.scan(q.QueryRow(ctx, `
		SELECT `+r.columns+`
		FROM `+r.unit+` u
		CROSS JOIN LATERAL `+r.versionAt+`(u.id, $2) v
		CROSS JOIN LATERAL `+r.life+`(u.id) l
		WHERE u.id = $1 AND ($3::bigint[] IS NULL OR `+r.inScopeFunc+`(u.id, $3, $2))`, id, asOf, scope.SQLRoots()), false)
	if errors.Is(err, pgx.ErrNoRows) {
		return u, apperr.ErrNotFound
	}
	return u, err
}

// byCode is get by the unit's code.
func (r reader[T]) byCode(ctx context.Context, q pg.Querier, scope Scope, code string, asOf time.Time) (T, error) {
	id, err := r.idByCode(ctx, q, code)
	if err != nil {
		var zero T
		return zero, err
	}
	return r.get(ctx, q, scope, id, asOf)
}

// children lists the units directly under parent on asOf in Vietnamese order; with parent 0,
// the units where tops holds (the roots of a limited scope, $2). The parent's scope is checked
// first, so its children need no check of their own.
func (r reader[T]) children(ctx context.Context, q pg.Querier, scope Scope, parent int64, asOf time.Time, tops string) ([]T, error) {
	where, args := `v.parent_id IS NULL`, []any{asOf}
	switch {
	case parent != 0:
		if _, err := r.get(ctx, q, scope, parent, asOf); err != nil {
			return nil, err
		}
		where, args = `v.parent_id = $2`, append(args, parent)
	case !scope.all:
		where, args = tops, append(args, scope.SQLRoots())
	}
	rows, err := q.Query(ctx, `
		SELECT `+r.columns+`,
			(SELECT count(*) FROM `+r.version+` c
			 WHERE c.parent_id = u.id AND c.valid_from <= $1 AND (c.valid_to IS NULL OR c.valid_to > $1))
		FROM `+r.version+` v
		JOIN `+r.unit+` u ON u.id = v.unit_id
		CROSS JOIN LATERAL `+r.life+`(u.id) l
		WHERE `+where+` AND v.valid_from <= $1 AND (v.valid_to IS NULL OR v.valid_to > $1)
		ORDER BY v.name COLLATE "vi-x-icu", u.code`, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (T, error) { return r.scan(row, true) })
}

// unitReader reads either tree's units as Units.
func unitReader(tree Tree) reader[Unit] {
	t := tablesOf(tree)
	return reader[Unit]{t, t.withParentName(unitColumns), t.unitFields}
}

// GetUnit returns unit id of tree as it stood on asOf, or apperr.ErrNotFound when it does not
// exist or is out of scope.
func GetUnit(ctx context.Context, q pg.Querier, scope Scope, tree Tree, id int64, asOf time.Time) (Unit, error) {
	return unitReader(tree).get(ctx, q, scope, id, asOf)
}

// GetUnitByCode is GetUnit by the unit's code. A code no unit in scope has is
// apperr.Refuse(apperr.ErrNotFound) with a message naming the code.
func GetUnitByCode(ctx context.Context, q pg.Querier, scope Scope, tree Tree, code string, asOf time.Time) (Unit, error) {
	u, err := unitReader(tree).byCode(ctx, q, scope, code, asOf)
	if errors.Is(err, apperr.ErrNotFound) {
		return u, apperr.Refuse(apperr.ErrNotFound, fmt.Sprintf("Không tìm thấy đơn vị có mã %q.", strings.TrimSpace(code)))
	}
	return u, err
}

// versionRow is what every version has; the tree's own attributes follow it.
type versionRow struct {
	Span       Span
	Name       string
	ParentID   int64
	ParentName string
	EventKind  EventKind // "" when the version was entered, not made by an event
	EventNote  string
}

// versions lists every version of unit id, oldest first, once the unit is found in scope on
// on. scan reads a versionRow's columns, then the tree's attrs.
func versions[T any](ctx context.Context, q pg.Querier, scope Scope, t tables, id int64, on time.Time, scan func(pgx.Row) (T, error)) ([]T, error) {
	if _, err := GetUnit(ctx, q, scope, t.tree, id, on); err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `
		SELECT v.valid_from, v.valid_to, v.name, COALESCE(v.parent_id, 0),
			COALESCE((SELECT pv.name FROM `+t.versionAt+`(v.parent_id, v.valid_from) pv), ''),
			COALESCE(e.event_kind, ''), COALESCE(e.event_note, ''), `+t.attrs+`
		FROM `+t.version+` v
		LEFT JOIN (SELECT id AS event_id, kind AS event_kind, note AS event_note FROM reorg_event) e USING (event_id)
		WHERE v.unit_id = $1
		ORDER BY v.valid_from`, id)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (T, error) { return scan(row) })
}

func (v *versionRow) dest(attrs ...any) []any {
	return append([]any{&v.Span.From, &v.Span.To, &v.Name, &v.ParentID, &v.ParentName, &v.EventKind, &v.EventNote}, attrs...)
}

// cleanName joins the words of a name with single spaces, in Unicode NFC.
func cleanName(s string) string { return norm.NFC.String(strings.Join(strings.Fields(s), " ")) }

// checkCodeAndName checks a unit's code (when creating) and name.
func checkCodeAndName(inv *apperr.Invalid, code, name string, creating bool) {
	if creating && !codePattern.MatchString(code) {
		inv.Add("code", "Mã đơn vị gồm 1–40 chữ cái không dấu, chữ số, dấu chấm, gạch ngang hoặc gạch dưới.")
	}
	if name == "" {
		inv.Add("name", "Tên đơn vị không được để trống.")
	} else if len([]rune(name)) > 200 {
		inv.Add("name", "Tên đơn vị dài quá 200 ký tự.")
	}
}

// newUnit inserts a unit row (insert returns its id and is given args) and then its first
// version (insertVersion, on the new id as $1, then versionArgs), and audits the creation. A
// code already used is an error on the field "code".
func (t tables) newUnit(ctx context.Context, tx pgx.Tx, scope Scope, code string, from time.Time, snapshot map[string]any,
	insert string, args []any, insertVersion string, versionArgs ...any) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, insert, args...).Scan(&id)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		inv := &apperr.Invalid{}
		inv.Add("code", fmt.Sprintf("Mã %q đã được dùng cho một đơn vị khác.", code))
		return 0, inv
	}
	if err != nil {
		return 0, err
	}
	if _, err := tx.Exec(ctx, insertVersion, append([]any{id}, versionArgs...)...); err != nil {
		return 0, err
	}
	owner, err := t.owner(ctx, tx, id, from)
	if err != nil {
		return 0, err
	}
	return id, scope.record(ctx, tx, audit.Entry{Action: "create", Entity: t.unit, EntityID: id, Label: code, UnitID: owner, New: snapshot})
}

// correction is a correction of a unit's undated attributes and of its latest version.
type correction struct {
	unitSet     string // SET list of the unit row, on $3…; the id is $1, the version $2
	unitArgs    []any
	versionSet  string // SET list of the latest version, on $2…; the id is $1
	versionArgs []any
}

// correct writes c over cur if cur's row is still at version (else errStale) and
// audits it with the old and new values.
// The audit entry belongs to the unit's owner on today.
func (t tables) correct(ctx context.Context, tx pgx.Tx, scope Scope, cur Unit, version int, today time.Time, c correction, old, new map[string]any) error {
	tag, err := tx.Exec(ctx, `UPDATE `+t.unit+` SET `+c.unitSet+`, version = version + 1 WHERE id = $1 AND version = $2`,
		append([]any{cur.ID, version}, c.unitArgs...)...)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return errStale
	}
	_, err = tx.Exec(ctx, `UPDATE `+t.version+` SET `+c.versionSet+`
		WHERE unit_id = $1 AND valid_from = (SELECT max(valid_from) FROM `+t.version+` WHERE unit_id = $1)`,
		append([]any{cur.ID}, c.versionArgs...)...)
	if err != nil {
		return err
	}
	owner, err := t.owner(ctx, tx, cur.ID, today)
	if err != nil {
		return err
	}
	return scope.record(ctx, tx, audit.Entry{Action: "update", Entity: t.unit, EntityID: cur.ID, Label: cur.Code, UnitID: owner, Old: old, New: new})
}

// errStale refuses a correction of a unit someone else changed since the user read it.
var errStale = apperr.Refuse(apperr.ErrConflict, "Người khác vừa sửa đơn vị này trong lúc đồng chí nhập. Những gì đồng chí nhập vẫn còn dưới đây; xin mở trang đơn vị ở thẻ khác để xem bản mới, rồi lưu lại.")

// below reports whether unit child is parent itself or above it on from: putting child under
// parent would make a cycle.
func (t tables) below(ctx context.Context, tx pgx.Tx, parent, child int64, from time.Time) (bool, error) {
	var cycle bool
	err := tx.QueryRow(ctx, `
		WITH RECURSIVE up (id, depth) AS (
			SELECT $1::bigint, 0
			UNION ALL
			SELECT v.parent_id, up.depth + 1
			FROM up CROSS JOIN LATERAL `+t.versionAt+`(up.id, $3) v
			WHERE v.parent_id IS NOT NULL AND up.depth < 32
		)
		SELECT EXISTS (SELECT 1 FROM up WHERE id = $2)`, parent, child, from).Scan(&cycle)
	return cycle, err
}

const msgCycle = "Không thể chọn chính đơn vị này hoặc một đơn vị trực thuộc nó làm cấp trên (tạo thành vòng lặp)."

// CloseUnit ends unit id of tree on the day before on (it is no longer valid from on).
// version is the Version the user saw: a stale one is apperr.ErrConflict. It refuses, as
// *apperr.Invalid on the field "on", no date, a date outside the unit's life or on its first day, a
// date before the unit's latest change, and while units under it or hamlets served by it are
// still open on that date. A hamlet's link to its cell ends with it. A unit not in scope on on
// is apperr.ErrNotFound.
func CloseUnit(ctx context.Context, db pg.Beginner, scope Scope, tree Tree, id int64, version int, on time.Time) error {
	if on.IsZero() {
		inv := &apperr.Invalid{}
		inv.Add("on", "Nhập ngày giải thể.")
		return inv
	}
	t := tablesOf(tree)
	return pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		cur, err := GetUnit(ctx, tx, scope, tree, id, on)
		if err != nil {
			return err
		}
		if err := holdVersion(ctx, tx, t.unit, id, version); err != nil {
			return err
		}
		if err := t.checkClose(ctx, tx, cur, on); err != nil {
			return err
		}
		if tree == AdminTree {
			if err := endLinks(ctx, tx, `hamlet_id = $1`, id, on); err != nil {
				return err
			}
		}
		if err := closeVersions(ctx, tx, t.version, id, on, "on"); err != nil {
			return err
		}
		owner, err := t.owner(ctx, tx, id, cur.Span.From)
		if err != nil {
			return err
		}
		return scope.record(ctx, tx, audit.Entry{Action: "close", Entity: t.unit, EntityID: id, Label: cur.Code, UnitID: owner,
			New: map[string]any{"to": on}})
	})
}

// checkClose refuses to close u on on outside its life, or while units under it or hamlets
// served by it are still open on on.
func (t tables) checkClose(ctx context.Context, tx pgx.Tx, u Unit, on time.Time) error {
	inv := &apperr.Invalid{}
	if !u.Life.Contains(on) || on.Equal(u.Life.From) {
		inv.Add("on", "Ngày giải thể phải sau ngày thành lập và trong thời gian đơn vị còn hiệu lực.")
		return inv
	}
	var children, hamlets int
	if err := tx.QueryRow(ctx, `
		SELECT (SELECT count(*) FROM `+t.version+` WHERE parent_id = $1 AND (valid_to IS NULL OR valid_to > $2)),
		       (SELECT count(*) FROM hamlet_cell_link WHERE $3 AND cell_id = $1 AND (valid_to IS NULL OR valid_to > $2))`,
		u.ID, on, t.tree == PartyTree).Scan(&children, &hamlets); err != nil {
		return err
	}
	if children > 0 {
		inv.Add("on", fmt.Sprintf("Còn %d %s trực thuộc sau ngày này: chuyển hoặc giải thể chúng trước.", children, t.childNoun))
	}
	if hamlets > 0 {
		inv.Add("on", fmt.Sprintf("Chi bộ còn phụ trách %d thôn, tổ dân phố sau ngày này: chuyển các thôn sang chi bộ khác trước.", hamlets))
	}
	return inv.Err()
}

// closeVersions ends unit's validity on the day before on. A version that starts on on itself
// (a change made the same day) never takes effect and is removed. It refuses, naming field,
// when the unit already changed after on: history is closed in order. It moves the unit's
// version on from the version it holds locked: a caller's lock (holdVersion for a close, the
// reorganisation's lock for a merge or split) is taken again at no cost, and a caller that forgot
// one still cannot write over a change made meanwhile.
func closeVersions(ctx context.Context, tx pgx.Tx, table string, unit int64, on time.Time, field string) error {
	unitTable := strings.TrimSuffix(table, "_version")
	var version int
	if err := tx.QueryRow(ctx, `SELECT version FROM `+unitTable+` WHERE id = $1 FOR UPDATE`, unit).Scan(&version); err != nil {
		return err
	}
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
	tag, err := tx.Exec(ctx, `UPDATE `+unitTable+` SET version = version + 1 WHERE id = $1 AND version = $2`, unit, version)
	if err == nil && tag.RowsAffected() == 0 {
		err = errStale
	}
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
