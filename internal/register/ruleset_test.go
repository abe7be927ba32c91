package register_test

import (
	"errors"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"ptdang/internal/apperr"
	"ptdang/internal/audit"
	"ptdang/internal/org"
	"ptdang/internal/register"
)

// admin is a system administrator's scope.
var admin = org.Everything().As(audit.Actor{UserID: 0, Login: "quantri"})

// rulesFrom is the rule set in force on from, as starting from from: what the page's form
// starts with.
func rulesFrom(t *testing.T, f fixture, from string) register.Rules {
	t.Helper()
	book, err := register.RuleBook(t.Context(), f.db)
	if err != nil {
		t.Fatal(err)
	}
	r := book.On(day(from))
	r.From, r.Source = day(from), "Quy định thử "+from
	return r
}

// Each value of a rule set is checked and its message names the field it is about.
func TestRuleSetValuesAreCheckedNamingTheField(t *testing.T) {
	f := newFixture(t)
	for _, c := range []struct {
		name, field, want string
		change            func(*register.Rules)
	}{
		{"no day", "from", "Áp dụng từ ngày", func(r *register.Rules) { r.From = time.Time{} }},
		{"decision 0 days", "decision_days", "Quyết định kết nạp: số ngày làm việc sau nghị quyết chi bộ: nhập một số nguyên từ 1 đến 365", func(r *register.Rules) { r.DecisionDays = 0 }},
		{"decision 366 days", "decision_days", "từ 1 đến 365", func(r *register.Rules) { r.DecisionDays = 366 }},
		{"negative extension", "decision_extra_days", "gia hạn thêm", func(r *register.Rules) { r.DecisionExtraDays = -1 }},
		{"probation 121 months", "probation_months", "Thời gian dự bị (tháng): nhập một số nguyên từ 1 đến 120", func(r *register.Rules) { r.ProbationMonths = 121 }},
		{"age 15", "min_age", "Tuổi tối thiểu", func(r *register.Rules) { r.MinAge = 15 }},
		{"age 101", "max_age", "Tuổi tối đa", func(r *register.Rules) { r.MaxAge = 101 }},
		{"min age not below max", "max_age", "Tuổi tối đa phải lớn hơn tuổi tối thiểu", func(r *register.Rules) { r.MinAge, r.MaxAge = 40, 40 }},
		{"warned after expiry", "certificate_warn_months", "ít hơn 60 tháng (5 năm)", func(r *register.Rules) { r.CertificateWarnMonths = 60 }},
		{"certificate 11 years", "certificate_years", "Giấy chứng nhận", func(r *register.Rules) { r.CertificateYears, r.CertificateWarnMonths = 11, 54 }},
		{"sponsor 0 months", "sponsor_months", "Người giới thiệu", func(r *register.Rules) { r.SponsorMonths = 0 }},
		{"no source", "source", "Căn cứ: ghi văn bản", func(r *register.Rules) { r.Source = "  " }},
		{"long source", "source", "Căn cứ: không quá 500 ký tự (đang có 501)", func(r *register.Rules) { r.Source = strings.Repeat("ộ", 501) }},
	} {
		r := rulesFrom(t, f, "2027-03-01")
		c.change(&r)
		err := register.AddRules(t.Context(), f.db, admin, r)
		if got := apperr.Field(err, c.field); !strings.Contains(got, c.want) {
			t.Errorf("%s: %s says %q (error %v), want %q", c.name, c.field, got, err, c.want)
		}
	}
	book, err := register.RuleBook(t.Context(), f.db)
	if err != nil {
		t.Fatal(err)
	}
	if len(book) != 2 {
		t.Errorf("refused rule sets were stored: %d sets", len(book))
	}
	// The bounds are inclusive: 500 characters of source, 0 days of extension, ages 16–100.
	r := rulesFrom(t, f, "2027-03-01")
	r.Source, r.DecisionExtraDays, r.MinAge, r.MaxAge = strings.Repeat("ộ", 500), 0, 16, 100
	if err := register.AddRules(t.Context(), f.db, admin, r); err != nil {
		t.Fatalf("a rule set at the bounds is refused: %v", err)
	}
}

