package stats_test

import (
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"ptdang/internal/org"
	"ptdang/internal/register"
	"ptdang/internal/stats"
)

// person is a candidate admitted, as the test writes it into the register's tables and reads
// it back for the reference.
type person struct {
	cell                                            int64
	on, born                                        time.Time
	sex, ethnicity, religion, occupation, education string
}

// admit writes p into the register: a file and its ceremony step (the Party entry date). It
// returns the file's id.
func admit(t *testing.T, db *pgxpool.Pool, p person) int64 {
	t.Helper()
	var id int64
	if err := db.QueryRow(t.Context(), `
		WITH c AS (
			INSERT INTO candidate (cell_id, full_name, birth_date, sex, ethnicity, religion, occupation, education)
			VALUES ($1, 'Nguyễn Văn A', $2, $3, $4, $5, $6, $7) RETURNING id
		)
		INSERT INTO candidate_step (candidate_id, kind, on_date, recorded_by_login) SELECT id, 'ceremony', $8, 'test' FROM c
		RETURNING candidate_id`,
		p.cell, p.born, p.sex, p.ethnicity, p.religion, p.occupation, p.education, p.on).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// keep makes cell keep its register for the report from the quarter starting on from, as
// register.Keep records it.
func keep(t *testing.T, db *pgxpool.Pool, cell int64, from time.Time) {
	t.Helper()
	if _, err := db.Exec(t.Context(), `INSERT INTO register_keeping (cell_id, kept_from, set_by_login) VALUES ($1, $2, 'test')
		ON CONFLICT (cell_id) DO UPDATE SET kept_from = excluded.kept_from`, cell, from); err != nil {
		t.Fatal(err)
	}
}

// emptyRegisters deletes the files of cells, gen's, drawn apart from its reports: the test
// writes these cells' registers itself.
func emptyRegisters(t *testing.T, db *pgxpool.Pool, cells ...int64) {
	t.Helper()
	if _, err := db.Exec(t.Context(), `
		WITH steps AS (DELETE FROM candidate_step WHERE candidate_id IN (SELECT id FROM candidate WHERE cell_id = ANY ($1)))
		DELETE FROM candidate WHERE cell_id = ANY ($1)`, cells); err != nil {
		t.Fatal(err)
	}
}

// somebody is a person admitted by cell on a day of p, of an age from 17 to 66 on that day,
// born a day before, on or after the anniversary (the bands' edges), with any of the register's
// codes and a few ethnic groups and religions, spaces untidy.
func somebody(r *rand.Rand, cell int64, p stats.Period) person {
	first := time.Date(p.Year, time.Month(3*p.From-2), 1, 0, 0, 0, 0, time.UTC)
	on := first.AddDate(0, 0, r.IntN(int(p.LastDay().Sub(first).Hours()/24)+1))
	pick := func(options []register.Option) string { return options[r.IntN(len(options))].Code }
	return person{
		cell: cell, on: on, born: on.AddDate(-(17 + r.IntN(50)), 0, r.IntN(3)-1),
		sex: pick(register.Sexes), occupation: pick(register.Occupations), education: pick(register.Educations),
		ethnicity: []string{"Kinh", "Kinh", "Khmer", " Hoa", "Tày ", "Chăm"}[r.IntN(6)],
		religion:  []string{"", "", "Phật giáo", "Công giáo", "Cao  Đài", "Hòa Hảo"}[r.IntN(6)],
	}
}

// readPeople reads back, straight from the register's tables, the people admitted within p by
// the cells whose reports count wholly for unit on asOf (the reference's origins) and that keep
// their register for the report from the quarter of the ceremony on.
func readPeople(t *testing.T, db *pgxpool.Pool, ref reference, unit int64, asOf time.Time, p stats.Period) []person {
	t.Helper()
	shares := map[int64][]origin{}
	for _, u := range ref.subtree(unit, asOf) {
		ref.origins(u, origin{share: 1}, asOf, shares)
	}
	kept := map[int64]time.Time{}
	rows, err := db.Query(t.Context(), `SELECT cell_id, kept_from FROM register_keeping`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var cell int64
		var from time.Time
		if err := rows.Scan(&cell, &from); err != nil {
			t.Fatal(err)
		}
		kept[cell] = from
	}
	rows, err = db.Query(t.Context(), `
		SELECT c.cell_id, s.on_date, c.birth_date, c.sex, c.ethnicity, c.religion, c.occupation, c.education
		FROM candidate c JOIN candidate_step s ON s.candidate_id = c.id AND s.kind = 'ceremony'`)
	if err != nil {
		t.Fatal(err)
	}
	all, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (person, error) {
		var x person
		err := r.Scan(&x.cell, &x.on, &x.born, &x.sex, &x.ethnicity, &x.religion, &x.occupation, &x.education)
		return x, err
	})
	if err != nil {
		t.Fatal(err)
	}
	first := time.Date(p.Year, time.Month(3*p.From-2), 1, 0, 0, 0, 0, time.UTC)
	var out []person
	for _, x := range all {
		share := 0.0
		for _, o := range shares[x.cell] {
			share += o.share
		}
		from, keeps := kept[x.cell]
		if share > 0.999999 && keeps && !x.on.Before(from) && !x.on.Before(first) && !x.on.After(p.LastDay()) {
			out = append(out, x)
		}
	}
	return out
}

