package register_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"ptdang/internal/audit"
	"ptdang/internal/calendar"
	"ptdang/internal/format"
	"ptdang/internal/org"
	"ptdang/internal/pg"
	"ptdang/internal/pgtest"
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
	tasks, err := register.Todo(t.Context(), db, org.Everything(), today, register.Page{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, x := range tasks.Tasks {
		ids = append(ids, x.File.Name+" "+string(x.Clock.Kind)+" "+x.Clock.Due.Format(time.DateOnly))
	}
	return ids
}

// boardChecker compares the pipeline boards a cache serves with boards computed afresh, for the
// nation, every province and every commune of the first, on one day.
type boardChecker struct {
	db    pg.Querier
	cache *register.BoardCache
	today time.Time
	units []int64
}

func newBoardChecker(t *testing.T, db pg.Querier, today time.Time) *boardChecker {
	t.Helper()
	nation, err := register.Pipeline(t.Context(), db, org.Everything(), org.Nation, today)
	if err != nil || len(nation.Rows) == 0 {
		t.Fatalf("the nation's board: %d rows, %v", len(nation.Rows), err)
	}
	province, err := register.Pipeline(t.Context(), db, org.Everything(), nation.Rows[0].UnitID, today)
	if err != nil {
		t.Fatal(err)
	}
	c := &boardChecker{db: db, cache: register.NewBoardCache(10000), today: today, units: []int64{org.Nation}}
	for _, r := range append(nation.Rows, province.Rows...) {
		c.units = append(c.units, r.UnitID)
	}
	return c
}

// check fails t unless each board from the cache is the one computed afresh, and returns how
// many rows the cache computed.
func (c *boardChecker) check(t *testing.T, when string) int64 {
	t.Helper()
	before := c.cache.Stats().Misses
	for _, u := range c.units {
		got, err := c.cache.Pipeline(t.Context(), c.db, org.Everything(), u, c.today)
		if err != nil {
			t.Fatal(err)
		}
		want, err := register.Pipeline(t.Context(), c.db, org.Everything(), u, c.today)
		if err != nil {
			t.Fatal(err)
		}
		if g, w := shownBoard(got), shownBoard(want); g != w {
			t.Errorf("%s: unit %d's board from the cache\n%s\ncomputed afresh\n%s", when, u, g, w)
		}
	}
	return c.cache.Stats().Misses - before
}

// shownBoard is what a board shows.
func shownBoard(b register.Board) string {
	out := fmt.Sprintf("%d %s %s total %v\n", b.Unit.ID, b.Today.Format(time.DateOnly), b.FiguresOn.Format(time.DateOnly), shown(b.Total))
	for _, r := range b.Rows {
		out += fmt.Sprintf("%v\n", shown(r))
	}
	return out
}

// TestSummaryIsTheFilesAfterEveryWrite checks each file's stored summary and deadlines against
// those its steps give, and the pipeline boards a cache serves against boards computed afresh,
// on generated data: after the bulk load, after files are created, edited, stepped on,
// transferred, closed and imported, across a calendar change (stale until resummarised,
// Việc cần làm unchanged meanwhile), a rule set added, a sponsor who ceased to qualify and a
// cell moved to another commune.
func TestSummaryIsTheFilesAfterEveryWrite(t *testing.T) {
	db := generated(t)
	ctx := t.Context()
	today := day("2026-11-24")
	by := org.Everything().As(audit.Actor{Login: "kiemtra"})
	reg := register.Register{Keys: register.NewKeys("")}
	if n := checkSummaries(t, db, "after the bulk load"); n != 0 {
		t.Fatalf("%d files differ after the bulk load", n)
	}
	boards := newBoardChecker(t, db, today)
	if n := boards.check(t, "after the bulk load"); n == 0 {
		t.Fatal("the first boards came from an empty cache: nothing computed")
	}
	if n := boards.check(t, "nothing changed"); n != 0 {
		t.Errorf("%d rows computed again with nothing changed: the cache serves nothing", n)
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
	boards.check(t, "after a course")
	for _, k := range []register.Kind{register.Application, register.Verification} {
		record(id, register.Step{Kind: k, On: day("2026-01-06")})
	}
	record(id, register.Step{Kind: register.Sponsors, On: day("2026-01-06"), Helper: "Trần Văn A, Lê Văn B"})
	record(id, vote(register.CellResolution, "2026-02-02", 9, 9))
	checkSummaries(t, db, "after a cell resolution")
	boards.check(t, "after a cell resolution")
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
	boards.check(t, "after a ceremony, a transfer and an edit")
	record(open, doc(register.Withdrawn, "2026-11-20"))
	header := "Mã trong tệp;Mã chi bộ;Họ và tên;Ngày sinh;Giới tính;Dân tộc;Nghề nghiệp;Trình độ học vấn;Nơi làm việc;Số định danh cá nhân\n"
	row := "A;" + code + ";Lê Văn Nam;01/02/1997;Nam;Kinh;Nông dân;Đại học;Hợp tác xã;079197005678\n"
	if res, err := reg.Import(ctx, db, by, strings.NewReader(header+row), "ho-so.csv", false, today); err != nil || res.Created != 1 {
		t.Fatalf("import: %+v %v", res, err)
	}
	if n := checkSummaries(t, db, "after a withdrawal and an import"); n != 0 {
		t.Fatalf("%d files differ after the writes", n)
	}
	boards.check(t, "after a withdrawal and an import")
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
	boards.check(t, "after a day off")
	stale := todoIDs(t, db, today)
	if n, err := register.Resummarise(ctx, db, false); err != nil || n == 0 {
		t.Fatalf("resummarised %d: %v", n, err)
	}
	if n := checkSummaries(t, db, "after resummarising"); n != 0 {
		t.Fatalf("%d files differ after resummarising", n)
	}
	boards.check(t, "after resummarising")
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
	boards.check(t, "after the rule set is resummarised")
	// A sponsor of an open file's latest sponsors step ceased to qualify: the file counts overdue.
	if _, err := db.Exec(ctx, `
		INSERT INTO candidate_sponsor (step_id, name, youth_union, ceased_on)
		SELECT max(s.id), 'Người giới thiệu (kiểm tra)', true, '2026-10-01' FROM candidate_step s JOIN candidate c ON c.id = s.candidate_id
		WHERE s.kind = 'sponsors' AND NOT c.closed AND (c.overdue_from IS NULL OR c.overdue_from > '2026-11-24')`); err != nil {
		t.Fatal(err)
	}
	boards.check(t, "after a sponsor ceased to qualify")
	// A cell holding files moves to another commune: the rows of both communes change.
	var moved, to int64
	if err := db.QueryRow(ctx, `
		SELECT v.unit_id, (SELECT min(o.unit_id) FROM party_unit_version o WHERE o.kind = 'commune_committee' AND o.valid_to IS NULL
			AND o.unit_id <> v.parent_id AND o.unit_id IN (SELECT unit_id FROM party_unit_version p WHERE p.parent_id = $1))
		FROM party_unit_version v WHERE v.valid_to IS NULL AND v.kind IN ('grassroots_cell', 'affiliated_cell')
			AND v.valid_from < '2026-01-01' AND v.unit_id IN (SELECT cell_id FROM candidate WHERE NOT closed)
			AND v.parent_id IN (SELECT unit_id FROM party_unit_version p WHERE p.parent_id = $1 AND p.kind = 'commune_committee')
		ORDER BY v.unit_id LIMIT 1`, boards.units[1]).Scan(&moved, &to); err != nil {
		t.Fatal(err)
	}
	if err := org.MoveUnit(ctx, db, by, org.PartyTree, org.Reorg{Effective: day("2026-02-01"), Note: "thử"}, moved, to); err != nil {
		t.Fatal(err)
	}
	if n := boards.check(t, "after a cell moved"); n == 0 {
		t.Error("a cell moved and no row was computed again")
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

// TestChangesAcrossCommunesInOneTransactionDoNotDeadlock: transactions that change files of two
// communes of a province in opposite orders (an import beside another) all commit, and each one
// moves the province's board generation: the generations are bumped once, at commit.
func TestChangesAcrossCommunesInOneTransactionDoNotDeadlock(t *testing.T) {
	db := generated(t)
	ctx := t.Context()
	// Files of two communes of one province, a file of each for each transaction.
	const pairs = 6
	var province, communeA, communeB int64
	if err := db.QueryRow(ctx, `
		WITH f AS (
			SELECT v.parent_id AS commune, p.parent_id AS province, count(*) AS files FROM candidate c
			JOIN party_unit_version v ON v.unit_id = c.cell_id AND v.valid_to IS NULL
			JOIN party_unit_version p ON p.unit_id = v.parent_id AND p.valid_to IS NULL AND p.kind = 'commune_committee'
			GROUP BY 1, 2 HAVING count(*) >= $1
		)
		SELECT x.province, x.commune, y.commune FROM f x JOIN f y ON y.province = x.province AND y.commune > x.commune
		ORDER BY 2, 3 LIMIT 1`, 2*pairs).Scan(&province, &communeA, &communeB); err != nil {
		t.Fatal(err)
	}
	filesOf := func(commune int64) []int64 {
		return pgtest.Column[int64](t, db, `SELECT c.id FROM candidate c JOIN party_unit_version v ON v.unit_id = c.cell_id
			AND v.valid_to IS NULL WHERE v.parent_id = $1 ORDER BY c.id LIMIT $2`, commune, 2*pairs)
	}
	inA, inB := filesOf(communeA), filesOf(communeB)
	gen := func() int64 {
		var g int64
		if err := db.QueryRow(ctx, `SELECT COALESCE((SELECT gen FROM register_generation WHERE unit_id = $1), 0)`, province).Scan(&g); err != nil {
			t.Fatal(err)
		}
		return g
	}
	before := gen()
	errs := make(chan error, 2*pairs)
	start := make(chan struct{})
	for i := range 2 * pairs {
		first, second := inA[i], inB[i]
		if i%2 == 1 {
			first, second = second, first
		}
		go func() {
			<-start
			errs <- pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
				for _, id := range []int64{first, second} {
					if _, err := tx.Exec(ctx, `UPDATE candidate SET full_name = full_name WHERE id = $1`, id); err != nil {
						return err
					}
					if _, err := tx.Exec(ctx, `SELECT pg_sleep(0.05)`); err != nil {
						return err
					}
				}
				return nil
			})
		}()
	}
	close(start)
	for range 2 * pairs {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if after := gen(); after-before != 2*pairs {
		t.Errorf("the province's generation moved by %d for %d transactions, want one each", after-before, 2*pairs)
	}
}

// TestKeepWarmMakesTheNationsRows: the server's background run leaves the nation's board in the
// cache, so its first view computes nothing.
func TestKeepWarmMakesTheNationsRows(t *testing.T) {
	db := generated(t)
	cache := register.NewBoardCache(10000)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		cache.KeepWarm(ctx, db, time.Hour, slog.New(slog.DiscardHandler))
		close(done)
	}()
	deadline := time.Now().Add(time.Minute)
	for cache.Stats().Misses == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	before := cache.Stats().Misses
	if before == 0 {
		t.Fatal("KeepWarm computed nothing")
	}
	if _, err := cache.Pipeline(t.Context(), db, org.Everything(), org.Nation, format.Today(time.Now())); err != nil {
		t.Fatal(err)
	}
	if n := cache.Stats().Misses - before; n != 0 {
		t.Errorf("the first view after KeepWarm computed %d rows", n)
	}
}
