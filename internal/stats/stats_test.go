package stats_test

import (
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"ptdang/internal/apperr"
	"ptdang/internal/dashboard"
	"ptdang/internal/demo"
	"ptdang/internal/gen"
	"ptdang/internal/org"
	"ptdang/internal/pgtest"
	"ptdang/internal/report"
	"ptdang/internal/stats"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// province loads a small generated province (four communes after the 2025 reform, reports
// from 2024 to Q3/2026) into a new database, with an empty admission register: gen draws its
// files apart from its reports (their ceremonies are not the reports' admitted), and these
// tests put in the register the people they count.
func province(t *testing.T) *pgxpool.Pool {
	t.Helper()
	db := pgtest.New(t)
	opt := gen.Options{Scale: gen.Scale{Name: "test", Provinces: 1, Communes: 4}, Years: 3, Seed: 7, Last: report.Period{Year: 2026, Quarter: 3}}
	owner := pgtest.Owner(t, db)
	if err := gen.Load(t.Context(), owner, opt, io.Discard); err != nil {
		t.Fatal(err)
	}
	if _, err := owner.Exec(t.Context(), `TRUNCATE candidate_step, candidate CASCADE`); err != nil {
		t.Fatal(err)
	}
	return db
}

// reference is Biểu 1 computed the slow, simple way: every version, succession and report
// read row by row, the subtree walked and the reports summed in Go.
type reference struct {
	versions    []version
	successions []succession
	reports     map[int64][]reportRow // by cell
	ratings     map[int64][]ratingRow // by cell
}

// ratingRow is a cell's quality rating of a year: counts by key of Biểu 6, and its own category.
type ratingRow struct {
	year   int
	counts map[string]int
	own    string
}

type version struct {
	unit, parent int64
	kind         org.Kind
	orgType      string
	from         time.Time
	to           *time.Time
}

type succession struct {
	successor, predecessor int64
	share                  float64
	effective              time.Time
}

type reportRow struct {
	cell          int64
	year, quarter int
	opening       int
	stock         map[string]int // the members at the end of the quarter: closing and its breakdown
	flows         map[string]int
}

var (
	flows = []string{"admitted", "transferred_in", "restored", "deceased", "expelled", "removed", "removed_probationary", "withdrew", "transferred_out",
		"adm_women", "adm_youth_union", "adm_ethnic_minority", "adm_religious", "adm_workers", "adm_private_owners", "adm_students", "adm_readmitted",
		"recognised", "not_recognised"}
	stocks = []string{"closing", "full_members", "probationary", "women", "exempt", "working_away", "youth_union", "religious", "ethnic_minority"}
)

func readReference(t *testing.T, db *pgxpool.Pool) reference {
	t.Helper()
	ctx := t.Context()
	ref := reference{reports: map[int64][]reportRow{}, ratings: map[int64][]ratingRow{}}
	rows, err := db.Query(ctx, `SELECT unit_id, COALESCE(parent_id, 0), kind, org_type, valid_from, valid_to FROM party_unit_version`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var v version
		if err := rows.Scan(&v.unit, &v.parent, &v.kind, &v.orgType, &v.from, &v.to); err != nil {
			t.Fatal(err)
		}
		ref.versions = append(ref.versions, v)
	}
	rows, err = db.Query(ctx, `SELECT s.successor_id, s.predecessor_id, s.share::float8, e.effective
		FROM party_unit_succession s JOIN reorg_event e ON e.id = s.event_id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s succession
		if err := rows.Scan(&s.successor, &s.predecessor, &s.share, &s.effective); err != nil {
			t.Fatal(err)
		}
		ref.successions = append(ref.successions, s)
	}
	rows, err = db.Query(ctx, `SELECT cell_id, year, quarter, opening, `+strings.Join(stocks, ", ")+`, `+strings.Join(flows, ", ")+`
		FROM quarterly_report WHERE state <> 'draft'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		r := reportRow{flows: map[string]int{}, stock: map[string]int{}}
		st := make([]int, len(stocks))
		v := make([]int, len(flows))
		dest := []any{&r.cell, &r.year, &r.quarter, &r.opening}
		for i := range st {
			dest = append(dest, &st[i])
		}
		for i := range v {
			dest = append(dest, &v[i])
		}
		if err := rows.Scan(dest...); err != nil {
			t.Fatal(err)
		}
		for i, k := range flows {
			r.flows[k] = v[i]
		}
		for i, k := range stocks {
			r.stock[k] = st[i]
		}
		ref.reports[r.cell] = append(ref.reports[r.cell], r)
	}
	if rows.Err() != nil {
		t.Fatal(rows.Err())
	}
	rows, err = db.Query(ctx, `SELECT cell_id, year, excellent, good, satisfactory, unsatisfactory, exempt, unsatisfactory_two_years,
		COALESCE(own_rating, '') FROM quality_rating`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var cell int64
		var exc, good, sat, unsat, exempt, two int
		r := ratingRow{}
		if err := rows.Scan(&cell, &r.year, &exc, &good, &sat, &unsat, &exempt, &two, &r.own); err != nil {
			t.Fatal(err)
		}
		r.counts = map[string]int{"excellent": exc, "good": good, "satisfactory": sat, "unsatisfactory": unsat, "rating_exempt": exempt, "unsatisfactory_two_years": two}
		ref.ratings[cell] = append(ref.ratings[cell], r)
	}
	if rows.Err() != nil {
		t.Fatal(rows.Err())
	}
	return ref
}

// ratingFigures are the reference's figures of Biểu 6 of unit on asOf for year: members by
// category restated by share, each rated origin cell counted once as an organisation.
func (ref reference) ratingFigures(unit int64, asOf time.Time, year int) map[string]int {
	shares := map[int64][]origin{}
	for _, u := range ref.subtree(unit, asOf) {
		if v, _ := ref.versionAt(u, asOf); v.kind.IsCell() {
			ref.origins(u, origin{share: 1}, asOf, shares)
		}
	}
	sums, out := map[string]float64{}, map[string]int{}
	for cell, ss := range shares {
		for _, r := range ref.ratings[cell] {
			if r.year != year {
				continue
			}
			for _, o := range ss {
				for k, v := range r.counts {
					sums[k] += float64(v) * o.share
				}
			}
			if r.own != "" {
				out["org_"+r.own]++
				out["org_rated"]++
			}
		}
	}
	for k, v := range sums {
		out[k] = int(math.Round(v))
	}
	out["rated"] = out["excellent"] + out["good"] + out["satisfactory"] + out["unsatisfactory"]
	return out
}

// subtree is unit and the units under it on asOf.
func (ref reference) subtree(unit int64, asOf time.Time) []int64 {
	out := []int64{unit}
	for i := 0; i < len(out); i++ {
		for _, v := range ref.versions {
			if v.parent == out[i] && !v.from.After(asOf) && (v.to == nil || v.to.After(asOf)) {
				out = append(out, v.unit)
			}
		}
	}
	return out
}

// origin is a unit whose reports count for another, with the share they count for and the day
// its members moved on to a successor (zero for the unit itself).
type origin struct {
	share   float64
	retired time.Time
}

// origins are the units whose reports count for unit on asOf.
func (ref reference) origins(unit int64, o origin, asOf time.Time, into map[int64][]origin) {
	into[unit] = append(into[unit], o)
	for _, s := range ref.successions {
		if s.successor == unit && !s.effective.After(asOf) {
			retired := s.effective
			if !o.retired.IsZero() && o.retired.Before(retired) {
				retired = o.retired
			}
			ref.origins(s.predecessor, origin{o.share * s.share, retired}, asOf, into)
		}
	}
}

// figures are the reference's figures of Biểu 1 and Biểu 3 of unit for p: key → value.
func (ref reference) figures(unit int64, asOf time.Time, p stats.Period) map[string]int {
	shares := map[int64][]origin{}
	for _, u := range ref.subtree(unit, asOf) {
		ref.origins(u, origin{share: 1}, asOf, shares)
	}
	end := time.Date(p.Year, time.Month(3*p.To+1), 1, 0, 0, 0, 0, time.UTC) // the day after p
	sums := map[string]float64{}
	for cell, ss := range shares {
		var first, latest *reportRow
		own := map[string]int{}
		for i := range ref.reports[cell] {
			r := &ref.reports[cell][i]
			if r.year != p.Year || r.quarter < p.From || r.quarter > p.To {
				continue
			}
			if r.quarter == p.From {
				first = r
			}
			if latest == nil || r.quarter > latest.quarter {
				latest = r
			}
			for k, v := range r.flows {
				own[k] += v
			}
		}
		if latest == nil {
			continue
		}
		for _, o := range ss {
			if first != nil {
				sums["opening"] += float64(first.opening) * o.share
			}
			if o.retired.IsZero() || !o.retired.Before(end) { // else its members are its successor's
				for k, v := range latest.stock {
					sums[k] += float64(v) * o.share
				}
			}
			for k, v := range own {
				sums[k] += float64(v) * o.share
			}
		}
	}
	out := map[string]int{}
	for k, v := range sums {
		out[k] = int(math.Round(v))
	}
	out["grassroots_admitting"] = ref.admittingGrassroots(unit, asOf, p)
	out["gains"] = out["admitted"] + out["transferred_in"] + out["restored"]
	out["losses"] = out["deceased"] + out["expelled"] + out["removed"] + out["withdrew"] + out["transferred_out"]
	return out
}

// versionAt is unit's version in force on asOf.
func (ref reference) versionAt(unit int64, asOf time.Time) (version, bool) {
	for _, v := range ref.versions {
		if v.unit == unit && !v.from.After(asOf) && (v.to == nil || v.to.After(asOf)) {
			return v, true
		}
	}
	return version{}, false
}

// admittingGrassroots counts the grassroots organisations on asOf of the cells of unit's
// subtree whose reports (or a predecessor's) admit someone in p: the cell itself, or the first
// unit above it that is neither an affiliated cell nor an intermediate committee.
func (ref reference) admittingGrassroots(unit int64, asOf time.Time, p stats.Period) int {
	found := map[int64]bool{}
	for _, u := range ref.subtree(unit, asOf) {
		if v, _ := ref.versionAt(u, asOf); !v.kind.IsCell() {
			continue
		}
		shares := map[int64][]origin{}
		ref.origins(u, origin{share: 1}, asOf, shares)
		admitted := false
		for cell := range shares {
			for _, r := range ref.reports[cell] {
				admitted = admitted || r.year == p.Year && r.quarter >= p.From && r.quarter <= p.To && r.flows["admitted"] > 0
			}
		}
		for g := u; admitted; {
			v, ok := ref.versionAt(g, asOf)
			if ok && v.kind != org.AffiliatedCell && v.kind != org.IntermediateCommittee {
				found[g] = true
				break
			}
			if !ok || v.parent == 0 {
				break
			}
			g = v.parent
		}
	}
	return len(found)
}

// treeCounts are the reference's figures of Biểu 5: the units of unit's subtree in force on day,
// by kind and by type.
func (ref reference) treeCounts(unit int64, day time.Time) map[string]int {
	out := map[string]int{}
	for _, u := range ref.subtree(unit, day) {
		v, ok := ref.versionAt(u, day)
		if !ok {
			continue
		}
		var typ string
		for _, w := range ref.versions {
			if w.unit == u && !w.from.After(day) && (w.to == nil || w.to.After(day)) {
				typ = w.orgType
			}
		}
		out["kind_"+string(v.kind)]++
		switch v.kind {
		case org.GrassrootsCommittee, org.GrassrootsCell:
			out["grassroots"]++
			out["grassroots_"+typ]++
		case org.CommuneCommittee, org.DistrictCommittee, org.BlocCommittee:
			out["upper"]++
		}
		if v.kind.IsCell() {
			out["cells"]++
			out["cells_"+typ]++
		}
	}
	return out
}

// agree checks every line of f against the reference, this year and last; a NoData row or a
// heading has no figures.
func agree(t *testing.T, ref reference, f stats.Form) {
	t.Helper()
	this, last := ref.figures(f.Unit.ID, f.AsOf, f.Period), ref.figures(f.Unit.ID, f.AsOf, f.Period.LastYear())
	switch {
	case f.Annual:
		this, last = ref.ratingFigures(f.Unit.ID, f.AsOf, f.Period.Year), ref.ratingFigures(f.Unit.ID, f.AsOf, f.Period.Year-1)
	case f.Tree:
		this, last = ref.treeCounts(f.Unit.ID, f.AsOf), ref.treeCounts(f.Unit.ID, f.AsOf.AddDate(-1, 0, 0))
	}
	for _, l := range f.Lines {
		if l.FromPeople { // agreePeople's
			continue
		}
		if l.NoData || l.Heading() {
			if l.This != 0 || l.Last != 0 {
				t.Errorf("%s, %+v, %q: %d | %d, a row without figures", f.Unit.Code, f.Period, l.Label, l.This, l.Last)
			}
			continue
		}
		if l.This != this[l.Key] || l.Last != last[l.Key] {
			t.Errorf("%s, %+v, %s: %d | %d, the reference %d | %d", f.Unit.Code, f.Period, l.Key, l.This, l.Last, this[l.Key], last[l.Key])
		}
	}
}

// units are the province and its communes on asOf.
func units(t *testing.T, db *pgxpool.Pool, asOf time.Time) []org.PartyUnit {
	t.Helper()
	tops, err := org.PartyChildren(t.Context(), db, org.Everything(), 0, asOf)
	if err != nil || len(tops) != 1 {
		t.Fatalf("tops: %v, %v", tops, err)
	}
	communes, err := org.PartyChildren(t.Context(), db, org.Everything(), tops[0].ID, asOf)
	if err != nil {
		t.Fatal(err)
	}
	return append(communes, tops[0])
}

// TestForm1AgreesWithTheReference compares Biểu 1 and Biểu 3 of the province and of every
// commune with the reference for a year, a half-year and a quarter, each against the same
// period of last year, Biểu 1's admissions with the dashboard's, and Biểu 3 across forms with
// Biểu 1 (crossCheck).
func TestForm1AgreesWithTheReference(t *testing.T) {
	db := province(t)
	ref := readReference(t, db)
	today := day("2026-12-07")
	for _, p := range []stats.Period{{Year: 2025, From: 1, To: 4}, {Year: 2026, From: 1, To: 2}, {Year: 2026, From: 3, To: 3}} {
		for _, u := range units(t, db, p.LastDay()) {
			f, err := stats.Form1(t.Context(), db, org.Everything(), u.ID, p, today)
			if err != nil {
				t.Fatal(err)
			}
			agree(t, ref, f)
			if f.Line("closing").This == 0 || f.Line("admitted").Last == 0 {
				t.Errorf("%s %+v: no members or no admissions last year: the data set does not test the sums", u.Code, p)
			}
			f3 := crossCheck(t, db, ref, f)
			if f7, err := stats.Make(t.Context(), db, org.Everything(), "7", u.ID, p, today); err != nil || f7.Line("recognised").Last == 0 {
				t.Errorf("%s %+v: nobody recognised last year (%v): the data set does not test Biểu 7", u.Code, p, err)
			}
			for _, l := range f3.Lines {
				if l.Last == 0 && l.Key != "exempt" && l.Key != "working_away" {
					t.Errorf("%s %+v: Biểu 3 %s is 0 last year: the data set does not test it", u.Code, p, l.Key)
				}
			}
			if p.From == 1 { // the dashboard counts from 1 January
				d, err := dashboard.Build(t.Context(), db, org.Everything(), u.ID, p.Year, p.LastDay())
				if err != nil {
					t.Fatal(err)
				}
				if a := f.Line("admitted"); a.This != d.Total.Admitted || a.Last != d.Total.AdmittedLastYear {
					t.Errorf("%s %+v: Biểu 1 admitted %d | %d, the dashboard %d | %d", u.Code, p, a.This, a.Last, d.Total.Admitted, d.Total.AdmittedLastYear)
				}
			}
		}
	}
}

// TestForm1RestatesAcrossAMerge merges two cells of a commune on 1 January 2026, the new cell
// carrying on the first one's reports: last year's figures of the commune's Biểu 1 for the
// first half of 2026 stay what they were, restated on the new cell, and agree with the
// reference.
func TestForm1RestatesAcrossAMerge(t *testing.T) {
	db := province(t)
	ctx := t.Context()
	p, today, merge := stats.Period{Year: 2026, From: 1, To: 2}, day("2026-12-07"), day("2026-01-01")
	commune, pair, merged, before := mergeTwoCells(t, db, p, merge, today, "GHEP")
	// After the merge the new cell reports: it carries on the first cell's reports of 2026.
	if _, err := db.Exec(ctx, `DELETE FROM quarterly_report WHERE cell_id = $1 AND year = 2026`, pair[1]); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `UPDATE quarterly_report SET cell_id = $1 WHERE cell_id = $2 AND year = 2026`, merged, pair[0]); err != nil {
		t.Fatal(err)
	}
	after, err := stats.Form1(ctx, db, org.Everything(), commune.ID, p, today)
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range after.Lines {
		if l.Last != before.Lines[i].Last {
			t.Errorf("%s last year: %d before the merge, %d after", l.Key, before.Lines[i].Last, l.Last)
		}
	}
	ref := readReference(t, db)
	agree(t, ref, after)
	crossCheck(t, db, ref, after)
	for _, m := range after.Missing {
		if m.ID == merged {
			t.Errorf("the merged cell is listed as not reporting %v", m.Quarters)
		}
	}
}

