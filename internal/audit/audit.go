// Package audit is the append-only change log (nhật ký thay đổi): who changed what, when, from
// which address, old → new, and why. Record joins the caller's transaction, so a change and its
// audit row commit or roll back together.
package audit

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"ptdang/internal/pg"
)

// Actor is who makes a change: a signed-in user, or the operator at the command line.
type Actor struct {
	UserID int64  // 0 for the command line and the system
	Login  string // "" reads as "hệ thống"
	Addr   string // the client address, "" at the command line
}

// Entry is one change.
type Entry struct {
	Action   string // create, update, close, rename, move, merge, split, link, import, sign_in, …
	Entity   string // party_unit, admin_unit, hamlet_link, user, …
	EntityID int64
	Label    string // the entity's code or login, for people
	UnitID   int64  // the Party unit whose subtree the change belongs to; 0 when none
	Old, New any    // marshalled to JSON; nil for none
	Reason   string
}

// Record appends e, made by a, within the caller's transaction. The error is the database's,
// or json.Marshal's for an Old or New that cannot be marshalled.
func Record(ctx context.Context, q pg.Querier, a Actor, e Entry) error {
	values, err := a.values(e)
	if err != nil {
		return err
	}
	_, err = q.Exec(ctx, `
		INSERT INTO audit_log (`+strings.Join(columns, ", ")+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`, values...)
	return err
}

// RecordMany appends entries, all made by a, within the caller's transaction, in one COPY: for
// an import that changes thousands of rows at once. The entries are those Record would write
// one by one, and so are the errors.
func RecordMany(ctx context.Context, tx pgx.Tx, a Actor, entries []Entry) error {
	rows := make([][]any, len(entries))
	for i, e := range entries {
		var err error
		if rows[i], err = a.values(e); err != nil {
			return err
		}
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"audit_log"}, columns, pgx.CopyFromRows(rows))
	return err
}

// columns are the columns of audit_log that values fills, in its order.
var columns = []string{"actor_id", "actor_login", "addr", "action", "entity", "entity_id", "label", "unit_id", "old_value", "new_value", "reason"}

// values is the row of audit_log that records e made by a.
func (a Actor) values(e Entry) ([]any, error) {
	login := a.Login
	if login == "" {
		login = "hệ thống"
	}
	old, err := marshal(e.Old)
	if err != nil {
		return nil, err
	}
	nw, err := marshal(e.New)
	if err != nil {
		return nil, err
	}
	return []any{nullID(a.UserID), login, a.Addr, e.Action, e.Entity, nullID(e.EntityID), e.Label, nullID(e.UnitID), old, nw, e.Reason}, nil
}

// nullID is id, or NULL for 0 (no one, no entity).
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func marshal(v any) ([]byte, error) {
	if v == nil {
		return nil, nil
	}
	return json.Marshal(v)
}

// Row is one audit entry as read back.
type Row struct {
	ID       int64
	At       time.Time
	Login    string
	Addr     string
	Action   string
	Entity   string
	EntityID int64
	Label    string
	Old, New string // JSON, "" for none
	Reason   string
}

// Filter narrows List. Roots nil means every unit (the system administrator); otherwise only
// entries under those Party units are listed.
type Filter struct {
	Roots    []int64
	All      bool
	Label    string // the code or login changed, exact
	Login    string // who changed it, exact
	From, To time.Time
	Limit    int
}

// List returns entries matching f, newest first. It returns only database errors.
func List(ctx context.Context, q pg.Querier, f Filter) ([]Row, error) {
	var roots []int64
	if !f.All {
		roots = f.Roots
		if roots == nil {
			roots = []int64{}
		}
	}
	if f.Limit <= 0 {
		f.Limit = 500
	}
	var from, to *time.Time
	if !f.From.IsZero() {
		from = &f.From
	}
	if !f.To.IsZero() {
		t := f.To.AddDate(0, 0, 1)
		to = &t
	}
	rows, err := q.Query(ctx, `
		SELECT id, at, actor_login, addr, action, entity, COALESCE(entity_id, 0), label,
			COALESCE(old_value::text, ''), COALESCE(new_value::text, ''), reason
		FROM audit_log
		WHERE ($1::bigint[] IS NULL OR (unit_id IS NOT NULL AND party_in_scope(unit_id, $1, at::date)))
		  AND ($2 = '' OR label = $2)
		  AND ($3 = '' OR actor_login = $3)
		  AND ($4::timestamptz IS NULL OR at >= $4)
		  AND ($5::timestamptz IS NULL OR at < $5)
		ORDER BY at DESC, id DESC
		LIMIT $6`, roots, f.Label, f.Login, from, to, f.Limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (Row, error) {
		var r Row
		err := row.Scan(&r.ID, &r.At, &r.Login, &r.Addr, &r.Action, &r.Entity, &r.EntityID, &r.Label, &r.Old, &r.New, &r.Reason)
		return r, err
	})
}