// personRows is the reference's Biểu 2 and 2B rows counted from people, as docs/forms.md maps
// the register's codes: key → count, the mean age in tenths.
func personRows(people []person) map[string]int {
	occupation := map[string]string{"farmer": "occupation_9", "armed_forces": "occupation_10", "business_owner": "occupation_7",
		"hamlet_staff": "occupation_4", "other": "occupation_12", "civil_servant": "occupation_13"}
	school := map[string]string{"primary": "school_2", "lower_secondary": "school_3", "upper_secondary": "school_4",
		"vocational": "school_5", "college": "school_4", "university": "school_4", "postgraduate": "school_4"}
	profession := map[string]string{"vocational": "profession_2", "college": "profession_3", "university": "profession_4", "postgraduate": "profession_7"}
	bands := [][2]int{{0, 30}, {31, 35}, {36, 40}, {41, 45}, {46, 50}, {51, 55}, {56, 60}, {61, 200}}
	out := map[string]int{}
	years := 0
	for _, x := range people {
		age := 0
		for !x.born.AddDate(age+1, 0, 0).After(x.on) {
			age++
		}
		years += age
		for i, b := range bands {
			if age >= b[0] && age <= b[1] {
				out["age_"+strconv.Itoa(i+1)]++
			}
		}
		for _, k := range []string{occupation[x.occupation], school[x.education], profession[x.education]} {
			out[k]++
		}
		religion := strings.Join(strings.Fields(x.religion), " ")
		if religion == "" {
			religion = "Không theo tôn giáo"
		}
		for _, k := range []string{"ethnic:" + strings.TrimSpace(x.ethnicity), "religion:" + religion} {
			out[k]++
			if x.sex == "female" {
				out[k+"/nữ"]++
			}
		}
	}
	if len(people) > 0 {
		out["age_9"] = int(math.Round(float64(years*10) / float64(len(people))))
	}
	return out
}

// reportedAdmissions are the members each cell of unit's subtree on asOf admitted over p by its
// reports (not drafts).
func reportedAdmissions(t *testing.T, db *pgxpool.Pool, unit int64, asOf time.Time, p stats.Period) map[int64]int {
	t.Helper()
	rows, err := db.Query(t.Context(), `
		WITH RECURSIVE `+org.SubtreeCTE+`
		SELECT r.cell_id, sum(r.admitted)::int FROM sub JOIN quarterly_report r ON r.cell_id = sub.id AND r.year = $3
			AND r.quarter BETWEEN $4 AND $5 AND r.state <> 'draft'
		GROUP BY r.cell_id HAVING sum(r.admitted) > 0`, []int64{unit}, asOf, p.Year, p.From, p.To)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64]int{}
	for rows.Next() {
		var cell int64
		var n int
		if err := rows.Scan(&cell, &n); err != nil {
			t.Fatal(err)
		}
		out[cell] = n
	}
	if rows.Err() != nil {
		t.Fatal(rows.Err())
	}
	return out
}

