package register_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"ptdang/internal/apperr"
	"ptdang/internal/audit"
	"ptdang/internal/org"
	"ptdang/internal/orgtest"
	"ptdang/internal/pgtest"
	"ptdang/internal/register"
)

var day = orgtest.Day

// fixture is a province with two communes; the first has a cell of 9 full members.
type fixture struct {
	db                           *pgxpool.Pool
	reg                          register.Register
	cell, cell2, otherCell       int64
	secretary, commune, province org.Scope
	otherCommune                 org.Scope
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	db := pgtest.New(t)
	tr := orgtest.New(t, db, day("2019-01-01"))
	p := tr.Province("T", "Tỉnh ủy")
	c := p.Commune("T.X1", "Đảng ủy xã Một")
	cells := c.Cells(2, 9)
	other := p.Commune("T.X2", "Đảng ủy xã Hai")
	oc := other.Cells(1, 9)
	return fixture{db: db, reg: register.Register{Keys: register.NewKeys("")},
		cell: cells[0].ID, cell2: cells[1].ID, otherCell: oc[0].ID,
		secretary: org.Under(cells[0].ID).As(audit.Actor{Login: "bithu"}),
		commune:   c.Staff("xa1"), province: p.Staff("tinh"), otherCommune: other.Staff("xa2")}
}

// person is a candidate born on birth, working at a school.
func person(birth string) register.Person {
	return register.Person{Name: "Nguyễn Thị Lan", BirthDate: day(birth), Sex: "female", Ethnicity: "Kinh",
		Occupation: "civil_servant", Education: "university", YouthUnion: true, Workplace: "Trường THCS xã Một"}
}

// today is the tests' clock unless a test says otherwise.
var today = day("2028-12-31")

