package server

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"ptdang/internal/report"
)

// postsHeldAtTheWrite posts each form at once while the test's own transaction, opened by hold
// on a connection of its own, keeps the report's row locked; it releases the row (rollback) only
// when every request waits on it, so all of them have read the report before any of them
// writes: the moment two people press "save" together. It returns each status and body.
func postsHeldAtTheWrite(t *testing.T, s *Server, hold string, args []any, clients []*http.Client, paths []string, forms []url.Values) ([]int, []string) {
	t.Helper()
	ctx := t.Context()
	conn, err := pgx.Connect(ctx, s.DB.Config().ConnConfig.ConnString())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, hold, args...); err != nil {
		t.Fatal(err)
	}
	n := len(forms)
	status, bodies, errs := make([]int, n), make([]string, n), make([]error, n)
	var done sync.WaitGroup
	for i := range n {
		done.Add(1)
		go func() {
			defer done.Done()
			c := *clients[i]
			c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
			resp, err := c.PostForm(paths[i], forms[i])
			if err != nil {
				errs[i] = err
				return
			}
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			status[i], bodies[i], errs[i] = resp.StatusCode, string(b), err
		}()
	}
	// Wait until every request is blocked on the held row (or has already answered: the code
	// under test may not write at all).
	deadline := time.Now().Add(20 * time.Second)
	for {
		var waiting int
		if err := s.DB.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if waiting == n || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	done.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
	}
	return status, bodies
}

// oneSuccessOneConflict fails t unless one answer is the redirect after success and the other
// the conflict page (409, saying conflictText): never a 500. It returns the winner.
func oneSuccessOneConflict(t *testing.T, status []int, bodies []string, conflictText string) int {
	t.Helper()
	won := -1
	for i, st := range status {
		switch {
		case st == http.StatusSeeOther && won < 0:
			won = i
		case st == http.StatusConflict && strings.Contains(bodies[i], conflictText):
		default:
			t.Fatalf("statuses %v, want one 303 and one 409 saying %q; answer %d:\n%s", status, conflictText, i, bodies[i])
		}
	}
	if won < 0 {
		t.Fatalf("statuses %v, want one 303", status)
	}
	return won
}

func TestTwoFirstSavesAtOnceGiveOneSuccessAndOneConflictPage(t *testing.T) {
	s, base, f := serverWith(t, newReportFixture)
	path := base + reportHref(f.cell, q2026)
	sec := url.Values{"action": {"save"}, "version": {"0"}, "opening": {"14"}, "admitted": {"1"}, "closing": {"15"}}
	xa := url.Values{"action": {"save"}, "version": {"0"}, "opening": {"14"}, "admitted": {"2"}, "closing": {"16"}}
	// The held row is an uncommitted first save: both requests find no report, then meet at the insert.
	status, bodies := postsHeldAtTheWrite(t, s, `INSERT INTO quarterly_report (cell_id, year, quarter, version) VALUES ($1, 2026, 2, 0)`, []any{f.cell},
		[]*http.Client{f.sec, f.xa}, []string{path, path}, []url.Values{sec, xa})
	won := oneSuccessOneConflict(t, status, bodies, `data-testid="conflict"`)
	// The loser's page keeps what they typed and shows the stored figures.
	lost, typed, stored := 1, `name="admitted" value="2"`, "1"
	if won == 1 {
		lost, typed, stored = 0, `name="admitted" value="1"`, "2"
	}
	if !strings.Contains(bodies[lost], typed) {
		t.Fatalf("the conflict page lost what was typed (%s)", typed)
	}
	var admitted, revisions int
	if err := s.DB.QueryRow(t.Context(), `SELECT r.admitted, (SELECT count(*) FROM quarterly_report_revision v WHERE v.report_id = r.id)
		FROM quarterly_report r WHERE r.cell_id = $1 AND r.year = 2026 AND r.quarter = 2`, f.cell).Scan(&admitted, &revisions); err != nil {
		t.Fatal(err)
	}
	if revisions != 1 || stored != map[int]string{1: "1", 2: "2"}[admitted] {
		t.Fatalf("stored admitted %d with %d revisions, want the winner's %s and 1", admitted, revisions, stored)
	}
}

func TestApproveAndReturnAtOnceGiveOneSuccessAndOneConflictPage(t *testing.T) {
	s, base, f := serverWith(t, newReportFixture)
	q1 := report.Period{Year: 2026, Quarter: 1} // submitted, version 1
	path := base + reportHref(f.cell, q1)
	status, bodies := postsHeldAtTheWrite(t, s, `SELECT 1 FROM quarterly_report WHERE cell_id = $1 AND year = 2026 AND quarter = 1 FOR UPDATE`, []any{f.cell},
		[]*http.Client{f.xa, f.xa}, []string{path + "/approve", path + "/return"},
		[]url.Values{{"version": {"1"}}, {"version": {"1"}, "reason": {"Số nữ chưa đúng"}}})
	won := oneSuccessOneConflict(t, status, bodies, "Báo cáo vừa được người khác thay đổi")
	var (
		state    string
		reason   string
		approved bool
	)
	if err := s.DB.QueryRow(t.Context(), `SELECT state, returned_reason, approved_at IS NOT NULL FROM quarterly_report
		WHERE cell_id = $1 AND year = 2026 AND quarter = 1`, f.cell).Scan(&state, &reason, &approved); err != nil {
		t.Fatal(err)
	}
	want := map[int]string{0: "approved", 1: "returned"}[won]
	if state != want || (state == "approved") != approved || (state == "returned") != (reason != "") {
		t.Fatalf("stored %s, reason %q, approved_at set %v; want %s alone", state, reason, approved, want)
	}
}
