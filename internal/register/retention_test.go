package register_test

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"

	"ptdang/internal/apperr"
	"ptdang/internal/audit"
	"ptdang/internal/pg"
	"ptdang/internal/pgtest"
	"ptdang/internal/register"
)

// province is the fixture's province committee.
func (f fixture) provinceID(t *testing.T) int64 {
	t.Helper()
	return pgtest.Column[int64](t, f.db, `SELECT party_province_of($1, '2026-01-01')`, f.cell)[0]
}

func (f fixture) purge(t *testing.T, d string) int {
	t.Helper()
	n, err := register.Purge(t.Context(), f.db, audit.Actor{Login: "cli:test"}, day(d))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestRemovedFilesArePurgedAfterTheProvincesRetentionWithAnAuditEntry(t *testing.T) {
	f := newFixture(t)
	withdrawn := f.file(t, "1995-05-01")
	f.must(t, withdrawn, register.Step{Kind: register.Outstanding, On: day("2021-06-01"), Document: "NQ"},
		sponsors("2021-06-02", member("Trần Văn A", "2010-01-01", "2010-01-01"), member("Lê Văn B", "2010-01-01", "2010-01-01")),
		register.Step{Kind: register.Withdrawn, On: day("2021-06-03")})
	open := f.file(t, "1995-05-01")
	f.must(t, open, register.Step{Kind: register.Outstanding, On: day("2021-06-01"), Document: "NQ"})
	recognised := f.admitted(t, "2019-01-10", "2019-03-01", "2019-04-01", "2019-05-02")
	f.must(t, recognised, vote(register.RecognitionVote, "2020-05-04", 9, 9), doc(register.RecognitionDecision, "2020-05-20"))

	if n := f.purge(t, "2026-06-02"); n != 0 {
		t.Fatalf("purged %d a day before 5 years, want 0", n)
	}
	if n := f.purge(t, "2026-06-03"); n != 1 {
		t.Fatalf("purged %d after 5 years, want 1", n)
	}
	for _, table := range []string{"candidate WHERE id = $1", "candidate_step WHERE candidate_id = $1",
		"candidate_sponsor s JOIN candidate_step c ON c.id = s.step_id WHERE c.candidate_id = $1"} {
		if n := pgtest.Count(t, f.db, `SELECT count(*) FROM `+table, withdrawn); n != 0 {
			t.Fatalf("%d rows left in %s", n, table)
		}
	}
	if n := pgtest.Count(t, f.db, `SELECT count(*) FROM candidate WHERE id IN ($1, $2)`, open, recognised); n != 2 {
		t.Fatalf("%d of the open and recognised files left, want 2", n)
	}
	entry := pgtest.Column[string](t, f.db, `SELECT concat_ws(' ', label, old_value, new_value) FROM audit_log
		WHERE action = 'purge' AND entity_id = $1`, withdrawn)
	if len(entry) != 1 || !strings.Contains(entry[0], `"closed": "2021-06-03"`) || !strings.Contains(entry[0], `"kind": "withdrawn"`) || strings.Contains(entry[0], "Nguyễn") {
		t.Fatalf("purge audited as %v, want one entry with its dates and no name", entry)
	}
	if n := f.purge(t, "2026-06-03"); n != 0 {
		t.Fatalf("purged %d again", n)
	}
}

func TestAProvinceSetsItsRetentionAndClosedFilesAreReadOnly(t *testing.T) {
	f := newFixture(t)
	province := f.provinceID(t)
	id := f.file(t, "1995-05-01")
	f.must(t, id, register.Step{Kind: register.Withdrawn, On: day("2021-06-03")})
	if err := f.reg.Update(t.Context(), f.db, f.commune, id, 2, person("1995-05-01"), today); apperr.Field(err, "name") == "" {
		t.Fatalf("edit of a closed file: got %v, want refused", err)
	}
	if err := register.SetRetention(t.Context(), f.db, f.commune, province, 0, 7, today); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("a commune sets the province's retention: %v", err)
	}
	if err := register.SetRetention(t.Context(), f.db, f.province, province, 0, 0, today); apperr.Field(err, "years") == "" {
		t.Fatalf("0 years: got %v", err)
	}
	db := pgtest.RacePool(t, f.db)
	errs := pgtest.Race(func(i int) error {
		return register.SetRetention(t.Context(), db, f.province, province, 0, 7+i, today)
	})
	winner := pgtest.OneWinner(t, errs, nil)
	got, err := register.RetentionOf(t.Context(), f.db, f.province, province, today)
	if err != nil || got.Years != 7+winner || got.Version != 1 {
		t.Fatalf("retention %+v (%v), want %d years at version 1", got, err, 7+winner)
	}
	if n := pgtest.Count(t, f.db, `SELECT count(*) FROM audit_log WHERE entity = 'register_retention'`); n != 1 {
		t.Fatalf("%d changes audited, want 1", n)
	}
	if err := register.SetRetention(t.Context(), f.db, f.province, province, 1, 7, today); err != nil {
		t.Fatal(err)
	}
	if n := f.purge(t, "2028-06-02"); n != 0 {
		t.Fatalf("purged %d before 7 years, want 0", n)
	}
	if n := f.purge(t, "2028-06-03"); n != 1 {
		t.Fatalf("purged %d after 7 years, want 1", n)
	}
}

