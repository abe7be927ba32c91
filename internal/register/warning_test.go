package register_test

import (
	"testing"
	"time"

	"ptdang/internal/register"
)

// task finds the task of kind on file id in f's commune's list on d.
func (f fixture) task(t *testing.T, d string, id int64, kind register.ClockKind) (register.Task, bool) {
	t.Helper()
	tasks, err := register.Todo(t.Context(), f.db, f.commune, day(d), register.Page{})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range tasks.Tasks {
		if x.File.ID == id && x.Clock.Kind == kind {
			return x, true
		}
	}
	return register.Task{}, false
}

// expect checks, for each day, whether file id has a task of kind on it, and whether it is
// overdue with how many working days left.
type expect struct {
	day      string
	warned   bool
	overdue  bool
	daysLeft int
}

func (f fixture) expectTasks(t *testing.T, id int64, kind register.ClockKind, due string, want []expect) {
	t.Helper()
	for _, w := range want {
		got, ok := f.task(t, w.day, id, kind)
		if ok != w.warned {
			t.Errorf("%s on %s: warned %t, want %t", kind, w.day, ok, w.warned)
			continue
		}
		if ok && (got.Overdue != w.overdue || got.DaysLeft != w.daysLeft || !got.Clock.Due.Equal(day(due))) {
			t.Errorf("%s on %s: overdue %t, %d working days left, due %s; want %t, %d, %s", kind, w.day,
				got.Overdue, got.DaysLeft, got.Clock.Due.Format(time.DateOnly), w.overdue, w.daysLeft, due)
		}
	}
}

// admitted records a whole admission up to the ceremony: course, dossier, vote, decision.
func (f fixture) admitted(t *testing.T, course, vote_, decision, ceremony string) int64 {
	t.Helper()
	id := f.file(t, "1990-01-01")
	f.ready(t, id, course)
	f.must(t, id, vote(register.CellResolution, vote_, 9, 9))
	if decision != "" {
		f.must(t, id, doc(register.Decision, decision))
	}
	if ceremony != "" {
		f.must(t, id, doc(register.Ceremony, ceremony))
	}
	return id
}

// Tết 2027: Friday 05/02 to Thursday 11/02 are off (five working days), so 30 working days
// after Friday 15/01 end on Friday 05/03, not 26/02; the warning opens 10 working days before,
// on Friday 19/02.
func TestCeremonyDeadlineAcrossTet2027(t *testing.T) {
	f := newFixture(t)
	id := f.admitted(t, "2026-09-01", "2026-11-02", "2027-01-15", "")
	f.expectTasks(t, id, register.CeremonyClock, "2027-03-05", []expect{
		{"2027-02-18", false, false, 0},
		{"2027-02-19", true, false, 10},
		{"2027-03-05", true, false, 0},
		{"2027-03-08", true, true, -1},
	})
	f.must(t, id, doc(register.Ceremony, "2027-03-05"))
	f.expectTasks(t, id, register.CeremonyClock, "", []expect{{"2027-03-08", false, false, 0}})
}

// Probation from 10/03/2026 ends on 10/03/2027, warned of 30 days before; the recognition vote
// is due 30 working days later, Thursday 22/04/2027 (Hùng Kings' day, Friday 16/04, is off).
func TestProbationAndRecognitionVoteWarnings(t *testing.T) {
	f := newFixture(t)
	id := f.admitted(t, "2025-06-01", "2025-09-01", "2025-10-01", "2026-03-10")
	f.expectTasks(t, id, register.ProbationClock, "2027-03-10", []expect{
		{"2027-02-07", false, false, 0},
		{"2027-02-08", true, false, 19}, // Tết (09–11/02) is inside the window
		{"2027-03-09", true, false, 1},
		{"2027-03-10", false, false, 0}, // over: the recognition vote's clock takes over
	})
	f.expectTasks(t, id, register.RecognitionVoteClock, "2027-04-22", []expect{
		{"2027-04-06", false, false, 0},
		{"2027-04-07", true, false, 10},
		{"2027-04-23", true, true, -1},
	})
	f.must(t, id, vote(register.RecognitionVote, "2027-04-26", 9, 9))
	f.expectTasks(t, id, register.RecognitionVoteClock, "", []expect{{"2027-04-27", false, false, 0}})
	got, err := f.reg.Get(t.Context(), f.db, f.secretary, id, today)
	if err != nil || !got.FullFrom.Equal(day("2027-03-10")) {
		t.Fatalf("full member from %v (%v), want 10/03/2027 although the vote was late", got.FullFrom, err)
	}
}

