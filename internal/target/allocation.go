package target

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/text/unicode/norm"

	"ptdang/internal/apperr"
	"ptdang/internal/audit"
	"ptdang/internal/format"
	"ptdang/internal/org"
	"ptdang/internal/pg"
)

// Child is one unit directly below the unit that allocates, with its target.
type Child struct {
	Unit    org.PartyUnit
	Target  Target
	Members int // the default base of a share: see Members
}

// Allocation is a unit's target for a year and how it is shared among the units directly
// below it, as the tree stood on AsOf.
type Allocation struct {
	Unit      org.PartyUnit
	Year      int
	AsOf      time.Time
	Members   int    // the unit's default base of a share
	Total     Target // the unit's own target; Set() is false when there is none
	Children  []Child
	Sum       int // of the children's targets
	Allocated int // children with a target
	Settings  Settings
}

// Difference is what the children's targets add up to minus the unit's own target: negative
// when some of it is not yet given out.
func (a Allocation) Difference() int { return a.Sum - a.Total.Number }

// Mismatch reports whether the children's targets, once any is set, fail to add up to the
// unit's own target (or the unit has none). In a strict province it cannot be saved.
func (a Allocation) Mismatch() bool {
	return a.Allocated > 0 && (!a.Total.Set() || a.Sum != a.Total.Number)
}

// MismatchMessage says in Vietnamese how the allocation fails to add up; "" when it does not.
func (a Allocation) MismatchMessage() string {
	if !a.Mismatch() {
		return ""
	}
	if !a.Total.Set() {
		return fmt.Sprintf("%s chưa có chỉ tiêu năm %d nhưng đã giao %s cho các đơn vị trực thuộc.",
			a.Unit.Name, a.Year, format.Int(int64(a.Sum)))
	}
	d := a.Difference()
	word := "còn thiếu"
	if d > 0 {
		word = "vượt"
	}
	return fmt.Sprintf("Tổng chỉ tiêu giao cho các đơn vị trực thuộc là %s, %s %s so với chỉ tiêu %s của %s.",
		format.Int(int64(a.Sum)), word, format.Int(int64(abs(d))), format.Int(int64(a.Total.Number)), a.Unit.Name)
}

// StrictMessage refuses a mismatch in a strict province.
func (a Allocation) StrictMessage() string {
	return a.MismatchMessage() + " Tỉnh quy định tổng chỉ tiêu giao cho các đơn vị trực thuộc phải bằng chỉ tiêu của đơn vị."
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// targetColumns selects a Target from admission_target t.
const targetColumns = `t.id, t.unit_id, t.year, t.basis, COALESCE((t.share * 100)::int, 0), COALESCE(t.base, 0), t.target, t.version`

func scanTarget(row pgx.Row) (Target, error) {
	var t Target
	err := row.Scan(&t.ID, &t.UnitID, &t.Year, &t.Basis, &t.Share, &t.Base, &t.Number, &t.Version)
	return t, err
}

// targetsOf reads the year's targets of units, by unit; units without one are missing.
func targetsOf(ctx context.Context, q pg.Querier, units []int64, year int, lock bool) (map[int64]Target, error) {
	sql := `SELECT ` + targetColumns + ` FROM admission_target t WHERE t.unit_id = ANY ($1) AND t.year = $2`
	if lock {
		sql += ` ORDER BY t.unit_id FOR UPDATE`
	}
	rows, err := q.Query(ctx, sql, units, year)
	if err != nil {
		return nil, err
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (Target, error) { return scanTarget(row) })
	if err != nil {
		return nil, err
	}
	m := make(map[int64]Target, len(list))
	for _, t := range list {
		m[t.UnitID] = t
	}
	return m, nil
}

// Members returns, for each unit, the members a share is applied to when the user enters no
// base: the unit's recorded full members or, for a committee that records none, the sum over
// the cells below it on d. The recorded figure is today's: for past years the user enters
// the base. It checks no scope and returns only database errors.
func Members(ctx context.Context, q pg.Querier, units []int64, d time.Time) (map[int64]int, error) {
	rows, err := q.Query(ctx, `
		SELECT u.id, CASE WHEN u.full_members > 0 THEN u.full_members ELSE COALESCE((
			SELECT sum(p.full_members) FROM party_descendants(u.id, $2) ds
			JOIN party_unit p ON p.id = ds.id
			CROSS JOIN LATERAL party_version_at(ds.id, $2) v
			WHERE v.kind IN ('grassroots_cell', 'affiliated_cell')), 0)::int END
		FROM party_unit u WHERE u.id = ANY ($1)`, units, d)
	if err != nil {
		return nil, err
	}
	m := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		m[id] = n
	}
	return m, rows.Err()
}

// GetAllocation returns unit's target for year and its children's, as the tree stood on
// AsOf(unit, year), with the rules of its province. The unit must be within scope:
// apperr.ErrNotFound otherwise.
func GetAllocation(ctx context.Context, q pg.Querier, scope org.Scope, unit int64, year int) (Allocation, error) {
	return getAllocation(ctx, q, scope, unit, year, false)
}

