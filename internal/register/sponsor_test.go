package register_test

import (
	"strings"
	"testing"

	"ptdang/internal/apperr"
	"ptdang/internal/org"
	"ptdang/internal/pgtest"
	"ptdang/internal/register"
)

// member is a sponsor, a full member since since who has known the person since known.
func member(name, since, known string) register.Sponsor {
	return register.Sponsor{Name: name, MemberSince: day(since), KnownSince: day(known)}
}

func sponsors(on string, list ...register.Sponsor) register.Step {
	return register.Step{Kind: register.Sponsors, On: day(on), Helper: "Trần Văn A, Lê Văn B", Sponsors: list}
}

// refusedSaying fails t unless err refuses field with a message holding each of words.
func refusedSaying(t *testing.T, err error, field string, words ...string) {
	t.Helper()
	msg := apperr.Field(err, field)
	for _, w := range words {
		if !strings.Contains(msg, w) {
			t.Fatalf("got %v (%q), want a refusal on %s saying %q", err, msg, field, w)
		}
	}
}

func TestSponsorsHaveTwelveMonthsOfMembershipAndAcquaintanceByMonth(t *testing.T) {
	f := newFixture(t)
	id := f.file(t, "1995-05-01")
	a := member("Trần Văn A", "2025-03-01", "2020-01-01")
	refusedSaying(t, f.step(t, id, sponsors("2026-02-28", a, member("Lê Văn B", "2010-01-01", "2020-01-01"))),
		register.SponsorField(0, "member_since"), "Trần Văn A", "12 tháng là đảng viên chính thức")
	refusedSaying(t, f.step(t, id, sponsors("2026-03-01", a, member("Lê Văn B", "2010-01-01", "2025-03-02"))),
		register.SponsorField(1, "known_since"), "Lê Văn B", "12 tháng cùng công tác")
	refusedSaying(t, f.step(t, id, sponsors("2026-03-01", a)), register.SponsorField(0, "name"), "đúng hai người")
	f.must(t, id, sponsors("2026-03-01", a, member("Lê Văn B", "2010-01-01", "2025-03-01"))) // exactly 12 months each

	got, err := f.reg.Get(t.Context(), f.db, f.commune, id, today)
	if err != nil {
		t.Fatal(err)
	}
	s := got.Steps[len(got.Steps)-1].Sponsors
	if len(s) != 2 || s[0].Name != "Trần Văn A" || !s[0].MemberSince.Equal(day("2025-03-01")) || !s[1].KnownSince.Equal(day("2025-03-01")) {
		t.Fatalf("stored sponsors %+v", s)
	}
}

func TestOnlyAYouthUnionMemberIsSponsoredByTheYouthUnionCommittee(t *testing.T) {
	f := newFixture(t)
	committee := register.Sponsor{Name: "BCH Đoàn xã Một", YouthUnion: true}
	b := member("Lê Văn B", "2010-01-01", "2020-01-01")
	young := f.file(t, "2000-05-01") // a Youth Union member
	refusedSaying(t, f.step(t, young, sponsors("2026-03-01", committee, committee)), register.SponsorField(0, "kind"), "Ban Chấp hành Đoàn")
	f.must(t, young, sponsors("2026-03-01", committee, b))

	p := person("1980-05-01")
	p.YouthUnion = false
	older, err := f.reg.Create(t.Context(), f.db, f.secretary, f.cell, p, today)
	if err != nil {
		t.Fatal(err)
	}
	refusedSaying(t, f.step(t, older, sponsors("2026-03-01", committee, b)), register.SponsorField(0, "kind"), "chỉ đoàn viên")
}

func TestASponsorWhoCeasedToQualifyIsWarnedUntilTheStepIsRecordedAgain(t *testing.T) {
	f := newFixture(t)
	id := f.file(t, "1995-05-01")
	f.ready(t, id, "2026-01-10") // names only: a step without dates keeps the names
	f.must(t, id, sponsors("2026-02-01", member("Trần Văn A", "2020-01-01", "2020-01-01"), member("Lê Văn B", "2020-01-01", "2020-01-01")))
	file, err := f.reg.Get(t.Context(), f.db, f.commune, id, today)
	if err != nil {
		t.Fatal(err)
	}
	a := file.Steps[len(file.Steps)-1].Sponsors[0]
	if _, err := f.reg.SponsorCeased(t.Context(), f.db, f.secretary, id, file.Version, a.ID, day("2026-01-31"), today); apperr.Field(err, "on") == "" {
		t.Fatalf("a day before the step: got %v, want refused", err)
	}
	if _, err := f.reg.SponsorCeased(t.Context(), f.db, f.secretary, id, file.Version, a.ID, day("2026-02-10"), today); err != nil {
		t.Fatal(err)
	}
	if _, ok := f.task(t, "2026-02-09", id, register.SponsorClock); ok {
		t.Fatal("warned before the sponsor ceased")
	}
	if x, ok := f.task(t, "2026-02-11", id, register.SponsorClock); !ok || !x.Overdue {
		t.Fatalf("after the sponsor ceased: task %+v, %t; want an overdue task", x, ok)
	}
	// The pipeline board counts the file overdue as Việc cần làm does.
	board, err := register.Pipeline(t.Context(), f.db, org.Everything(), org.Nation, day("2026-02-11"))
	if err != nil {
		t.Fatal(err)
	}
	if board.Total.Overdue != 1 {
		t.Errorf("the board counts %d files overdue, want 1: the file whose sponsor ceased", board.Total.Overdue)
	}
	refusedSaying(t, f.step(t, id, vote(register.CellResolution, "2026-03-02", 9, 9)), "kind", "Trần Văn A", "10/02/2026")

	f.must(t, id, sponsors("2026-02-20", member("Phạm Văn C", "2020-01-01", "2020-01-01"), member("Lê Văn B", "2020-01-01", "2020-01-01")))
	if _, ok := f.task(t, "2026-02-21", id, register.SponsorClock); ok {
		t.Fatal("still warned after the sponsors step was recorded again")
	}
	f.must(t, id, vote(register.CellResolution, "2026-03-02", 9, 9))
}

func TestSimultaneousSponsorCeasedFromOneVersionOneWins(t *testing.T) {
	f := newFixture(t)
	id := f.file(t, "1995-05-01")
	f.must(t, id, sponsors("2026-02-01", member("Trần Văn A", "2020-01-01", "2020-01-01"), member("Lê Văn B", "2020-01-01", "2020-01-01")))
	file, err := f.reg.Get(t.Context(), f.db, f.commune, id, today)
	if err != nil {
		t.Fatal(err)
	}
	db := pgtest.RacePool(t, f.db)
	errs := pgtest.Race(func(i int) error {
		p := file.Steps[0].Sponsors[i%2]
		_, err := f.reg.SponsorCeased(t.Context(), db, f.secretary, id, file.Version, p.ID, day("2026-02-10"), today)
		return err
	})
	pgtest.OneWinner(t, errs, nil)
	if n := pgtest.Count(t, f.db, `SELECT count(*) FROM candidate_sponsor WHERE ceased_on IS NOT NULL`); n != 1 {
		t.Fatalf("%d sponsors ceased, want 1", n)
	}
	if n := pgtest.Count(t, f.db, `SELECT count(*) FROM audit_log WHERE action = 'sponsor_ceased'`); n != 1 {
		t.Fatalf("%d audited, want 1", n)
	}
}
