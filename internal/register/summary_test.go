package register_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"ptdang/internal/audit"
	"ptdang/internal/calendar"
	"ptdang/internal/org"
	"ptdang/internal/pg"
	"ptdang/internal/register"
)

// checkSummaries fails t unless every file's stored summary not marked stale is the one its
// steps give now, and returns how many files differ in all.
func checkSummaries(t *testing.T, db pg.Querier, when string) int {
	t.Helper()
	wrong, differ, files, err := register.SummaryMismatches(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	if files == 0 {
		t.Fatalf("%s: no files", when)
	}
	for _, w := range wrong {
		t.Errorf("%s: %s", when, w)
	}
	return differ
}

// todoIDs is the nation's Việc cần làm on today as file and clock.
func todoIDs(t *testing.T, db pg.Querier, today time.Time) []string {
	t.Helper()
	tasks, err := register.Todo(t.Context(), db, org.Everything(), today)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, x := range tasks {
		ids = append(ids, x.File.Name+" "+string(x.Clock.Kind)+" "+x.Clock.Due.Format(time.DateOnly))
	}
	return ids
}

// TestSummaryIsTheFilesAfterEveryWrite checks each file's stored summary against the one its
// steps give, on generated data: after the bulk load, after files are created, edited, stepped
// on, transferred, closed and imported, across a calendar change (stale until resummarised,
// Việc cần làm unchanged meanwhile) and a rule set added.
func TestSummaryIsTheFilesAfterEveryWrite(t *testing.T) {
	db := generated(t)
	ctx := t.Context()
	today := day("2026-11-24")
	by := org.Everything().As(audit.Actor{Login: "kiemtra"})
	reg := register.Register{Keys: register.NewKeys("")}
	if n := checkSummaries(t, db, "after the bulk load"); n != 0 {
		t.Fatalf("%d files differ after the bulk load", n)
	}
	var cell, cell2, open int64
	var code string
	if err := db.QueryRow(ctx, `
		SELECT c.cell_id, (SELECT min(cell_id) FROM candidate WHERE cell_id <> c.cell_id), p.code,
			(SELECT min(id) FROM candidate WHERE NOT closed AND stage IS NOT NULL)
		FROM candidate c JOIN party_unit p ON p.id = c.cell_id ORDER BY c.id LIMIT 1`).Scan(&cell, &cell2, &code, &open); err != nil {
		t.Fatal(err)
	}
	id, err := reg.Create(ctx, db, by, cell, person("1995-04-02"), today)
	if err != nil {
		t.Fatal(err)
	}
	record := func(id int64, s register.Step) {
		t.Helper()
		f, err := reg.Get(ctx, db, by, id, today)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := reg.RecordStep(ctx, db, by, id, f.Version, s, today); err != nil {
			t.Fatalf("%s: %v", s.Kind, err)
		}
	}
	record(id, register.Step{Kind: register.Course, On: day("2026-01-05"), Issuer: "Trung tâm chính trị"})
	checkSummaries(t, db, "after a course")
	for _, k := range []register.Kind{register.Application, register.Verification} {
		record(id, register.Step{Kind: k, On: day("2026-01-06")})
	}
	record(id, register.Step{Kind: register.Sponsors, On: day("2026-01-06"), Helper: "Trần Văn A, Lê Văn B"})
	record(id, vote(register.CellResolution, "2026-02-02", 9, 9))
	checkSummaries(t, db, "after a cell resolution")
	record(id, doc(register.Decision, "2026-02-10"))
	record(id, doc(register.Ceremony, "2026-03-02"))
	record(id, register.Step{Kind: register.Transferred, On: day("2026-10-01"), ToCellID: cell2})
	f, err := reg.Get(ctx, db, by, id, today)
	if err != nil {
		t.Fatal(err)
	}
	p := person("1995-04-02")
	p.Name = "Nguyễn Thị Lan Anh"
	if err := reg.Update(ctx, db, by, id, f.Version, p, today); err != nil {
		t.Fatal(err)
	}
	checkSummaries(t, db, "after a ceremony, a transfer and an edit")
	record(open, doc(register.Withdrawn, "2026-11-20"))
	header := "Mã trong tệp;Mã chi bộ;Họ và tên;Ngày sinh;Giới tính;Dân tộc;Nghề nghiệp;Trình độ học vấn;Nơi làm việc;Số định danh cá nhân\n"
	row := "A;" + code + ";Lê Văn Nam;01/02/1997;Nam;Kinh;Nông dân;Đại học;Hợp tác xã;079197005678\n"
	if res, err := reg.Import(ctx, db, by, strings.NewReader(header+row), "ho-so.csv", false, today); err != nil || res.Created != 1 {
		t.Fatalf("import: %+v %v", res, err)
	}
	if n := checkSummaries(t, db, "after a withdrawal and an import"); n != 0 {
		t.Fatalf("%d files differ after the writes", n)
	}
	// A day off moves working-day deadlines: the open files' summaries are stale, and read the
	// slow way, until resummarised.
	before := todoIDs(t, db, today)
	off := calendar.Exception{Day: day("2026-10-15"), Kind: calendar.DayOff, Note: "Nghỉ bù (kiểm tra)"}
	if err := calendar.AddException(ctx, db, by, off); err != nil {
		t.Fatal(err)
	}
	if n := checkSummaries(t, db, "after a day off"); n == 0 {
		t.Fatal("a day off on 15/10/2026 moved no deadline: the test proves nothing")
	}
	stale := todoIDs(t, db, today)
	if n, err := register.Resummarise(ctx, db, false); err != nil || n == 0 {
		t.Fatalf("resummarised %d: %v", n, err)
	}
	if n := checkSummaries(t, db, "after resummarising"); n != 0 {
		t.Fatalf("%d files differ after resummarising", n)
	}
	if after := todoIDs(t, db, today); strings.Join(stale, "\n") != strings.Join(after, "\n") {
		t.Errorf("Việc cần làm: %d tasks while stale, %d after resummarising", len(stale), len(after))
	} else if strings.Join(before, "\n") == strings.Join(after, "\n") {
		t.Error("the day off changed no task")
	}
	if err := calendar.RemoveException(ctx, db, by, off.Day); err != nil {
		t.Fatal(err)
	}
	if _, err := register.Resummarise(ctx, db, false); err != nil {
		t.Fatal(err)
	}
	if n := checkSummaries(t, db, "after the day off is removed"); n != 0 {
		t.Fatalf("%d files differ", n)
	}
	if again := todoIDs(t, db, today); strings.Join(before, "\n") != strings.Join(again, "\n") {
		t.Errorf("Việc cần làm: %d tasks before the day off, %d after it is removed", len(before), len(again))
	}
	// A rule set from a day some files' steps came after: their deadlines move too.
	if _, err := db.Exec(ctx, `INSERT INTO admission_rules
		SELECT '2026-08-01', 45, decision_extra_days, ceremony_days, probation_months, recognition_vote_days,
			recognition_decision_days, recognition_decision_extra_days, certificate_years, certificate_warn_months,
			dossier_months, min_age, max_age, 5, probation_warn_days, 'test rules'
		FROM admission_rules WHERE valid_from = '2025-07-01'`); err != nil {
		t.Fatal(err)
	}
	if n := checkSummaries(t, db, "after a rule set"); n == 0 {
		t.Fatal("a rule set from 01/08/2026 moved no deadline: the test proves nothing")
	}
	if _, err := register.Resummarise(ctx, db, false); err != nil {
		t.Fatal(err)
	}
	if n := checkSummaries(t, db, "after the rule set is resummarised"); n != 0 {
		t.Fatalf("%d files differ", n)
	}
}

// TestResummariseAlongsideStepsKeepsEachFilesSummary records steps while every open file's
// summary is worked out again at the same time: each summary is its file's last steps'.
func TestResummariseAlongsideStepsKeepsEachFilesSummary(t *testing.T) {
	f := newFixture(t)
	ids := make([]int64, 12)
	for i := range ids {
		ids[i] = f.file(t, "1990-01-01")
	}
	stop, done := make(chan struct{}), make(chan error)
	for range 2 {
		go func() {
			for {
				select {
				case <-stop:
					done <- nil
					return
				default:
				}
				if _, err := register.Resummarise(t.Context(), f.db, true); err != nil {
					done <- err
					return
				}
			}
		}()
	}
	for _, id := range ids {
		f.ready(t, id, "2026-09-01")
	}
	close(stop)
	if err := errors.Join(<-done, <-done); err != nil {
		t.Fatal(err)
	}
	if n := checkSummaries(t, f.db, "after steps alongside resummarising"); n != 0 {
		t.Fatalf("%d files differ", n)
	}
}
