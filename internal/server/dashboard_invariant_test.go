package server

import (
	"fmt"
	"io"
	"math"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"ptdang/internal/dashboard"
	"ptdang/internal/gen"
	"ptdang/internal/org"
	"ptdang/internal/pgtest"
	"ptdang/internal/report"
)

// The invariants of the dashboards, on generated provinces (package gen: both trees with the
// 2025 reform, hamlets with their own cell, combined or without members, three years of
// reports), small enough to check every unit: four communes after the reform.

// invariantDates are the as-of dates checked: the day before the reform, the reform (communes
// merged, districts closed), mid-quarter, and the end of a year.
var invariantDates = []string{"2025-06-30", "2025-07-01", "2025-08-15", "2025-12-31"}

// generatedProvince loads a small generated province into a new database.
func generatedProvince(t *testing.T, seed uint64) *pgxpool.Pool {
	t.Helper()
	db := pgtest.New(t)
	opt := gen.Options{Scale: gen.Scale{Name: "test", Provinces: 1, Communes: 4}, Years: 3, Seed: seed, Last: report.Period{Year: 2026, Quarter: 3}}
	if err := gen.Load(t.Context(), pgtest.Owner(t, db), opt, io.Discard); err != nil {
		t.Fatal(err)
	}
	return db
}

// apiValues are a row's values as the API and the exports give them, by key, with its status.
func apiValues(r dashboard.Row) map[string]any {
	out := dashboard.Values(r)
	out["target_status"] = string(r.Progress.Status)
	return out
}

// additive are the API keys whose rows add up to the totals; hamletKeys only where the rows
// lead the territories (above the communes), not a commune's cells, which leave out the
// hamlets without members.
var (
	additive = []string{"hamlets_covered", "own_cell_hamlets", "combined_hamlets", "committee_hamlets",
		"admitted", "admitted_last_year", "cells_submitted", "cells_expected", "cells_approved",
		"sources", "sympathisers", "course_completed", "recognised", "not_recognised",
		"members_at_start", "transferred_in", "restored", "deceased", "expelled", "removed", "withdrew", "transferred_out",
		"members_now", "working_away", "exempt",
		"adm_women", "adm_youth_union", "adm_ethnic_minority", "adm_religious", "adm_workers", "adm_private_owners", "adm_students", "adm_readmitted",
		"admitted_q1", "admitted_q2", "admitted_q3", "admitted_q4",
		"rated", "rated_excellent", "rated_good", "rated_satisfactory", "rated_unsatisfactory", "unsatisfactory_two_years",
		"cells_over_cap", "organisations_excellent", "cells_rated", "congress_held", "congress_due"}
	hamletKeys = []string{"hamlets", "no_member_hamlets"}
)

// liveUnit is a Party unit on a date.
type liveUnit struct {
	id, parent int64
	kind       org.Kind
	children   int
}

func unitsOn(t *testing.T, db *pgxpool.Pool, asOf time.Time) map[int64]*liveUnit {
	t.Helper()
	rows, err := db.Query(t.Context(), `SELECT unit_id, COALESCE(parent_id, 0), kind FROM party_unit_version
		WHERE valid_from <= $1 AND (valid_to IS NULL OR valid_to > $1)`, asOf)
	if err != nil {
		t.Fatal(err)
	}
	units := map[int64]*liveUnit{org.Nation: {id: org.Nation}}
	for rows.Next() {
		u := &liveUnit{}
		if err := rows.Scan(&u.id, &u.parent, &u.kind); err != nil {
			t.Fatal(err)
		}
		units[u.id] = u
	}
	if rows.Err() != nil {
		t.Fatal(rows.Err())
	}
	for _, u := range units {
		if u.id != org.Nation {
			units[u.parent].children++
		}
	}
	return units
}

