package org

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"ptdang/internal/apperr"
	"ptdang/internal/audit"
	"ptdang/internal/pg"
)

// Link says which cell served a hamlet during Span, and how.
type Link struct {
	HamletID   int64
	HamletCode string
	HamletName string
	CellID     int64
	CellCode   string
	CellName   string
	Mode       LinkMode
	// SecretaryIsHead: the cell's secretary is also the hamlet's head (bí thư kiêm trưởng thôn).
	SecretaryIsHead bool
	Span            Span
}

// SetLink records that from the date from, hamlet is served by cell in mode, head saying whether
// the cell's secretary is also the hamlet's head (ignored without a cell); cell 0 records
// that from then no cell serves it (no Party member lives there). The current link ends the
// day before. Both units must be in scope and valid on from: a hamlet out of scope is
// apperr.ErrNotFound, and *apperr.Invalid names what else is wrong (no date, not a hamlet, not
// a cell, a date before the hamlet's latest change of cell).
func SetLink(ctx context.Context, db pg.Beginner, scope Scope, hamlet, cell int64, mode LinkMode, head bool, from time.Time) error {
	return pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		return setLink(ctx, tx, scope, hamlet, cell, mode, head && cell != 0, from)
	})
}

func setLink(ctx context.Context, tx pgx.Tx, scope Scope, hamlet, cell int64, mode LinkMode, head bool, from time.Time) error {
	h, err := checkLink(ctx, tx, scope, hamlet, cell, mode, from)
	if err != nil {
		return err
	}
	var old map[string]any
	var oldCell int64
	var oldMode LinkMode
	var oldHead bool
	err = tx.QueryRow(ctx, `SELECT cell_id, mode, secretary_is_head FROM hamlet_cell_link WHERE hamlet_id = $1 AND valid_from < $2 AND (valid_to IS NULL OR valid_to > $2)`,
		hamlet, from).Scan(&oldCell, &oldMode, &oldHead)
	switch {
	case err == nil:
		old = map[string]any{"cell_id": oldCell, "mode": oldMode, "secretary_is_head": oldHead}
	case !errors.Is(err, pgx.ErrNoRows):
		return err
	}
	if err := endLinks(ctx, tx, `hamlet_id = $1`, hamlet, from); err != nil {
		return err
	}
	if cell != 0 {
		if err := insertLink(ctx, tx, hamlet, cell, mode, head, from); err != nil {
			return err
		}
	}
	owner, err := adminOwner(ctx, tx, hamlet, from)
	if err != nil {
		return err
	}
	return scope.record(ctx, tx, audit.Entry{Action: "link", Entity: "hamlet_link", EntityID: hamlet, Label: h.Code, UnitID: owner,
		Old: old, New: map[string]any{"cell_id": cell, "mode": mode, "secretary_is_head": head, "from": from}})
}

// checkLink checks a new link of hamlet and holds the hamlet's row until the end of tx. It
// returns the hamlet, or *apperr.Invalid naming what is wrong.
func checkLink(ctx context.Context, tx pgx.Tx, scope Scope, hamlet, cell int64, mode LinkMode, from time.Time) (AdminUnit, error) {
	inv := &apperr.Invalid{}
	if from.IsZero() {
		inv.Add("from", "Nhập ngày bắt đầu.")
		return AdminUnit{}, inv
	}
	h, err := GetAdminUnit(ctx, tx, scope, hamlet, from)
	if err != nil {
		return h, err
	}
	if h.Level != Hamlet {
		inv.Add("hamlet_id", "Chỉ thôn, ấp, bản, tổ dân phố, khu phố mới gắn với chi bộ.")
	} else if !h.Life.Contains(from) {
		inv.Add("from", "Thôn, tổ dân phố chưa thành lập hoặc đã giải thể vào ngày "+from.Format("02/01/2006")+".")
	}
	if cell != 0 {
		c, err := GetPartyUnit(ctx, tx, scope, cell, from)
		switch {
		case errors.Is(err, apperr.ErrNotFound):
			inv.Add("cell_id", "Không tìm thấy chi bộ này.")
		case err != nil:
			return h, err
		case !c.Kind.IsCell():
			inv.Add("cell_id", "Chỉ chọn chi bộ (chi bộ cơ sở hoặc chi bộ trực thuộc).")
		case !c.Life.Contains(from):
			inv.Add("cell_id", "Chi bộ chưa thành lập hoặc đã giải thể vào ngày "+from.Format("02/01/2006")+".")
		}
		if mode != OwnCell && mode != CombinedCell {
			inv.Add("mode", "Chọn hình thức: chi bộ riêng hoặc sinh hoạt ghép.")
		}
	}
	// One change of a hamlet's links at a time: the hamlet's row is held until the end of tx, so
	// a second change made at once waits and then sees the first (and is refused below) instead
	// of breaking the no-overlap constraint.
	if _, err := tx.Exec(ctx, `SELECT 1 FROM admin_unit WHERE id = $1 FOR UPDATE`, hamlet); err != nil {
		return h, err
	}
	var later *time.Time
	if err := tx.QueryRow(ctx, `SELECT max(valid_from) FROM hamlet_cell_link WHERE hamlet_id = $1 AND valid_from >= $2`, hamlet, from).Scan(&later); err != nil {
		return h, err
	}
	if later != nil {
		inv.Add("from", "Thôn đã có thay đổi chi bộ từ ngày "+later.Format("02/01/2006")+"; ngày bắt đầu phải sau ngày đó.")
	}
	return h, inv.Err()
}