// TestForm1NamesTheCellsThatHaveNotReported turns a cell's first-quarter report back into a
// draft: the form lists the cell as not reporting that quarter, and names it among the cells
// whose period does not add up (it has no opening).
func TestForm1NamesTheCellsThatHaveNotReported(t *testing.T) {
	db := province(t)
	ctx := t.Context()
	p := stats.Period{Year: 2026, From: 1, To: 2}
	commune := units(t, db, p.LastDay())[0]
	f, err := stats.Form1(ctx, db, org.Everything(), commune.ID, p, day("2026-12-07"))
	if err != nil {
		t.Fatal(err)
	}
	if !f.Complete() || len(f.Imbalanced) > 0 || len(f.Exceeds) > 0 {
		t.Fatalf("the generated reports are complete and add up: missing %v, imbalanced %v, over %v", f.Missing, f.Imbalanced, f.Exceeds)
	}
	var cell int64
	if err := db.QueryRow(ctx, `
		WITH RECURSIVE `+org.SubtreeCTE+`
		SELECT r.cell_id FROM sub JOIN quarterly_report r ON r.cell_id = sub.id AND r.year = 2026 AND r.quarter = 1
		ORDER BY r.cell_id LIMIT 1`, []int64{commune.ID}, p.LastDay()).Scan(&cell); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `UPDATE quarterly_report SET state = 'draft' WHERE cell_id = $1 AND year = 2026 AND quarter = 1`, cell); err != nil {
		t.Fatal(err)
	}
	f, err = stats.Form1(ctx, db, org.Everything(), commune.ID, p, day("2026-12-07"))
	if err != nil {
		t.Fatal(err)
	}
	if f.Complete() || f.Missing[0].ID != cell || len(f.Missing[0].Quarters) != 1 || f.Missing[0].Quarters[0] != 1 {
		t.Errorf("missing: %+v, want cell %d lacking quarter 1", f.Missing, cell)
	}
	if len(f.Imbalanced) != 1 || f.Imbalanced[0].ID != cell || f.Imbalanced[0].HasOpening {
		t.Errorf("imbalanced: %+v, want cell %d without opening", f.Imbalanced, cell)
	}
}

