package stats_test

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/xuri/excelize/v2"

	"ptdang/internal/apperr"
	"ptdang/internal/dashboard"
	"ptdang/internal/org"
	"ptdang/internal/stats"
)

// coverageRef is the hamlet coverage computed the slow, simple way: every version and link read
// row by row, the trees walked in Go.
type coverageRef struct {
	admin, party []treeVersion
	level        map[int64]string
	territory    map[int64]int64
	committee    map[int64]*time.Time
	links        []linkRow
}

type treeVersion struct {
	unit, parent int64
	kind         string
	from         time.Time
	to           *time.Time
}

type linkRow struct {
	hamlet, cell int64
	mode         string
	head         bool
	from         time.Time
	to           *time.Time
}

func in(d, from time.Time, to *time.Time) bool { return !from.After(d) && (to == nil || to.After(d)) }

func readCoverageRef(t *testing.T, db *pgxpool.Pool) coverageRef {
	t.Helper()
	ctx := t.Context()
	ref := coverageRef{level: map[int64]string{}, territory: map[int64]int64{}, committee: map[int64]*time.Time{}}
	versions := func(sql string) []treeVersion {
		rows, _ := db.Query(ctx, sql)
		vs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (treeVersion, error) {
			var v treeVersion
			return v, r.Scan(&v.unit, &v.parent, &v.kind, &v.from, &v.to)
		})
		if err != nil {
			t.Fatal(err)
		}
		return vs
	}
	ref.admin = versions(`SELECT unit_id, COALESCE(parent_id, 0), '', valid_from, valid_to FROM admin_unit_version`)
	ref.party = versions(`SELECT unit_id, COALESCE(parent_id, 0), kind, valid_from, valid_to FROM party_unit_version`)
	rows, _ := db.Query(ctx, `SELECT id, level FROM admin_unit`)
	for rows.Next() {
		var id int64
		var level string
		if err := rows.Scan(&id, &level); err != nil {
			t.Fatal(err)
		}
		ref.level[id] = level
	}
	rows, _ = db.Query(ctx, `SELECT id, COALESCE(territory_id, 0), committee_since FROM party_unit`)
	for rows.Next() {
		var id, territory int64
		var since *time.Time
		if err := rows.Scan(&id, &territory, &since); err != nil {
			t.Fatal(err)
		}
		ref.territory[id], ref.committee[id] = territory, since
	}
	rows, _ = db.Query(ctx, `SELECT hamlet_id, cell_id, mode, secretary_is_head, valid_from, valid_to FROM hamlet_cell_link`)
	var err error
	ref.links, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (linkRow, error) {
		var l linkRow
		return l, r.Scan(&l.hamlet, &l.cell, &l.mode, &l.head, &l.from, &l.to)
	})
	if err != nil {
		t.Fatal(err)
	}
	return ref
}

// below lists root and every unit under it on d, walking vs.
func below(vs []treeVersion, root int64, d time.Time) map[int64]string {
	out := map[int64]string{root: ""}
	for _, v := range vs {
		if v.unit == root && in(d, v.from, v.to) {
			out[root] = v.kind
		}
	}
	for grew := true; grew; {
		grew = false
		for _, v := range vs {
			if _, ok := out[v.parent]; ok && in(d, v.from, v.to) {
				if _, seen := out[v.unit]; !seen {
					out[v.unit], grew = v.kind, true
				}
			}
		}
	}
	return out
}