// file adds a candidate born on birth to the fixture's cell and returns its id.
func (f fixture) file(t *testing.T, birth string) int64 {
	t.Helper()
	id, err := f.reg.Create(t.Context(), f.db, f.secretary, f.cell, person(birth), today)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// step records s on file id as the secretary, or the commune for its decisions, from the file's
// current version, on today.
func (f fixture) step(t *testing.T, id int64, s register.Step) error {
	t.Helper()
	by := f.secretary
	if s.Kind.ByCommittee() {
		by = f.commune
	}
	file, err := f.reg.Get(t.Context(), f.db, by, id, today)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.reg.RecordStep(t.Context(), f.db, by, id, file.Version, s, today)
	return err
}

// must records each step, failing t on a refusal.
func (f fixture) must(t *testing.T, id int64, steps ...register.Step) {
	t.Helper()
	for _, s := range steps {
		if err := f.step(t, id, s); err != nil {
			t.Fatalf("%s on %s: %v", s.Kind, s.On.Format(time.DateOnly), err)
		}
	}
}

// ready records everything a cell resolution needs, the course on course and the rest the
// day after.
func (f fixture) ready(t *testing.T, id int64, course string) {
	t.Helper()
	next := day(course).AddDate(0, 0, 1)
	f.must(t, id,
		register.Step{Kind: register.Course, On: day(course), Issuer: "Trung tâm chính trị xã"},
		register.Step{Kind: register.Application, On: next},
		register.Step{Kind: register.Verification, On: next},
		register.Step{Kind: register.Sponsors, On: next, Helper: "Trần Văn A, Lê Văn B"})
}

func vote(kind register.Kind, on string, votes, members int) register.Step {
	return register.Step{Kind: kind, On: day(on), Document: "01-NQ/CB", VotesFor: votes, FullMembers: members}
}

func doc(kind register.Kind, on string) register.Step {
	return register.Step{Kind: kind, On: day(on), Document: "15-QĐ/ĐU"}
}

// refused fails t unless err is an *apperr.Invalid with a message on field.
func refused(t *testing.T, err error, field string) {
	t.Helper()
	if apperr.Field(err, field) == "" {
		t.Fatalf("got %v, want a refusal on %s", err, field)
	}
}

func TestCellResolutionNeedsTwoThirdsOfFullMembers(t *testing.T) {
	f := newFixture(t)
	id := f.file(t, "1995-05-01")
	f.ready(t, id, "2026-01-10")
	refused(t, f.step(t, id, vote(register.CellResolution, "2026-03-02", 5, 8)), register.FieldVotesFor) // 15 < 16
	refused(t, f.step(t, id, vote(register.CellResolution, "2026-03-02", 10, 9)), register.FieldVotesFor)
	refused(t, f.step(t, id, vote(register.CellResolution, "2026-03-02", 0, 0)), register.FieldFullMembers)
	f.must(t, id, vote(register.CellResolution, "2026-03-02", 6, 9)) // exactly two thirds
}

func TestAgeIsCountedByMonthOnTheVoteDay(t *testing.T) {
	f := newFixture(t)
	young := f.file(t, "2008-03-15")
	f.ready(t, young, "2026-01-10")
	refused(t, f.step(t, young, vote(register.CellResolution, "2026-03-14", 9, 9)), "on") // 17 years 11 months
	f.must(t, young, vote(register.CellResolution, "2026-03-15", 9, 9))

	sixty := f.file(t, "1966-02-10")
	f.ready(t, sixty, "2026-01-10")
	f.must(t, sixty, vote(register.CellResolution, "2026-03-09", 9, 9)) // 60 years 0 months
	over := f.file(t, "1966-02-10")
	f.ready(t, over, "2026-01-10")
	refused(t, f.step(t, over, vote(register.CellResolution, "2026-03-10", 9, 9)), register.FieldConsent) // 60 years 1 month
	s := vote(register.CellResolution, "2026-03-10", 9, 9)
	s.Consent = "Công văn 123-CV/TU của Ban Thường vụ Tỉnh ủy"
	f.must(t, over, s)
}

func TestStepsComeInOrder(t *testing.T) {
	f := newFixture(t)
	id := f.file(t, "1995-05-01")
	refused(t, f.step(t, id, vote(register.CellResolution, "2026-03-02", 9, 9)), "kind") // no course, application…
	refused(t, f.step(t, id, doc(register.Decision, "2026-03-02")), "kind")
	refused(t, f.step(t, id, doc(register.Ceremony, "2026-03-02")), "kind")
	f.ready(t, id, "2026-01-10")
	f.must(t, id, vote(register.CellResolution, "2026-03-02", 9, 9))
	refused(t, f.step(t, id, doc(register.Decision, "2026-03-01")), "on") // before the resolution
	refused(t, f.step(t, id, doc(register.Ceremony, "2026-03-20")), "kind")
	f.must(t, id, doc(register.Decision, "2026-04-01"))
	refused(t, f.step(t, id, doc(register.Decision, "2026-04-02")), "kind") // once only
	refused(t, f.step(t, id, doc(register.Ceremony, "2029-01-01")), "on")   // after today
	f.must(t, id, doc(register.Ceremony, "2026-04-20"))
	refused(t, f.step(t, id, vote(register.RecognitionVote, "2027-04-19", 9, 9)), "on") // probation not over
	f.must(t, id, vote(register.RecognitionVote, "2027-04-20", 9, 9), doc(register.RecognitionDecision, "2027-05-10"))
	refused(t, f.step(t, id, register.Step{Kind: register.Withdrawn, On: day("2027-06-01")}), "kind") // closed
	got, err := f.reg.Get(t.Context(), f.db, f.secretary, id, today)
	if err != nil || !got.FullFrom.Equal(day("2027-04-20")) || !got.Closed() {
		t.Fatalf("full member from %v, closed %t (%v), want 20/04/2027 and closed", got.FullFrom, got.Closed(), err)
	}
}

func TestExpiredCertificateRefusesTheVote(t *testing.T) {
	f := newFixture(t)
	id := f.file(t, "1990-05-01")
	f.ready(t, id, "2021-03-01")
	refused(t, f.step(t, id, vote(register.CellResolution, "2026-03-01", 9, 9)), "on") // 5 years to the day
	f.must(t, id, vote(register.CellResolution, "2026-02-27", 9, 9))
}

func TestAnotherCommuneCannotReadOrChangeAFile(t *testing.T) {
	f := newFixture(t)
	id := f.file(t, "1995-05-01")
	if _, err := f.reg.Get(t.Context(), f.db, f.otherCommune, id, today); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("other commune reads: %v, want not found", err)
	}
	if _, err := f.reg.RecordStep(t.Context(), f.db, f.otherCommune, id, 1, doc(register.Outstanding, "2026-01-05"), today); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("other commune records: %v, want not found", err)
	}
	if _, err := f.reg.Create(t.Context(), f.db, f.otherCommune, f.cell, person("1995-05-01"), today); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("other commune adds to our cell: %v, want not found", err)
	}
	secretary2 := org.Under(f.cell2).As(audit.Actor{Login: "bithu2"})
	if _, err := f.reg.Get(t.Context(), f.db, secretary2, id, today); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("another cell's secretary reads: %v, want not found", err)
	}
	for _, s := range []org.Scope{f.secretary, f.commune, f.province} {
		if _, err := f.reg.Get(t.Context(), f.db, s, id, today); err != nil {
			t.Fatalf("%s reads: %v", s.Actor.Login, err)
		}
	}
	files, err := register.List(t.Context(), f.db, f.otherCommune, today, "", register.Page{})
	if err != nil || len(files.Rows) != 0 || files.Total != 0 {
		t.Fatalf("other commune lists %d files (%v), want none", files.Total, err)
	}
}