// TestForm1OutOfScope: a unit out of the caller's scope is not found.
func TestForm1OutOfScope(t *testing.T) {
	db := province(t)
	p := stats.Period{Year: 2026, From: 1, To: 2}
	us := units(t, db, p.LastDay())
	scope := org.Under(us[0].ID)
	if _, err := stats.Form1(t.Context(), db, scope, us[1].ID, p, day("2026-12-07")); err != apperr.ErrNotFound {
		t.Errorf("another commune's form: %v, want ErrNotFound", err)
	}
}

// TestForm1ChecksNameTheCells makes one cell's second quarter open one member above its first
// quarter's closing (each quarter still balances) and another cell remove more probationary
// members than members: the form names each in its check, and no other cell.
func TestForm1ChecksNameTheCells(t *testing.T) {
	db := province(t)
	ctx := t.Context()
	p := stats.Period{Year: 2026, From: 1, To: 2}
	commune := units(t, db, p.LastDay())[0]
	var cells []int64
	rows, err := db.Query(ctx, `
		WITH RECURSIVE `+org.SubtreeCTE+`
		SELECT r.cell_id FROM sub JOIN quarterly_report r ON r.cell_id = sub.id AND r.year = 2026 AND r.quarter = 2
		ORDER BY r.cell_id LIMIT 2`, []int64{commune.ID}, p.LastDay())
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		cells = append(cells, id)
	}
	if len(cells) != 2 {
		t.Fatalf("cells reporting: %v", cells)
	}
	if _, err := db.Exec(ctx, `UPDATE quarterly_report SET opening = opening + 1, closing = closing + 1, full_members = full_members + 1
		WHERE cell_id = $1 AND year = 2026 AND quarter = 2`, cells[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `UPDATE quarterly_report SET removed_probationary = removed + 1
		WHERE cell_id = $1 AND year = 2026 AND quarter = 2`, cells[1]); err != nil {
		t.Fatal(err)
	}
	f, err := stats.Form1(ctx, db, org.Everything(), commune.ID, p, day("2026-12-07"))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Imbalanced) != 1 || f.Imbalanced[0].ID != cells[0] {
		t.Fatalf("imbalanced: %+v, want cell %d", f.Imbalanced, cells[0])
	}
	if im := f.Imbalanced[0]; !im.HasOpening || im.Opening+im.Gains-im.Losses != im.Closing-1 {
		t.Errorf("cell %d: %d + %d − %d, closing %d: want one short", im.ID, im.Opening, im.Gains, im.Losses, im.Closing)
	}
	if len(f.Exceeds) != 1 || f.Exceeds[0].ID != cells[1] || f.Exceeds[0].Part != "removed_probationary" {
		t.Errorf("more probationary members removed than members: %+v, want cell %d", f.Exceeds, cells[1])
	}
}

