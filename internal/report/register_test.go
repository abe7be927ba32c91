package report_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"ptdang/internal/apperr"
	"ptdang/internal/dashboard"
	"ptdang/internal/org"
	"ptdang/internal/orgtest"
	"ptdang/internal/pgtest"
	"ptdang/internal/register"
	"ptdang/internal/report"
)

// registerFixture is a commune with two cells of 20 members, each holding the same kind of
// files; only the first keeps its register for the report, from Q2 2022.
type registerFixture struct {
	db                 *pgxpool.Pool
	commune, kept, not int64
	communeStaff       org.Scope
	secretary          org.Scope // the kept cell's
	files              map[int64][]file
}

// file is a candidate as the test made it: the attributes and the steps.
type file struct {
	sex, ethnicity, religion, occupation string
	youth, readmission                   bool
	steps                                map[register.Kind][]time.Time
}

var (
	regToday = day("2022-07-02")
	qStart   = day("2022-04-01")
	qEnd     = day("2022-06-30")
)

func newRegisterFixture(t *testing.T) registerFixture {
	t.Helper()
	db := pgtest.New(t)
	tree := orgtest.New(t, db, day("2015-01-01"))
	commune := tree.Province("TU", "Tỉnh ủy").Commune("X", "Đảng bộ xã Mỹ An")
	kept, not := commune.Cell("X.A1", "Chi bộ ấp Mỹ Hòa", 20), commune.Cell("X.A2", "Chi bộ ấp Mỹ Lợi", 20)
	f := registerFixture{db: db, commune: commune.ID, kept: kept.ID, not: not.ID, communeStaff: commune.Staff("xa"),
		secretary: kept.Staff("bithu"), files: map[int64][]file{}}
	rng := rand.New(rand.NewPCG(16, 2022))
	for _, cell := range []int64{kept.ID, not.ID} {
		for range 40 {
			f.files[cell] = append(f.files[cell], f.add(t, cell, rng))
		}
	}
	if err := register.Keep(t.Context(), db, f.communeStaff, kept.ID, time.Time{}, qStart, regToday); err != nil {
		t.Fatal(err)
	}
	return f
}

// add makes a file in cell with random attributes and steps along the procedure (stored
// directly: the counts, not the step rules, are under test) and returns it.
func (f registerFixture) add(t *testing.T, cell int64, rng *rand.Rand) file {
	t.Helper()
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	x := file{sex: pick("male", "female"), ethnicity: pick("Kinh", "Kinh", "Khmer", "Hoa"), religion: pick("", "", "Phật giáo", "Không"),
		occupation: pick("farmer", "worker", "student", "business_owner", "civil_servant"), youth: rng.IntN(2) == 0,
		readmission: rng.IntN(5) == 0, steps: map[register.Kind][]time.Time{}}
	p := register.Person{Name: "Người thử", BirthDate: day("1995-03-01"), Sex: x.sex, Ethnicity: x.ethnicity, Religion: x.religion,
		Occupation: x.occupation, Education: "university", YouthUnion: x.youth, Readmission: x.readmission, Workplace: "Trường xã"}
	id, err := register.Register{Keys: register.NewKeys("")}.Create(t.Context(), f.db, f.communeStaff, cell, p, regToday)
	if err != nil {
		t.Fatal(err)
	}
	on := day("2021-06-01").AddDate(0, 0, rng.IntN(200))
	for _, k := range []register.Kind{register.Outstanding, register.Sympathiser, register.Course, register.Application,
		register.Verification, register.Sponsors, register.CellResolution, register.Decision, register.Ceremony,
		register.RecognitionVote, register.RecognitionDecision} {
		if on.After(regToday) {
			break
		}
		if rng.IntN(12) == 0 { // some leave the list, some are not recognised after the ceremony
			k = register.Withdrawn
			if _, ok := x.steps[register.Ceremony]; ok {
				k = register.NotRecognised
			}
		}
		x.steps[k] = append(x.steps[k], on)
		if _, err := f.db.Exec(t.Context(), `INSERT INTO candidate_step (candidate_id, kind, on_date, recorded_by_login)
			VALUES ($1, $2, $3, 'test')`, id, k, on); err != nil {
			t.Fatal(err)
		}
		if k == register.Withdrawn || k == register.NotRecognised {
			break
		}
		on = on.AddDate(0, 0, rng.IntN(60))
	}
	return x
}