// A day that already starts a set, or one before the earliest, is refused naming the day; only
// a system administrator adds; the add is audited with its values.
func TestARuleSetIsAddedOnceForADayNotBeforeTheFirstAndAudited(t *testing.T) {
	f := newFixture(t)
	if err := register.AddRules(t.Context(), f.db, f.province, rulesFrom(t, f, "2027-03-01")); !errors.Is(err, apperr.ErrForbidden) {
		t.Errorf("the province's staff add a rule set: %v, want forbidden", err)
	}
	r := rulesFrom(t, f, "2027-03-01")
	r.DecisionDays = 45
	if err := register.AddRules(t.Context(), f.db, admin, r); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ from, want string }{
		{"2027-03-01", "đã có bộ quy định từ ngày 01/03/2027"},
		{"2025-07-01", "đã có bộ quy định từ ngày 01/07/2025"},
		{"2020-01-27", "không được trước bộ quy định sớm nhất (từ 28/01/2020)"},
	} {
		err := register.AddRules(t.Context(), f.db, admin, rulesFrom(t, f, c.from))
		if got := apperr.Field(err, "from"); !strings.Contains(got, c.want) {
			t.Errorf("a set from %s: %q (%v), want %q", c.from, got, err, c.want)
		}
	}
	book, err := register.RuleBook(t.Context(), f.db)
	if err != nil {
		t.Fatal(err)
	}
	if len(book) != 3 || book.On(day("2027-03-01")).DecisionDays != 45 || book.On(day("2027-02-28")).DecisionDays != 60 {
		t.Errorf("the book after one add: %+v", book)
	}
	var login, label, from, source string
	var days, n int
	if err := f.db.QueryRow(t.Context(), `
		SELECT count(*) OVER (), actor_login, label, new_value->>'from', (new_value->>'decision_days')::int, new_value->>'source'
		FROM audit_log WHERE entity = 'admission_rules' AND action = 'create'`).Scan(&n, &login, &label, &from, &days, &source); err != nil {
		t.Fatal(err)
	}
	if n != 1 || login != "quantri" || label != "quy định từ 01/03/2027" || from != "2027-03-01" || days != 45 || source != r.Source {
		t.Errorf("audited %d entries: %s, %q, from %s, %d days, %q", n, login, label, from, days, source)
	}
}