// row is the reference figures of unit on d, and the codes of its listed hamlets by list.
func (ref coverageRef) row(unit int64, d time.Time) (stats.CoverageRow, map[string][]int64) {
	hamlets := map[int64]bool{}
	for id, kind := range below(ref.party, unit, d) {
		if ter := ref.territory[id]; ter != 0 {
			for a := range below(ref.admin, ter, d) {
				if ref.level[a] == "hamlet" && slices.ContainsFunc(ref.admin, func(v treeVersion) bool { return v.unit == a && in(d, v.from, v.to) }) {
					hamlets[a] = true
				}
			}
		}
		if kind == string(org.GrassrootsCell) || kind == string(org.AffiliatedCell) {
			for _, l := range ref.links {
				if l.cell == id && in(d, l.from, l.to) {
					hamlets[l.hamlet] = true
				}
			}
		}
	}
	var r stats.CoverageRow
	lists := map[string][]int64{}
	for h := range hamlets {
		r.Hamlets++
		i := slices.IndexFunc(ref.links, func(l linkRow) bool { return l.hamlet == h && in(d, l.from, l.to) })
		if i < 0 {
			r.NoMember++
			lists["none"] = append(lists["none"], h)
			continue
		}
		l := ref.links[i]
		if l.head {
			r.SecretaryHead++
		}
		if l.mode == "combined" {
			r.Combined++
			lists["combined"] = append(lists["combined"], h)
			continue
		}
		r.OwnCell++
		if since := ref.committee[l.cell]; since != nil && !since.After(d) {
			r.WithCommittee++
		} else {
			lists["committee"] = append(lists["committee"], h)
		}
	}
	for _, l := range lists {
		slices.Sort(l)
	}
	return r, lists
}

func figures(r stats.CoverageRow) [6]int {
	return [6]int{r.Hamlets, r.OwnCell, r.Combined, r.NoMember, r.WithCommittee, r.SecretaryHead}
}

func ids(hs []stats.CoverageHamlet) []int64 {
	out := []int64{}
	for _, h := range hs {
		out = append(out, h.ID)
	}
	slices.Sort(out)
	return out
}

// TestHamletCoverageAgreesWithTheReferenceAndTheDashboard checks, before and after the 2025
// reform, the province's report and each commune's against the reference: every row, the
// lists, the totals as the sum of the rows and as the dashboard's coverage figures, and a
// commune's own report as its row in the province's.
func TestHamletCoverageAgreesWithTheReferenceAndTheDashboard(t *testing.T) {
	db := province(t)
	ctx := t.Context()
	ref := readCoverageRef(t, db)
	for _, d := range []time.Time{day("2024-06-30"), day("2026-09-30")} {
		t.Run(d.Format(time.DateOnly), func(t *testing.T) {
			tops, err := org.PartyChildren(ctx, db, org.Everything(), 0, d)
			if err != nil || len(tops) != 1 {
				t.Fatalf("tops: %v, %v", tops, err)
			}
			c, err := stats.HamletCoverage(ctx, db, org.Everything(), tops[0].ID, d)
			if err != nil {
				t.Fatal(err)
			}
			if len(c.Rows) < 2 || c.Total.Hamlets == 0 || c.Total.SecretaryHead == 0 || c.Total.Combined == 0 || len(c.Lists) == 0 {
				t.Fatalf("a report with nothing to check: %d rows, total %+v, %d lists", len(c.Rows), c.Total, len(c.Lists))
			}
			agreeCoverage(t, ref, c)
			dash, err := dashboard.Build(ctx, db, org.Everything(), tops[0].ID, d.Year(), d)
			if err != nil {
				t.Fatal(err)
			}
			dashFigures := func(r dashboard.Row) [6]int {
				return [6]int{r.Hamlets, r.OwnCell, r.Combined, r.NoMember, r.WithCommittee, 0}
			}
			ours := func(r stats.CoverageRow) [6]int { f := figures(r); f[5] = 0; return f }
			if ours(c.Total) != dashFigures(dash.Total) || c.Total.Covered() != dash.Total.Covered {
				t.Errorf("total %v, dashboard's %v", ours(c.Total), dashFigures(dash.Total))
			}
			for _, r := range c.Rows {
				f := figures(r)
				communeDash, err := dashboard.Build(ctx, db, org.Everything(), r.UnitID, d.Year(), d)
				if err != nil || ours(r) != dashFigures(communeDash.Total) {
					t.Errorf("%s: %v, the dashboard's %v (%v)", r.Name, ours(r), dashFigures(communeDash.Total), err)
				}
				own, err := stats.HamletCoverage(ctx, db, org.Everything(), r.UnitID, d)
				if err != nil || len(own.Rows) != 1 || own.Rows[0] != r || figures(own.Total) != f {
					t.Errorf("%s's own report: %+v %v; its row in the province's %+v", r.Name, own.Rows, err, r)
				}
			}
		})
	}
}

