package calendar_test

import (
	"errors"
	"testing"

	"ptdang/internal/apperr"
	"ptdang/internal/audit"
	"ptdang/internal/calendar"
	"ptdang/internal/org"
	"ptdang/internal/orgtest"
	"ptdang/internal/pgtest"
)

// day is the date written yyyy-mm-dd.
var day = orgtest.Day

var admin = org.Everything().As(audit.Actor{Login: "quantri", Addr: "10.0.0.1"})

func TestAnnouncedSwapIsStoredLoadedAndAudited(t *testing.T) {
	db := pgtest.New(t)
	ctx := t.Context()
	off := calendar.Exception{Day: day("2025-05-02"), Kind: calendar.DayOff, Note: " Nghỉ hoán đổi dịp 30/4 – 1/5 "}
	worked := calendar.Exception{Day: day("2025-04-26"), Kind: calendar.WorkingDay, Note: "Làm bù cho thứ Sáu 02/05"}
	for _, e := range []calendar.Exception{off, worked} {
		if err := calendar.AddException(ctx, db, admin, e); err != nil {
			t.Fatalf("add %s: %v", e.Day.Format("02/01/2006"), err)
		}
	}
	c, err := calendar.Load(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if c.IsWorkingDay(off.Day) || !c.IsWorkingDay(worked.Day) {
		t.Fatalf("loaded: 02/05 working %v, 26/04 working %v; want off and worked", c.IsWorkingDay(off.Day), c.IsWorkingDay(worked.Day))
	}
	if got := c.AddWorkingDays(day("2025-04-29"), 1); !got.Equal(day("2025-05-05")) {
		t.Fatalf("a day after 29/04/2025: %s, want 05/05", got.Format("02/01/2006"))
	}
	if got := c.Describe(off.Day); got != "Nghỉ hoán đổi dịp 30/4 – 1/5" {
		t.Fatalf("02/05/2025 described as %q", got)
	}
	listed, err := calendar.Exceptions(ctx, db, 2025)
	if err != nil || len(listed) != 2 || !listed[0].Day.Equal(worked.Day) || listed[0].By != "quantri" {
		t.Fatalf("exceptions of 2025: %+v (%v)", listed, err)
	}

	if err := calendar.RemoveException(ctx, db, admin, off.Day); err != nil {
		t.Fatal(err)
	}
	if err := calendar.RemoveException(ctx, db, admin, off.Day); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("second removal: %v, want not found", err)
	}
	if c, err = calendar.Load(ctx, db); err != nil || !c.IsWorkingDay(off.Day) {
		t.Fatalf("after removal 02/05/2025 is still off (%v)", err)
	}

	rows, err := audit.List(ctx, db, audit.Filter{All: true, Login: "quantri"})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, r := range rows {
		if r.Entity == "calendar_exception" && r.Addr == "10.0.0.1" {
			actions = append(actions, r.Action+" "+r.Label)
		}
	}
	want := map[string]bool{"create 2025-05-02": true, "create 2025-04-26": true, "delete 2025-05-02": true}
	if len(actions) != len(want) {
		t.Fatalf("audit entries %v, want %v", actions, want)
	}
	for _, a := range actions {
		if !want[a] {
			t.Fatalf("audit entries %v, want %v", actions, want)
		}
	}
}

func TestOnlyASystemAdministratorChangesTheCalendar(t *testing.T) {
	db := pgtest.New(t)
	province := org.Under(1).As(audit.Actor{Login: "tinh"})
	e := calendar.Exception{Day: day("2025-05-02"), Kind: calendar.DayOff, Note: "Nghỉ hoán đổi"}
	if err := calendar.AddException(t.Context(), db, province, e); !errors.Is(err, apperr.ErrForbidden) {
		t.Fatalf("add by province staff: %v, want forbidden", err)
	}
	if err := calendar.AddException(t.Context(), db, admin, e); err != nil {
		t.Fatal(err)
	}
	if err := calendar.RemoveException(t.Context(), db, province, e.Day); !errors.Is(err, apperr.ErrForbidden) {
		t.Fatalf("remove by province staff: %v, want forbidden", err)
	}
}

func TestExceptionInputIsChecked(t *testing.T) {
	db := pgtest.New(t)
	long := make([]rune, 201)
	for i := range long {
		long[i] = 'a'
	}
	for _, tc := range []struct {
		name  string
		e     calendar.Exception
		field string
	}{
		{"no kind", calendar.Exception{Day: day("2025-05-02"), Kind: "holiday", Note: "x"}, "kind"},
		{"no note", calendar.Exception{Day: day("2025-05-02"), Kind: calendar.DayOff, Note: "  "}, "note"},
		{"long note", calendar.Exception{Day: day("2025-05-02"), Kind: calendar.DayOff, Note: string(long)}, "note"},
		{"off on a holiday", calendar.Exception{Day: day("2026-02-17"), Kind: calendar.DayOff, Note: "x"}, "day"},
		{"worked on a weekday", calendar.Exception{Day: day("2026-02-23"), Kind: calendar.WorkingDay, Note: "x"}, "day"},
		{"out of range", calendar.Exception{Day: day("1899-05-02"), Kind: calendar.DayOff, Note: "x"}, "day"},
	} {
		err := calendar.AddException(t.Context(), db, admin, tc.e)
		if apperr.Field(err, tc.field) == "" {
			t.Errorf("%s: %v, want a message on %s", tc.name, err, tc.field)
		}
	}
	var n int
	if err := db.QueryRow(t.Context(), `SELECT count(*) FROM calendar_exception`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d exceptions stored (%v), want none", n, err)
	}
}

func TestSimultaneousAddsOfADayStoreOne(t *testing.T) {
	db := pgtest.New(t)
	race := pgtest.RacePool(t, db)
	errs := pgtest.Race(func(i int) error {
		return calendar.AddException(t.Context(), race, admin, calendar.Exception{Day: day("2026-09-04"), Kind: calendar.DayOff, Note: "Nghỉ thêm"})
	})
	stored := 0
	for i, err := range errs {
		var refusal *apperr.Refusal
		switch {
		case err == nil:
			stored++
		case !errors.As(err, &refusal) || !errors.Is(err, apperr.ErrConflict):
			t.Errorf("add %d: %v, want stored or refused as a conflict", i, err)
		}
	}
	if stored != 1 {
		t.Fatalf("%d of %d simultaneous adds stored the day, want 1", stored, pgtest.Racers)
	}
	var rows, audited int
	if err := db.QueryRow(t.Context(), `SELECT (SELECT count(*) FROM calendar_exception), (SELECT count(*) FROM audit_log WHERE entity = 'calendar_exception')`).
		Scan(&rows, &audited); err != nil || rows != 1 || audited != 1 {
		t.Fatalf("%d exceptions and %d audit entries, want 1 and 1 (%v)", rows, audited, err)
	}
}
