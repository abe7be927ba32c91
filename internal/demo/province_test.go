package demo_test

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"ptdang/internal/demo"
	"ptdang/internal/format"
	"ptdang/internal/org"
	"ptdang/internal/orgtest"
	"ptdang/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// The demo province is loaded once, on two databases at a time, and every rule below is
// checked on the first.
func TestProvince(t *testing.T) {
	ctx := t.Context()
	dbs := []*pgxpool.Pool{pgtest.New(t), pgtest.New(t)}
	outs := make([]bytes.Buffer, len(dbs))
	errs := make([]error, len(dbs))
	start := time.Now()
	var wg sync.WaitGroup
	for i := range dbs {
		wg.Go(func() { errs[i] = demo.Load(ctx, dbs[i], demo.Parts, &outs[i]) })
	}
	wg.Wait()
	t.Logf("two loads side by side: %v\n%s", time.Since(start).Round(time.Millisecond), outs[0].String())
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	db := dbs[0]
	all := org.Everything()
	tu, err := org.GetPartyUnitByCode(ctx, db, all, "TU", orgtest.Day("2025-07-01"))
	if err != nil {
		t.Fatal(err)
	}
	kindsUnder := func(t *testing.T, asOf time.Time) map[org.Kind]int {
		t.Helper()
		children, err := org.PartyChildren(ctx, db, all, tu.ID, asOf)
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[org.Kind]int{}
		for _, c := range children {
			kinds[c.Kind]++
		}
		return kinds
	}

	t.Run("LoadingTwiceLoadsNothingTheSecondTime", func(t *testing.T) {
		var out bytes.Buffer
		if err := demo.Load(ctx, db, demo.Parts, &out); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "demo: province: already loaded") {
			t.Fatalf("second load said %q", out.String())
		}
		if n := pgtest.Count(t, db, `SELECT count(*) FROM party_unit WHERE code = 'TU'`); n != 1 {
			t.Fatalf("%d provincial committees after loading twice", n)
		}
	})

	livingProvince(t, db)

	t.Run("SameDataOnEveryDatabase", func(t *testing.T) {
		a, b := digest(t, dbs[0]), digest(t, dbs[1])
		if a != b {
			t.Fatalf("digests differ: %s and %s", a, b)
		}
		if outs[0].String() != outs[1].String() {
			t.Fatalf("summaries differ:\n%s%s", outs[0].String(), outs[1].String())
		}
	})

	t.Run("CommunesSitDirectlyUnderTheProvinceFromJuly2025", func(t *testing.T) {
		kinds := kindsUnder(t, orgtest.Day("2025-07-01"))
		if n := kinds[org.CommuneCommittee]; n < 85 || n > 100 {
			t.Errorf("%d commune committees under the province on 01/07/2025, want 85–100", n)
		}
		if n := kinds[org.DistrictCommittee] + kinds[org.BlocCommittee]; n != 0 {
			t.Errorf("%d district or bloc committees left on 01/07/2025", n)
		}
		if n := pgtest.Count(t, db, `SELECT count(*) FROM admin_unit a JOIN admin_unit_version v ON v.unit_id = a.id
			WHERE a.level = 'district' AND v.valid_to IS NULL`); n != 0 {
			t.Errorf("%d districts still open", n)
		}
	})

	t.Run("DistrictsLedTheCommunesBefore2025", func(t *testing.T) {
		kinds := kindsUnder(t, orgtest.Day("2024-06-30"))
		if kinds[org.DistrictCommittee] != 9 || kinds[org.BlocCommittee] != 1 || kinds[org.CommuneCommittee] != 0 {
			t.Errorf("under the province on 30/06/2024: %v", kinds)
		}
		communes := pgtest.Count(t, db, `SELECT count(*) FROM admin_unit a JOIN admin_unit_version v ON v.unit_id = a.id
			WHERE a.level = 'commune' AND v.valid_from <= '2024-06-30' AND (v.valid_to IS NULL OR v.valid_to > '2024-06-30')`)
		if communes < 200 || communes > 230 {
			t.Errorf("%d communes on 30/06/2024, want 200–230", communes)
		}
	})

	t.Run("OverAThousandHamletsTodayAndFewerIn2016", func(t *testing.T) {
		today := hamletsOn(t, db, time.Now())
		if today < 1000 || today > 1300 {
			t.Errorf("%d hamlets today, want 1.000–1.300", today)
		}
		if then := hamletsOn(t, db, orgtest.Day("2016-01-01")); then >= today {
			t.Errorf("%d hamlets in 2016, %d today: the later hamlets are missing", then, today)
		}
	})

	t.Run("SummaryReportsWhatIsThere", func(t *testing.T) {
		open := func(table, where string) int {
			return pgtest.Count(t, db, `SELECT count(*) FROM `+table+` u JOIN `+table+`_version v ON v.unit_id = u.id
				WHERE v.valid_to IS NULL AND `+where)
		}
		summary := outs[0].String()
		for _, want := range []string{
			format.Int(int64(open("admin_unit", "u.level = 'commune'"))) + " xã/phường,",
			format.Int(int64(open("admin_unit", "u.level = 'hamlet'"))) + " thôn/ấp/khu phố/tổ dân phố,",
			format.Int(int64(open("party_unit", "true"))) + " tổ chức đảng (",
		} {
			if !strings.Contains(summary, want) {
				t.Errorf("summary %q does not say %q", summary, want)
			}
		}
	})

	t.Run("EveryLinkModeOccursAndSomeHamletsHaveNoCell", func(t *testing.T) {
		modes := pgtest.Column[string](t, db, `SELECT DISTINCT mode FROM hamlet_cell_link WHERE valid_to IS NULL ORDER BY mode`)
		if !slices.Equal(modes, []string{string(org.CombinedCell), string(org.OwnCell)}) {
			t.Errorf("link modes today: %v", modes)
		}
		none := pgtest.Count(t, db, `SELECT count(*) FROM admin_unit a JOIN admin_unit_version v ON v.unit_id = a.id
			WHERE a.level = 'hamlet' AND v.valid_to IS NULL
			AND NOT EXISTS (SELECT 1 FROM hamlet_cell_link l WHERE l.hamlet_id = a.id AND l.valid_to IS NULL)`)
		if none == 0 {
			t.Error("every hamlet has a cell: the no-member case is missing")
		}
	})

	t.Run("EveryKindAndOrganisationTypeOccurs", func(t *testing.T) {
		kinds := pgtest.Column[string](t, db, `SELECT DISTINCT kind FROM party_unit_version`)
		for _, k := range org.Kinds {
			if !slices.Contains(kinds, string(k)) {
				t.Errorf("no unit of kind %s", k)
			}
		}
		types := pgtest.Column[string](t, db, `SELECT DISTINCT org_type FROM party_unit_version`)
		for _, ty := range org.OrgTypes {
			if !slices.Contains(types, string(ty)) {
				t.Errorf("no unit of type %s", ty)
			}
		}
	})

	t.Run("CommitteesOnlyFromNineMembersAndMoreOfThemOverTheYears", func(t *testing.T) {
		if n := pgtest.Count(t, db, `SELECT count(*) FROM party_unit WHERE committee_since IS NOT NULL AND full_members < 9`); n != 0 {
			t.Errorf("%d cells with a committee below 9 full members", n)
		}
		with := func(d string) int {
			return pgtest.Count(t, db, `SELECT count(*) FROM party_unit WHERE committee_since <= $1`, orgtest.Day(d))
		}
		if a, b := with("2018-12-31"), with("2024-12-31"); a >= b {
			t.Errorf("cells with a committee: %d in 2018, %d in 2024", a, b)
		}
	})

	t.Run("HistoryHasRenamesAndHamletMerges", func(t *testing.T) {
		if n := pgtest.Count(t, db, `SELECT count(*) FROM reorg_event WHERE kind = 'rename' AND effective < '2025-01-01'`); n < 2 {
			t.Errorf("%d renames before 2025", n)
		}
		if n := pgtest.Count(t, db, `SELECT count(*) FROM reorg_event WHERE tree = 'admin' AND kind = 'merge' AND effective = '2023-01-01'`); n < 2 {
			t.Errorf("%d hamlet merges in 2023", n)
		}
		if n := pgtest.Count(t, db, `SELECT count(*) FROM reorg_event WHERE tree = 'party' AND kind = 'merge' AND effective = '2025-07-01'
			AND note LIKE 'Nghị quyết của UBTVQH%'`); n < 80 {
			t.Errorf("%d commune committee merges on 01/07/2025", n)
		}
	})

	// On every date, each unit's parent and each link's cell and hamlet are valid, and names
	// are unique under each parent.
	t.Run("TreesAreWholeOnEveryDate", func(t *testing.T) {
		for _, d := range []string{"2015-01-01", "2018-06-30", "2020-01-01", "2023-01-01", "2025-06-30", "2025-07-01", "2030-01-01"} {
			for _, tree := range []string{"party_unit_version", "admin_unit_version"} {
				if n := pgtest.Count(t, db, `SELECT count(*) FROM `+tree+` v
					WHERE v.parent_id IS NOT NULL AND v.valid_from <= $1 AND (v.valid_to IS NULL OR v.valid_to > $1)
					AND NOT EXISTS (SELECT 1 FROM `+tree+` p WHERE p.unit_id = v.parent_id
						AND p.valid_from <= $1 AND (p.valid_to IS NULL OR p.valid_to > $1))`, orgtest.Day(d)); n != 0 {
					t.Errorf("%s on %s: %d units under a parent that is not valid", tree, d, n)
				}
				if n := pgtest.Count(t, db, `SELECT count(*) FROM (SELECT 1 FROM `+tree+` v
					WHERE v.valid_from <= $1 AND (v.valid_to IS NULL OR v.valid_to > $1)
					GROUP BY v.parent_id, v.name HAVING count(*) > 1) dup`, orgtest.Day(d)); n != 0 {
					t.Errorf("%s on %s: %d names used twice under one parent", tree, d, n)
				}
			}
			if n := pgtest.Count(t, db, `SELECT count(*) FROM hamlet_cell_link l
				WHERE l.valid_from <= $1 AND (l.valid_to IS NULL OR l.valid_to > $1)
				AND NOT (EXISTS (SELECT 1 FROM admin_unit_version h WHERE h.unit_id = l.hamlet_id
						AND h.valid_from <= $1 AND (h.valid_to IS NULL OR h.valid_to > $1))
					AND EXISTS (SELECT 1 FROM party_unit_version c WHERE c.unit_id = l.cell_id
						AND c.valid_from <= $1 AND (c.valid_to IS NULL OR c.valid_to > $1)))`, orgtest.Day(d)); n != 0 {
				t.Errorf("on %s: %d links to a hamlet or cell that is not valid", d, n)
			}
		}
	})
}