// endLinks ends, the day before on, the links selected by where (on $1 = id). A link that
// would only have started on or after on never takes effect: it is removed.
func endLinks(ctx context.Context, tx pgx.Tx, where string, id int64, on time.Time) error {
	if _, err := tx.Exec(ctx, `DELETE FROM hamlet_cell_link WHERE `+where+` AND valid_from >= $2`, id, on); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `UPDATE hamlet_cell_link SET valid_to = $2
		WHERE `+where+` AND valid_from < $2 AND (valid_to IS NULL OR valid_to > $2)`, id, on)
	return err
}

const linkColumns = `l.hamlet_id, a.code, hv.name, l.cell_id, p.code, pv.name, l.mode, l.secretary_is_head, l.valid_from, l.valid_to`

const linkJoins = `
	JOIN admin_unit a ON a.id = l.hamlet_id
	CROSS JOIN LATERAL admin_version_at(l.hamlet_id, l.valid_from) hv
	JOIN party_unit p ON p.id = l.cell_id
	CROSS JOIN LATERAL party_version_at(l.cell_id, l.valid_from) pv`

func collectLinks(rows pgx.Rows, err error) ([]Link, error) {
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (Link, error) {
		var l Link
		err := row.Scan(&l.HamletID, &l.HamletCode, &l.HamletName, &l.CellID, &l.CellCode, &l.CellName, &l.Mode, &l.SecretaryIsHead, &l.Span.From, &l.Span.To)
		return l, err
	})
}

// HamletLinks lists every link the hamlet ever had, oldest first. The hamlet must be in scope
// on on, else apperr.ErrNotFound.
func HamletLinks(ctx context.Context, q pg.Querier, scope Scope, hamlet int64, on time.Time) ([]Link, error) {
	if _, err := GetAdminUnit(ctx, q, scope, hamlet, on); err != nil {
		return nil, err
	}
	return collectLinks(q.Query(ctx, `SELECT `+linkColumns+` FROM hamlet_cell_link l `+linkJoins+`
		WHERE l.hamlet_id = $1 ORDER BY l.valid_from`, hamlet))
}

// CellHamlets lists the hamlets the cell serves on asOf, in Vietnamese order. A cell not in
// scope on asOf is apperr.ErrNotFound.
func CellHamlets(ctx context.Context, q pg.Querier, scope Scope, cell int64, asOf time.Time) ([]Link, error) {
	if _, err := GetPartyUnit(ctx, q, scope, cell, asOf); err != nil {
		return nil, err
	}
	return collectLinks(q.Query(ctx, `SELECT `+linkColumns+` FROM hamlet_cell_link l `+linkJoins+`
		WHERE l.cell_id = $1 AND l.valid_from <= $2 AND (l.valid_to IS NULL OR l.valid_to > $2)
		ORDER BY hv.name COLLATE "vi-x-icu"`, cell, asOf))
}