// agreeCoverage checks the report c against the reference: its total, every row and its lists,
// and the rows adding up to the total.
func agreeCoverage(t *testing.T, ref coverageRef, c stats.Coverage) {
	t.Helper()
	if want, _ := ref.row(c.Unit.ID, c.AsOf); figures(c.Total) != figures(want) {
		t.Errorf("%s on %v: total %v, reference %v", c.Unit.Code, c.AsOf, figures(c.Total), figures(want))
	}
	var sum [6]int
	for _, r := range c.Rows {
		f := figures(r)
		for i := range sum {
			sum[i] += f[i]
		}
		want, lists := ref.row(r.UnitID, c.AsOf)
		if f != figures(want) {
			t.Errorf("%s on %v: %v, reference %v", r.Name, c.AsOf, f, figures(want))
		}
		var got stats.CoverageList
		if j := slices.IndexFunc(c.Lists, func(l stats.CoverageList) bool { return l.UnitID == r.UnitID }); j >= 0 {
			got = c.Lists[j]
		}
		for name, l := range map[string][]stats.CoverageHamlet{"none": got.NoMember, "combined": got.Combined, "committee": got.NoCommittee} {
			if fmt.Sprint(ids(l)) != fmt.Sprint(append([]int64{}, lists[name]...)) {
				t.Errorf("%s on %v: list %s %v, reference %v", r.Name, c.AsOf, name, ids(l), lists[name])
			}
		}
	}
	if sum != figures(c.Total) {
		t.Errorf("%s on %v: rows sum to %v, total %v", c.Unit.Code, c.AsOf, sum, figures(c.Total))
	}
}

// TestHamletCoverageIsScoped: a commune's staff see their commune's report, not the province's
// nor another commune's.
func TestHamletCoverageIsScoped(t *testing.T) {
	db := province(t)
	d := day("2026-09-30")
	us := units(t, db, d)
	province, communes := us[len(us)-1], slices.DeleteFunc(us[:len(us)-1], func(u org.PartyUnit) bool { return u.TerritoryID == 0 })
	scope := org.Under(communes[0].ID)
	if c, err := stats.ChosenCoverage(t.Context(), db, scope, stats.CoverageQuery{Date: "30/09/2026"}, d.AddDate(0, 1, 0), communes[0].ID); err != nil || c.Unit.ID != communes[0].ID || !c.AsOf.Equal(d) {
		t.Fatalf("the commune's own report on 30/09/2026: %v on %v, %v", c.Unit.Name, c.AsOf, err)
	}
	for _, other := range []int64{province.ID, communes[1].ID} {
		if _, err := stats.HamletCoverage(t.Context(), db, scope, other, d); !errors.Is(err, apperr.ErrNotFound) {
			t.Errorf("unit %d out of scope: %v", other, err)
		}
	}
	if _, err := stats.ChosenCoverage(t.Context(), db, scope, stats.CoverageQuery{Date: "31/02/2026"}, d, communes[0].ID); apperr.Field(err, "date") == "" {
		t.Errorf("a malformed date: %v", err)
	}
}

// Seed figure (DOMAIN.md): hamlets with their own cell 1.702 / 1.718 = 99,07 %.
func TestCoverageShareOfTheSeedFigure(t *testing.T) {
	r := stats.CoverageRow{Hamlets: 1718, OwnCell: 1702}
	if got := r.Share(r.OwnCell); math.Abs(got-99.07) > 0.005 {
		t.Errorf("1.702 / 1.718 = %.4f", got)
	}
	if !math.IsNaN(stats.CoverageRow{}.Share(0)) {
		t.Error("a share of no hamlets is a number")
	}
}