// Decision days 60 → 45 from 01/03/2027, added after the votes were recorded: once the
// summaries are written again, the vote of 01/03/2027 is due on 06/05/2027 and the vote of
// 26/02/2027 keeps its 60 days (26/05/2027). Meanwhile the tasks read the stale files right.
func TestAddedRulesMoveTheStoredDeadlinesOfLaterVotesOnly(t *testing.T) {
	f := newFixture(t)
	before := f.admitted(t, "2026-09-01", "2027-02-26", "", "")
	after := f.admitted(t, "2026-09-01", "2027-03-01", "", "")
	stored := func() map[int64]string {
		t.Helper()
		rows, err := f.db.Query(t.Context(), `SELECT candidate_id, due FROM candidate_clock WHERE kind = 'decision'`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		due := map[int64]string{}
		for rows.Next() {
			var id int64
			var d time.Time
			if err := rows.Scan(&id, &d); err != nil {
				t.Fatal(err)
			}
			due[id] = d.Format(time.DateOnly)
		}
		return due
	}
	if got := stored(); got[before] != "2027-05-26" || got[after] == "2027-05-06" {
		t.Fatalf("before the add the stored decisions are due %v", got)
	}
	r := rulesFrom(t, f, "2027-03-01")
	r.DecisionDays, r.WarnWorkingDays = 45, 5
	if err := register.AddRules(t.Context(), f.db, admin, r); err != nil {
		t.Fatal(err)
	}
	if n, err := register.StaleFiles(t.Context(), f.db); err != nil || n != 2 {
		t.Errorf("%d files stale after the add (%v), want 2", n, err)
	}
	// Stale: read from the steps, already under the new rules.
	f.expectTasks(t, after, register.DecisionClock, "2027-05-06", []expect{{"2027-04-27", true, false, 5}})
	if n, err := register.Resummarise(t.Context(), f.db, false); err != nil || n != 2 {
		t.Fatalf("Resummarise wrote %d files (%v), want 2", n, err)
	}
	if got := stored(); got[before] != "2027-05-26" || got[after] != "2027-05-06" {
		t.Errorf("after Resummarise the stored decisions are due %v, want %d on 2027-05-26 and %d on 2027-05-06", got, before, after)
	}
	f.expectTasks(t, after, register.DecisionClock, "2027-05-06", []expect{{"2027-04-26", false, false, 0}, {"2027-04-27", true, false, 5}})
	f.expectTasks(t, before, register.DecisionClock, "2027-05-26", []expect{{"2027-05-11", false, false, 0}, {"2027-05-12", true, false, 10}})
	if n, err := register.StaleFiles(t.Context(), f.db); err != nil || n != 0 {
		t.Errorf("%d files stale after Resummarise (%v)", n, err)
	}
}

// Of eight adds for one day at once, one is stored and the others are refused naming the day;
// two Resummarise running at once after it both finish and leave the right deadlines.
func TestSimultaneousAddsForOneDayOneWins(t *testing.T) {
	f := newFixture(t)
	after := f.admitted(t, "2026-09-01", "2027-03-01", "", "")
	const n = 8
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			r := rulesFrom(t, f, "2027-03-01")
			r.DecisionDays = 40 + i
			errs[i] = register.AddRules(t.Context(), f.db, admin, r)
		})
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		switch {
		case err == nil:
			won++
		case !strings.Contains(apperr.Field(err, "from"), "đã có bộ quy định từ ngày 01/03/2027"):
			t.Errorf("a losing add: %v, want the day refused", err)
		}
	}
	var sets, audited int
	if err := f.db.QueryRow(t.Context(), `SELECT (SELECT count(*) FROM admission_rules WHERE valid_from = '2027-03-01'),
		(SELECT count(*) FROM audit_log WHERE entity = 'admission_rules')`).Scan(&sets, &audited); err != nil {
		t.Fatal(err)
	}
	if won != 1 || sets != 1 || audited != 1 {
		t.Fatalf("%d adds won, %d sets stored, %d audited; want 1", won, sets, audited)
	}
	book, err := register.RuleBook(t.Context(), f.db)
	if err != nil {
		t.Fatal(err)
	}
	days := book.On(day("2027-03-01")).DecisionDays
	var rerr [2]error
	for i := range rerr {
		wg.Go(func() { _, rerr[i] = register.Resummarise(t.Context(), f.db, false) })
	}
	wg.Wait()
	if rerr[0] != nil || rerr[1] != nil {
		t.Fatalf("Resummarise at once: %v, %v", rerr[0], rerr[1])
	}
	got, err := f.reg.Get(t.Context(), f.db, f.secretary, after, today)
	if err != nil {
		t.Fatal(err)
	}
	var stale bool
	var due time.Time
	if err := f.db.QueryRow(t.Context(), `SELECT c.summary_stale, k.due FROM candidate c JOIN candidate_clock k ON k.candidate_id = c.id AND k.kind = 'decision'
		WHERE c.id = $1`, after).Scan(&stale, &due); err != nil {
		t.Fatal(err)
	}
	for _, c := range got.Clocks {
		if c.Kind == register.DecisionClock && (stale || !c.Due.Equal(due) || !c.Rules.Equal(day("2027-03-01"))) {
			t.Errorf("stored decision due %s (stale %t); the file's, under the winner's %d days: %s", due.Format(time.DateOnly), stale, days, c.Due.Format(time.DateOnly))
		}
	}
}