// TestPeriods: the picker's periods read back, their labels, and the period filed last.
func TestPeriods(t *testing.T) {
	for kind, want := range map[string]string{stats.KindYear: "NĂM 2025", stats.KindHalf: "6 THÁNG ĐẦU NĂM 2025", "q3": "QUÝ 3 NĂM 2025"} {
		p, ok := stats.ParsePeriod(2025, kind)
		if !ok || p.Label() != want || p.Kind() != kind {
			t.Errorf("%s: %+v %v %q", kind, p, ok, p.Label())
		}
	}
	for _, bad := range []string{"", "q0", "q5", "quy1", "NAM"} {
		if _, ok := stats.ParsePeriod(2025, bad); ok {
			t.Errorf("%q read as a period", bad)
		}
	}
	if _, ok := stats.ParsePeriod(1999, stats.KindYear); ok {
		t.Error("1999 read as a year")
	}
	for today, want := range map[string]stats.Period{"2026-06-29": {Year: 2025, From: 1, To: 4}, "2026-06-30": {Year: 2026, From: 1, To: 2},
		"2026-12-30": {Year: 2026, From: 1, To: 2}, "2026-12-31": {Year: 2026, From: 1, To: 4}} {
		if got := stats.Latest(day(today)); got != want {
			t.Errorf("on %s the period filed last: %+v, want %+v", today, got, want)
		}
	}
}