func TestSimultaneousPurgesPurgeEachFileOnce(t *testing.T) {
	f := newFixture(t)
	for i := range 3 {
		id := f.file(t, "1995-05-01")
		p := person("1995-05-01")
		p.Name = fmt.Sprintf("Trần Thị Sửa %d", i)
		if err := f.reg.Update(t.Context(), f.db, f.secretary, id, 1, p, today); err != nil {
			t.Fatal(err)
		}
		f.must(t, id, register.Step{Kind: register.Withdrawn, On: day("2020-01-02")})
	}
	db := pgtest.RacePool(t, f.db)
	errs := pgtest.Race(func(int) error {
		_, err := register.Purge(t.Context(), db, audit.Actor{}, day("2026-01-02"))
		return err
	})
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := pgtest.Count(t, f.db, `SELECT count(*) FROM audit_log WHERE action = 'purge'`); n != 3 {
		t.Fatalf("%d purges audited, want one per file: 3", n)
	}
	if n := pgtest.Count(t, f.db, `SELECT count(*) FROM candidate`); n != 0 {
		t.Fatalf("%d files left", n)
	}
	// Each file's create, edit and step redacted once, by the purge that removed it.
	if got := pgtest.Column[string](t, f.db, `SELECT new_value->>'redacted_entries' FROM audit_log WHERE action = 'purge'`); !slices.Equal(got, []string{"3", "3", "3"}) {
		t.Fatalf("the purges redacted %v entries, want 3 each", got)
	}
	for _, s := range []string{"Nguyễn Thị Lan", "Trần Thị Sửa", "1995-05-01"} {
		if n := f.logHolds(t, s); n != 0 {
			t.Errorf("%d audit entries still hold %q", n, s)
		}
	}
}

// logEntry is an audit entry as a purge may find it: what no one may change (who, when, from
// where, what, which) and what the redaction of a purged file changes (label, values).
type logEntry struct{ fixed, values string }