// reference counts the files the way the report defines its figures, for the quarter
// [qStart, qEnd], slowly and separately from register.Count.
func reference(files []file) report.Figures {
	in := func(d time.Time) bool { return !d.Before(qStart) && !d.After(qEnd) }
	has := func(x file, k register.Kind, ok func(time.Time) bool) bool {
		for _, d := range x.steps[k] {
			if ok(d) {
				return true
			}
		}
		return false
	}
	before := func(d time.Time) func(time.Time) bool { return func(e time.Time) bool { return e.Before(d) } }
	figs := report.Figures{}
	count := func(key string, yes bool) {
		if yes {
			figs[key]++
		}
	}
	for _, x := range files {
		admitted := has(x, register.Ceremony, in)
		count("admitted", admitted)
		count("adm_women", admitted && x.sex == "female")
		count("adm_youth_union", admitted && x.youth)
		count("adm_ethnic_minority", admitted && x.ethnicity != "Kinh")
		count("adm_religious", admitted && x.religion == "Phật giáo")
		count("adm_workers", admitted && x.occupation == "worker")
		count("adm_private_owners", admitted && x.occupation == "business_owner")
		count("adm_students", admitted && x.occupation == "student")
		count("adm_readmitted", admitted && x.readmission)
		count("outstanding", has(x, register.Outstanding, in))
		count("recognised", has(x, register.RecognitionDecision, in))
		count("not_recognised", has(x, register.NotRecognised, in))
		left := func(d time.Time) bool {
			return has(x, register.Ceremony, before(d)) || has(x, register.Withdrawn, before(d))
		}
		sympathiser := has(x, register.Sympathiser, before(qEnd.AddDate(0, 0, 1))) && !left(qStart)
		count("sympathisers", sympathiser)
		count("course_completed", sympathiser && has(x, register.Course, in))
		count("dossiers", has(x, register.Application, before(qEnd.AddDate(0, 0, 1))) && !left(qEnd.AddDate(0, 0, 1)))
	}
	return figs
}

// typed is what a secretary types for Q2 2022: 20 members at the start, admitted as given, the
// balance holding, and pipeline figures that the register should replace.
func typed(admitted int) report.Figures {
	return report.Figures{"opening": 20, "admitted": admitted, "closing": 20 + admitted, "full_members": 20, "probationary": admitted,
		"outstanding": 7, "sympathisers": 9, "course_completed": 1, "dossiers": 3, "monthly_meetings": 3}
}

func TestRegisterCellReportsWhatItsFilesCount(t *testing.T) {
	f := newRegisterFixture(t)
	want := reference(f.files[f.kept])
	if want["admitted"] == 0 || want["sympathisers"] == 0 || want["dossiers"] == 0 {
		t.Fatalf("the fixture makes too few files to test with: %v", want)
	}
	// A draft typed with other numbers is stored with the register's.
	draft, err := report.SaveDraft(t.Context(), f.db, f.secretary, f.kept, q2, report.Entry{Figures: typed(99)}, regToday)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range register.TallyKeys {
		if draft.Figures[k] != want[k] {
			t.Errorf("draft %s = %d, want %d from the files", k, draft.Figures[k], want[k])
		}
	}
	if draft.Figures["monthly_meetings"] != 3 || draft.Figures["opening"] != 20 {
		t.Errorf("typed figures not kept: %v", draft.Figures)
	}
	// Submitted with the balance the register's admissions give, it is stored as counted.
	got, err := report.Submit(t.Context(), f.db, f.secretary, f.kept, q2, report.Entry{Version: draft.Version, Figures: typed(want["admitted"]), Confirm: true}, regToday)
	if err != nil {
		t.Fatal(err)
	}
	stored, err := report.Get(t.Context(), f.db, f.secretary, f.kept, q2)
	if err != nil || stored.State != report.Submitted {
		t.Fatalf("stored %v, %v", stored.State, err)
	}
	for _, k := range register.TallyKeys {
		if stored.Figures[k] != want[k] || got.Figures[k] != want[k] {
			t.Errorf("submitted %s = %d, want %d from the files", k, stored.Figures[k], want[k])
		}
	}
}

func TestCellWithoutRegisterKeepsItsTypedTotals(t *testing.T) {
	f := newRegisterFixture(t)
	figs := typed(2)
	got, err := report.Submit(t.Context(), f.db, f.communeStaff, f.not, q2, report.Entry{Figures: figs, OnBehalf: true}, regToday)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Figures.Equal(figs) {
		t.Fatalf("stored %v, want as typed %v", got.Figures, figs)
	}
	// A quarter before the cell's choice also keeps its typed totals.
	if err := register.Keep(t.Context(), f.db, f.communeStaff, f.kept, qStart, day("2022-07-01"), regToday); err != nil {
		t.Fatal(err)
	}
	got, err = report.SaveDraft(t.Context(), f.db, f.secretary, f.kept, q2, report.Entry{Figures: figs}, regToday)
	if err != nil || !got.Figures.Equal(figs) {
		t.Fatalf("Q2 before the register: %v, %v", got.Figures, err)
	}
}

func TestBalanceAgainstOtherAdmissionsIsRefusedForARegisterCell(t *testing.T) {
	f := newRegisterFixture(t)
	want := reference(f.files[f.kept])
	_, err := report.Submit(t.Context(), f.db, f.secretary, f.kept, q2, report.Entry{Figures: typed(want["admitted"] + 1), Confirm: true}, regToday)
	if apperr.Field(err, "closing") == "" {
		t.Fatalf("closing typed for %d admissions, the files count %d: %v", want["admitted"]+1, want["admitted"], err)
	}
}