// TestCoverageXLSXReadsBack writes the province's report and reads it back: the heading, the
// column headings and numbers, every row's figures with their formats, the totals row, the
// signatures, A4 landscape, and the second sheet listing every listed hamlet once.
func TestCoverageXLSXReadsBack(t *testing.T) {
	db := province(t)
	d := day("2026-09-30")
	us := units(t, db, d)
	c, err := stats.HamletCoverage(t.Context(), db, org.Everything(), us[len(us)-1].ID, d)
	if err != nil {
		t.Fatal(err)
	}
	data, err := c.XLSX()
	if err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if got := x.GetSheetList(); fmt.Sprint(got) != fmt.Sprint([]string{"Địa bàn", stats.CoverageListSheet}) {
		t.Fatalf("sheets %v", got)
	}
	const sheet = "Địa bàn"
	get := func(sheet, ref string) string {
		v, err := x.GetCellValue(sheet, ref, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	if get(sheet, "A4") != stats.CoverageTitle || get(sheet, "A5") != c.Note() || get(sheet, "A1") != strings.ToUpper(c.Unit.Name) {
		t.Errorf("heading: %q / %q / %q", get(sheet, "A1"), get(sheet, "A4"), get(sheet, "A5"))
	}
	for i, cc := range stats.CoverageColumns {
		colName, _ := excelize.ColumnNumberToName(i + 3)
		if get(sheet, colName+"7") != cc.Heading || get(sheet, colName+"8") != cc.No {
			t.Errorf("column %s: %q %q, want %q %q", colName, get(sheet, colName+"7"), get(sheet, colName+"8"), cc.Heading, cc.No)
		}
	}
	rows := append(slices.Clone(c.Rows), c.Total)
	for i, r := range rows {
		row := strconv.Itoa(9 + i)
		if get(sheet, "B"+row) != r.Name {
			t.Errorf("row %s: %q, want %q", row, get(sheet, "B"+row), r.Name)
		}
		for j, cc := range stats.CoverageColumns {
			colName, _ := excelize.ColumnNumberToName(j + 3)
			got, want := get(sheet, colName+row), cc.Value(r)
			if math.IsNaN(want) {
				if got != "—" {
					t.Errorf("%s%s: %q, want —", colName, row, got)
				}
				continue
			}
			if v, err := strconv.ParseFloat(got, 64); err != nil || math.Abs(v-want) > 1e-9 {
				t.Errorf("%s%s: %q, want %v", colName, row, got, want)
			}
			numFmt(t, x, sheet, colName+row, map[bool]int{true: 2, false: 3}[cc.Share])
		}
	}
	all, _ := x.GetRows(sheet)
	var text []string
	for _, r := range all {
		text = append(text, r...)
	}
	for _, want := range []string{"Tổng cộng", "NGƯỜI LẬP BIỂU", "T/M BAN THƯỜNG VỤ"} {
		if !slices.Contains(text, want) {
			t.Errorf("the workbook lacks %q", want)
		}
	}
	layout, err := x.GetPageLayout(sheet)
	if err != nil || layout.Size == nil || *layout.Size != 9 || layout.Orientation == nil || *layout.Orientation != "landscape" {
		t.Errorf("page layout: %+v, %v; want A4 (9) landscape", layout, err)
	}

	listed := 0
	for _, l := range c.Lists {
		listed += len(l.NoMember) + len(l.Combined) + len(l.NoCommittee)
	}
	lines, _ := x.GetRows(stats.CoverageListSheet)
	if listed == 0 || len(lines) != 4+listed {
		t.Fatalf("%d lines on the list sheet for %d hamlets listed", len(lines), listed)
	}
	first := c.Lists[0].Groups()[0]
	if got := lines[4]; got[1] != c.Lists[0].Name || got[2] != first.Hamlets[0].Name || got[4] != first.Label {
		t.Errorf("first listed hamlet %q, want %s, %s, %s", got, c.Lists[0].Name, first.Hamlets[0].Name, first.Label)
	}
}