func TestSimultaneousStepsFromOneVersionOneWins(t *testing.T) {
	f := newFixture(t)
	id := f.file(t, "1995-05-01")
	db := pgtest.RacePool(t, f.db)
	errs := pgtest.Race(func(i int) error {
		_, err := f.reg.RecordStep(t.Context(), db, f.secretary, id, 1,
			register.Step{Kind: register.Outstanding, On: day("2026-01-05").AddDate(0, 0, i), Document: "NQ"}, today)
		return err
	})
	pgtest.OneWinner(t, errs, nil)
	if n := pgtest.Count(t, f.db, `SELECT count(*) FROM candidate_step WHERE candidate_id = $1`, id); n != 1 {
		t.Fatalf("%d steps stored, want 1", n)
	}
	if n := pgtest.Count(t, f.db, `SELECT count(*) FROM audit_log WHERE entity = 'candidate' AND action = 'record_step'`); n != 1 {
		t.Fatalf("%d steps audited, want 1", n)
	}
}

func TestEveryReadOfAFileIsAudited(t *testing.T) {
	f := newFixture(t)
	id := f.file(t, "1995-05-01")
	reads := func() int {
		return pgtest.Count(t, f.db, `SELECT count(*) FROM audit_log WHERE entity = 'candidate' AND entity_id = $1 AND action = 'read' AND actor_login = 'xa1'`, id)
	}
	for want := 1; want <= 2; want++ {
		if _, err := f.reg.Get(t.Context(), f.db, f.commune, id, today); err != nil {
			t.Fatal(err)
		}
		if n := reads(); n != want {
			t.Fatalf("%d reads audited, want %d", n, want)
		}
	}
}

func TestNationalIDIsEncryptedAtRestAndShownMasked(t *testing.T) {
	f := newFixture(t)
	p := person("1995-05-01")
	p.NationalID = "079195001234"
	id, err := f.reg.Create(t.Context(), f.db, f.secretary, f.cell, p, today)
	if err != nil {
		t.Fatal(err)
	}
	raw := pgtest.Column[string](t, f.db, `SELECT encode(national_id_enc, 'escape') || encode(national_id_mac, 'escape')
		|| encode(national_id_enc, 'hex') || row_to_json(c)::text FROM candidate c WHERE id = $1`, id)
	if len(raw) != 1 || strings.Contains(raw[0], "079195001234") || strings.Contains(raw[0], "195001234") {
		t.Fatalf("the national ID is stored in clear: %q", raw)
	}
	logged := pgtest.Column[string](t, f.db, `SELECT COALESCE(new_value::text, '') FROM audit_log WHERE entity = 'candidate'`)
	if strings.Contains(strings.Join(logged, " "), "0791950") {
		t.Fatalf("the national ID is in the audit log: %q", logged)
	}
	got, err := f.reg.Get(t.Context(), f.db, f.secretary, id, today)
	if err != nil || got.NationalID != "•••••••••234" {
		t.Fatalf("shown %q (%v), want •••••••••234", got.NationalID, err)
	}
	found, err := f.reg.FindByNationalID(t.Context(), f.db, f.commune, "079195001234", today)
	if err != nil || len(found) != 1 || found[0].ID != id {
		t.Fatalf("search found %v (%v), want file %d", found, err, id)
	}
	if found, _ := f.reg.FindByNationalID(t.Context(), f.db, f.otherCommune, "079195001234", today); len(found) != 0 {
		t.Fatalf("another commune found %v", found)
	}
	// Another key cannot read it: the key is what protects it.
	other := register.Register{Keys: register.NewKeys("another secret of thirty-two characters!")}
	if _, err := other.Get(t.Context(), f.db, f.secretary, id, today); err == nil {
		t.Fatal("a file read with another key, want an error")
	}
}

