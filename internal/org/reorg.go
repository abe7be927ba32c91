package org

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"ptdang/internal/apperr"
	"ptdang/internal/audit"
	"ptdang/internal/pg"
)

// EventKind is the kind of a reorganisation event.
type EventKind string

// The kinds of reorganisation.
const (
	Merge  EventKind = "merge"  // several units close, one succeeds them all
	Split  EventKind = "split"  // one unit closes, several succeed it, each with a share
	Rename EventKind = "rename" // the unit goes on under a new name
	Move   EventKind = "move"   // the unit goes on under a new parent
)

// Label is the event kind's Vietnamese name.
func (k EventKind) Label() string {
	switch k {
	case Merge:
		return "Sáp nhập"
	case Split:
		return "Chia tách"
	case Rename:
		return "Đổi tên"
	case Move:
		return "Chuyển trực thuộc"
	}
	return ""
}

// Tree names one of the two trees.
type Tree string

// The two trees.
const (
	PartyTree Tree = "party"
	AdminTree Tree = "admin"
)

// tables are the SQL names of a tree; they are constants, never user input.
type tables struct {
	tree                         Tree
	version, unit, succession    string
	attrs                        string // version columns other than name and parent_id
	versionAt, life, inScopeFunc string
	childNoun                    string // what the units under a unit are called in messages
}

// idByCode returns the id of the unit with code, or apperr.ErrNotFound.
func (t tables) idByCode(ctx context.Context, q pg.Querier, code string) (int64, error) {
	var id int64
	err := q.QueryRow(ctx, `SELECT id FROM `+t.unit+` WHERE code = $1`, strings.TrimSpace(code)).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, apperr.ErrNotFound
	}
	return id, err
}

var (
	partyTables = tables{PartyTree, "party_unit_version", "party_unit", "party_unit_succession", "kind, org_type",
		"party_version_at", "party_life", "party_in_scope", "tổ chức"}
	adminTables = tables{AdminTree, "admin_unit_version", "admin_unit", "admin_unit_succession", "local_word",
		"admin_version_at", "admin_life", "admin_in_scope", "đơn vị"}
)