// TestForm1OfTheDemoProvince makes Biểu 1 of the demo province (`make run`) and of each of its
// communes for 2025 and for the first half of 2026, as the issue asks, against the reference;
// where every cell reported and every period adds up, A + B − C = D.
func TestForm1OfTheDemoProvince(t *testing.T) {
	db := pgtest.New(t)
	start := time.Now()
	if err := demo.Load(t.Context(), db, demo.Parts, io.Discard); err != nil {
		t.Fatal(err)
	}
	t.Logf("demo loaded in %v", time.Since(start).Round(time.Millisecond))
	if _, err := db.Exec(t.Context(), `ANALYZE`); err != nil { // as autovacuum would have, in a while
		t.Fatal(err)
	}
	ref := readReference(t, db)
	for _, p := range []stats.Period{{Year: 2025, From: 1, To: 4}, {Year: 2026, From: 1, To: 2}} {
		tu, err := org.GetPartyUnitByCode(t.Context(), db, org.Everything(), "TU", p.LastDay())
		if err != nil {
			t.Fatal(err)
		}
		communes, err := org.PartyChildren(t.Context(), db, org.Everything(), tu.ID, p.LastDay())
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range append(communes, tu) {
			start := time.Now()
			f, err := stats.Form1(t.Context(), db, org.Everything(), u.ID, p, day("2026-12-07"))
			if err != nil {
				t.Fatal(err)
			}
			made := time.Since(start)
			agree(t, ref, f)
			crossCheck(t, db, ref, f)
			a, b, c, d := f.Line("opening").This, f.Line("gains").This, f.Line("losses").This, f.Line("closing").This
			if f.Complete() && len(f.Imbalanced) == 0 && a+b-c != d {
				t.Errorf("%s %+v: %d + %d − %d ≠ %d", u.Code, p, a, b, c, d)
			}
			if u.ID == tu.ID {
				t.Logf("%s %s made in %v: A %d, B %d, C %d, D %d; admitted %d | %d; %d cells not reported, %d not adding up",
					u.Code, p.Label(), made.Round(time.Millisecond), a, b, c, d, f.Line("admitted").This, f.Line("admitted").Last, len(f.Missing), len(f.Imbalanced))
				if d == 0 {
					t.Errorf("%s %+v: no members", u.Code, p)
				}
				for _, no := range []string{"2", "5", "6"} { // the forms with queries of their own
					start := time.Now()
					if _, err := stats.Make(t.Context(), db, org.Everything(), no, u.ID, p, day("2026-12-07")); err != nil {
						t.Fatal(err)
					}
					t.Logf("%s %s: Biểu %s made in %v", u.Code, p.Label(), no, time.Since(start).Round(time.Millisecond))
				}
			}
		}
	}
}

// TestForm1CountsMembersOnceAcrossAMergeWithinThePeriod merges two cells on 1 April 2026, within
// the first half-year: the new cell reports Q2 for both. The commune's Biểu 1 for the half-year
// is what it was before the merge — the old cells' Q1 closings are not counted again beside the
// new cell's — and agrees with the reference.
func TestForm1CountsMembersOnceAcrossAMergeWithinThePeriod(t *testing.T) {
	db := province(t)
	ctx := t.Context()
	p, today, merge := stats.Period{Year: 2026, From: 1, To: 2}, day("2026-12-07"), day("2026-04-01")
	commune, pair, merged, before := mergeTwoCells(t, db, p, merge, today, "GHEP2")
	// From Q2 the new cell reports the two cells' members and movements as one.
	var sets []string
	for _, sec := range report.Sections[:4] { // the figures that add up (not the cell's meetings)
		for _, f := range sec.Fields {
			sets = append(sets, fmt.Sprintf("%s = r.%s + o.%s", f.Key, f.Key, f.Key))
		}
	}
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`UPDATE quarterly_report r SET ` + strings.Join(sets, ", ") + ` FROM quarterly_report o
			WHERE r.cell_id = $1 AND o.cell_id = $2 AND r.year = 2026 AND o.year = 2026 AND r.quarter >= 2 AND o.quarter = r.quarter`, []any{pair[0], pair[1]}},
		{`DELETE FROM quarterly_report WHERE cell_id = $1 AND year = 2026 AND quarter >= 2`, []any{pair[1]}},
		{`UPDATE quarterly_report SET cell_id = $2 WHERE cell_id = $1 AND year = 2026 AND quarter >= 2`, []any{pair[0], merged}},
	} {
		if _, err := db.Exec(ctx, q.sql, q.args...); err != nil {
			t.Fatal(err)
		}
	}
	after, err := stats.Form1(ctx, db, org.Everything(), commune.ID, p, today)
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range after.Lines {
		if l.This != before.Lines[i].This || l.Last != before.Lines[i].Last {
			t.Errorf("%s: %d | %d before the merge, %d | %d after", l.Key, before.Lines[i].This, before.Lines[i].Last, l.This, l.Last)
		}
	}
	ref := readReference(t, db)
	agree(t, ref, after)
	crossCheck(t, db, ref, after)
	d, err := dashboard.Build(ctx, db, org.Everything(), commune.ID, 2026, p.LastDay())
	if err != nil {
		t.Fatal(err)
	}
	if d.Total.Stock["closing"] != after.Line("closing").This {
		t.Errorf("the dashboard counts %d members at the end of Q2, Biểu 1 %d", d.Total.Stock["closing"], after.Line("closing").This)
	}
}

