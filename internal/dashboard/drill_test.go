package dashboard_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"ptdang/internal/dashboard"
	"ptdang/internal/exchange"
	"ptdang/internal/format"
	"ptdang/internal/org"
	"ptdang/internal/pgtest"
)

// insertServed loads a province with one commune (TU.X1) of own + combined + none hamlets: the
// first own are served by their own cell (the first committee of them with a chi ủy), the
// next combined meet with the first hamlet's cell, and the last none have no member. The
// province and the commune go through the structure import; the hamlets, cells and links,
// thousands of them, straight into the tables, in one transaction.
func insertServed(t *testing.T, db *pgxpool.Pool, own, committee, combined, none int) {
	t.Helper()
	admin, party := communeSheets("An Hưng", "phường")
	importSheets(t, db, admin, party, exchange.Sheet{Table: org.LinkTable})
	err := pgx.BeginFunc(t.Context(), pgtest.Owner(t, db), func(tx pgx.Tx) error { // disabling triggers is the owner's right
		// A new database, no cache: the rows need not bump the dashboards' generations one by one.
		// Whole numbers written into the SQL: several statements go in one simple-protocol Exec.
		_, err := tx.Exec(t.Context(), strings.NewReplacer("$1", strconv.Itoa(own+combined+none), "$2", strconv.Itoa(own),
			"$3", strconv.Itoa(committee), "$4", strconv.Itoa(combined)).Replace(`
			ALTER TABLE admin_unit DISABLE TRIGGER dashboard_generation;
			ALTER TABLE admin_unit_version DISABLE TRIGGER dashboard_generation;
			ALTER TABLE party_unit DISABLE TRIGGER dashboard_generation;
			ALTER TABLE party_unit_version DISABLE TRIGGER dashboard_generation;
			ALTER TABLE hamlet_cell_link DISABLE TRIGGER dashboard_generation;
			INSERT INTO admin_unit (code, level) SELECT format('DN.X1.A%s', lpad(i::text, 4, '0')), 'hamlet' FROM generate_series(1, $1::int) i;
			INSERT INTO admin_unit_version (unit_id, valid_from, name, local_word, parent_id)
				SELECT a.id, '2015-01-01', 'Khu phố ' || substr(a.code, 8), 'khu phố', (SELECT id FROM admin_unit WHERE code = 'DN.X1')
				FROM admin_unit a WHERE a.code LIKE 'DN.X1.A%';
			INSERT INTO party_unit (code, committee_since, full_members)
				SELECT format('TU.X1.A%s', lpad(i::text, 4, '0')), CASE WHEN i <= $3 THEN date '2020-01-01' END, CASE WHEN i <= $3 THEN 12 ELSE 5 END
				FROM generate_series(1, $2::int) i;
			INSERT INTO party_unit_version (unit_id, valid_from, name, kind, org_type, parent_id)
				SELECT p.id, '2015-01-01', 'Chi bộ khu phố ' || substr(p.code, 8), 'affiliated_cell', 'territorial', (SELECT id FROM party_unit WHERE code = 'TU.X1')
				FROM party_unit p WHERE p.code LIKE 'TU.X1.A%';
			INSERT INTO hamlet_cell_link (hamlet_id, cell_id, mode, valid_from)
				SELECT h.id, c.id, 'own', '2015-01-01' FROM admin_unit h JOIN party_unit c ON c.code = 'TU' || substr(h.code, 3);
			INSERT INTO hamlet_cell_link (hamlet_id, cell_id, mode, valid_from)
				SELECT h.id, (SELECT id FROM party_unit WHERE code = 'TU.X1.A0001'), 'combined', '2015-01-01'
				FROM admin_unit h WHERE h.code LIKE 'DN.X1.A%' AND substr(h.code, 8)::int BETWEEN $2 + 1 AND $2 + $4;
			ALTER TABLE admin_unit ENABLE TRIGGER dashboard_generation;
			ALTER TABLE admin_unit_version ENABLE TRIGGER dashboard_generation;
			ALTER TABLE party_unit ENABLE TRIGGER dashboard_generation;
			ALTER TABLE party_unit_version ENABLE TRIGGER dashboard_generation;
			ALTER TABLE hamlet_cell_link ENABLE TRIGGER dashboard_generation`))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// coverageOf is a row's coverage figures, to compare rows.
func coverageOf(r dashboard.Row) [6]int {
	return [6]int{r.Hamlets, r.Covered, r.OwnCell, r.Combined, r.WithCommittee, r.NoMember}
}

// Issue #12, 1: An Hưng shows 19/19 hamlets (chi ủy 63,16 %) on the province's dashboard; its
// own dashboard showed 0 / 0 / — / — in the totals and 0 on every cell row.
func TestCommuneDashboardKeepsItsCoverageOnDrillDown(t *testing.T) {
	db := pgtest.New(t)
	importStructure(t, db, 19, 12, "01/01/2020") // from files, as a province loads its own
	asOf := day("2026-11-24")
	province := build(t, db, "TU", 2026, asOf)
	up := rowOf(t, province, "TU.X1")
	if up.Covered != 19 || up.Hamlets != 19 || format.Percent(up.CommitteeCoverage()) != "63,16 %" {
		t.Fatalf("province row: %v", coverageOf(up))
	}
	commune := build(t, db, "TU.X1", 2026, asOf)
	if coverageOf(commune.Total) != coverageOf(up) {
		t.Fatalf("commune totals %v, its row on the province's dashboard %v", coverageOf(commune.Total), coverageOf(up))
	}
	for _, r := range commune.Rows {
		want := [6]int{1, 1, 1, 0, 0, 0}
		if r.Code <= "TU.X1.A0012" {
			want[4] = 1
		}
		if coverageOf(r) != want {
			t.Fatalf("cell %s: %v, want %v (the hamlet it serves)", r.Code, coverageOf(r), want)
		}
	}
}

// A commune with hamlets meeting with another's cell and a hamlet without members: its
// totals count its territory once (the hamlet without members too), not the sum of its cells.
func TestCommuneTotalsCountItsTerritoryOnce(t *testing.T) {
	db := pgtest.New(t)
	insertServed(t, db, 5, 2, 2, 1)
	asOf := day("2026-11-24")
	province := build(t, db, "TU", 2026, asOf)
	commune := build(t, db, "TU.X1", 2026, asOf)
	want := [6]int{8, 7, 5, 2, 2, 1}
	if got := coverageOf(rowOf(t, province, "TU.X1")); got != want {
		t.Fatalf("the commune's row on the province's dashboard: %v, want %v", got, want)
	}
	if got := coverageOf(commune.Total); got != want {
		t.Fatalf("the commune's totals: %v, want %v", got, want)
	}
	var served [6]int
	for _, r := range commune.Rows {
		for i, n := range coverageOf(r) {
			served[i] += n
		}
	}
	if served != [6]int{7, 7, 5, 2, 2, 0} {
		t.Fatalf("the cells serve %v", served)
	}
}

// Issue #12, 4: provinces publish hamlets with their own cell (1.702 / 1.718 = 99,07 %) and
// committee coverage over them (1.132 / 1.702 = 66,51 %) beside that over all hamlets
// (1.132 / 1.718 = 65,89 %), and combined hamlets apart from those with no member.
func TestOwnCellAndCombinedHamletsSeed(t *testing.T) {
	db := pgtest.New(t)
	insertServed(t, db, 1702, 1132, 10, 6)
	d := build(t, db, "TU", 2026, day("2026-11-24"))
	tot := d.Total
	if tot.Hamlets != 1718 || tot.OwnCell != 1702 || tot.Combined != 10 || tot.NoMember != 6 || tot.Covered != 1712 || tot.WithCommittee != 1132 {
		t.Fatalf("hamlets, covered, own, combined, committee, no member: %v", coverageOf(tot))
	}
	for name, got := range map[string]string{
		"99,07 %": format.Percent(tot.OwnCellCoverage()),
		"66,51 %": format.Percent(tot.CommitteeOfOwnCells()),
		"65,89 %": format.Percent(tot.CommitteeCoverage()),
	} {
		if got != name {
			t.Errorf("got %s, want %s", got, name)
		}
	}
	// The first hamlet's cell serves its own hamlet and the ten that meet with it; the commune's
	// own figures are the province's (its rows, read alone: the commune's 1.702 rows are long).
	cache := dashboard.NewCache(100)
	cell, err := cache.UnitRow(t.Context(), db, all, unit(t, db, "TU.X1.A0001"), 2026, day("2026-11-24"))
	if err != nil {
		t.Fatal(err)
	}
	if got := coverageOf(cell); got != [6]int{11, 11, 1, 10, 1, 0} {
		t.Fatalf("the cell hamlets meet with: %v", got)
	}
	commune, err := cache.UnitRow(t.Context(), db, all, unit(t, db, "TU.X1"), 2026, day("2026-11-24"))
	if err != nil {
		t.Fatal(err)
	}
	if coverageOf(commune) != coverageOf(tot) {
		t.Fatalf("commune %v, province %v", coverageOf(commune), coverageOf(tot))
	}
}

// A hamlet that meets with another cell from a date leaves the first cell's row and joins the
// second's, through the cache too: a link change bumps the cells' generations (migration 000011).
func TestCachedCellRowsFollowTheHamletsTheyServe(t *testing.T) {
	db := pgtest.New(t)
	insertServed(t, db, 3, 1, 1, 1)
	cache := dashboard.NewCache(100)
	commune, asOf := unit(t, db, "TU.X1"), day("2026-11-24")
	before, err := cache.Build(t.Context(), db, all, commune, 2026, asOf)
	if err != nil {
		t.Fatal(err)
	}
	if got := coverageOf(rowOf(t, before, "TU.X1.A0001")); got != [6]int{2, 2, 1, 1, 1, 0} {
		t.Fatalf("the first cell before: %v", got)
	}
	var hamlet int64 // the one meeting with the first cell
	if err := db.QueryRow(t.Context(), `SELECT id FROM admin_unit WHERE code = 'DN.X1.A0004'`).Scan(&hamlet); err != nil {
		t.Fatal(err)
	}
	if err := org.SetLink(t.Context(), db, all, hamlet, unit(t, db, "TU.X1.A0002"), org.CombinedCell, false, day("2026-02-01")); err != nil {
		t.Fatal(err)
	}
	cached, err := cache.Build(t.Context(), db, all, commune, 2026, asOf)
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := dashboard.Build(t.Context(), db, all, commune, 2026, asOf)
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range []string{"TU.X1.A0001", "TU.X1.A0002"} {
		if c, f := coverageOf(rowOf(t, cached, code)), coverageOf(rowOf(t, fresh, code)); c != f {
			t.Errorf("%s: cached %v, computed afresh %v", code, c, f)
		}
	}
	if got := coverageOf(rowOf(t, fresh, "TU.X1.A0002")); got != [6]int{2, 2, 1, 1, 0, 0} {
		t.Fatalf("the second cell after: %v", got)
	}
}