// agreePeople checks f's rows counted from people against the reference's count of people:
// every such row, this year and last, and their marks of incompleteness.
func agreePeople(t *testing.T, f stats.Form, this, last []person) {
	t.Helper()
	want, wantLast := personRows(this), personRows(last)
	n := 0
	for _, l := range f.Lines {
		if !l.FromPeople {
			continue
		}
		n++
		if l.This != want[l.Key] || l.Last != wantLast[l.Key] {
			t.Errorf("Biểu %s %s: %d | %d, the reference %d | %d", f.No, l.Key, l.This, l.Last, want[l.Key], wantLast[l.Key])
		}
		if l.Partial != (len(f.TotalsOnly) > 0) || l.PartialLast != (len(f.TotalsOnlyLast) > 0) {
			t.Errorf("Biểu %s %s: incomplete %v | %v, cells giving totals only %v | %v", f.No, l.Key, l.Partial, l.PartialLast, f.TotalsOnly, f.TotalsOnlyLast)
		}
	}
	for _, keys := range []map[string]int{want, wantLast} {
		for k := range keys {
			if k != "" && strings.Contains(k, ":") == (f.No == "2b") && !f.Line(k).FromPeople {
				t.Errorf("Biểu %s: no row %s, the reference counts people in it", f.No, k)
			}
		}
	}
	if n == 0 && (f.No == "2" || len(want)+len(wantLast) > 0) {
		t.Errorf("Biểu %s: no row counted from people", f.No)
	}
}

// sumOf is the sum of f's rows of keys prefix_1 … prefix_n, this period.
func sumOf(f stats.Form, prefix string, n int) int {
	s := 0
	for i := 1; i <= n; i++ {
		s += f.Line(prefix + "_" + strconv.Itoa(i)).This
	}
	return s
}

// registerChecks are the reference's checks of the register: the cells whose reports admitted
// more than the people counted for them (giving totals only), sorted, and those with more people
// counted than their reports admitted, with that number.
func registerChecks(admissions map[int64]int, people []person) (short []int64, over map[int64]int) {
	counted, over := map[int64]int{}, map[int64]int{}
	for _, x := range people {
		counted[x.cell]++
	}
	for cell, n := range admissions {
		if n > counted[cell] {
			short = append(short, cell)
		}
	}
	for cell, n := range counted {
		if n > admissions[cell] {
			over[cell] = n
		}
	}
	slices.Sort(short)
	return short, over
}

