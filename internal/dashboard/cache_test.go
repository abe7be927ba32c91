package dashboard_test

import (
	"fmt"
	"io"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"ptdang/internal/dashboard"
	"ptdang/internal/gen"
	"ptdang/internal/org"
	"ptdang/internal/pgtest"
	"ptdang/internal/report"
)

// TestCacheEqualsRecomputation changes generated data at random, the way users and imports
// do (reports saved, returned, deleted, ratings corrected, cells moved and merged), and after
// each change compares every dashboard the cache serves with one computed afresh.
func TestCacheEqualsRecomputation(t *testing.T) {
	db := pgtest.New(t)
	ctx := t.Context()
	opt := gen.Options{Scale: gen.Scale{Name: "test", Provinces: 2, Communes: 5}, Years: 2, Seed: 7, Last: report.Period{Year: 2026, Quarter: 3}}
	if err := gen.Load(ctx, pgtest.Owner(t, db), opt, io.Discard); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	pick := func(sql string, args ...any) int64 {
		all := pgtest.Column[int64](t, db, sql, args...)
		if len(all) == 0 {
			t.Fatalf("nothing to pick: %s", sql)
		}
		return all[rng.IntN(len(all))]
	}
	exec := func(sql string, args ...any) {
		if _, err := db.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	scope := org.Everything()
	today := day("2026-11-24")
	changes := []struct {
		name string
		do   func()
	}{
		{"admission added to a counted report", func() {
			exec(`UPDATE quarterly_report SET admitted = admitted + 1, closing = closing + 1, probationary = probationary + 1
				WHERE id = $1`, pick(`SELECT id FROM quarterly_report WHERE state <> 'draft' AND year = 2026`))
		}},
		{"report submitted", func() {
			exec(`UPDATE quarterly_report SET state = 'submitted' WHERE id = $1`, pick(`SELECT id FROM quarterly_report WHERE state = 'draft'`))
		}},
		{"report returned", func() {
			exec(`UPDATE quarterly_report SET state = 'returned' WHERE id = $1`, pick(`SELECT id FROM quarterly_report WHERE state = 'submitted'`))
		}},
		{"draft edited", func() {
			exec(`UPDATE quarterly_report SET thematic_meetings = thematic_meetings + 1 WHERE id = $1`,
				pick(`SELECT id FROM quarterly_report WHERE state = 'draft'`))
		}},
		{"report deleted", func() {
			exec(`DELETE FROM quarterly_report WHERE id = $1`, pick(`SELECT id FROM quarterly_report WHERE year = 2026`))
		}},
		{"congress reported", func() {
			exec(`UPDATE quarterly_report SET congress_held = 1 WHERE id = $1`,
				pick(`SELECT id FROM quarterly_report WHERE state <> 'draft' AND congress_held = 0`))
		}},
		{"rating corrected", func() {
			exec(`UPDATE quality_rating SET excellent = excellent + 5 WHERE id = $1`, pick(`SELECT id FROM quality_rating WHERE year = 2025`))
		}},
		{"target changed", func() {
			exec(`UPDATE admission_target SET target = target + 3 WHERE id = $1`, pick(`SELECT id FROM admission_target WHERE year IN (2025, 2026)`))
		}},
		{"province's milestones changed", func() {
			exec(`INSERT INTO target_year (province_id, year, milestones) VALUES ($1, 2026, '{10,30,60,100}')
				ON CONFLICT (province_id, year) DO UPDATE SET milestones = '{5,20,70,100}'`, pick(`SELECT province_id FROM target_setting`))
		}},
		{"commune renamed", func() {
			unit := pick(`SELECT unit_id FROM party_unit_version WHERE kind = 'commune_committee' AND valid_to IS NULL AND valid_from < '2026-01-01'`)
			if err := org.RenameUnit(ctx, db, scope, org.PartyTree, org.Reorg{Effective: day("2026-03-01"), Note: "thử"}, unit, "Đảng bộ xã Đổi Tên"); err != nil {
				t.Fatalf("rename: %v", err)
			}
		}},
		{"cell elected a committee", func() {
			exec(`UPDATE party_unit SET committee_since = CASE WHEN committee_since IS NULL THEN date '2026-01-15' END WHERE id = $1`,
				pick(`SELECT c.cell_id FROM hamlet_cell_link c WHERE c.mode = 'own' AND c.valid_to IS NULL`))
		}},
		{"hamlet served by another cell", func() {
			hamlet := pick(`SELECT hamlet_id FROM hamlet_cell_link WHERE valid_to IS NULL AND valid_from < '2026-01-01'`)
			cell := pick(`SELECT unit_id FROM party_unit_version WHERE kind = 'affiliated_cell' AND valid_to IS NULL AND valid_from < '2026-01-01'`)
			if err := org.SetLink(ctx, db, scope, hamlet, cell, org.CombinedCell, false, day("2026-02-01")); err != nil {
				t.Logf("link refused (%v): nothing changed", err)
			}
		}},
		{"hamlet moved to another commune", func() {
			hamlet := pick(`SELECT a.id FROM admin_unit a JOIN admin_unit_version v ON v.unit_id = a.id AND v.valid_to IS NULL
				WHERE a.level = 'hamlet' AND v.valid_from < '2026-01-01'`)
			to := pick(`SELECT a.id FROM admin_unit a JOIN admin_unit_version v ON v.unit_id = a.id AND v.valid_to IS NULL WHERE a.level = 'commune'`)
			if err := org.MoveUnit(ctx, db, scope, org.AdminTree, org.Reorg{Effective: day("2026-04-01"), Note: "thử"}, hamlet, to); err != nil {
				t.Logf("move refused (%v): nothing changed", err)
			}
		}},
		{"a merge's date corrected", func() {
			exec(`UPDATE reorg_event SET effective = effective + 10 WHERE id = $1`, pick(`SELECT id FROM reorg_event WHERE kind = 'merge' AND tree = 'party'`))
		}},
		{"cell moved", func() {
			cell := pick(`SELECT unit_id FROM party_unit_version WHERE kind = 'affiliated_cell' AND valid_to IS NULL AND valid_from < '2026-01-01'`)
			to := pick(`SELECT unit_id FROM party_unit_version WHERE kind = 'commune_committee' AND valid_to IS NULL`)
			err := org.MoveUnit(ctx, db, scope, org.PartyTree, org.Reorg{Effective: day("2026-02-01"), Note: "thử"}, cell, to)
			if err != nil {
				t.Logf("move refused (%v): nothing changed", err)
			}
		}},
		{"cells merged", func() {
			parent := pick(`SELECT unit_id FROM party_unit_version WHERE kind = 'commune_committee' AND valid_to IS NULL`)
			cells := pgtest.Column[int64](t, db, `SELECT unit_id FROM party_unit_version WHERE parent_id = $1 AND kind = 'affiliated_cell'
				AND valid_to IS NULL AND valid_from < '2026-01-01' ORDER BY unit_id LIMIT 2`, parent)
			if len(cells) < 2 {
				return
			}
			_, err := org.MergePartyUnits(ctx, db, scope, org.Reorg{Effective: day("2026-05-01"), Note: "thử"}, cells,
				org.PartyUnitInput{Code: fmt.Sprintf("T.%d", rng.IntN(1e9)), Name: "Chi bộ hợp nhất", Kind: org.AffiliatedCell,
					OrgType: "other", ParentID: parent})
			if err != nil {
				t.Fatalf("merge: %v", err)
			}
		}},
	}
	cache := dashboard.NewCache(1000)
	provinces := pgtest.Column[int64](t, db, `SELECT unit_id FROM party_unit_version WHERE kind = 'province_committee'`)
	for step := range 60 {
		c := changes[rng.IntN(len(changes))]
		if step > 0 {
			c.do()
		}
		views := []int64{org.Nation, provinces[rng.IntN(len(provinces))],
			pick(`SELECT unit_id FROM party_unit_version WHERE kind = 'commune_committee' AND valid_to IS NULL`),
			pick(`SELECT unit_id FROM party_unit_version WHERE kind = 'grassroots_committee' AND valid_to IS NULL`)}
		for _, unit := range views {
			for _, at := range []struct {
				year int
				asOf time.Time
			}{{2026, today}, {2025, day("2025-12-31")}, {2025, day("2025-05-15")}} {
				compare(t, db, cache, scope, unit, at.year, at.asOf, c.name)
			}
		}
	}
	if s := cache.Stats(); s.Hits == 0 || s.Misses == 0 {
		t.Errorf("cache stats %+v: the cache was not exercised", s)
	} else {
		t.Logf("cache stats %+v", s)
	}
}

type versionKey struct {
	unit int64
	year int
	asOf time.Time
}

type versioned struct{ version, dashboard string }

// versions are the last version seen of each dashboard, and what it showed.
var versions = map[versionKey]versioned{}

func compare(t *testing.T, db *pgxpool.Pool, cache *dashboard.Cache, scope org.Scope, unit int64, year int, asOf time.Time, after string) {
	t.Helper()
	ctx := t.Context()
	fresh, err := dashboard.Build(ctx, db, scope, unit, year, asOf)
	if err != nil {
		t.Fatalf("build %d: %v", unit, err)
	}
	cached, err := cache.Build(ctx, db, scope, unit, year, asOf)
	if err != nil {
		t.Fatalf("cached build %d: %v", unit, err)
	}
	// %+v prints maps in key order and NaN as NaN, so equal dashboards print alike.
	// Version names the data: pages rendered for one version serve every dashboard of it.
	again, err := cache.Build(ctx, db, scope, unit, year, asOf)
	if err != nil {
		t.Fatal(err)
	}
	if cached.Version == "" || again.Version != cached.Version {
		t.Fatalf("after %q, unit %d: versions %q then %q with nothing changed between", after, unit, cached.Version, again.Version)
	}
	if v, ok := versions[versionKey{unit, year, asOf}]; ok && v.version == cached.Version && v.dashboard != fmt.Sprintf("%+v", cached) {
		t.Fatalf("after %q, unit %d: the same version %q for different dashboards", after, unit, cached.Version)
	}
	versions[versionKey{unit, year, asOf}] = versioned{cached.Version, fmt.Sprintf("%+v", cached)}
	cached.Version = "" // the fresh build, without a cache, has none
	if f, c := fmt.Sprintf("%+v", fresh), fmt.Sprintf("%+v", cached); f != c {
		t.Fatalf("after %q, unit %d, %d as of %s: the cache differs from a recomputation\nfresh:  %s\ncached: %s",
			after, unit, year, asOf.Format(time.DateOnly), f, c)
	}
}
