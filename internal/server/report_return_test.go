package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"ptdang/internal/browsertest"
	"ptdang/internal/report"
)

// The fixture's Q1/2026 report, sent on 05/04/2026, locked with the defaults at the end of April;
// the fixture's day is 03/07/2026.
var q1of2026 = report.Period{Year: 2026, Quarter: 1}

// phoneAndDesktop are the screens a journey is walked on.
var phoneAndDesktop = []struct {
	name          string
	width, height int64
}{{"phone", 360, 740}, {"desktop", 1366, 768}}

// reportState reads the stored state and version of the cell's Q1/2026 report, and the day its
// extension runs to ("" without one).
func reportState(t *testing.T, s *Server, cell int64) (state string, version int, until string) {
	t.Helper()
	if err := s.DB.QueryRow(t.Context(), `SELECT r.state, r.version, COALESCE(to_char(e.until, 'DD/MM/YYYY'), '')
		FROM quarterly_report r LEFT JOIN report_exception e ON e.cell_id = r.cell_id AND e.year = r.year AND e.quarter = r.quarter
		WHERE r.cell_id = $1 AND r.year = 2026 AND r.quarter = 1`, cell).Scan(&state, &version, &until); err != nil {
		t.Fatal(err)
	}
	return state, version, until
}

// Whoever gives extensions returns a locked report with one, a week ahead proposed; the commune,
// which gives none, is told who does and is refused an extension it posts anyway.
func TestTheReturnOfALockedReportOffersTheExtensionToWhoeverGivesOne(t *testing.T) {
	s, base := newTestServer(t)
	f := newReportFixture(t, s, base)
	path := base + reportHref(f.cell, q1of2026)
	_, province := send(t, f.staff, "GET", path, nil)
	if !strings.Contains(province, `action="`+reportHref(f.cell, q1of2026)+`/return-extend"`) || !strings.Contains(province, `name="until" value="10/07/2026"`) {
		t.Error("the province's return form of a locked report lacks the extension, proposed for 10/07/2026")
	}
	_, commune := send(t, f.xa, "GET", path, nil)
	if strings.Contains(commune, `name="until"`) || !strings.Contains(commune, "khi Ban Tổ chức Tỉnh ủy gia hạn") {
		t.Error("the commune's return form of a locked report offers an extension, or does not say who gives one")
	}
	resp, _ := send(t, f.xa, "POST", path+"/return-extend", url.Values{"version": {"1"}, "reason": {"Sai số nữ"}, "until": {"10/07/2026"}})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("the commune posting an extension: %d, want 403", resp.StatusCode)
	}
	if state, _, until := reportState(t, s, f.cell); state != "submitted" || until != "" {
		t.Fatalf("after the commune's refused attempt: %s, extended to %q", state, until)
	}
	// The commune's plain return without a reason: the error stands beside the reason.
	resp, page := send(t, f.xa, "POST", path+"/return", url.Values{"version": {"1"}, "reason": {""}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, `data-testid="error-reason"`) {
		t.Errorf("a return without a reason: %d, its error beside the reason: %v", resp.StatusCode, strings.Contains(page, `data-testid="error-reason"`))
	}
	// Before the lock, the province's return is the plain one.
	at(s, "2026-04-06")
	if _, open := send(t, f.staff, "GET", path, nil); strings.Contains(open, `name="until"`) {
		t.Error("a return before the lock offers an extension")
	}
}

// Of simultaneous returns with an extension, from one version, exactly one applies; the others
// get the conflict page, never a 500.
func TestSimultaneousReturnsWithAnExtensionGiveOneSuccessAndConflictPages(t *testing.T) {
	s, base := newTestServer(t)
	f := newReportFixture(t, s, base)
	path := base + reportHref(f.cell, q1of2026) + "/return-extend"
	const n = 3 // the test's own pool has 4 connections: one must stay free to watch the waiting
	clients, paths, forms := make([]*http.Client, n), make([]string, n), make([]url.Values, n)
	for i := range n {
		clients[i], paths[i] = f.staff, path
		forms[i] = url.Values{"version": {"1"}, "reason": {"Sai số nữ"}, "until": {[]string{"10/07/2026", "11/07/2026", "12/07/2026"}[i]}}
	}
	status, bodies := postsHeldAtTheWrite(t, s, `SELECT 1 FROM quarterly_report WHERE cell_id = $1 AND year = 2026 AND quarter = 1 FOR UPDATE`, []any{f.cell},
		clients, paths, forms)
	won := oneSuccessOneConflict(t, status, bodies, "Báo cáo vừa được người khác thay đổi")
	if state, version, until := reportState(t, s, f.cell); state != "returned" || version != 2 || until != forms[won].Get("until") {
		t.Fatalf("stored %s v%d extended to %q, want returned v2 extended to the winner's %s", state, version, until, forms[won].Get("until"))
	}
}

