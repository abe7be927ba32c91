// Package orgtest builds the organisation trees that tests start from, for tests only. It goes
// through package org's own use cases, so every rule is checked and every change audited as in
// production:
//
//	tree := orgtest.New(t, db, orgtest.Day("2015-01-01"))
//	province := tree.Province("TU", "Tỉnh ủy Đồng Nai")
//	commune := province.Commune("TU.X1", "Đảng bộ xã Xuân Lộc")
//	cells := commune.Cells(3, 12) // TU.X1.A1 … TU.X1.A3, 12 full members each
//	staff := commune.Staff("xa")  // what the commune's staff may see, acting as "xa"
//
// A test inside package org cannot use it (org would import itself): org's tests are in
// package org_test.
package orgtest

import (
	"fmt"
	"testing"
	"time"

	"ptdang/internal/audit"
	"ptdang/internal/org"
	"ptdang/internal/pg"
)

// Day is the date s, written yyyy-mm-dd, as the tests write their dates. A malformed s is a
// mistake in the test: it panics.
func Day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

// Tree adds units to a test's database as a system administrator and remembers their ids by
// code.
type Tree struct {
	t    testing.TB
	db   pg.Beginner
	from time.Time
	ids  map[string]int64
}

// New returns a tree adding units to db; a unit is founded on from unless its input says
// otherwise. A unit that cannot be added fails t.
func New(t testing.TB, db pg.Beginner, from time.Time) *Tree {
	return &Tree{t: t, db: db, from: from, ids: map[string]int64{}}
}

// Unit is a unit the tree added; its methods add units under it.
type Unit struct {
	tree *Tree
	ID   int64
	Code string
}

// ID is the id of the unit the tree added with code; it fails the test for a code never added.
func (tr *Tree) ID(code string) int64 {
	tr.t.Helper()
	id, ok := tr.ids[code]
	if !ok {
		tr.t.Fatalf("orgtest: no unit %q", code)
	}
	return id
}

// Party adds the party unit in. Its organisation type is territorial and it is founded on the
// tree's day unless in says otherwise.
func (tr *Tree) Party(in org.PartyUnitInput) Unit {
	tr.t.Helper()
	if in.OrgType == "" {
		in.OrgType = "territorial"
	}
	if in.From.IsZero() {
		in.From = tr.from
	}
	id, _, err := org.CreatePartyUnit(tr.t.Context(), tr.db, org.Everything(), in)
	return tr.added(in.Code, id, err)
}

// Admin adds the administrative unit in, founded on the tree's day unless in says otherwise.
func (tr *Tree) Admin(in org.AdminUnitInput) Unit {
	tr.t.Helper()
	if in.From.IsZero() {
		in.From = tr.from
	}
	id, err := org.CreateAdminUnit(tr.t.Context(), tr.db, org.Everything(), in)
	return tr.added(in.Code, id, err)
}

func (tr *Tree) added(code string, id int64, err error) Unit {
	tr.t.Helper()
	if err != nil {
		tr.t.Fatalf("orgtest: add %s: %v", code, err)
	}
	tr.ids[code] = id
	return Unit{tree: tr, ID: id, Code: code}
}

// Province adds a territorial provincial committee at the top of the party tree.
func (tr *Tree) Province(code, name string) Unit {
	tr.t.Helper()
	return tr.Party(org.PartyUnitInput{Code: code, Name: name, Kind: org.ProvinceCommittee})
}

// Party adds the party unit in under u, as Tree.Party does.
func (u Unit) Party(in org.PartyUnitInput) Unit {
	u.tree.t.Helper()
	in.ParentID = u.ID
	return u.tree.Party(in)
}

// Admin adds the administrative unit in under u, as Tree.Admin does.
func (u Unit) Admin(in org.AdminUnitInput) Unit {
	u.tree.t.Helper()
	in.ParentID = u.ID
	return u.tree.Admin(in)
}

// Commune adds a territorial commune committee under u.
func (u Unit) Commune(code, name string) Unit {
	u.tree.t.Helper()
	return u.Party(org.PartyUnitInput{Code: code, Name: name, Kind: org.CommuneCommittee})
}

// Cell adds a territorial affiliated cell of members full members under u.
func (u Unit) Cell(code, name string, members int) Unit {
	u.tree.t.Helper()
	return u.Party(org.PartyUnitInput{Code: code, Name: name, Kind: org.AffiliatedCell, FullMembers: members})
}

// Cells adds n cells of members full members under u, coded u.Code+".A1" … and named
// "Chi bộ ấp 1" ….
func (u Unit) Cells(n, members int) []Unit {
	u.tree.t.Helper()
	cells := make([]Unit, n)
	for i := range cells {
		cells[i] = u.Cell(fmt.Sprintf("%s.A%d", u.Code, i+1), fmt.Sprintf("Chi bộ ấp %d", i+1), members)
	}
	return cells
}

// Link has cell serve the hamlet u from the tree's day.
func (u Unit) Link(cell Unit, mode org.LinkMode) {
	u.tree.t.Helper()
	if err := org.SetLink(u.tree.t.Context(), u.tree.db, org.Everything(), u.ID, cell.ID, mode, false, u.tree.from); err != nil {
		u.tree.t.Fatalf("orgtest: link %s to %s: %v", u.Code, cell.Code, err)
	}
}

// Staff is what the staff of u may see and change, acting as login.
func (u Unit) Staff(login string) org.Scope {
	return org.Under(u.ID).As(audit.Actor{Login: login})
}
