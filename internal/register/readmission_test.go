package register_test

import (
	"testing"
	"time"

	"ptdang/internal/apperr"
	"ptdang/internal/pgtest"
	"ptdang/internal/register"
)

// readmission adds a readmission file ready for its cell resolution and returns its id.
func (f fixture) readmission(t *testing.T) int64 {
	t.Helper()
	p := person("1980-05-01")
	p.Readmission = true
	id, err := f.reg.Create(t.Context(), f.db, f.secretary, f.cell, p, today)
	if err != nil {
		t.Fatal(err)
	}
	f.ready(t, id, "2026-01-10")
	return id
}

// facts records m on file id from its current version.
func (f fixture) facts(t *testing.T, id int64, m register.Readmission) error {
	t.Helper()
	file, err := f.reg.Get(t.Context(), f.db, f.secretary, id, today)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.reg.SetReadmission(t.Context(), f.db, f.secretary, id, file.Version, m, today)
	return err
}

func left(on, cause string) register.Readmission {
	return register.Readmission{LeftOn: day(on), Cause: cause, ConsentOn: day("2026-02-01"), ConsentDocument: "120-CV/TU"}
}

func TestReadmissionNeedsItsFactsAndThirtySixMonthsOutByMonth(t *testing.T) {
	f := newFixture(t)
	id := f.readmission(t)
	refusedSaying(t, f.step(t, id, vote(register.CellResolution, "2026-03-02", 9, 9)), "kind", "ngày ra khỏi Đảng")
	if err := f.facts(t, id, left("2023-03-03", "other")); err != nil {
		t.Fatal(err)
	}
	refusedSaying(t, f.step(t, id, vote(register.CellResolution, "2026-03-02", 9, 9)), "kind", "chưa đủ 36 tháng")
	f.must(t, id, vote(register.CellResolution, "2026-03-03", 9, 9)) // 36 whole months
}

func TestReadmissionAfterALessSeriousConvictionWaitsSixtyMonthsFromItsExpungement(t *testing.T) {
	f := newFixture(t)
	id := f.readmission(t)
	m := left("2015-01-01", "minor_crime")
	if err := f.facts(t, id, m); apperr.Field(err, "expunged_on") == "" {
		t.Fatalf("a conviction without its expungement's day: got %v", err)
	}
	m.ExpungedOn = day("2021-03-03")
	if err := f.facts(t, id, m); err != nil {
		t.Fatal(err)
	}
	refusedSaying(t, f.step(t, id, vote(register.CellResolution, "2026-03-02", 9, 9)), "kind", "được xóa án tích từ 03/03/2021, chưa đủ 60 tháng")
	f.must(t, id, vote(register.CellResolution, "2026-03-03", 9, 9))
}

func TestReadmissionIsRefusedForTheExcludedCausesOnceReadmittedOrWithoutConsent(t *testing.T) {
	f := newFixture(t)
	for _, c := range register.LeaveCauses {
		id := f.readmission(t)
		m := left("2020-01-01", c.Code)
		m.ExpungedOn = day("2020-06-01") // kept for minor_crime alone: 69 months before the vote
		if err := f.facts(t, id, m); err != nil {
			t.Fatal(err)
		}
		err := f.step(t, id, vote(register.CellResolution, "2026-03-02", 9, 9))
		if allowed := c.Code == "family_hardship" || c.Code == "minor_crime" || c.Code == "other"; allowed != (err == nil) {
			t.Errorf("left for %s: got %v", c.Code, err)
		}
		if err != nil {
			refusedSaying(t, err, "kind", c.Label)
		}
	}
	again := f.readmission(t)
	m := left("2020-01-01", "other")
	m.ReadmittedBefore = true
	if err := f.facts(t, again, m); err != nil {
		t.Fatal(err)
	}
	refusedSaying(t, f.step(t, again, vote(register.CellResolution, "2026-03-02", 9, 9)), "kind", "một lần")
	noConsent := f.readmission(t)
	m = left("2020-01-01", "other")
	m.ConsentOn, m.ConsentDocument = time.Time{}, ""
	if err := f.facts(t, noConsent, m); err != nil {
		t.Fatal(err)
	}
	refusedSaying(t, f.step(t, noConsent, vote(register.CellResolution, "2026-03-02", 9, 9)), "kind", "Ban Thường vụ Tỉnh ủy")
}

func TestReadmissionMonthsComeFromTheRuleSetOfTheVoteDay(t *testing.T) {
	f := newFixture(t)
	owner := pgtest.Owner(t, f.db)
	if _, err := owner.Exec(t.Context(), `INSERT INTO admission_rules
		SELECT '2026-03-01', decision_days, decision_extra_days, ceremony_days, probation_months, recognition_vote_days,
			recognition_decision_days, recognition_decision_extra_days, certificate_years, certificate_warn_months,
			dossier_months, min_age, max_age, warn_working_days, probation_warn_days, 'test', sponsor_months, 48, 60
		FROM admission_rules WHERE valid_from = '2025-07-01'`); err != nil {
		t.Fatal(err)
	}
	id := f.readmission(t)
	// 47 months: enough under 36, not under the 48 in force on the vote's day.
	if err := f.facts(t, id, left("2022-03-03", "family_hardship")); err != nil {
		t.Fatal(err)
	}
	refusedSaying(t, f.step(t, id, vote(register.CellResolution, "2026-03-02", 9, 9)), "kind", "chưa đủ 48 tháng")
}

func TestReadmissionFactsOnlyOnAReadmissionFileVersioned(t *testing.T) {
	f := newFixture(t)
	plain := f.file(t, "1995-05-01")
	if err := f.facts(t, plain, left("2020-01-01", "other")); apperr.Field(err, "cause") == "" {
		t.Fatalf("facts on a file not flagged: got %v", err)
	}
	id := f.readmission(t)
	file, err := f.reg.Get(t.Context(), f.db, f.secretary, id, today)
	if err != nil {
		t.Fatal(err)
	}
	db := pgtest.RacePool(t, f.db)
	errs := pgtest.Race(func(i int) error {
		_, err := f.reg.SetReadmission(t.Context(), db, f.secretary, id, file.Version, left("2020-01-01", "other"), today)
		return err
	})
	pgtest.OneWinner(t, errs, nil)
	m, ok, err := f.reg.Readmission(t.Context(), f.db, f.secretary, id, today)
	if err != nil || !ok || m.Cause != "other" || !m.LeftOn.Equal(day("2020-01-01")) {
		t.Fatalf("stored %+v, %t, %v", m, ok, err)
	}
	if n := pgtest.Count(t, f.db, `SELECT count(*) FROM audit_log WHERE entity_id = $1 AND new_value ? 'left_on'`, id); n != 1 {
		t.Fatalf("%d audited, want 1", n)
	}
	if _, _, err := f.reg.Readmission(t.Context(), f.db, f.otherCommune, id, today); err != apperr.ErrNotFound {
		t.Fatalf("another commune reads the facts: %v", err)
	}
}