// The journey at 360×740 and on a desktop: the commune sees why returning will not help and who
// extends; the province returns with an extension in one step, the errors beside their fields
// first; the secretary can then fix the report.
func TestReturningALockedReportWithAnExtensionInTheBrowser(t *testing.T) {
	s, base := newTestServer(t)
	f := newReportFixture(t, s, base)
	path := base + reportHref(f.cell, q1of2026)

	for _, size := range phoneAndDesktop {
		b := browsertest.New(t)
		browserSignIn(t, b, base, "xa.myan", size.width, size.height)
		b.Open(path, size.width, size.height)
		if got := b.Text("[data-testid=locked-notice]"); !strings.Contains(got, "khi Ban Tổ chức Tỉnh ủy gia hạn") {
			t.Errorf("%s: the commune is told %q", size.name, got)
		}
		if n := browsertest.Eval[int](b, `document.querySelectorAll("[data-testid=extend]").length`); n != 0 {
			t.Errorf("%s: the commune is offered an extension", size.name)
		}
		b.Screenshot("return-locked-commune-" + size.name)
	}

	b := browsertest.New(t)
	browserSignIn(t, b, base, "tinh", 1366, 768)
	b.Open(path, 1366, 768)
	if got := browsertest.Eval[string](b, `document.querySelector("#until").value`); got != "10/07/2026" {
		t.Errorf("the extension proposed is %q, want a week ahead, 10/07/2026", got)
	}
	b.Screenshot("return-locked-province-desktop")

	b.Open(path, 360, 740)
	b.Fill("#until", "01/07/2026")
	b.ClickToPage("[data-testid=return]")
	if got := b.Text("[data-testid=error-until]"); !strings.Contains(got, "phải từ hôm nay (03/07/2026)") {
		t.Errorf("a day already past: %q", got)
	}
	b.Text("[data-testid=error-reason]")
	// Each error sits right under its own field, not screens away.
	for _, id := range []string{"until", "reason"} {
		gap := browsertest.Eval[float64](b, `document.querySelector("[data-testid=error-`+id+`]").getBoundingClientRect().top - document.querySelector("#`+id+`").getBoundingClientRect().bottom`)
		if gap < 0 || gap > 80 {
			t.Errorf("the error of %s is %.0f px from its field", id, gap)
		}
	}
	if state, _, until := reportState(t, s, f.cell); state != "submitted" || until != "" {
		t.Fatalf("after the refused step: %s, extended to %q", state, until)
	}
	b.Screenshot("return-locked-province-phone-errors")
	b.Fill("#reason", "Số nữ chưa khớp danh sách")
	b.Fill("#until", "15/07/2026")
	b.ClickToPage("[data-testid=return]")
	if got := b.Text("[data-testid=message]"); !strings.Contains(got, "đến hết ngày 15/07/2026") {
		t.Errorf("after the return: %q", got)
	}
	if got := b.Text("[data-testid=state]"); got != "Bị trả lại" {
		t.Errorf("state %q after the return", got)
	}
	b.Screenshot("return-locked-province-phone-done")

	sec := browsertest.New(t)
	browserSignIn(t, sec, base, "bithu", 360, 740)
	sec.Open(path, 360, 740)
	sec.Text("[data-testid=submit]") // the cell can send its fix
	if got := sec.Text("[data-testid=returned-reason]"); !strings.Contains(got, "Số nữ chưa khớp danh sách") {
		t.Errorf("the secretary reads %q", got)
	}
	sec.Screenshot("return-locked-secretary-phone")
}