// mergeTwoCells merges the first two cells of the first commune into a new cell coded code,
// effective on merge, and returns the commune, the two cells, the new cell and the commune's
// Biểu 1 for p before the merge.
func mergeTwoCells(t *testing.T, db *pgxpool.Pool, p stats.Period, merge, today time.Time, code string) (commune org.PartyUnit, pair []int64, merged int64, before stats.Form) {
	t.Helper()
	ctx := t.Context()
	commune = units(t, db, p.LastDay())[0]
	cells, err := org.PartyChildren(ctx, db, org.Everything(), commune.ID, merge)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cells {
		if c.Kind.IsCell() && len(pair) < 2 {
			pair = append(pair, c.ID)
		}
	}
	if len(pair) < 2 {
		t.Fatalf("commune %s has fewer than two cells", commune.Code)
	}
	before, err = stats.Form1(ctx, db, org.Everything(), commune.ID, p, today)
	if err != nil {
		t.Fatal(err)
	}
	merged, err = org.MergePartyUnits(ctx, db, org.Everything(), org.Reorg{Effective: merge}, pair,
		org.PartyUnitInput{Code: code, Name: "Chi bộ ghép", Kind: org.GrassrootsCell, OrgType: "territorial", ParentID: commune.ID, FullMembers: 20})
	if err != nil {
		t.Fatal(err)
	}
	return commune, pair, merged, before
}

// crossCheck makes Biểu 3 of f1's unit and period, checks it against the reference, and checks
// it across forms: its total is Biểu 1's closing, this year and last; full and probationary
// members add up to it; no breakdown row is above its total.
func crossCheck(t *testing.T, db *pgxpool.Pool, ref reference, f1 stats.Form) stats.Form {
	t.Helper()
	f3, err := stats.Form3(t.Context(), db, org.Everything(), f1.Unit.ID, f1.Period, day("2026-12-07"))
	if err != nil {
		t.Fatal(err)
	}
	agree(t, ref, f3)
	d, total := f1.Line("closing"), f3.Line("closing")
	if d.This != total.This || d.Last != total.Last || total.Label != "Đảng viên trong danh sách có đến cuối kỳ báo cáo" {
		t.Errorf("%s %+v: Biểu 1 closing %d | %d, Biểu 3 %q %d | %d", f1.Unit.Code, f1.Period, d.This, d.Last, total.Label, total.This, total.Last)
	}
	if full, prob := f3.Line("full_members"), f3.Line("probationary"); full.This+prob.This != total.This && f3.Complete() {
		t.Errorf("%s %+v: %d full + %d probationary members, %d in all", f1.Unit.Code, f1.Period, full.This, prob.This, total.This)
	}
	for _, l := range f3.Lines {
		if w := report.Whole(l.Key); w != "" && (l.This > f3.Line(w).This || l.Last > f3.Line(w).Last) {
			t.Errorf("%s %+v: %s %d | %d above %s %d | %d", f1.Unit.Code, f1.Period, l.Key, l.This, l.Last, w, f3.Line(w).This, f3.Line(w).Last)
		}
	}
	if len(f3.Exceeds) > 0 {
		t.Errorf("%s %+v: the generated reports have no breakdown above its total: %+v", f1.Unit.Code, f1.Period, f3.Exceeds)
	}
	f2, err := stats.Form2(t.Context(), db, org.Everything(), f1.Unit.ID, f1.Period, day("2026-12-07"))
	if err != nil {
		t.Fatal(err)
	}
	agree(t, ref, f2)
	if a, total := f1.Line("admitted"), f2.Line("admitted"); a.This != total.This || a.Last != total.Last || total.Label != "Tổng số đảng viên mới kết nạp" {
		t.Errorf("%s %+v: Biểu 1 admitted %d | %d, Biểu 2 %q %d | %d", f1.Unit.Code, f1.Period, a.This, a.Last, total.Label, total.This, total.Last)
	}
	for _, l := range f2.Lines {
		if w := report.Whole(l.Key); w != "" && (l.This > f2.Line(w).This || l.Last > f2.Line(w).Last) {
			t.Errorf("%s %+v: Biểu 2 %s %d | %d above %s %d | %d", f1.Unit.Code, f1.Period, l.Key, l.This, l.Last, w, f2.Line(w).This, f2.Line(w).Last)
		}
	}
	f7, err := stats.Make(t.Context(), db, org.Everything(), "7", f1.Unit.ID, f1.Period, day("2026-12-07"))
	if err != nil {
		t.Fatal(err)
	}
	agree(t, ref, f7)
	for _, k := range []string{"transferred_in", "transferred_out"} {
		if a, b := f1.Line(k), f7.Line(k); a.This != b.This || a.Last != b.Last || a.Label == "" {
			t.Errorf("%s %+v: Biểu 1 %s %d | %d, Biểu 7 %d | %d", f1.Unit.Code, f1.Period, k, a.This, a.Last, b.This, b.Last)
		}
	}
	if g := f2.Line("grassroots_admitting"); (g.This > 0) != (f2.Line("admitted").This > 0) || g.This > f2.Line("admitted").This {
		t.Errorf("%s %+v: %d grassroots organisations admitted %d members", f1.Unit.Code, f1.Period, g.This, f2.Line("admitted").This)
	}
	if len(f2.Exceeds) > 0 || len(f2.Missing) != len(f1.Missing) {
		t.Errorf("%s %+v: Biểu 2's checks: over %+v, missing %v (Biểu 1 %v)", f1.Unit.Code, f1.Period, f2.Exceeds, f2.Missing, f1.Missing)
	}
	return f3
}

// TestForm3NamesTheCellsWithABreakdownAboveTheTotal gives one cell more women than members at
// the end of the half-year: Biểu 3 names that cell, and that row, and no other.
func TestForm3NamesTheCellsWithABreakdownAboveTheTotal(t *testing.T) {
	db, p, f, cell := oneCellOver(t, "3", "women = closing + 1")
	ctx := t.Context()
	if len(f.Exceeds) != 1 || f.Exceeds[0].ID != cell || f.Exceeds[0].Part != "women" || f.Exceeds[0].Whole != "closing" ||
		f.Exceeds[0].Value != f.Exceeds[0].Total+1 {
		t.Errorf("exceeds: %+v, want cell %d, women one above closing", f.Exceeds, cell)
	}
	if f1, err := stats.Form1(ctx, db, org.Everything(), f.Unit.ID, p, day("2026-12-07")); err != nil || len(f1.Exceeds) > 0 {
		t.Errorf("Biểu 1 has no women row to check: %+v, %v", f1.Exceeds, err)
	}
}

