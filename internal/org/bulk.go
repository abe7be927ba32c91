package org

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// BulkTrees are both dated trees as a bulk load writes them (a generated data set, a restore):
// every row already numbered, its references by those numbers. Zero ids and zero dates stand
// for none.
type BulkTrees struct {
	Events           []BulkEvent
	AdminUnits       []BulkAdminUnit
	AdminVersions    []BulkAdminVersion
	AdminSuccessions []BulkSuccession
	PartyUnits       []BulkPartyUnit
	PartyVersions    []BulkPartyVersion
	PartySuccessions []BulkSuccession
	Links            []BulkLink
}

// BulkEvent is a reorganisation event; Kind is merge, split, rename or move.
type BulkEvent struct {
	ID        int64
	Tree      Tree
	Kind      string
	Effective time.Time
	Note      string
}

// BulkAdminUnit is an administrative unit; only a hamlet's population and households are
// written.
type BulkAdminUnit struct {
	ID                     int64
	Code                   string
	Level                  Level
	Population, Households int
}

// BulkAdminVersion is a span of an administrative unit's life; To is zero while it lasts.
type BulkAdminVersion struct {
	UnitID            int64
	From, To          time.Time
	Name, LocalWord   string
	ParentID, EventID int64
}

// BulkSuccession records that Predecessor went (for Share of it) into Successor in EventID.
type BulkSuccession struct {
	EventID, Predecessor, Successor int64
	Share                           float64
}

// BulkPartyUnit is a Party unit; CommitteeSince is zero for a cell without a committee.
type BulkPartyUnit struct {
	ID             int64
	Code           string
	TerritoryID    int64
	TermMonths     int
	CommitteeSince time.Time
	FullMembers    int
}

// BulkPartyVersion is a span of a Party unit's life; To is zero while it lasts.
type BulkPartyVersion struct {
	UnitID            int64
	From, To          time.Time
	Name              string
	Kind              Kind
	OrgType           OrgType
	ParentID, EventID int64
}

// BulkLink is a hamlet served by a cell from a day on.
type BulkLink struct {
	HamletID, CellID int64
	Mode             LinkMode
	SecretaryIsHead  bool
	From             time.Time
}

// CopyTrees writes t with one COPY per table, in the order the references need, then moves
// each table's id sequence past the ids given. It bypasses the rules, the audit log and the
// events' bookkeeping: t must already be whole (the caller's transaction rolls back on a
// broken reference). After each table it calls done with its name, rows and time taken. It
// returns the number of rows written; its errors are the database's (a broken reference among
// them).
func CopyTrees(ctx context.Context, tx pgx.Tx, t BulkTrees, done func(table string, rows int64, took time.Duration)) (int64, error) {
	copies := []struct {
		table   string
		columns []string
		n       int
		row     func(i int) []any
	}{
		{"reorg_event", []string{"id", "tree", "kind", "effective", "note"}, len(t.Events), func(i int) []any {
			e := t.Events[i]
			return []any{e.ID, string(e.Tree), e.Kind, e.Effective, e.Note}
		}},
		{"admin_unit", []string{"id", "code", "level", "population", "households"}, len(t.AdminUnits), func(i int) []any {
			u := t.AdminUnits[i]
			if u.Level != Hamlet {
				return []any{u.ID, u.Code, string(u.Level), nil, nil}
			}
			return []any{u.ID, u.Code, string(u.Level), u.Population, u.Households}
		}},
		{"admin_unit_version", []string{"unit_id", "valid_from", "valid_to", "name", "local_word", "parent_id", "event_id"}, len(t.AdminVersions), func(i int) []any {
			v := t.AdminVersions[i]
			return []any{v.UnitID, v.From, nullDate(v.To), v.Name, v.LocalWord, nullID(v.ParentID), nullID(v.EventID)}
		}},
		{"admin_unit_succession", successionColumns, len(t.AdminSuccessions), func(i int) []any { return t.AdminSuccessions[i].row() }},
		{"party_unit", []string{"id", "code", "territory_id", "term_months", "committee_since", "full_members"}, len(t.PartyUnits), func(i int) []any {
			u := t.PartyUnits[i]
			return []any{u.ID, u.Code, nullID(u.TerritoryID), u.TermMonths, nullDate(u.CommitteeSince), u.FullMembers}
		}},
		{"party_unit_version", []string{"unit_id", "valid_from", "valid_to", "name", "kind", "org_type", "parent_id", "event_id"}, len(t.PartyVersions), func(i int) []any {
			v := t.PartyVersions[i]
			return []any{v.UnitID, v.From, nullDate(v.To), v.Name, string(v.Kind), string(v.OrgType), nullID(v.ParentID), nullID(v.EventID)}
		}},
		{"party_unit_succession", successionColumns, len(t.PartySuccessions), func(i int) []any { return t.PartySuccessions[i].row() }},
		{"hamlet_cell_link", []string{"hamlet_id", "cell_id", "mode", "secretary_is_head", "valid_from"}, len(t.Links), func(i int) []any {
			l := t.Links[i]
			return []any{l.HamletID, l.CellID, string(l.Mode), l.SecretaryIsHead, l.From}
		}},
	}
	var total int64
	for _, c := range copies {
		start := time.Now()
		n, err := tx.CopyFrom(ctx, pgx.Identifier{c.table}, c.columns, pgx.CopyFromSlice(c.n, func(i int) ([]any, error) { return c.row(i), nil }))
		if err != nil {
			return total, fmt.Errorf("copy %s: %w", c.table, err)
		}
		total += n
		done(c.table, n, time.Since(start))
	}
	for _, table := range []string{"reorg_event", "admin_unit", "admin_unit_version", "party_unit", "party_unit_version", "hamlet_cell_link"} {
		if _, err := tx.Exec(ctx, fmt.Sprintf(`SELECT setval(pg_get_serial_sequence('%[1]s', 'id'), (SELECT max(id) FROM %[1]s))`, table)); err != nil {
			return total, err
		}
	}
	return total, nil
}

var successionColumns = []string{"event_id", "predecessor_id", "successor_id", "share"}

func (s BulkSuccession) row() []any { return []any{s.EventID, s.Predecessor, s.Successor, s.Share} }

func nullDate(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