// TestDashboardTotalsEqualTheRowAbove checks, for every unit of a generated province and
// several dates, that its own dashboard's totals are its row on its parent's dashboard, key
// by key as the API gives them, and that the additive columns of every dashboard's rows sum
// to its totals. It also compares every unit's coverage and admissions with referenceRows.
func TestDashboardTotalsEqualTheRowAbove(t *testing.T) {
	for _, seed := range []uint64{1, 2} {
		t.Run(fmt.Sprintf("seed %d", seed), func(t *testing.T) {
			db := generatedProvince(t, seed)
			ref := readReference(t, db)
			for _, date := range invariantDates {
				asOf, _ := time.Parse(time.DateOnly, date)
				units := unitsOn(t, db, asOf)
				above := map[int64]dashboard.Row{} // each unit's row on its parent's dashboard
				totals := map[int64]dashboard.Row{}
				for _, u := range units {
					if u.children == 0 || u.kind.IsCell() {
						continue
					}
					d, err := dashboard.Build(t.Context(), db, org.Everything(), u.id, asOf.Year(), asOf)
					if err != nil {
						t.Fatal(err)
					}
					totals[u.id] = d.Total
					sums := map[string]int{}
					for _, r := range d.Rows {
						above[r.UnitID] = r
						for k, v := range apiValues(r) {
							if n, ok := v.(int); ok {
								sums[k] += n
							}
						}
					}
					keys := additive
					if u.id == org.Nation || u.kind == org.ProvinceCommittee || u.kind == org.DistrictCommittee {
						keys = append(keys[:len(keys):len(keys)], hamletKeys...)
					}
					tv := apiValues(d.Total)
					for _, k := range keys {
						if tv[k] != sums[k] {
							t.Errorf("%s: the rows of %d (%s) sum %s to %d, the totals say %v", date, u.id, d.Unit.Name, k, sums[k], tv[k])
						}
					}
				}
				checked := 0
				for _, u := range units {
					if u.id == org.Nation {
						continue
					}
					own, ok := totals[u.id]
					if !ok && date != "2025-07-01" && u.id%10 != 0 {
						// A cell, or a unit without children: its dashboard is its own row, computed
						// alone. All are checked on the reform's day, one in ten on the others.
						ok = true
						own = above[u.id]
					}
					if !ok {
						d, err := dashboard.Build(t.Context(), db, org.Everything(), u.id, asOf.Year(), asOf)
						if err != nil {
							t.Fatal(err)
						}
						own = d.Total
					}
					row, ok := above[u.id]
					if !ok {
						t.Fatalf("%s: unit %d is on no dashboard", date, u.id)
					}
					if got, want := apiValues(own), apiValues(row); !reflect.DeepEqual(got, want) {
						for k := range want {
							if !reflect.DeepEqual(got[k], want[k]) {
								t.Errorf("%s: unit %d (%s): its totals give %s = %v, its row above %v", date, u.id, row.Name, k, got[k], want[k])
							}
						}
					}
					ref.check(t, asOf, u.id, row)
					checked++
				}
				// The data set has what is checked: every way a hamlet is served, and admissions.
				var province dashboard.Row
				for _, u := range units {
					if u.kind == org.ProvinceCommittee {
						province = above[u.id]
					}
				}
				if province.OwnCell == 0 || province.Combined == 0 || province.NoMember == 0 || province.WithCommittee == 0 || province.Admitted == 0 {
					t.Fatalf("%s: the generated province lacks a case: %+v", date, province)
				}
				t.Logf("%s: %d units, %d dashboards; the province: %d hamlets, %d own cell, %d combined, %d without members, %d admitted",
					date, checked, len(totals), province.Hamlets, province.OwnCell, province.Combined, province.NoMember, province.Admitted)
			}
		})
	}
}