// getAllocation is GetAllocation; lock takes row locks on the targets, for a save.
func getAllocation(ctx context.Context, q pg.Querier, scope org.Scope, unit int64, year int, lock bool) (Allocation, error) {
	if !ValidYear(year) {
		return Allocation{}, apperr.ErrNotFound
	}
	u, err := org.GetPartyUnit(ctx, q, scope, unit, yearStart(year))
	if err != nil {
		return Allocation{}, err
	}
	a := Allocation{Year: year, AsOf: AsOf(u, year)}
	if a.Unit, err = org.GetPartyUnit(ctx, q, scope, unit, a.AsOf); err != nil {
		return Allocation{}, err
	}
	province, err := provinceOf(ctx, q, unit, a.AsOf)
	if err != nil {
		return Allocation{}, err
	}
	if a.Settings, err = settingsFor(ctx, q, province, year); err != nil {
		return Allocation{}, err
	}
	children, err := org.PartyChildren(ctx, q, scope, unit, a.AsOf)
	if err != nil {
		return Allocation{}, err
	}
	ids := []int64{unit}
	for _, c := range children {
		ids = append(ids, c.ID)
	}
	targets, err := targetsOf(ctx, q, ids, year, lock)
	if err != nil {
		return Allocation{}, err
	}
	members, err := Members(ctx, q, ids, a.AsOf)
	if err != nil {
		return Allocation{}, err
	}
	a.Total, a.Members = targets[unit], members[unit]
	for _, c := range children {
		t := targets[c.ID]
		a.Children = append(a.Children, Child{Unit: c, Target: t, Members: members[c.ID]})
		if t.Set() {
			a.Sum += t.Number
			a.Allocated++
		}
	}
	return a, nil
}

// Rights are what a scope may do with an allocation on a day.
type Rights struct {
	Total    bool // set the unit's own target: the scope holds the unit's parent (the level above)
	Children bool // set the targets of the units below: the scope holds the unit
	Locked   bool // the year's targets are locked
	// Reason: a change needs a reason, because the targets are locked and the scope holds the
	// province committee. Below the province nobody changes locked targets.
	Reason bool
}

// GetRights returns what scope may do with a on today. The top of a tree, which has no level
// above, sets its own target. What scope may not do is a false right, not an error: it returns
// only database errors.
func GetRights(ctx context.Context, q pg.Querier, scope org.Scope, a Allocation, today time.Time) (Rights, error) {
	var r Rights
	var err error
	if r.Children, err = inScope(ctx, q, scope, a.Unit.ID, a.AsOf); err != nil {
		return r, err
	}
	r.Children = r.Children && !a.Unit.Kind.IsCell()
	above := a.Unit.ParentID
	if above == 0 {
		above = a.Unit.ID
	}
	if r.Total, err = inScope(ctx, q, scope, above, a.AsOf); err != nil {
		return r, err
	}
	if r.Locked = a.Settings.Locked(today); r.Locked {
		province, err := inScope(ctx, q, scope, a.Settings.Province, a.AsOf)
		if err != nil {
			return r, err
		}
		r.Total, r.Children = r.Total && province, r.Children && province
		r.Reason = province
	}
	return r, nil
}

// AllocationInput is what a user saves on the allocation page.
type AllocationInput struct {
	Unit     int64
	Year     int
	Total    *Entry  // the unit's own target; nil leaves it as it is
	Children []Entry // targets of units directly below; units left out stay as they are
	Reason   string  // why; required once the year's targets are locked
}

// MaxReason bounds the reason of a change.
const MaxReason = 500

// Allocate saves in as one change: all of it or nothing. The unit must be within scope
// (apperr.ErrNotFound), and so must each child entry's unit be one of its children on AsOf.
// Setting the unit's own target needs the level above in scope, a child's the unit;
// otherwise, and once the year is locked for a scope below the province, apperr.ErrForbidden
// with a message saying which.
// A locked year needs a reason. An entry whose Version is not the current one is
// apperr.ErrConflict. Field errors (*apperr.Invalid) are on "total", UnitField(child) and
// "reason"; in a strict province an allocation that does not add up is refused on "total".
// It returns the allocation as saved and the number of targets changed, each audited.
func Allocate(ctx context.Context, db pg.Beginner, scope org.Scope, in AllocationInput, today time.Time) (Allocation, int, error) {
	var (
		saved   Allocation
		changed int
	)
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		var err error
		saved, changed, err = allocate(ctx, tx, scope, in, today, true)
		return err
	})
	return saved, changed, err
}