// auditLog is every entry of the audit log by id.
func (f fixture) auditLog(t *testing.T) map[int64]logEntry {
	t.Helper()
	rows, err := f.db.Query(t.Context(), `
		SELECT id, concat_ws('|', at, actor_id, actor_login, addr, action, entity, entity_id, unit_id, reason),
			concat_ws('|', label, old_value, new_value)
		FROM audit_log`)
	if err != nil {
		t.Fatal(err)
	}
	log := map[int64]logEntry{}
	for rows.Next() {
		var (
			id int64
			e  logEntry
		)
		if err := rows.Scan(&id, &e.fixed, &e.values); err != nil {
			t.Fatal(err)
		}
		log[id] = e
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return log
}

// logHolds is how many audit entries hold s anywhere in their text.
func (f fixture) logHolds(t *testing.T, s string) int {
	t.Helper()
	return pgtest.Count(t, f.db, `SELECT count(*) FROM audit_log a WHERE strpos(a::text, $1) > 0`, s)
}

func TestPurgeRedactsTheFilesEarlierAuditEntriesAndNothingElse(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	p := person("1990-07-15")
	p.Name, p.NationalID, p.Ethnicity, p.Religion, p.Readmission = "Hoàng Thị Mận", "079190012345", "Tày", "Phật giáo", true
	id, err := f.reg.Create(ctx, f.db, f.secretary, f.cell, p, today)
	if err != nil {
		t.Fatal(err)
	}
	file, err := f.reg.Get(ctx, f.db, f.secretary, id, today) // an audited read
	if err != nil {
		t.Fatal(err)
	}
	edited := p
	edited.Name, edited.BirthDate, edited.Workplace = "Hoàng Thị Mận Xuân", day("1990-07-16"), "Hợp tác xã Bình Minh"
	if err := f.reg.Update(ctx, f.db, f.secretary, id, file.Version, edited, today); err != nil {
		t.Fatal(err)
	}
	if err := f.facts(t, id, register.Readmission{LeftOn: day("2015-02-03"), Cause: "other", ConsentOn: day("2021-02-01"), ConsentDocument: "77-CV/TU"}); err != nil {
		t.Fatal(err)
	}
	f.must(t, id, register.Step{Kind: register.Outstanding, On: day("2021-03-01"), Document: "09-NQ/CB"},
		register.Step{Kind: register.Sympathiser, On: day("2021-03-02"), Helper: "Phạm Văn Giúp"},
		register.Step{Kind: register.Course, On: day("2021-03-03"), Issuer: "Trung tâm chính trị Bình Minh"},
		register.Step{Kind: register.Sponsors, On: day("2021-03-04"), Helper: "Đỗ Văn Giới, Vũ Thị Thiệu",
			Sponsors: []register.Sponsor{member("Đỗ Văn Giới", "2010-01-01", "2010-01-01"), member("Vũ Thị Thiệu", "2010-01-01", "2010-01-01")}})
	f.ceased(t, id, 0, "2021-04-01")
	f.must(t, id, register.Step{Kind: register.Withdrawn, On: day("2021-06-03")})
	other := f.file(t, "1988-01-01") // kept: its entries stay as they are
	f.must(t, other, register.Step{Kind: register.Outstanding, On: day("2021-03-01"), Document: "10-NQ/CB"})
	if _, err := f.reg.Export(ctx, f.db, f.province, today); err != nil { // an entry listing both files' numbers
		t.Fatal(err)
	}

	personal := []string{"Hoàng Thị Mận", "Mận Xuân", register.Mask(p.NationalID), "1990-07-15", "1990-07-16", "Hợp tác xã Bình Minh",
		"Tày", "Phật giáo", "2015-02-03", "77-CV/TU", "09-NQ/CB", "Phạm Văn Giúp", "Trung tâm chính trị Bình Minh", "Đỗ Văn Giới", "Vũ Thị Thiệu"}
	for _, s := range personal {
		if f.logHolds(t, s) == 0 {
			t.Fatalf("the log never held %q: the test looks for the wrong text", s)
		}
	}
	before := f.auditLog(t)
	withValues := pgtest.Count(t, f.db, `SELECT count(*) FROM audit_log WHERE entity = 'candidate' AND entity_id = $1
		AND (old_value IS NOT NULL OR new_value IS NOT NULL)`, id)

	if n := f.purge(t, "2026-06-03"); n != 1 {
		t.Fatalf("purged %d, want 1", n)
	}
	for _, s := range personal {
		if n := f.logHolds(t, s); n != 0 {
			t.Errorf("%d audit entries still hold %q", n, s)
		}
	}
	after := f.auditLog(t)
	ofFile := map[int64]bool{}
	for _, e := range pgtest.Column[int64](t, f.db, `SELECT id FROM audit_log WHERE entity = 'candidate' AND entity_id = $1 AND action <> 'purge'`, id) {
		ofFile[e] = true
	}
	redacted := 0
	for e, was := range before {
		now, ok := after[e]
		switch {
		case !ok:
			t.Errorf("entry %d is gone", e)
		case now.fixed != was.fixed:
			t.Errorf("entry %d: %s became %s", e, was.fixed, now.fixed)
		case now.values != was.values && !ofFile[e]:
			t.Errorf("entry %d, not the purged file's: %s became %s", e, was.values, now.values)
		case now.values != was.values:
			redacted++
		}
	}
	if len(after) != len(before)+1 || redacted != withValues || redacted != 9 {
		t.Errorf("%d entries after %d, %d redacted of %d with values, want one more entry and 9 redacted (create, edit, readmission, 5 steps, a sponsor ceased)",
			len(after), len(before), redacted, withValues)
	}
	if got := pgtest.Column[string](t, f.db, `SELECT new_value->>'redacted_entries' FROM audit_log WHERE action = 'purge' AND entity_id = $1`, id); len(got) != 1 || got[0] != "9" {
		t.Errorf("the purge records %v entries redacted, want 9", got)
	}
	// What holds no personal data stays: the label's number, step kinds and dates, the cell.
	if n := pgtest.Count(t, f.db, `SELECT count(*) FROM audit_log WHERE entity = 'candidate' AND entity_id = $1 AND action = 'record_step'
		AND label = $2 AND new_value->>'kind' = $3 AND new_value->>'date' = '2021-03-02T00:00:00Z' AND new_value->>'helper' = '(đã xóa theo thời hạn lưu)'`,
		id, "hồ sơ "+strconv.FormatInt(id, 10), register.Sympathiser.Label()); n != 1 {
		t.Errorf("%d sympathiser steps keep their kind and date, want 1", n)
	}

	// Nothing else may change: not who, when or what of a redacted entry, not a kept file's
	// entries, not the purge's own; and no entry may be removed, by the owner either.
	owner := pgtest.Owner(t, f.db)
	for _, c := range []struct {
		sql  string
		args []any
	}{
		{`UPDATE audit_log SET actor_login = 'x' WHERE entity = 'candidate' AND entity_id = $1 AND action <> 'purge'`, []any{id}},
		{`UPDATE audit_log SET at = at - interval '1 day' WHERE entity = 'candidate' AND entity_id = $1 AND action <> 'purge'`, []any{id}},
		{`UPDATE audit_log SET action = 'read', old_value = audit_redacted(old_value) WHERE entity = 'candidate' AND entity_id = $1 AND action <> 'purge'`, []any{id}},
		{`UPDATE audit_log SET label = 'x' WHERE entity = 'candidate' AND entity_id = $1 AND action <> 'purge'`, []any{id}},
		{`UPDATE audit_log SET new_value = audit_redacted(new_value) WHERE entity = 'candidate' AND entity_id = $1 AND action = 'purge'`, []any{id}},
		{`UPDATE audit_log SET old_value = audit_redacted(old_value), new_value = audit_redacted(new_value) WHERE entity = 'candidate' AND entity_id = $1`, []any{other}},
		{`SELECT audit_redact_candidate($1)`, []any{other}},
		{`DELETE FROM audit_log WHERE entity = 'candidate' AND entity_id = $1`, []any{id}},
		{`DELETE FROM audit_log WHERE entity = 'candidate' AND entity_id = $1`, []any{other}},
	} {
		if _, err := owner.Exec(ctx, c.sql, c.args...); !pg.IsInsufficientPrivilege(err) || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s (%v): %v, want refused as append-only", c.sql, c.args, err)
		}
	}
	for _, c := range []string{`UPDATE audit_log SET label = label WHERE entity = 'candidate' AND entity_id = $1`, `DELETE FROM audit_log WHERE entity_id = $1`} {
		if _, err := f.db.Exec(ctx, c, id); !pg.IsInsufficientPrivilege(err) {
			t.Errorf("%s by the server's role: %v, want refused", c, err)
		}
	}
	if _, err := f.db.Exec(ctx, `SELECT audit_redact_candidate($1)`, other); !pg.IsInsufficientPrivilege(err) {
		t.Errorf("the server's role redacts a kept file's entries: %v, want refused", err)
	}
	if again := f.auditLog(t); !maps.Equal(again, after) {
		t.Error("the log changed after the refused attempts")
	}
	if n := f.purge(t, "2026-06-03"); n != 0 || !maps.Equal(f.auditLog(t), after) {
		t.Errorf("a second purge purged %d or changed the log", n)
	}
}