// TestForm2CountsPeopleFromTheRegister writes into the register as many people as each cell of a
// commune admitted over the first half-year of 2026 (and a ceremony the day after it). First, one
// cell has one file more but does not keep its register for the report (a trial), and another
// keeps it from the second quarter only, one of its people admitted in the first: neither's
// people of those quarters count, both are listed as giving totals only, the trial cell is not
// named for holding more people than it admitted, and the rows are marked incomplete. Then both
// keep their registers from the first quarter: the file more is named by the checks, and no cell
// is listed. Then, that file gone, nothing is listed, nothing is marked,
// and each breakdown (age bands, general education, ethnic groups, religions) adds up to the
// members admitted. Biểu 2 and 2B agree each time with the reference's count of the people
// read back from the tables, and their checks with the reference's.
func TestForm2CountsPeopleFromTheRegister(t *testing.T) {
	db := province(t)
	ctx := t.Context()
	p, today := stats.Period{Year: 2026, From: 1, To: 2}, day("2026-12-07")
	commune := units(t, db, p.LastDay())[0]
	r := rand.New(rand.NewPCG(17, 1))
	admissions := reportedAdmissions(t, db, commune.ID, p.LastDay(), p)
	cells := slices.Sorted(maps.Keys(admissions))
	if len(cells) < 3 {
		t.Fatalf("the commune's cells that admitted someone: %v", admissions)
	}
	emptyRegisters(t, db, cells...)
	trial, late := cells[0], cells[1]
	for _, cell := range cells {
		for i := range admissions[cell] {
			in := p
			if cell == late && i == 0 {
				in = stats.Period{Year: 2026, From: 1, To: 1}
			}
			admit(t, db, somebody(r, cell, in))
		}
		keep(t, db, cell, day("2026-01-01"))
	}
	keep(t, db, late, day("2026-04-01"))
	if _, err := db.Exec(ctx, `DELETE FROM register_keeping WHERE cell_id = $1`, trial); err != nil {
		t.Fatal(err)
	}
	extra := admit(t, db, somebody(r, trial, p))
	admit(t, db, person{cell: cells[2], on: p.LastDay().AddDate(0, 0, 1), born: day("1990-01-01"), sex: "male", ethnicity: "Kinh", occupation: "farmer", education: "primary"})
	ref := readReference(t, db)
	for step, change := range []func(){
		nil,
		func() {
			keep(t, db, trial, day("2026-01-01"))
			keep(t, db, late, day("2026-01-01"))
		},
		func() {
			if _, err := db.Exec(ctx, `
				WITH steps AS (DELETE FROM candidate_step WHERE candidate_id = $1) DELETE FROM candidate WHERE id = $1`, extra); err != nil {
				t.Fatal(err)
			}
		},
	} {
		if change != nil {
			change()
		}
		people := readPeople(t, db, ref, commune.ID, p.LastDay(), p)
		short, over := registerChecks(admissions, people)
		complete := step == 2
		for _, no := range []string{"2", "2b"} {
			f, err := stats.Make(ctx, db, org.Under(commune.ID), no, commune.ID, p, today)
			if err != nil {
				t.Fatal(err)
			}
			agreePeople(t, f, people, nil)
			var listed []int64
			for _, c := range f.TotalsOnly {
				listed = append(listed, c.ID)
			}
			named := map[int64]int{}
			for _, e := range f.Exceeds {
				if e.Part == stats.PeopleKey && e.Total == admissions[e.ID] {
					named[e.ID] = e.Value
				}
			}
			wantShort := map[int][]int64{0: {trial, late}}[step]
			wantOver := map[int]map[int64]int{1: {trial: admissions[trial] + 1}}[step]
			if !slices.Equal(listed, short) || len(named) != len(f.Exceeds) || !maps.Equal(named, over) ||
				!slices.Equal(short, wantShort) || len(over) != len(wantOver) || !maps.Equal(over, wantOver) {
				t.Errorf("Biểu %s, step %d: cells giving totals only %v, named for more people %v (all %+v); the reference %v, %v; want %v, %v",
					no, step, listed, named, f.Exceeds, short, over, wantShort, wantOver)
			}
			if len(f.TotalsOnlyLast) == 0 || !strings.Contains(f.PeopleNote(), "cùng kỳ năm trước") {
				t.Errorf("Biểu %s: last year's admissions are not from a register kept for the report: %v, %q", no, f.TotalsOnlyLast, f.PeopleNote())
			}
			total := f.Line("admitted").This
			if no == "2" {
				bands, school := sumOf(f, "age", 8), sumOf(f, "school", 5)
				if bands != len(people) || school != len(people) || complete != (bands == total) {
					t.Errorf("step %d: age bands add up to %d, education to %d, %d people, %d admitted", step, bands, school, len(people), total)
				}
				continue
			}
			for _, kind := range []string{"ethnic:", "religion:"} {
				sum := 0
				for _, l := range f.Lines {
					if strings.HasPrefix(l.Key, kind) && !strings.HasSuffix(l.Key, "/nữ") {
						sum += l.This
					}
				}
				if sum != len(people) || complete != (sum == total) {
					t.Errorf("step %d: Biểu 2B's %s rows add up to %d, %d people, %d admitted", step, kind, sum, len(people), total)
				}
			}
			if i := 5; f.Lines[i].Key != "ethnic:Kinh" || !f.Lines[i].FromPeople || f.Lines[len(f.Lines)-2].Key != "religion:Không theo tôn giáo" {
				t.Errorf("Biểu 2B's rows: %q first, %q last", f.Lines[i].Key, f.Lines[len(f.Lines)-2].Key)
			}
			// The rows follow the official lists (Kinh, Tày, Hoa, Chăm…), then the values on none.
			for _, kind := range []string{"ethnic", "religion"} {
				list, last := register.Ethnicities, -1
				if kind == "religion" {
					list = register.Religions
				}
				for _, l := range f.Lines {
					name, ok := strings.CutPrefix(l.Key, kind+":")
					if !ok || strings.HasSuffix(name, "/nữ") {
						continue
					}
					rank := slices.Index(list, name)
					if rank < 0 {
						rank = len(list) + map[bool]int{true: 1}[name == "Không theo tôn giáo"]
					}
					if rank < last {
						t.Errorf("Biểu 2B's %s rows out of the list's order: %s", kind, name)
					}
					last = rank
				}
			}
			checkXLSX(t, f)
		}
	}
}