// reference is the tables the dashboards read, as plain rows, for referenceRows: a slow,
// simple recomputation in Go loops of coverage and admissions, to check the SQL against.
type reference struct {
	party    []partyVersion
	terr     map[int64]int64     // Party unit → territory
	since    map[int64]time.Time // Party unit → committee since
	level    map[int64]string    // admin unit → level
	admin    []adminVersion
	links    []hamletLink
	reports  []reportAdmitted
	succeeds []succession
}

type partyVersion struct {
	unit, parent int64
	kind         string
	from         time.Time
	to           *time.Time
}

type adminVersion struct {
	unit, parent int64
	from         time.Time
	to           *time.Time
}

type hamletLink struct {
	hamlet, cell int64
	mode         string
	from         time.Time
	to           *time.Time
}

type reportAdmitted struct {
	cell                    int64
	year, quarter, admitted int
}

type succession struct {
	pred, succ int64
	share      float64
	effective  time.Time
}

func readReference(t *testing.T, db *pgxpool.Pool) *reference {
	t.Helper()
	ctx := t.Context()
	ref := &reference{terr: map[int64]int64{}, since: map[int64]time.Time{}, level: map[int64]string{}}
	scan := func(sql string, each func(pgx.Rows) error) {
		rows, err := db.Query(ctx, sql)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			if err := each(rows); err != nil {
				t.Fatal(err)
			}
		}
		if rows.Err() != nil {
			t.Fatal(rows.Err())
		}
	}
	scan(`SELECT unit_id, COALESCE(parent_id, 0), kind, valid_from, valid_to FROM party_unit_version`, func(r pgx.Rows) error {
		var v partyVersion
		err := r.Scan(&v.unit, &v.parent, &v.kind, &v.from, &v.to)
		ref.party = append(ref.party, v)
		return err
	})
	scan(`SELECT id, territory_id, committee_since FROM party_unit`, func(r pgx.Rows) error {
		var id int64
		var terr *int64
		var since *time.Time
		err := r.Scan(&id, &terr, &since)
		if terr != nil {
			ref.terr[id] = *terr
		}
		if since != nil {
			ref.since[id] = *since
		}
		return err
	})
	scan(`SELECT id, level FROM admin_unit`, func(r pgx.Rows) error {
		var id int64
		var level string
		err := r.Scan(&id, &level)
		ref.level[id] = level
		return err
	})
	scan(`SELECT unit_id, COALESCE(parent_id, 0), valid_from, valid_to FROM admin_unit_version`, func(r pgx.Rows) error {
		var v adminVersion
		err := r.Scan(&v.unit, &v.parent, &v.from, &v.to)
		ref.admin = append(ref.admin, v)
		return err
	})
	scan(`SELECT hamlet_id, cell_id, mode, valid_from, valid_to FROM hamlet_cell_link`, func(r pgx.Rows) error {
		var v hamletLink
		err := r.Scan(&v.hamlet, &v.cell, &v.mode, &v.from, &v.to)
		ref.links = append(ref.links, v)
		return err
	})
	scan(`SELECT cell_id, year, quarter, admitted FROM quarterly_report WHERE state <> 'draft'`, func(r pgx.Rows) error {
		var v reportAdmitted
		err := r.Scan(&v.cell, &v.year, &v.quarter, &v.admitted)
		ref.reports = append(ref.reports, v)
		return err
	})
	scan(`SELECT s.predecessor_id, s.successor_id, s.share::float8, e.effective FROM party_unit_succession s JOIN reorg_event e ON e.id = s.event_id`, func(r pgx.Rows) error {
		var v succession
		err := r.Scan(&v.pred, &v.succ, &v.share, &v.effective)
		ref.succeeds = append(ref.succeeds, v)
		return err
	})
	return ref
}

func inForce(from time.Time, to *time.Time, asOf time.Time) bool {
	return !from.After(asOf) && (to == nil || to.After(asOf))
}