func (t tables) newEvent(ctx context.Context, tx pgx.Tx, kind EventKind, effective time.Time, note string) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO reorg_event (tree, kind, effective, note) VALUES ($1, $2, $3, $4) RETURNING id`,
		t.tree, kind, effective, strings.TrimSpace(note)).Scan(&id)
	return id, err
}

// checkOpen checks that unit is in scope and was open on the day before on and on on, so a
// change can take effect on on. field names the form field in messages.
func (t tables) checkOpen(ctx context.Context, tx pgx.Tx, scope Scope, unit int64, on time.Time, field string, inv *apperr.Invalid) (name string, err error) {
	if err := t.hold(ctx, tx, []int64{unit}); err != nil {
		return "", err
	}
	var (
		life    Span
		inScope bool
	)
	err = tx.QueryRow(ctx, `SELECT v.name, l.life_from, l.life_to, `+t.inScopeFunc+`($1, $2, $3)
		FROM `+t.versionAt+`($1, $3) v, `+t.life+`($1) l`, unit, scope.SQLRoots(), on).Scan(&name, &life.From, &life.To, &inScope)
	if err == pgx.ErrNoRows || (err == nil && !inScope) {
		inv.Add(field, "Không tìm thấy đơn vị này.")
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if !life.Contains(on) || !on.After(life.From) {
		inv.Add(field, fmt.Sprintf("%s không còn hiệu lực vào ngày %s, hoặc mới thành lập đúng ngày đó.", name, on.Format("02/01/2006")))
	}
	return name, nil
}

// hold locks the rows of units until the end of tx, in id order (two merges of the same units
// never deadlock). Reorganisations carry no version: holding the units makes a second change
// made at once wait, then check against the first (a merged unit is no longer open) instead of
// applying twice.
func (t tables) hold(ctx context.Context, tx pgx.Tx, units []int64) error {
	_, err := tx.Exec(ctx, `SELECT 1 FROM `+t.unit+` WHERE id = ANY ($1) ORDER BY id FOR UPDATE`, units)
	return err
}

// newVersion opens a version of unit from on, copying the one in force and changing its name
// (when name is not "") or its parent (when setParent). The version in force ends the day before.
// The change is audited as action, with note as its reason.
func (t tables) newVersion(ctx context.Context, tx pgx.Tx, scope Scope, action EventKind, note string, unit int64, on time.Time, event int64, name string, setParent bool, parent int64) error {
	// A second change on the same day amends the version that day's first change opened.
	var sameDay bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM `+t.version+` WHERE unit_id = $1 AND valid_from = $2)
		AND EXISTS (SELECT 1 FROM `+t.version+` WHERE unit_id = $1 AND valid_from < $2)`, unit, on).Scan(&sameDay); err != nil {
		return err
	}
	if sameDay {
		var later bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM `+t.version+` WHERE unit_id = $1 AND valid_from > $2)`, unit, on).Scan(&later); err != nil {
			return err
		}
		if later {
			inv := &apperr.Invalid{}
			inv.Add("effective", "Đơn vị đã có thay đổi sau ngày này; ngày hiệu lực phải sau thay đổi cuối cùng.")
			return inv
		}
		if _, err := tx.Exec(ctx, `UPDATE `+t.version+` SET name = COALESCE(NULLIF($3, ''), name),
			parent_id = CASE WHEN $4 THEN NULLIF($5, 0) ELSE parent_id END, event_id = $6
			WHERE unit_id = $1 AND valid_from = $2`, unit, on, name, setParent, parent, event); err != nil {
			return err
		}
		owner, err := t.owner(ctx, tx, unit, on)
		if err != nil {
			return err
		}
		return scope.record(ctx, tx, audit.Entry{Action: string(action), Entity: t.unit, EntityID: unit, UnitID: owner, Reason: note,
			New: map[string]any{"name": name, "parent_id": parent, "from": on}})
	}
	if err := closeVersions(ctx, tx, t.version, unit, on, "effective"); err != nil {
		return err
	}
	var (
		code, oldName, newName string
		oldParent, newParent   *int64
	)
	err := tx.QueryRow(ctx, `
		WITH old AS (SELECT * FROM `+t.version+` WHERE unit_id = $1 AND valid_to = $2),
		new AS (
			INSERT INTO `+t.version+` (unit_id, valid_from, name, `+t.attrs+`, parent_id, event_id)
			SELECT unit_id, $2, COALESCE(NULLIF($4, ''), name), `+t.attrs+`,
				CASE WHEN $5 THEN NULLIF($6, 0) ELSE parent_id END, $3
			FROM old
			RETURNING name, parent_id
		)
		SELECT (SELECT code FROM `+t.unit+` WHERE id = $1), old.name, old.parent_id, new.name, new.parent_id FROM old, new`,
		unit, on, event, name, setParent, parent).Scan(&code, &oldName, &oldParent, &newName, &newParent)
	if err != nil {
		return err
	}
	e := audit.Entry{Action: string(action), Entity: t.unit, EntityID: unit, Label: code, Reason: note,
		Old: map[string]any{"name": oldName, "parent_id": oldParent}, New: map[string]any{"name": newName, "parent_id": newParent, "from": on}}
	if e.UnitID, err = t.owner(ctx, tx, unit, on); err != nil {
		return err
	}
	return scope.record(ctx, tx, e)
}

// owner is the Party unit whose subtree a unit's audit entries belong to.
func (t tables) owner(ctx context.Context, tx pgx.Tx, unit int64, on time.Time) (int64, error) {
	if t.tree == PartyTree {
		return unit, nil
	}
	return adminOwner(ctx, tx, unit, on)
}

// closeFor ends unit on on as part of a merge or split, audited with the event's note.
func (t tables) closeFor(ctx context.Context, tx pgx.Tx, scope Scope, action EventKind, note string, unit, successor int64, on time.Time) error {
	if err := closeVersions(ctx, tx, t.version, unit, on, "effective"); err != nil {
		return err
	}
	var code string
	if err := tx.QueryRow(ctx, `SELECT code FROM `+t.unit+` WHERE id = $1`, unit).Scan(&code); err != nil {
		return err
	}
	owner, err := t.owner(ctx, tx, unit, on.AddDate(0, 0, -1))
	if err != nil {
		return err
	}
	return scope.record(ctx, tx, audit.Entry{Action: string(action), Entity: t.unit, EntityID: unit, Label: code, UnitID: owner,
		Reason: note, New: map[string]any{"to": on, "successor_id": successor}})
}

// moveChildren puts every unit under from on on under to instead, as part of event. Versions
// that start on or after on are put under to directly.
func (t tables) moveChildren(ctx context.Context, tx pgx.Tx, scope Scope, note string, from, to int64, on time.Time, event int64) error {
	if _, err := tx.Exec(ctx, `UPDATE `+t.version+` SET parent_id = $2 WHERE parent_id = $1 AND valid_from >= $3`, from, to, on); err != nil {
		return err
	}
	rows, err := tx.Query(ctx, `SELECT unit_id FROM `+t.version+`
		WHERE parent_id = $1 AND valid_from < $2 AND (valid_to IS NULL OR valid_to > $2)`, from, on)
	if err != nil {
		return err
	}
	children, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return err
	}
	for _, child := range children {
		if err := t.newVersion(ctx, tx, scope, Move, note, child, on, event, "", true, to); err != nil {
			return err
		}
	}
	return nil
}

func (t tables) succeed(ctx context.Context, tx pgx.Tx, event, predecessor, successor int64, share float64) error {
	_, err := tx.Exec(ctx, `INSERT INTO `+t.succession+` (event_id, predecessor_id, successor_id, share) VALUES ($1, $2, $3, $4)`,
		event, predecessor, successor, share)
	return err
}

// Reorg is one reorganisation as a user enters it.
type Reorg struct {
	Effective time.Time // the first day of the new shape
	Note      string    // the decision that ordered it, e.g. "Quyết định 1234-QĐ/TU"
	// Version is the unit's version the person saw on its page, for a rename, move or split: a
	// unit changed since is apperr.ErrConflict. 0 checks nothing (tools acting on a file or a
	// decision, and merges, which name several units).
	Version int
}

// holdSeen locks unit for the rest of tx when r carries the version the person saw, refusing a
// unit changed since (apperr.ErrConflict): of two changes made from one page, one applies.
func (r Reorg) holdSeen(ctx context.Context, tx pgx.Tx, t tables, unit int64) error {
	if r.Version == 0 {
		return nil
	}
	return holdVersion(ctx, tx, t.unit, unit, r.Version)
}

func (r Reorg) check(inv *apperr.Invalid) {
	if r.Effective.IsZero() {
		inv.Add("effective", "Nhập ngày có hiệu lực.")
	}
}

// apply runs a reorganisation of kind in t as one transaction: it holds unit (0: none) at the
// version the person saw, checks r and then, with check, the rules of the use case, records
// the event and makes the change with change. A broken rule is *apperr.Invalid, with nothing
// written.
func (t tables) apply(ctx context.Context, db pg.Beginner, kind EventKind, r Reorg, unit int64,
	check func(tx pgx.Tx, inv *apperr.Invalid) error, change func(tx pgx.Tx, event int64) error) error {
	return pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		if unit != 0 {
			if err := r.holdSeen(ctx, tx, t, unit); err != nil {
				return err
			}
		}
		inv := &apperr.Invalid{}
		r.check(inv)
		if err := check(tx, inv); err != nil {
			return err
		}
		if err := inv.Err(); err != nil {
			return err
		}
		event, err := t.newEvent(ctx, tx, kind, r.Effective, r.Note)
		if err != nil {
			return err
		}
		return change(tx, event)
	})
}

// MergePartyUnits closes the predecessors on r.Effective and makes into their successor: a new
// unit (into.Code not yet used) opened that day. The predecessors' child units and the hamlets
// their cells served pass to the successor. It returns the successor's id. *apperr.Invalid
// names what is wrong: no date, fewer than two open predecessors in scope, or into's fields.
func MergePartyUnits(ctx context.Context, db pg.Beginner, scope Scope, r Reorg, predecessors []int64, into PartyUnitInput) (int64, error) {
	into.From = r.Effective
	return partyTables.merge(ctx, db, scope, r, predecessors, func(tx pgx.Tx, event int64) (int64, error) {
		id, _, err := createPartyUnit(ctx, tx, scope, into, event)
		return id, err
	}, func(tx pgx.Tx, from, to int64) error { return moveCellLinks(ctx, tx, from, to, r.Effective) })
}

// MergeAdminUnits is MergePartyUnits for administrative units, with its errors. A merged hamlet
// keeps the cell its predecessors shared, if they shared one; otherwise its link is left for the
// user to set.
func MergeAdminUnits(ctx context.Context, db pg.Beginner, scope Scope, r Reorg, predecessors []int64, into AdminUnitInput) (int64, error) {
	into.From = r.Effective
	return adminTables.merge(ctx, db, scope, r, predecessors, func(tx pgx.Tx, event int64) (int64, error) {
		cell, mode, err := sharedCell(ctx, tx, predecessors, r.Effective)
		if err != nil {
			return 0, err
		}
		id, err := createAdminUnit(ctx, tx, scope, into, event)
		if err == nil && cell != 0 && into.Level == Hamlet {
			err = insertLink(ctx, tx, id, cell, mode, false, r.Effective)
		}
		return id, err
	}, func(tx pgx.Tx, from, _ int64) error { return endLinks(ctx, tx, `hamlet_id = $1`, from, r.Effective) })
}

// merge is a merge in t: it opens the successor with create, then passes each predecessor's
// children to it, and its hamlets with pass, before closing it.
func (t tables) merge(ctx context.Context, db pg.Beginner, scope Scope, r Reorg, predecessors []int64,
	create func(tx pgx.Tx, event int64) (int64, error), pass func(tx pgx.Tx, from, to int64) error) (int64, error) {
	var id int64
	err := t.apply(ctx, db, Merge, r, 0, func(tx pgx.Tx, inv *apperr.Invalid) error {
		return checkPredecessors(ctx, tx, t, scope, r, predecessors, 2, inv)
	}, func(tx pgx.Tx, event int64) (err error) {
		if id, err = create(tx, event); err != nil {
			return err
		}
		for _, p := range predecessors {
			if err := t.moveChildren(ctx, tx, scope, r.Note, p, id, r.Effective, event); err != nil {
				return err
			}
			if err := pass(tx, p, id); err != nil {
				return err
			}
			if err := t.closeFor(ctx, tx, scope, Merge, r.Note, p, id, r.Effective); err != nil {
				return err
			}
			if err := t.succeed(ctx, tx, event, p, id, 1); err != nil {
				return err
			}
		}
		return nil
	})
	return id, err
}

// sharedCell is the one cell that serves the hamlets on on, 0 if they have none or several; the
// mode is OwnCell if any of them has its own cell.
func sharedCell(ctx context.Context, tx pgx.Tx, hamlets []int64, on time.Time) (int64, LinkMode, error) {
	var cells []int64
	var own bool
	err := tx.QueryRow(ctx, `SELECT array_agg(DISTINCT cell_id), COALESCE(bool_or(mode = 'own'), false) FROM hamlet_cell_link
		WHERE hamlet_id = ANY ($1) AND valid_from <= $2 AND (valid_to IS NULL OR valid_to > $2)`, hamlets, on).Scan(&cells, &own)
	if err != nil || len(cells) != 1 {
		return 0, "", err
	}
	if own {
		return cells[0], OwnCell, nil
	}
	return cells[0], CombinedCell, nil
}

func insertLink(ctx context.Context, tx pgx.Tx, hamlet, cell int64, mode LinkMode, head bool, from time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO hamlet_cell_link (hamlet_id, cell_id, mode, secretary_is_head, valid_from) VALUES ($1, $2, $3, $4, $5)`,
		hamlet, cell, mode, head, from)
	return err
}