// TestForm2CountsAPersonOnceAcrossAMerge admits a person in a cell on 15 February 2026 and merges
// that cell with another on 1 April: the commune's Biểu 2 for the half-year counts the person
// once, and so does the new cell's own Biểu 2 (its predecessor's people are its own).
func TestForm2CountsAPersonOnceAcrossAMerge(t *testing.T) {
	db := province(t)
	ctx := t.Context()
	p, today := stats.Period{Year: 2026, From: 1, To: 2}, day("2026-12-07")
	commune, pair, merged, _ := mergeTwoCells(t, db, p, day("2026-04-01"), today, "GHEP2")
	emptyRegisters(t, db, pair[0])
	keep(t, db, pair[0], day("2026-01-01"))
	x := person{cell: pair[0], on: day("2026-02-15"), born: day("1995-02-16"), sex: "female", ethnicity: "Khmer", religion: "Phật giáo",
		occupation: "hamlet_staff", education: "university"}
	admit(t, db, x)
	for _, unit := range []int64{commune.ID, merged} {
		f, err := stats.Make(ctx, db, org.Under(commune.ID), "2", unit, p, today)
		if err != nil {
			t.Fatal(err)
		}
		agreePeople(t, f, []person{x}, nil)
		if f.Line("age_1").This != 1 || sumOf(f, "age", 8) != 1 || f.Line("age_9").This != 300 || f.Line("occupation_4").This != 1 {
			t.Errorf("unit %d: age bands %d, 18–30 %d, mean %s; hamlet staff %d: want one person of 30", unit, sumOf(f, "age", 8),
				f.Line("age_1").This, f.Line("age_9").Figure(f.Line("age_9").This), f.Line("occupation_4").This)
		}
	}
}

// TestForm2LeavesOutThePeopleOfASplitCell splits a cell that admitted someone in the first
// quarter of 2026 into two on 1 April, half each, and writes a person it admitted in February:
// the commune's Biểu 2 counts the person (both halves are the commune's), a successor's does not
// (half a person cannot be placed) and lists the old cell among those giving totals only.
func TestForm2LeavesOutThePeopleOfASplitCell(t *testing.T) {
	db := province(t)
	ctx := t.Context()
	p, today, split := stats.Period{Year: 2026, From: 1, To: 2}, day("2026-12-07"), day("2026-04-01")
	commune := units(t, db, p.LastDay())[0]
	var cell int64
	if err := db.QueryRow(ctx, `
		WITH RECURSIVE `+org.SubtreeCTE+`
		SELECT sub.id FROM sub JOIN quarterly_report r ON r.cell_id = sub.id AND r.year = 2026 AND r.quarter = 1 AND r.admitted > 0
		WHERE sub.kind IN `+org.CellKindsSQL+`
			AND NOT EXISTS (SELECT 1 FROM party_unit_version v WHERE v.parent_id = sub.id)
			AND NOT EXISTS (SELECT 1 FROM hamlet_cell_link l WHERE l.cell_id = sub.id)
		ORDER BY sub.id LIMIT 1`, []int64{commune.ID}, split).Scan(&cell); err != nil {
		t.Fatal(err)
	}
	admitted := reportedAdmissions(t, db, commune.ID, split.AddDate(0, 0, -1), p)[cell]
	ids, err := org.SplitPartyUnit(ctx, db, org.Everything(), org.Reorg{Effective: split}, cell, []org.SplitShare[org.PartyUnitInput]{
		{Unit: org.PartyUnitInput{Code: "TACH1", Name: "Chi bộ tách 1", Kind: org.AffiliatedCell, OrgType: "other", ParentID: commune.ID, FullMembers: 5}, Share: 0.5},
		{Unit: org.PartyUnitInput{Code: "TACH2", Name: "Chi bộ tách 2", Kind: org.AffiliatedCell, OrgType: "other", ParentID: commune.ID, FullMembers: 5}, Share: 0.5},
	})
	if err != nil {
		t.Fatal(err)
	}
	emptyRegisters(t, db, cell)
	keep(t, db, cell, day("2026-01-01"))
	admit(t, db, person{cell: cell, on: day("2026-02-10"), born: day("1980-01-01"), sex: "male", ethnicity: "Kinh", occupation: "other", education: "college"})
	for _, c := range []struct {
		unit   int64
		people int
		short  bool // the split cell admitted more than the register holds of it, for this unit
	}{{commune.ID, 1, admitted > 1}, {ids[0], 0, true}} {
		f, err := stats.Form2(ctx, db, org.Everything(), c.unit, p, today)
		if err != nil {
			t.Fatal(err)
		}
		short := slices.ContainsFunc(f.TotalsOnly, func(x stats.Cell) bool { return x.ID == cell })
		if sumOf(f, "age", 8) != c.people || f.Line("profession_3").This != c.people || c.short != short {
			t.Errorf("unit %d: %d people by age, %d by college, the split cell short %v; want %d, %v", c.unit, sumOf(f, "age", 8),
				f.Line("profession_3").This, short, c.people, c.short)
		}
	}
}