// A course of 15/08/2022 is warned of from 15/02/2027 (4,5 years) and expires on 15/08/2027;
// its dossier (application 16/08/2022) is more than 12 months old without a cell vote.
func TestCertificateAndDossierWarnings(t *testing.T) {
	f := newFixture(t)
	id := f.file(t, "1990-01-01")
	f.ready(t, id, "2022-08-15")
	f.expectTasks(t, id, register.CertificateClock, "2027-08-15", []expect{
		{"2027-02-14", false, false, 0},
		{"2027-02-15", true, false, 126},
		{"2027-08-16", true, true, -1},
	})
	f.expectTasks(t, id, register.DossierClock, "2023-08-16", []expect{
		{"2023-08-01", false, false, 0},
		{"2023-08-02", true, false, 10},
		{"2023-08-17", true, true, -1},
	})
}

// The list puts overdue tasks first, longest overdue first, then the soonest due.
func TestTodoIsOrderedByUrgency(t *testing.T) {
	f := newFixture(t)
	old := f.file(t, "1990-01-01")
	f.ready(t, old, "2022-08-15") // dossier overdue since 16/08/2023; certificate due 15/08/2027
	ceremony := f.admitted(t, "2026-09-01", "2026-11-02", "2027-01-15", "")
	probation := f.admitted(t, "2025-06-01", "2025-09-01", "2025-10-01", "2026-03-10")
	late := f.admitted(t, "2026-06-01", "2026-10-01", "", "") // decision overdue since 28/12/2026
	todo, err := register.Todo(t.Context(), f.db, f.province, day("2027-02-19"), register.Page{})
	if err != nil {
		t.Fatal(err)
	}
	tasks := todo.Tasks
	type key struct {
		id   int64
		kind register.ClockKind
	}
	want := []key{{old, register.DossierClock}, {late, register.DecisionClock}, {ceremony, register.CeremonyClock},
		{probation, register.ProbationClock}, {old, register.CertificateClock}}
	if len(tasks) != len(want) {
		t.Fatalf("%d tasks, want %d: %+v", len(tasks), len(want), tasks)
	}
	for i, w := range want {
		if got := (key{tasks[i].File.ID, tasks[i].Clock.Kind}); got != w {
			t.Errorf("task %d: %v, want %v", i, got, w)
		}
	}
	if todo.Total != len(want) || todo.Overdue != 2 {
		t.Errorf("the list counts %d tasks, %d overdue; want %d, 2", todo.Total, todo.Overdue, len(want))
	}
	// A page holds the tasks in the same order, and the counts of the whole list.
	page, err := register.Todo(t.Context(), f.db, f.province, day("2027-02-19"), register.Page{Offset: 1, Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Tasks) != 2 || page.Tasks[0] != tasks[1] || page.Tasks[1] != tasks[2] || page.Total != todo.Total || page.Overdue != todo.Overdue {
		t.Errorf("tasks 2–3 of %d: %+v", todo.Total, page)
	}
	if other, _ := register.Todo(t.Context(), f.db, f.otherCommune, day("2027-02-19"), register.Page{}); len(other.Tasks) != 0 || other.Total != 0 {
		t.Fatalf("another commune sees %d tasks", other.Total)
	}
}

// A rule set from 01/03/2027 (45 working days for the decision, warned 5 before) applies to a
// vote on that day; a vote of 26/02/2027 keeps the 60 days and 10 of the rules of its day.
func TestARuleChangeAppliesFromItsDayOldFilesKeepTheirRules(t *testing.T) {
	f := newFixture(t)
	if _, err := f.db.Exec(t.Context(), `INSERT INTO admission_rules
		SELECT '2027-03-01', 45, decision_extra_days, ceremony_days, probation_months, recognition_vote_days,
			recognition_decision_days, recognition_decision_extra_days, certificate_years, certificate_warn_months,
			dossier_months, min_age, max_age, 5, probation_warn_days, 'test rules'
		FROM admission_rules WHERE valid_from = '2025-07-01'`); err != nil {
		t.Fatal(err)
	}
	before := f.admitted(t, "2026-09-01", "2027-02-26", "", "")
	after := f.admitted(t, "2026-09-01", "2027-03-01", "", "")
	f.expectTasks(t, after, register.DecisionClock, "2027-05-06", []expect{
		{"2027-04-26", false, false, 0},
		{"2027-04-27", true, false, 5},
		{"2027-05-07", true, true, -1},
	})
	f.expectTasks(t, before, register.DecisionClock, "2027-05-26", []expect{
		{"2027-04-27", false, false, 0},
		{"2027-05-11", false, false, 0},
		{"2027-05-12", true, false, 10},
	})
	got, err := f.reg.Get(t.Context(), f.db, f.secretary, before, today)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range got.Clocks {
		if c.Kind == register.DecisionClock && !c.Rules.Equal(day("2025-07-01")) {
			t.Fatalf("the old file's decision runs under the rules of %s, want 01/07/2025's", c.Rules.Format(time.DateOnly))
		}
	}
}