// TestForm2NamesTheCellsWithABreakdownAboveTheTotal gives one cell more women admitted than
// members admitted in the second quarter: Biểu 2 names that cell and that row, and no other;
// every cell that admitted someone is listed as giving totals only, and no other.
func TestForm2NamesTheCellsWithABreakdownAboveTheTotal(t *testing.T) {
	db, p, f, cell := oneCellOver(t, "2", "adm_women = admitted + 1")
	ctx := t.Context()
	if len(f.Exceeds) != 1 || f.Exceeds[0].ID != cell || f.Exceeds[0].Part != "adm_women" || f.Exceeds[0].Whole != "admitted" {
		t.Errorf("exceeds: %+v, want cell %d, women admitted above admitted", f.Exceeds, cell)
	}
	rows, err := db.Query(ctx, `
		WITH RECURSIVE `+org.SubtreeCTE+`
		SELECT r.cell_id FROM sub JOIN quarterly_report r ON r.cell_id = sub.id AND r.year = 2026 AND r.quarter <= 2 AND r.state <> 'draft'
		GROUP BY r.cell_id HAVING sum(r.admitted) > 0 ORDER BY r.cell_id`, []int64{f.Unit.ID}, p.LastDay())
	if err != nil {
		t.Fatal(err)
	}
	admitting, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		t.Fatal(err)
	}
	var listed []int64
	for _, c := range f.TotalsOnly {
		listed = append(listed, c.ID)
	}
	slices.Sort(listed)
	if len(admitting) == 0 || !slices.Equal(listed, admitting) || f.NoDataNote() == "" {
		t.Errorf("cells giving totals only: %v, want those that admitted %v", listed, admitting)
	}
	nodata, people := 0, 0
	for _, l := range f.Lines {
		if l.NoData {
			nodata++
		}
		if l.FromPeople {
			people++
			if !l.Partial || l.This != 0 {
				t.Errorf("%s: %d, partial %v; the register is empty: 0, incomplete", l.Key, l.This, l.Partial)
			}
		}
	}
	if nodata != 10 || people != 23 || f.Line("age_9").Label != "Tuổi bình quân (năm)" {
		t.Errorf("%d rows without data, %d counted from people; the mean age %q", nodata, people, f.Line("age_9").Label)
	}
}

// setFirstReport applies set (an SQL assignment) to the report of the last quarter of p of the
// first cell of unit that has one, and returns that cell.
func setFirstReport(t *testing.T, db *pgxpool.Pool, unit int64, p stats.Period, set string) int64 {
	t.Helper()
	var cell int64
	if err := db.QueryRow(t.Context(), `
		WITH RECURSIVE `+org.SubtreeCTE+`
		UPDATE quarterly_report SET `+set+` WHERE (cell_id, year, quarter) =
			(SELECT r.cell_id, $3, $4 FROM sub JOIN quarterly_report r ON r.cell_id = sub.id AND r.year = $3 AND r.quarter = $4 ORDER BY r.cell_id LIMIT 1)
		RETURNING cell_id`, []int64{unit}, p.LastDay(), p.Year, p.To).Scan(&cell); err != nil {
		t.Fatal(err)
	}
	return cell
}

// TestForm6AgreesWithTheReference compares Biểu 6 (quality ratings) of the province and of every
// commune for 2025 with the reference, this year and last; a half-year asked for is made for its
// whole year; the cells rated as organisations are at most the cells, the members rated the
// sum of the categories; the cells without a rating are listed.
func TestForm6AgreesWithTheReference(t *testing.T) {
	db := province(t)
	ref := readReference(t, db)
	today := day("2026-12-07")
	us := units(t, db, day("2025-12-31"))
	for _, u := range us {
		f, err := stats.Make(t.Context(), db, org.Everything(), "6", u.ID, stats.Period{Year: 2025, From: 1, To: 2}, today)
		if err != nil {
			t.Fatal(err)
		}
		if f.Period != (stats.Period{Year: 2025, From: 1, To: 4}) || !f.AsOf.Equal(day("2025-12-31")) || !f.Annual {
			t.Errorf("%s: Biểu 6 for %+v on %v, want the year 2025 on 31/12/2025", u.Code, f.Period, f.AsOf)
		}
		agree(t, ref, f)
		rated, orgs := f.Line("rated"), f.Line("org_rated")
		if rated.This == 0 || rated.Last == 0 || orgs.This == 0 || f.Line("rating_exempt").This == 0 {
			t.Errorf("%s: %d | %d members rated, %d organisations: the data set does not test the sums", u.Code, rated.This, rated.Last, orgs.This)
		}
		if sum := f.Line("excellent").This + f.Line("good").This + f.Line("satisfactory").This + f.Line("unsatisfactory").This; sum != rated.This {
			t.Errorf("%s: categories %d, rated %d", u.Code, sum, rated.This)
		}
		if !f.Complete() || len(f.OverCap) > 0 {
			t.Errorf("%s: every generated cell is rated for 2025, within the cap; missing %v, over the cap %v", u.Code, f.Missing, f.OverCap)
		}
	}
	// One cell rates one more member excellent than good: above the cap, it is named, and no other.
	var cell int64
	var excellent, good int
	if err := db.QueryRow(t.Context(), `UPDATE quality_rating SET excellent = good + 1
		WHERE id = (SELECT min(id) FROM quality_rating WHERE year = 2025 AND good > 0) RETURNING cell_id, excellent, good`).Scan(&cell, &excellent, &good); err != nil {
		t.Fatal(err)
	}
	f, err := stats.Make(t.Context(), db, org.Everything(), "6", us[len(us)-1].ID, stats.Period{Year: 2025, From: 1, To: 4}, today)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.OverCap) != 1 || f.OverCap[0].ID != cell || f.OverCap[0].Value != excellent || f.OverCap[0].Total != good/4 ||
		f.Cap != "20 % số hoàn thành tốt nhiệm vụ trở lên" {
		t.Errorf("over the cap: %+v (%s), want cell %d with %d excellent, %d allowed", f.OverCap, f.Cap, cell, excellent, good/4)
	}
	// 2026 has not been rated (the generator rates the years ended): every cell is listed.
	f, err = stats.Make(t.Context(), db, org.Everything(), "6", units(t, db, today)[0].ID, stats.Period{Year: 2026, From: 1, To: 4}, today)
	if err != nil {
		t.Fatal(err)
	}
	agree(t, ref, f)
	if f.Complete() || f.Line("rated").This != 0 || f.Line("rated").Last == 0 || len(f.Missing[0].Quarters) != 0 ||
		!strings.Contains(f.MissingNote(), "kết quả đánh giá, xếp loại chất lượng năm 2026") {
		t.Errorf("2026 not rated: %d rated, missing %d cells, note %q", f.Line("rated").This, len(f.Missing), f.MissingNote())
	}
	checkXLSX(t, f)
}