func TestSimultaneousSavesOfARegisterCellOneWins(t *testing.T) {
	f := newRegisterFixture(t)
	db := pgtest.RacePool(t, f.db)
	first, err := report.SaveDraft(t.Context(), f.db, f.secretary, f.kept, q2, report.Entry{Figures: typed(0)}, regToday)
	if err != nil {
		t.Fatal(err)
	}
	errs := pgtest.Race(func(i int) error {
		figs := typed(0)
		figs["thematic_meetings"] = i
		_, err := report.SaveDraft(t.Context(), db, f.communeStaff, f.kept, q2, report.Entry{Version: first.Version, Figures: figs, OnBehalf: true}, regToday)
		return err
	})
	winner := pgtest.OneWinner(t, errs, nil)
	got, _ := report.Get(t.Context(), f.db, f.secretary, f.kept, q2)
	if got.Version != first.Version+1 || got.Figures["thematic_meetings"] != winner || got.Figures["admitted"] != reference(f.files[f.kept])["admitted"] {
		t.Fatalf("stored version %d, %v; want the winner %d's with the register's admissions", got.Version, got.Figures, winner)
	}
}

func TestDashboardAdmittedOfARegisterCellIsTheRegistersAdmitted(t *testing.T) {
	f := newRegisterFixture(t)
	want := reference(f.files[f.kept])
	if _, err := report.Submit(t.Context(), f.db, f.secretary, f.kept, q2, report.Entry{Figures: typed(want["admitted"]), Confirm: true}, regToday); err != nil {
		t.Fatal(err)
	}
	d, err := dashboard.Build(t.Context(), f.db, f.communeStaff, f.kept, 2022, regToday)
	if err != nil {
		t.Fatal(err)
	}
	admissions, err := register.Admitted(t.Context(), f.db, f.communeStaff, qStart, qEnd)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, a := range admissions {
		if a.CellID == f.kept {
			n++
		}
	}
	if d.Total.Admitted != n || n != want["admitted"] {
		t.Fatalf("dashboard admitted %d, register %d, reference %d", d.Total.Admitted, n, want["admitted"])
	}
}

func TestOnlyTheCommitteeChoosesToKeepARegister(t *testing.T) {
	f := newRegisterFixture(t)
	err := register.Keep(t.Context(), f.db, f.secretary, f.not, time.Time{}, qStart, regToday)
	if !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("a secretary for another cell: %v", err)
	}
	if err := register.Keep(t.Context(), f.db, f.secretary, f.kept, qStart, time.Time{}, regToday); !errors.Is(err, apperr.ErrForbidden) {
		t.Fatalf("a secretary for their own cell: %v", err)
	}
	if err := register.Keep(t.Context(), f.db, f.communeStaff, f.kept, time.Time{}, day("2022-07-01"), regToday); !errors.Is(err, apperr.ErrConflict) {
		t.Fatalf("over a stale choice: %v", err)
	}
	if err := register.Keep(t.Context(), f.db, f.communeStaff, f.kept, qStart, day("2022-05-01"), regToday); apperr.Field(err, "kept_from") == "" {
		t.Fatalf("a day that starts no quarter: %v", err)
	}
}

func TestSimultaneousChoicesToKeepARegisterOneWins(t *testing.T) {
	f := newRegisterFixture(t)
	db := pgtest.RacePool(t, f.db)
	for _, cell := range []int64{f.kept, f.not} { // over a choice, and over none
		was, _, err := register.KeptFrom(t.Context(), f.db, cell)
		if err != nil {
			t.Fatal(err)
		}
		errs := pgtest.Race(func(i int) error {
			return register.Keep(t.Context(), db, f.communeStaff, cell, was, qStart.AddDate(0, 3*(i+1), 0), regToday)
		})
		winner := pgtest.OneWinner(t, errs, nil)
		if from, _, _ := register.KeptFrom(t.Context(), f.db, cell); !from.Equal(qStart.AddDate(0, 3*(winner+1), 0)) {
			t.Fatalf("cell %d kept from %v, want the winner %d's", cell, from, winner)
		}
	}
}

func TestImportedReportOfARegisterCellTakesItsCounts(t *testing.T) {
	f := newRegisterFixture(t)
	want := reference(f.files[f.kept])
	row := map[string]string{"cell_code": "X.A1", "year": "2022", "quarter": "2", "opening": "20", "admitted": "99",
		"closing": fmt.Sprint(20 + want["admitted"]), "full_members": "20", "probationary": fmt.Sprint(want["admitted"]), "sympathisers": "50"}
	res, err := report.ImportFigures(t.Context(), f.db, f.communeStaff, strings.NewReader(fileOf(row)), "q.csv", false, false, regToday)
	if err != nil || len(res.Problems) > 0 || res.Submitted != 1 {
		t.Fatalf("import: %+v %v", res, err)
	}
	got, err := report.Get(t.Context(), f.db, f.communeStaff, f.kept, q2)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range register.TallyKeys {
		if got.Figures[k] != want[k] {
			t.Errorf("imported %s = %d, want %d from the files", k, got.Figures[k], want[k])
		}
	}
}