// SplitShare is one successor of a split and the share of the predecessor's figures it takes.
type SplitShare[T any] struct {
	Unit  T
	Share float64 // 0 < Share ≤ 1; the shares of a split add up to 1
}

func checkShares(shares []float64, inv *apperr.Invalid) {
	if len(shares) < 2 {
		inv.Add("successors", "Chia tách phải có ít nhất hai đơn vị mới.")
		return
	}
	sum := 0.0
	for i, s := range shares {
		if s <= 0 || s > 1 {
			inv.Add(fmt.Sprintf("share_%d", i), "Tỷ lệ phải lớn hơn 0 % và không quá 100 %.")
		}
		sum += s
	}
	if math.Abs(sum-1) > 0.0005 {
		inv.Add("successors", fmt.Sprintf("Tổng tỷ lệ của các đơn vị mới là %.2f %%, phải bằng 100 %%.", sum*100))
	}
}

func sharesOf[T any](successors []SplitShare[T]) []float64 {
	shares := make([]float64, len(successors))
	for i, s := range successors {
		shares[i] = s.Share
	}
	return shares
}

// SplitPartyUnit closes unit on r.Effective and opens the successors, each taking its share of
// the unit's figures. The unit must have no child units or hamlets left: move them first.
// *apperr.Invalid names what is wrong: no date, a unit not open in scope or not empty, shares
// that do not add up to 100 %, or a successor's fields; a unit changed since the person saw it
// (r.Version) is apperr.ErrConflict.
func SplitPartyUnit(ctx context.Context, db pg.Beginner, scope Scope, r Reorg, unit int64, successors []SplitShare[PartyUnitInput]) ([]int64, error) {
	return partyTables.split(ctx, db, scope, r, unit, sharesOf(successors), nil, func(tx pgx.Tx, event int64, i int) (int64, error) {
		in := successors[i].Unit
		in.From = r.Effective
		id, _, err := createPartyUnit(ctx, tx, scope, in, event)
		return id, err
	})
}