// TestForm6RestatesAcrossAMerge merges two cells on 1 January 2026: Biểu 6 for 2026 counts the
// two cells' 2025 ratings as last year's, its members and organisations as before the merge,
// and agrees with the reference; the new cell, not rated yet for 2026, is listed.
func TestForm6RestatesAcrossAMerge(t *testing.T) {
	db := province(t)
	ctx := t.Context()
	p, today := stats.Period{Year: 2026, From: 1, To: 4}, day("2026-12-07")
	commune := units(t, db, today)[0]
	before, err := stats.Make(ctx, db, org.Everything(), "6", commune.ID, p, today)
	if err != nil {
		t.Fatal(err)
	}
	_, _, merged, _ := mergeTwoCells(t, db, p, day("2026-01-01"), today, "GHEP6")
	after, err := stats.Make(ctx, db, org.Everything(), "6", commune.ID, p, today)
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range after.Lines {
		if l.Last != before.Lines[i].Last || l.Last == 0 && l.Key == "org_rated" {
			t.Errorf("%s last year: %d before the merge, %d after", l.Key, before.Lines[i].Last, l.Last)
		}
	}
	agree(t, readReference(t, db), after)
	if !slices.ContainsFunc(after.Missing, func(m stats.Missing) bool { return m.ID == merged }) {
		t.Errorf("the merged cell, not rated for 2026, is not listed: %v", after.Missing)
	}
}

// TestForm5AgreesWithTheReference counts the organisations of the province and of every commune
// on 30/06/2026 and a year before against the reference: the district committees are gone since
// the reform, every organisation is of some type, and merging two cells leaves one cell fewer.
func TestForm5AgreesWithTheReference(t *testing.T) {
	db := province(t)
	ref := readReference(t, db)
	p, today := stats.Period{Year: 2026, From: 1, To: 2}, day("2026-12-07")
	us := units(t, db, p.LastDay())
	for _, u := range us {
		f, err := stats.Make(t.Context(), db, org.Everything(), "5", u.ID, p, today)
		if err != nil {
			t.Fatal(err)
		}
		agree(t, ref, f)
		for _, whole := range []string{"grassroots", "cells"} {
			sum := 0
			for _, typ := range org.OrgTypes {
				sum += f.Line(whole + "_" + string(typ)).This
			}
			if sum != f.Line(whole).This || f.Line(whole).This == 0 && (whole == "cells" || u.ID == us[len(us)-1].ID) {
				t.Errorf("%s: %s %d, by type %d", u.Code, whole, f.Line(whole).This, sum)
			}
		}
		if f.Line("cells").This != f.Line("kind_grassroots_cell").This+f.Line("kind_affiliated_cell").This {
			t.Errorf("%s: cells %d", u.Code, f.Line("cells").This)
		}
	}
	f, err := stats.Make(t.Context(), db, org.Everything(), "5", us[len(us)-1].ID, p, today) // the province
	if err != nil {
		t.Fatal(err)
	}
	if d := f.Line("kind_district_committee"); d.This != 0 || d.Last == 0 || f.Measure() != "tổ chức" {
		t.Errorf("the province's district committees: %d | %d, want none since July 2025; measure %q", d.This, d.Last, f.Measure())
	}
	checkXLSX(t, f)
	_, _, _, _ = mergeTwoCells(t, db, p, day("2026-01-01"), today, "GHEP5")
	after, err := stats.Make(t.Context(), db, org.Everything(), "5", f.Unit.ID, p, today)
	if err != nil {
		t.Fatal(err)
	}
	agree(t, readReference(t, db), after)
	if after.Line("cells").This != f.Line("cells").This-1 || after.Line("cells").Last != f.Line("cells").Last {
		t.Errorf("two cells merged into one: %d | %d cells, before %d | %d", after.Line("cells").This, after.Line("cells").Last, f.Line("cells").This, f.Line("cells").Last)
	}
}

// oneCellOver applies set to one cell's report of the second quarter of 2026 (setFirstReport)
// in the first commune and makes form no of the commune for the first half-year.
func oneCellOver(t *testing.T, no, set string) (*pgxpool.Pool, stats.Period, stats.Form, int64) {
	t.Helper()
	db := province(t)
	p := stats.Period{Year: 2026, From: 1, To: 2}
	commune := units(t, db, p.LastDay())[0]
	cell := setFirstReport(t, db, commune.ID, p, set)
	f, err := stats.Make(t.Context(), db, org.Everything(), no, commune.ID, p, day("2026-12-07"))
	if err != nil {
		t.Fatal(err)
	}
	return db, p, f, cell
}