// Why the run after an add rewrites every open file, not only those marked stale: a run already
// going may read the rules before the add commits and clear its batch's mark after. Here a
// run's batch is held after reading the rules (the calendar locked), the add commits, and the
// batch then stores the old deadline as fresh; a run of the stale files leaves it, a run of all
// the open files corrects it.
func TestARunGoingDuringAnAddCanClearItsMarkSoTheAddRewritesEveryOpenFile(t *testing.T) {
	f := newFixture(t)
	after := f.admitted(t, "2026-09-01", "2027-03-01", "", "")
	due := func() string {
		t.Helper()
		var d time.Time
		if err := f.db.QueryRow(t.Context(), `SELECT due FROM candidate_clock WHERE candidate_id = $1 AND kind = 'decision'`, after).Scan(&d); err != nil {
			t.Fatal(err)
		}
		return d.Format(time.DateOnly)
	}
	old := due()
	if _, err := f.db.Exec(t.Context(), `UPDATE candidate SET summary_stale = true WHERE id = $1`, after); err != nil {
		t.Fatal(err)
	}
	hold, err := f.db.Begin(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer hold.Rollback(t.Context())
	if _, err := hold.Exec(t.Context(), `LOCK TABLE calendar_exception IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	go func() { _, err := register.Resummarise(t.Context(), f.db, false); done <- err }()
	for waiting := false; !waiting; {
		if err := f.db.QueryRow(t.Context(), `SELECT EXISTS (SELECT FROM pg_stat_activity
			WHERE wait_event_type = 'Lock' AND query LIKE '%calendar_exception%' AND pid <> pg_backend_pid())`).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	r := rulesFrom(t, f, "2027-03-01")
	r.DecisionDays = 45
	if err := register.AddRules(t.Context(), f.db, admin, r); err != nil {
		t.Fatal(err)
	}
	if err := hold.Commit(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got, n := due(), must(register.StaleFiles(t.Context(), f.db)); got != old || n != 0 {
		t.Fatalf("the held run stored %s (%d stale), want the old %s as fresh: the race did not happen", got, n, old)
	}
	if n, err := register.Resummarise(t.Context(), f.db, false); err != nil || n != 0 || due() != old {
		t.Fatalf("a run of the stale files wrote %d (%v): %s", n, err, due())
	}
	if n, err := register.Resummarise(t.Context(), f.db, true); err != nil || n != 1 || due() != "2027-05-06" {
		t.Errorf("a run of every open file wrote %d (%v): due %s, want 2027-05-06", n, err, due())
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// A rule set as typed: what is not a number or not a day is refused naming the field, as an
// out-of-bounds value is, and a field refused does not make its neighbour's check say nonsense.
func TestARuleSetAsTypedIsReadNamingTheField(t *testing.T) {
	typed := map[string]string{"from": "01/03/2027", "source": "Quy định 294-QĐ/TW"}
	r := register.Rules{DecisionDays: 60, DecisionExtraDays: 30, CeremonyDays: 30, ProbationMonths: 12, RecognitionVoteDays: 30,
		RecognitionDecisionDays: 30, RecognitionDecisionExtraDays: 30, CertificateYears: 5, CertificateWarnMonths: 54, DossierMonths: 12,
		MinAge: 18, MaxAge: 60, WarnWorkingDays: 10, ProbationWarnDays: 30, SponsorMonths: 12, ReadmissionMonths: 36, ReadmissionConvictionMonths: 60}
	for _, f := range register.RuleFields {
		typed[f.Name] = strconv.Itoa(*f.Of(&r))
	}
	read := func(changes map[string]string) error {
		_, err := register.ReadRules(func(name string) string {
			if v, ok := changes[name]; ok {
				return v
			}
			return typed[name]
		})
		return err
	}
	if got, err := register.ReadRules(func(name string) string { return typed[name] }); err != nil || got.DecisionDays != 60 || !got.From.Equal(day("2027-03-01")) {
		t.Fatalf("read %+v, %v", got, err)
	}
	for _, c := range []struct {
		changes     map[string]string
		field, want string
	}{
		{map[string]string{"decision_days": "sáu mươi"}, "decision_days", "Quyết định kết nạp: số ngày làm việc sau nghị quyết chi bộ: nhập một số nguyên từ 1 đến 365."},
		{map[string]string{"decision_extra_days": ""}, "decision_extra_days", "Quyết định kết nạp: số ngày làm việc gia hạn thêm: nhập một số nguyên từ 0 đến 365."},
		{map[string]string{"probation_months": "12,5"}, "probation_months", "Thời gian dự bị (tháng): nhập một số nguyên từ 1 đến 120."},
		{map[string]string{"from": "31/02/2027"}, "from", `Áp dụng từ ngày: không đọc được ngày "31/02/2027"`},
		{map[string]string{"from": ""}, "from", "Áp dụng từ ngày: nhập ngày"},
		{map[string]string{"certificate_years": "năm"}, "certificate_warn_months", ""},
		{map[string]string{"max_age": "x"}, "max_age", "Tuổi tối đa không cần Ban Thường vụ Tỉnh ủy đồng ý: nhập một số nguyên từ 16 đến 100."},
	} {
		got := apperr.Field(read(c.changes), c.field)
		if c.want == "" && got != "" || !strings.Contains(got, c.want) {
			t.Errorf("%v: %s says %q, want %q", c.changes, c.field, got, c.want)
		}
	}
}