func hamletsOn(t *testing.T, db *pgxpool.Pool, d time.Time) int {
	t.Helper()
	return pgtest.Count(t, db, `SELECT count(*) FROM admin_unit a JOIN admin_unit_version v ON v.unit_id = a.id
		WHERE a.level = 'hamlet' AND v.valid_from <= $1 AND (v.valid_to IS NULL OR v.valid_to > $1)`, d)
}

// digest sums up both trees, their links and events, the reports and ratings, by codes, names
// and dates, not ids.
func digest(t *testing.T, db *pgxpool.Pool) string {
	t.Helper()
	var sum string
	err := db.QueryRow(t.Context(), `
		SELECT md5(string_agg(line, E'\n' ORDER BY line)) FROM (
			SELECT concat_ws('|', 'A', a.code, a.level, v.name, v.local_word, v.valid_from, v.valid_to, p.code,
				a.population, a.households, a.religious_share, a.ethnic_minority_share, e.kind, e.note)
			FROM admin_unit_version v JOIN admin_unit a ON a.id = v.unit_id
			LEFT JOIN admin_unit p ON p.id = v.parent_id LEFT JOIN reorg_event e ON e.id = v.event_id
			UNION ALL
			SELECT concat_ws('|', 'P', u.code, v.name, v.kind, v.org_type, v.valid_from, v.valid_to, p.code,
				ter.code, u.full_members, u.committee_since, u.term_months, e.kind, e.note)
			FROM party_unit_version v JOIN party_unit u ON u.id = v.unit_id
			LEFT JOIN party_unit p ON p.id = v.parent_id LEFT JOIN admin_unit ter ON ter.id = u.territory_id
			LEFT JOIN reorg_event e ON e.id = v.event_id
			UNION ALL
			SELECT concat_ws('|', 'L', h.code, c.code, l.mode, l.valid_from, l.valid_to)
			FROM hamlet_cell_link l JOIN admin_unit h ON h.id = l.hamlet_id JOIN party_unit c ON c.id = l.cell_id
			UNION ALL
			SELECT concat_ws('|', 'R', c.code, r.year, r.quarter, r.state, r.late, r.opening, r.admitted, r.closing, r.women)
			FROM quarterly_report r JOIN party_unit c ON c.id = r.cell_id
			UNION ALL
			SELECT concat_ws('|', 'Q', c.code, q.year, q.excellent, q.good, q.satisfactory, q.unsatisfactory, q.own_rating)
			FROM quality_rating q JOIN party_unit c ON c.id = q.cell_id
		) lines(line)`).Scan(&sum)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}
