package org_test

import (
	"context"
	"fmt"
	"github.com/jackc/pgx/v5/pgxpool"
	"testing"

	"ptdang/internal/apperr"
	"ptdang/internal/org"
	"ptdang/internal/pgtest"
)

func countAudit(t *testing.T, f fixture, action, entity string, id int64) int {
	t.Helper()
	return pgtest.Count(t, f.db, `SELECT count(*) FROM audit_log WHERE action = $1 AND entity = $2 AND entity_id = $3`, action, entity, id)
}

// Changes made at once from one version of a party unit (one page): one applies, the others are
// told the unit changed meanwhile, instead of the last silently replacing the first.
func TestSimultaneousChangesOfAPartyUnitFromOneVersionOneApplies(t *testing.T) {
	for _, c := range []struct {
		name    string
		audited []string // the actions of the one change that applies
		attempt func(ctx context.Context, db *pgxpool.Pool, f fixture, u org.PartyUnit, i int) error
	}{
		{"closes", []string{"close"}, func(ctx context.Context, db *pgxpool.Pool, f fixture, u org.PartyUnit, i int) error {
			return org.ClosePartyUnit(ctx, db, all, f.cellB, u.Version, day("2020-01-01").AddDate(0, i, 0))
		}},
		{"updates", []string{"update"}, func(ctx context.Context, db *pgxpool.Pool, f fixture, u org.PartyUnit, i int) error {
			_, err := org.UpdatePartyUnit(ctx, db, all, f.cellB, u.Version, org.PartyUnitInput{Name: u.Name, Kind: u.Kind, OrgType: u.OrgType,
				FullMembers: 5 + i, TermMonths: u.TermMonths}, day("2020-01-01"))
			return err
		}},
		{"renames and moves", []string{"rename", "move"}, func(ctx context.Context, db *pgxpool.Pool, f fixture, u org.PartyUnit, i int) error {
			seen := org.Reorg{Effective: day("2021-01-01"), Note: "Quyết định 7", Version: u.Version}
			if i%2 == 1 {
				return org.MoveUnit(ctx, db, all, org.PartyTree, seen, f.cellB, u.ParentID)
			}
			return org.RenameUnit(ctx, db, all, org.PartyTree, seen, f.cellB, fmt.Sprintf("Chi bộ mới số %d", i))
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			f, db := newRaceFixture(t)
			u, err := org.GetPartyUnit(t.Context(), f.db, all, f.cellB, day("2020-01-01"))
			if err != nil {
				t.Fatal(err)
			}
			pgtest.OneWinner(t, pgtest.Race(func(i int) error { return c.attempt(t.Context(), db, f, u, i) }), nil)
			n := 0
			for _, action := range c.audited {
				n += countAudit(t, f, action, "party_unit", f.cellB)
			}
			if n != 1 {
				t.Fatalf("%d changes recorded (%v), want 1", n, c.audited)
			}
		})
	}
}

func TestSimultaneousClosesOfAnAdminUnitOneWins(t *testing.T) {
	f, db := newRaceFixture(t)
	ctx := t.Context()
	_, _, hamlet := f.adminCommune(org.HamletFacts{})
	h, err := org.GetAdminUnit(ctx, f.db, all, hamlet, day("2020-01-01"))
	if err != nil {
		t.Fatal(err)
	}
	pgtest.OneWinner(t, pgtest.Race(func(i int) error {
		return org.CloseAdminUnit(ctx, db, all, hamlet, h.Version, day("2020-01-01").AddDate(0, i, 0))
	}), nil)
	if n := countAudit(t, f, "close", "admin_unit", hamlet); n != 1 {
		t.Fatalf("%d closes recorded, want 1", n)
	}
}

// A hamlet's link carries no version: of simultaneous changes from one day, the first applies and
// the others are told, on "from", that the hamlet already changed from that day.
func TestSimultaneousLinkChangesOfAHamletOneApplies(t *testing.T) {
	f, db := newRaceFixture(t)
	ctx := t.Context()
	_, _, hamlet := f.adminCommune(org.HamletFacts{})
	if err := org.SetLink(ctx, f.db, all, hamlet, f.cellA, org.OwnCell, false, day("2012-01-01")); err != nil {
		t.Fatal(err)
	}
	pgtest.OneWinner(t, pgtest.Race(func(i int) error {
		cell := f.cellA
		if i%2 == 1 {
			cell = f.cellB
		}
		return org.SetLink(ctx, db, all, hamlet, cell, org.CombinedCell, i%2 == 0, day("2020-01-01"))
	}), func(err error) bool { return apperr.Field(err, "from") != "" })
	var links int
	if err := f.db.QueryRow(ctx, `SELECT count(*) FROM hamlet_cell_link WHERE hamlet_id = $1`, hamlet).Scan(&links); err != nil || links != 2 {
		t.Fatalf("%d links, want the first and the one change (%v)", links, err)
	}
}

// A merge carries no version: of simultaneous merges of the same units, the first applies and
// the others are told, on "predecessors", that the units are no longer open on that day. The
// units are named in either order: holding them never deadlocks.
func TestSimultaneousMergesOfTheSameUnitsOneApplies(t *testing.T) {
	f, db := newRaceFixture(t)
	pgtest.OneWinner(t, pgtest.Race(func(i int) error {
		units := []int64{f.communeA, f.communeB}
		if i%2 == 1 {
			units = []int64{f.communeB, f.communeA}
		}
		_, err := org.MergePartyUnits(t.Context(), db, all, org.Reorg{Effective: day("2025-07-01")}, units,
			org.PartyUnitInput{Code: fmt.Sprintf("DN-AB-%d", i), Name: "Đảng bộ xã An Bình", Kind: org.CommuneCommittee, OrgType: "territorial", ParentID: f.province})
		return err
	}), func(err error) bool { return apperr.Field(err, "predecessors") != "" })
	var events int
	if err := f.db.QueryRow(t.Context(), `SELECT count(*) FROM reorg_event`).Scan(&events); err != nil || events != 1 {
		t.Fatalf("%d reorganisation events, want 1 (%v)", events, err)
	}
}