func TestEditIsVersionedAndAuditedOldToNew(t *testing.T) {
	f := newFixture(t)
	id := f.file(t, "1995-05-01")
	p := person("1995-05-01")
	p.Religion = "Phật giáo"
	if err := f.reg.Update(t.Context(), f.db, f.secretary, id, 1, p, today); err != nil {
		t.Fatal(err)
	}
	if err := f.reg.Update(t.Context(), f.db, f.secretary, id, 1, p, today); !errors.Is(err, apperr.ErrConflict) {
		t.Fatalf("stale edit: %v, want conflict", err)
	}
	got := pgtest.Column[string](t, f.db, `SELECT old_value::text || ' → ' || new_value::text FROM audit_log WHERE entity = 'candidate' AND action = 'update'`)
	if len(got) != 1 || got[0] != `{"religion": ""} → {"religion": "Phật giáo"}` {
		t.Fatalf("audited %q, want the religion only, old → new", got)
	}
	p.Name = ""
	refused(t, f.reg.Update(t.Context(), f.db, f.secretary, id, 2, p, today), "name")
}

func TestTransferMovesTheFileToAnotherCellInScope(t *testing.T) {
	f := newFixture(t)
	id := f.file(t, "1995-05-01")
	move := func(to int64, version int) error {
		_, err := f.reg.RecordStep(t.Context(), f.db, f.commune, id, version, register.Step{Kind: register.Transferred, On: day("2026-01-05"), ToCellID: to}, today)
		return err
	}
	refused(t, move(f.otherCell, 1), register.FieldToCell) // another commune's cell
	if err := move(f.cell2, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := f.reg.Get(t.Context(), f.db, f.secretary, id, today); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("the old cell's secretary reads the transferred file: %v, want not found", err)
	}
	if got, err := f.reg.Get(t.Context(), f.db, f.commune, id, today); err != nil || got.CellID != f.cell2 {
		t.Fatalf("file in cell %d (%v), want %d", got.CellID, err, f.cell2)
	}
}

func TestAdmittedListsCeremoniesInThePeriodWithTheirAttributes(t *testing.T) {
	f := newFixture(t)
	id := f.file(t, "1995-05-01")
	f.ready(t, id, "2026-01-10")
	f.must(t, id, vote(register.CellResolution, "2026-03-02", 9, 9), doc(register.Decision, "2026-04-01"), doc(register.Ceremony, "2026-06-30"))
	f.file(t, "1996-05-01") // not admitted
	got, err := register.Admitted(t.Context(), f.db, f.commune, day("2026-01-01"), day("2026-06-30"))
	if err != nil || len(got) != 1 || got[0].FileID != id || !got[0].BirthDate.Equal(day("1995-05-01")) || got[0].Sex != "female" || !got[0].YouthUnion {
		t.Fatalf("admitted %+v (%v), want file %d", got, err, id)
	}
	for _, s := range []struct {
		scope    org.Scope
		from, to string
	}{{f.commune, "2026-07-01", "2026-12-31"}, {f.otherCommune, "2026-01-01", "2026-12-31"}} {
		if got, _ := register.Admitted(t.Context(), f.db, s.scope, day(s.from), day(s.to)); len(got) != 0 {
			t.Fatalf("%s %s–%s: %+v, want none", s.scope.Actor.Login, s.from, s.to, got)
		}
	}
}