// allocate is Allocate inside tx; strict false leaves the strict check to the caller (an
// import checks each allocation once the whole file is applied).
func allocate(ctx context.Context, tx pgx.Tx, scope org.Scope, in AllocationInput, today time.Time, strict bool) (Allocation, int, error) {
	a, err := getAllocation(ctx, tx, scope, in.Unit, in.Year, true)
	if err != nil {
		return a, 0, err
	}
	rights, err := GetRights(ctx, tx, scope, a, today)
	if err != nil {
		return a, 0, err
	}
	p := Page{Allocation: a, Rights: rights}
	inv := &apperr.Invalid{}
	changes, err := p.changes(in, inv)
	if err != nil {
		return a, 0, err
	}
	reason := cleanReason(in.Reason)
	if len([]rune(reason)) > MaxReason {
		inv.Add("reason", fmt.Sprintf("Lý do dài quá %d ký tự.", MaxReason))
	}
	if len(changes) > 0 && rights.Locked && reason == "" {
		inv.Add("reason", fmt.Sprintf("Chỉ tiêu năm %d đã khóa từ ngày %s: nhập lý do điều chỉnh.", a.Year, format.Date(*a.Settings.LockDate)))
	}
	if err := inv.Err(); err != nil {
		return a, 0, err
	}
	for _, c := range changes {
		if err := save(ctx, tx, scope, c.unit, a.Year, c.cur, c.entry, reason); err != nil {
			return a, 0, err
		}
	}
	after, err := getAllocation(ctx, tx, scope, in.Unit, in.Year, false)
	if err != nil {
		return a, 0, err
	}
	if strict && after.Settings.Strict && after.Mismatch() {
		inv.Add("total", after.StrictMessage())
		return after, 0, inv
	}
	return after, len(changes), nil
}

// change is one target an allocation replaces.
type change struct {
	entry Entry
	cur   Target
	unit  org.PartyUnit
}

// changes are the targets that in changes on p, its malformed entries noted in inv. An entry
// typed over another version is apperr.ErrConflict, a change the rights do not allow
// apperr.ErrForbidden, an entry for a unit that is not a child apperr.ErrNotFound.
func (p Page) changes(in AllocationInput, inv *apperr.Invalid) ([]change, error) {
	var changes []change
	conflict, forbidden := false, false
	consider := func(field string, e Entry, unit org.PartyUnit, cur Target, allowed bool) {
		e = e.normalise()
		e.UnitID = unit.ID
		e.validate(field, unit.Name, inv)
		conflict = conflict || e.Version != cur.Version
		if e.differs(cur) {
			forbidden = forbidden || !allowed
			changes = append(changes, change{e, cur, unit})
		}
	}
	if in.Total != nil {
		consider("total", *in.Total, p.Unit, p.Total, p.Rights.Total)
	}
	children := map[int64]Child{}
	for _, c := range p.Children {
		children[c.Unit.ID] = c
	}
	for _, e := range in.Children {
		c, ok := children[e.UnitID]
		if !ok {
			return nil, apperr.ErrNotFound
		}
		consider(UnitField(c.Unit.ID), e, c.Unit, c.Target, p.Rights.Children)
	}
	switch {
	case forbidden:
		return nil, p.forbidden()
	case conflict:
		return nil, apperr.ErrConflict
	}
	return changes, nil
}

func cleanReason(s string) string { return norm.NFC.String(strings.Join(strings.Fields(s), " ")) }

// save writes entry e as unit's target for year, replacing cur, and audits the change. A row
// changed or added since cur was read is apperr.ErrConflict.
func save(ctx context.Context, tx pgx.Tx, scope org.Scope, unit org.PartyUnit, year int, cur Target, e Entry, reason string) error {
	var (
		id     int64
		action string
		err    error
	)
	share, base := sqlShare(e)
	switch {
	case e.Clear:
		action, id = "delete", cur.ID
		var tag interface{ RowsAffected() int64 }
		tag, err = tx.Exec(ctx, `DELETE FROM admission_target WHERE id = $1 AND version = $2`, cur.ID, cur.Version)
		if err == nil && tag.RowsAffected() == 0 {
			return apperr.ErrConflict
		}
	case cur.Set():
		action = "update"
		err = tx.QueryRow(ctx, `
			UPDATE admission_target SET basis = $3, share = $4, base = $5, target = $6, version = version + 1, updated_at = now()
			WHERE id = $1 AND version = $2 RETURNING id`,
			cur.ID, cur.Version, e.Basis, share, base, e.Number).Scan(&id)
	default:
		action = "create"
		err = tx.QueryRow(ctx, `
			INSERT INTO admission_target (unit_id, year, basis, share, base, target) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (unit_id, year) DO NOTHING RETURNING id`,
			unit.ID, year, e.Basis, share, base, e.Number).Scan(&id)
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return apperr.ErrConflict
	}
	if err != nil {
		return err
	}
	next := Target{UnitID: unit.ID, Year: year, Basis: e.Basis, Share: e.Share, Base: e.Base, Number: e.Number, Version: 1}
	if e.Clear {
		next = Target{}
	}
	return audit.Record(ctx, tx, scope.Actor, audit.Entry{Action: action, Entity: "admission_target", EntityID: id,
		Label: unit.Code, UnitID: unit.ID, Old: cur.snapshot(), New: next.snapshot(), Reason: reason})
}

// sqlShare is the share (in percent) and base columns of e; NULL for a number.
func sqlShare(e Entry) (share *float64, base *int) {
	if !e.Basis.IsShare() {
		return nil, nil
	}
	p, b := e.Share.Percent(), e.Base
	return &p, &b
}