// SplitAdminUnit is SplitPartyUnit for administrative units, with its errors. A split hamlet's
// successors are served by the cell that served it.
func SplitAdminUnit(ctx context.Context, db pg.Beginner, scope Scope, r Reorg, unit int64, successors []SplitShare[AdminUnitInput]) ([]int64, error) {
	var (
		cell int64
		mode LinkMode
	)
	before := func(tx pgx.Tx) error {
		var err error
		if cell, mode, err = sharedCell(ctx, tx, []int64{unit}, r.Effective); err != nil {
			return err
		}
		return endLinks(ctx, tx, `hamlet_id = $1`, unit, r.Effective)
	}
	return adminTables.split(ctx, db, scope, r, unit, sharesOf(successors), before, func(tx pgx.Tx, event int64, i int) (int64, error) {
		in := successors[i].Unit
		in.From = r.Effective
		id, err := createAdminUnit(ctx, tx, scope, in, event)
		if err == nil && cell != 0 && in.Level == Hamlet {
			err = insertLink(ctx, tx, id, cell, mode, false, r.Effective)
		}
		return id, err
	})
}

// split is a split in t: once the unit is checked, before (if any) runs, the unit closes, and
// create opens each successor i.
func (t tables) split(ctx context.Context, db pg.Beginner, scope Scope, r Reorg, unit int64, shares []float64,
	before func(tx pgx.Tx) error, create func(tx pgx.Tx, event int64, i int) (int64, error)) ([]int64, error) {
	var ids []int64
	err := t.apply(ctx, db, Split, r, unit, func(tx pgx.Tx, inv *apperr.Invalid) error {
		if err := checkPredecessors(ctx, tx, t, scope, r, []int64{unit}, 1, inv); err != nil {
			return err
		}
		checkShares(shares, inv)
		return checkEmpty(ctx, tx, t, unit, r.Effective, inv)
	}, func(tx pgx.Tx, event int64) error {
		if before != nil {
			if err := before(tx); err != nil {
				return err
			}
		}
		if err := t.closeFor(ctx, tx, scope, Split, r.Note, unit, 0, r.Effective); err != nil {
			return err
		}
		for i, share := range shares {
			id, err := create(tx, event, i)
			if err != nil {
				return err
			}
			if err := t.succeed(ctx, tx, event, unit, id, share); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return nil
	})
	return ids, err
}

// RenameUnit gives unit a new name from r.Effective on; it stays the same unit. *apperr.Invalid
// names what is wrong: no date, no name or one too long, the name it already has, or a unit
// not open in scope on the day before and on r.Effective ("unit_id"). A unit changed since the
// person saw it (r.Version) is apperr.ErrConflict.
func RenameUnit(ctx context.Context, db pg.Beginner, scope Scope, tree Tree, r Reorg, unit int64, name string) error {
	return rename(ctx, db, scope, tablesOf(tree), r, unit, name, "")
}

// RenameAdminUnit is RenameUnit for an administrative unit that may also change what it is
// called (xã → thị trấn, ấp → khu phố): localWord "" keeps the word it had. Its errors are
// RenameUnit's.
func RenameAdminUnit(ctx context.Context, db pg.Beginner, scope Scope, r Reorg, unit int64, name, localWord string) error {
	return rename(ctx, db, scope, adminTables, r, unit, name, localWord)
}

func rename(ctx context.Context, db pg.Beginner, scope Scope, t tables, r Reorg, unit int64, name, localWord string) error {
	name = cleanName(name)
	localWord = cleanName(strings.ToLower(localWord))
	return t.apply(ctx, db, Rename, r, unit, func(tx pgx.Tx, inv *apperr.Invalid) error {
		if name == "" {
			inv.Add("name", "Nhập tên mới.")
		} else if len([]rune(name)) > 200 {
			inv.Add("name", "Tên đơn vị dài quá 200 ký tự.")
		}
		if !r.Effective.IsZero() {
			old, err := t.checkOpen(ctx, tx, scope, unit, r.Effective, "unit_id", inv)
			if err != nil {
				return err
			}
			var oldWord string
			if localWord != "" {
				if err := tx.QueryRow(ctx, `SELECT local_word FROM admin_version_at($1, $2)`, unit, r.Effective).Scan(&oldWord); err != nil {
					return err
				}
			}
			if old == name && (localWord == "" || localWord == oldWord) {
				inv.Add("name", "Tên mới trùng với tên hiện tại.")
			}
		}
		return nil
	}, func(tx pgx.Tx, event int64) error {
		if err := t.newVersion(ctx, tx, scope, Rename, r.Note, unit, r.Effective, event, name, false, 0); err != nil {
			return err
		}
		if localWord == "" {
			return nil
		}
		_, err := tx.Exec(ctx, `UPDATE admin_unit_version SET local_word = $3 WHERE unit_id = $1 AND valid_from = $2`, unit, r.Effective, localWord)
		return err
	})
}

// MoveUnit puts unit under parent from r.Effective on; it stays the same unit, with its
// children and hamlets. *apperr.Invalid names what is wrong: no date, a unit not open in scope
// on the day before and on r.Effective ("unit_id"), or a parent ("parent_id") not in scope, not
// open, of a kind or level that cannot hold the unit, or the unit itself or below it. A unit
// changed since the person saw it (r.Version) is apperr.ErrConflict.
func MoveUnit(ctx context.Context, db pg.Beginner, scope Scope, tree Tree, r Reorg, unit, parent int64) error {
	t := tablesOf(tree)
	return t.apply(ctx, db, Move, r, unit, func(tx pgx.Tx, inv *apperr.Invalid) error {
		if !r.Effective.IsZero() {
			if _, err := t.checkOpen(ctx, tx, scope, unit, r.Effective, "unit_id", inv); err != nil {
				return err
			}
			var err error
			if tree == PartyTree {
				err = checkParent(ctx, tx, scope, parent, unit, r.Effective, nil, inv)
			} else {
				var level Level
				if err = tx.QueryRow(ctx, `SELECT level FROM admin_unit WHERE id = $1`, unit).Scan(&level); err == nil {
					err = checkAdminParent(ctx, tx, scope, parent, unit, level, r.Effective, inv)
				}
			}
			if err != nil && err != pgx.ErrNoRows {
				return err
			}
		}
		return nil
	}, func(tx pgx.Tx, event int64) error {
		return t.newVersion(ctx, tx, scope, Move, r.Note, unit, r.Effective, event, "", true, parent)
	})
}

func tablesOf(tree Tree) tables {
	if tree == AdminTree {
		return adminTables
	}
	return partyTables
}

func checkPredecessors(ctx context.Context, tx pgx.Tx, t tables, scope Scope, r Reorg, units []int64, least int, inv *apperr.Invalid) error {
	seen := map[int64]bool{}
	for _, u := range units {
		if seen[u] {
			inv.Add("predecessors", "Một đơn vị được chọn hai lần.")
		}
		seen[u] = true
	}
	if len(seen) < least {
		inv.Add("predecessors", fmt.Sprintf("Chọn ít nhất %d đơn vị.", least))
	}
	if r.Effective.IsZero() {
		return nil
	}
	if err := t.hold(ctx, tx, units); err != nil {
		return err
	}
	for _, u := range units {
		if _, err := t.checkOpen(ctx, tx, scope, u, r.Effective, "predecessors", inv); err != nil {
			return err
		}
	}
	return nil
}

// checkEmpty refuses a split while units or hamlet links still hang under the unit.
func checkEmpty(ctx context.Context, tx pgx.Tx, t tables, unit int64, on time.Time, inv *apperr.Invalid) error {
	var children, links int
	err := tx.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM `+t.version+` WHERE parent_id = $1 AND (valid_to IS NULL OR valid_to > $2)),
		(SELECT count(*) FROM hamlet_cell_link WHERE cell_id = $1 AND $3 AND (valid_to IS NULL OR valid_to > $2))`,
		unit, on, t.tree == PartyTree).Scan(&children, &links)
	if err != nil {
		return err
	}
	if children > 0 {
		inv.Add("predecessors", fmt.Sprintf("Đơn vị còn %d đơn vị trực thuộc: chuyển chúng sang các đơn vị mới trước khi chia tách.", children))
	}
	if links > 0 {
		inv.Add("predecessors", fmt.Sprintf("Chi bộ còn phụ trách %d thôn, tổ dân phố: chuyển các thôn sang chi bộ khác trước khi chia tách.", links))
	}
	return nil
}

// moveCellLinks passes the hamlets served by cell from to cell to, from on on. The merged cell
// elects its own secretary: whether that one heads a hamlet is for the user to record.
func moveCellLinks(ctx context.Context, tx pgx.Tx, from, to int64, on time.Time) error {
	if _, err := tx.Exec(ctx, `UPDATE hamlet_cell_link SET cell_id = $2 WHERE cell_id = $1 AND valid_from >= $3`, from, to, on); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `
		WITH ended AS (
			UPDATE hamlet_cell_link SET valid_to = $3
			WHERE cell_id = $1 AND valid_from < $3 AND (valid_to IS NULL OR valid_to > $3)
			RETURNING hamlet_id, mode
		)
		INSERT INTO hamlet_cell_link (hamlet_id, cell_id, mode, valid_from)
		SELECT hamlet_id, $2, mode, $3 FROM ended`, from, to, on)
	return err
}

// Succession is one edge of a reorganisation: predecessor → successor with a share.
type Succession struct {
	EventKind       EventKind
	Effective       time.Time
	Note            string
	PredecessorID   int64
	PredecessorCode string
	PredecessorName string
	SuccessorID     int64
	SuccessorCode   string
	SuccessorName   string
	Share           float64
}

// Successions lists the reorganisation edges that touch unit, as predecessor or successor. The
// unit must be in scope on on, else apperr.ErrNotFound.
func Successions(ctx context.Context, q pg.Querier, scope Scope, tree Tree, unit int64, on time.Time) ([]Succession, error) {
	t := tablesOf(tree)
	if _, err := GetUnit(ctx, q, scope, tree, unit, on); err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `
		SELECT e.kind, e.effective, e.note, s.predecessor_id, pu.code, pv.name, s.successor_id, su.code, sv.name, s.share::float8
		FROM `+t.succession+` s
		JOIN reorg_event e ON e.id = s.event_id
		JOIN `+t.unit+` pu ON pu.id = s.predecessor_id
		CROSS JOIN LATERAL `+t.versionAt+`(s.predecessor_id, e.effective - 1) pv
		JOIN `+t.unit+` su ON su.id = s.successor_id
		CROSS JOIN LATERAL `+t.versionAt+`(s.successor_id, e.effective) sv
		WHERE s.predecessor_id = $1 OR s.successor_id = $1
		ORDER BY e.effective, pv.name COLLATE "vi-x-icu"`, unit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (Succession, error) {
		var s Succession
		err := row.Scan(&s.EventKind, &s.Effective, &s.Note, &s.PredecessorID, &s.PredecessorCode, &s.PredecessorName,
			&s.SuccessorID, &s.SuccessorCode, &s.SuccessorName, &s.Share)
		return s, err
	})
}

// Share is part of a unit's figures restated on another unit.
type Share struct {
	UnitID int64
	Share  float64
}

// RestateOn returns the units valid on asOf that carry unit's figures, with the share each
// takes: the unit itself while it is valid, else its successors through every merge and split
// up to asOf. A 2022 figure of a commune merged in 2025 is restated on today's commune. It
// checks no scope and returns only database errors.
func RestateOn(ctx context.Context, q pg.Querier, tree Tree, unit int64, asOf time.Time) ([]Share, error) {
	t := tablesOf(tree)
	rows, err := q.Query(ctx, `
		WITH RECURSIVE chain (unit_id, share, depth) AS (
			SELECT $1::bigint, 1::numeric, 0
			UNION ALL
			SELECT s.successor_id, chain.share * s.share, chain.depth + 1
			FROM chain
			JOIN `+t.succession+` s ON s.predecessor_id = chain.unit_id
			JOIN reorg_event e ON e.id = s.event_id AND e.effective <= $2
			WHERE chain.depth < 32
		)
		SELECT chain.unit_id, sum(chain.share)::float8
		FROM chain
		WHERE EXISTS (SELECT 1 FROM `+t.version+` v WHERE v.unit_id = chain.unit_id
			AND v.valid_from <= $2 AND (v.valid_to IS NULL OR v.valid_to > $2))
		GROUP BY chain.unit_id
		ORDER BY chain.unit_id`, unit, asOf)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (Share, error) {
		var s Share
		err := row.Scan(&s.UnitID, &s.Share)
		return s, err
	})
}

// NewPart is one successor of a split as entered on a page or the command line: it takes the
// kind and type (or level and local word) and the parent of the unit it comes from.
type NewPart struct {
	Code, Name string
	Share      float64
}

// SplitInto splits unit of tree into parts that inherit its attributes; see SplitPartyUnit and
// SplitAdminUnit, whose errors it returns. A missing date is *apperr.Invalid on "effective"; a
// unit not in scope the day before is apperr.ErrNotFound.
func SplitInto(ctx context.Context, db pg.DB, scope Scope, tree Tree, r Reorg, unit int64, parts []NewPart) ([]int64, error) {
	if r.Effective.IsZero() {
		inv := &apperr.Invalid{}
		r.check(inv)
		return nil, inv
	}
	if tree == PartyTree {
		return splitLike(ctx, db, scope, r, unit, parts, GetPartyUnit, func(u PartyUnit, p NewPart) PartyUnitInput {
			return PartyUnitInput{Code: p.Code, Name: p.Name, Kind: u.Kind, OrgType: u.OrgType, ParentID: u.ParentID, TermMonths: u.TermMonths}
		}, SplitPartyUnit)
	}
	return splitLike(ctx, db, scope, r, unit, parts, GetAdminUnit, func(u AdminUnit, p NewPart) AdminUnitInput {
		return AdminUnitInput{Code: p.Code, Name: p.Name, Level: u.Level, LocalWord: u.LocalWord, ParentID: u.ParentID}
	}, SplitAdminUnit)
}

// splitLike splits unit, read with get as it stood the day before r.Effective, with split into
// parts made like it.
func splitLike[U, In any](ctx context.Context, db pg.DB, scope Scope, r Reorg, unit int64, parts []NewPart,
	get func(context.Context, pg.Querier, Scope, int64, time.Time) (U, error), like func(U, NewPart) In,
	split func(context.Context, pg.Beginner, Scope, Reorg, int64, []SplitShare[In]) ([]int64, error)) ([]int64, error) {
	u, err := get(ctx, db, scope, unit, r.Effective.AddDate(0, 0, -1))
	if err != nil {
		return nil, err
	}
	succ := make([]SplitShare[In], len(parts))
	for i, p := range parts {
		succ[i] = SplitShare[In]{Share: p.Share, Unit: like(u, p)}
	}
	return split(ctx, db, scope, r, unit, succ)
}