func TestSimultaneousEditsFromOneVersionOneWins(t *testing.T) {
	f := newFixture(t)
	id := f.file(t, "1995-05-01")
	db := pgtest.RacePool(t, f.db)
	errs := pgtest.Race(func(i int) error {
		p := person("1995-05-01")
		p.Workplace = "Nơi làm việc " + string(rune('A'+i))
		return f.reg.Update(t.Context(), db, f.commune, id, 1, p, today)
	})
	winner := pgtest.OneWinner(t, errs, nil)
	got, err := f.reg.Get(t.Context(), f.db, f.commune, id, today)
	if err != nil || got.Version != 2 || got.Workplace != "Nơi làm việc "+string(rune('A'+winner)) {
		t.Fatalf("stored version %d, %q (%v), want version 2 with the winner's", got.Version, got.Workplace, err)
	}
}

func TestStageAndNextFollowTheProcedureNotTheDates(t *testing.T) {
	f := newFixture(t)
	id := f.file(t, "1995-05-01")
	get := func() register.File {
		file, err := f.reg.Get(t.Context(), f.db, f.secretary, id, today)
		if err != nil {
			t.Fatal(err)
		}
		return file
	}
	if file := get(); file.Stage() != "" || file.Next() != register.Outstanding {
		t.Fatalf("new file: stage %q, next %q", file.Stage(), file.Next())
	}
	f.ready(t, id, "2026-01-10")
	f.must(t, id, vote(register.CellResolution, "2026-03-02", 9, 9), doc(register.Outstanding, "2026-03-10")) // entered late
	if file := get(); file.Stage() != register.CellResolution || file.Next() != register.Decision {
		t.Fatalf("stage %q, next %q; want the cell resolution, then the decision", file.Stage(), file.Next())
	}
}

func TestTheCommitteeRecordsItsDecisionsNotTheCell(t *testing.T) {
	f := newFixture(t)
	id := f.file(t, "1995-05-01")
	f.ready(t, id, "2026-01-10")
	f.must(t, id, vote(register.CellResolution, "2026-03-02", 9, 9))
	file, err := f.reg.Get(t.Context(), f.db, f.secretary, id, today)
	if err != nil || file.Committee {
		t.Fatalf("the secretary reads the file as the committee (%v)", err)
	}
	if _, err := f.reg.RecordStep(t.Context(), f.db, f.secretary, id, file.Version, doc(register.Decision, "2026-04-01"), today); !errors.Is(err, apperr.ErrForbidden) {
		t.Fatalf("the secretary records the decision: %v, want forbidden", err)
	}
	for _, by := range []org.Scope{f.commune, f.province} {
		if file, err := f.reg.Get(t.Context(), f.db, by, id, today); err != nil || !file.Committee {
			t.Fatalf("%s does not read the file as the committee (%v)", by.Actor.Login, err)
		}
	}
	f.must(t, id, doc(register.Decision, "2026-04-01"))
}

// The list finds names typed with or without accents and capitals, takes % and _ as themselves,
// and looks within the scope only.
func TestListFindsANameWithinTheScope(t *testing.T) {
	f := newFixture(t)
	for _, n := range []string{"Nguyễn Văn An", "Nguyễn Thị Bình", "Lê Văn 100%_Đúng"} {
		p := person("1995-05-01")
		p.Name = n
		if _, err := f.reg.Create(t.Context(), f.db, f.secretary, f.cell, p, today); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		by   org.Scope
		name string
		want string
	}{
		{f.commune, "nguyen van", "Nguyễn Văn An"},
		{f.commune, "  NGUYỄN ", "Nguyễn Thị Bình|Nguyễn Văn An"},
		{f.commune, "binh", "Nguyễn Thị Bình"},
		{f.commune, "%", "Lê Văn 100%_Đúng"},
		{f.commune, "0_", ""},
		{f.commune, "%_đ", "Lê Văn 100%_Đúng"},
		{f.commune, "van", "Lê Văn 100%_Đúng|Nguyễn Văn An"},
		{f.otherCommune, "nguyen", ""},
	} {
		files, err := register.List(t.Context(), f.db, c.by, today, c.name, register.Page{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range files.Rows {
			got = append(got, r.Name)
		}
		if strings.Join(got, "|") != c.want || files.Total != len(got) {
			t.Errorf("%q finds %q (%d), want %q", c.name, got, files.Total, c.want)
		}
	}
}