// check compares a dashboard row of unit on asOf with the reference computation of its
// hamlets (own cell, combined, without members, with a committee) and its admissions in the
// year, restated across merges.
func (ref *reference) check(t *testing.T, asOf time.Time, unit int64, row dashboard.Row) {
	t.Helper()
	// The subtree on asOf, and the kinds.
	subtree := map[int64]string{}
	var walk func(id int64, kind string)
	walk = func(id int64, kind string) {
		subtree[id] = kind
		for _, v := range ref.party {
			if v.parent == id && inForce(v.from, v.to, asOf) {
				walk(v.unit, v.kind)
			}
		}
	}
	for _, v := range ref.party {
		if v.unit == unit && inForce(v.from, v.to, asOf) {
			walk(unit, v.kind)
		}
	}
	// The hamlets: of the territories the subtree leads, and those its cells serve.
	hamlets := map[int64]bool{}
	var area func(id int64, top bool)
	area = func(id int64, top bool) {
		if ref.level[id] == "hamlet" {
			alive := !top
			for _, v := range ref.admin {
				if v.unit == id && inForce(v.from, v.to, asOf) {
					alive = true
				}
			}
			if alive {
				hamlets[id] = true
			}
		}
		for _, v := range ref.admin {
			if v.parent == id && inForce(v.from, v.to, asOf) {
				area(v.unit, false)
			}
		}
	}
	for id, kind := range subtree {
		if terr, ok := ref.terr[id]; ok {
			area(terr, true)
		}
		if kind == "affiliated_cell" || kind == "grassroots_cell" {
			for _, l := range ref.links {
				if l.cell == id && inForce(l.from, l.to, asOf) {
					hamlets[l.hamlet] = true
				}
			}
		}
	}
	var own, combined, committee int
	for h := range hamlets {
		for _, l := range ref.links {
			if l.hamlet != h || !inForce(l.from, l.to, asOf) {
				continue
			}
			switch l.mode {
			case "own":
				own++
				if since, ok := ref.since[l.cell]; ok && !since.After(asOf) {
					committee++
				}
			case "combined":
				combined++
			}
		}
	}
	// Admissions: the quarters of the year ended by asOf (a quarter counts from its last day),
	// of the subtree's units and, back through the successions in force, their predecessors.
	year, quarters := asOf.Year(), 0
	for q := 1; q <= 4; q++ {
		last := time.Date(year, time.Month(3*q+1), 0, 0, 0, 0, 0, time.UTC)
		if !asOf.Before(last) {
			quarters = q
		}
	}
	var admitted float64
	var origin func(id int64, share float64, depth int)
	origin = func(id int64, share float64, depth int) {
		for _, r := range ref.reports {
			if r.cell == id && r.year == year && r.quarter <= quarters {
				admitted += float64(r.admitted) * share
			}
		}
		for _, s := range ref.succeeds {
			if s.succ == id && !s.effective.After(asOf) && depth < 16 {
				origin(s.pred, share*s.share, depth+1)
			}
		}
	}
	for id := range subtree {
		origin(id, 1, 0)
	}
	got := [7]int{row.Hamlets, row.Covered, row.OwnCell, row.Combined, row.NoMember, row.WithCommittee, row.Admitted}
	want := [7]int{len(hamlets), own + combined, own, combined, len(hamlets) - own - combined, committee, int(math.Round(admitted))}
	if got != want {
		t.Errorf("%s: unit %d (%s): hamlets, covered, own cell, combined, no member, committee, admitted: dashboard %v, reference %v",
			asOf.Format(time.DateOnly), unit, row.Name, got, want)
	}
}

// TestAPIDocumentsEveryKey: docs/api.md names every key the dashboard API gives.
func TestAPIDocumentsEveryKey(t *testing.T) {
	doc, err := os.ReadFile("../../docs/api.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, ind := range dashboard.Indicators() {
		if !strings.Contains(string(doc), "`"+ind.Key+"`") {
			t.Errorf("docs/api.md does not document %s (%s)", ind.Key, ind.Label)
		}
	}
}
