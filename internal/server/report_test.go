package server

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"ptdang/internal/account"
	"ptdang/internal/browsertest"
	"ptdang/internal/org"
	"ptdang/internal/report"
	"ptdang/web"
)

var reportHref = web.ReportHref

// reportFixture is the org fixture with a secretary for the cell and staff for the commune,
// and the cell's Q1/2026 report approved (closing 14), so Q2/2026 opens at 14.
type reportFixture struct {
	orgFixture
	sec, xa *http.Client // signed in as the cell's secretary and as the commune's staff
}

var q2026 = report.Period{Year: 2026, Quarter: 2}

func newReportFixture(t *testing.T, s *Server, base string) reportFixture {
	t.Helper()
	f := reportFixture{orgFixture: newOrgFixture(t, s, base)}
	addUser(t, s, "bithu", account.CellSecretary, f.cell)
	addUser(t, s, "xa.myan", account.CommuneStaff, f.commune)
	f.sec, f.xa = signIn(t, base, "bithu"), signIn(t, base, "xa.myan")
	s.Now = func() time.Time { return time.Date(2026, 7, 3, 9, 0, 0, 0, time.UTC) }
	q1 := report.Figures{"opening": 14, "closing": 14, "full_members": 13, "probationary": 1, "women": 5}
	scope := f.staffScope(t, s)
	if _, err := report.Submit(t.Context(), s.DB, scope, f.cell, report.Period{Year: 2026, Quarter: 1}, report.Entry{Figures: q1}, time.Date(2026, 4, 5, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestConflictingSaveKeepsWhatTheSecondUserTyped(t *testing.T) {
	_, base, f := serverWith(t, newReportFixture)
	path := base + reportHref(f.cell, q2026)
	draft := url.Values{"action": {"save"}, "version": {"0"}, "opening": {"14"}, "admitted": {"1"}, "closing": {"15"}}
	if resp, body := send(t, f.sec, "POST", path, draft); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("first save: %d\n%s", resp.StatusCode, body)
	}
	// The commune opened version 0 too, and saves its own figures on top.
	mine := url.Values{"action": {"save"}, "version": {"0"}, "opening": {"14"}, "admitted": {"2"}, "closing": {"16"}}
	resp, body := send(t, f.xa, "POST", path, mine)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, `data-testid="conflict"`) {
		t.Fatalf("second save: %d", resp.StatusCode)
	}
	if !strings.Contains(body, `name="admitted" value="2"`) || !strings.Contains(body, `name="closing" value="16"`) {
		t.Fatal("the second user's typed values are not kept on the page")
	}
	// Saving again, knowingly, takes the second user's figures: the page now carries the stored version.
	m := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(body)
	if m == nil || m[1] != "1" {
		t.Fatalf("version on the conflict page: %v", m)
	}
	mine.Set("version", m[1])
	if resp, _ := send(t, f.xa, "POST", path, mine); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("knowing save: %d", resp.StatusCode)
	}
}

func TestApprovedReportCannotBeEditedThroughTheForm(t *testing.T) {
	_, base, f := serverWith(t, newReportFixture)
	path := base + reportHref(f.cell, report.Period{Year: 2026, Quarter: 1})
	_, body := send(t, f.sec, "GET", path, nil)
	if strings.Contains(body, `name="admitted"`) {
		t.Fatal("a submitted report shows an editable form")
	}
	resp, body := send(t, f.sec, "POST", path, url.Values{"action": {"save"}, "version": {"1"}, "opening": {"14"}, "closing": {"14"}})
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "Báo cáo đã được gửi hoặc duyệt nên không sửa được nữa.") {
		t.Fatalf("posting to a submitted report: %d", resp.StatusCode)
	}
}

func TestSecretaryAndCommuneJourneyOnAPhone(t *testing.T) {
	s, base, f := serverWith(t, newReportFixture)
	b := signedInBrowser(t, base, "bithu", base+"/reports", 360, 740)
	b.WantText("h1", "Báo cáo Quý 2/2026")
	if got := browsertest.Eval[string](b, `document.getElementById("opening").value`); got != "14" {
		t.Fatalf("opening pre-filled with %q, want last quarter's closing 14", got)
	}
	b.Fill("#admitted", "2")
	b.Fill("#closing", "15") // wrong: 14 + 2 = 16
	b.Fill("#full_members", "13")
	b.Fill("#probationary", "2")
	b.WaitText("[data-testid=checks]", "Cuối quý phải bằng 16")
	// The draft saves itself as the secretary types.
	b.WaitText("[data-testid=autosave]", "Đã tự lưu nháp")
	b.ClickToPage("[data-testid=submit]")
	b.WaitText("[data-testid=error-closing]", "Cuối quý phải bằng 16")
	b.Fill("#closing", "16")
	b.Fill("#full_members", "14")
	b.WaitText("[data-testid=checks]", "Số liệu khớp")
	if w := browsertest.Eval[int64](b, `document.documentElement.scrollWidth`); w > 360 {
		t.Errorf("the report form is %d px wide on a 360 px phone", w)
	}
	t.Logf("screenshot: %s", b.Screenshot("report-form-phone"))
	clickToState(t, b, "[data-testid=submit]", "Đã gửi, chờ duyệt")

	// The commune returns it with a reason.
	phoneSignInAgain(t, b, base, "xa.myan", reportHref(f.cell, q2026))
	b.Fill("#reason", "Thiếu số nữ cuối quý")
	clickToState(t, b, "[data-testid=return]", "Bị trả lại")

	// The secretary sees the reason, corrects and resubmits.
	phoneSignInAgain(t, b, base, "bithu", "/reports")
	b.WaitText("[data-testid=returned-reason]", "Thiếu số nữ cuối quý")
	b.Fill("#women", "6")
	clickToState(t, b, "[data-testid=submit]", "Đã gửi, chờ duyệt")

	// The commune approves.
	phoneSignInAgain(t, b, base, "xa.myan", reportHref(f.cell, q2026))
	clickToState(t, b, "[data-testid=approve]", "Đã duyệt")
	rep, err := report.Get(t.Context(), s.DB, f.staffScope(t, s), f.cell, q2026)
	if err != nil || rep.State != report.Approved || rep.Figures["women"] != 6 || rep.Figures["closing"] != 16 || rep.OnBehalf {
		t.Fatalf("stored report: %+v %v", rep, err)
	}
}

// clickToState clicks button and expects the report page it leads to to show the state want.
func clickToState(t *testing.T, b *browsertest.Browser, button, want string) {
	t.Helper()
	b.ClickToPage(button)
	b.WantText("[data-testid=state]", want)
}

// phoneSignInAgain signs the browser out, and in as login on a 360 px phone, and opens path.
func phoneSignInAgain(t *testing.T, b *browsertest.Browser, base, login, path string) {
	t.Helper()
	b.ClickToPage("[data-testid=logout]")
	browserSignIn(t, b, base, login, 360, 740)
	b.Open(base+path, 360, 740)
}

func (f reportFixture) staffScope(t *testing.T, s *Server) org.Scope {
	t.Helper()
	id, err := account.UserIDByLogin(t.Context(), s.DB, "tinh")
	if err != nil {
		t.Fatal(err)
	}
	u, err := account.UserByID(t.Context(), s.DB, id)
	if err != nil {
		t.Fatal(err)
	}
	return u.Scope(account.ReadStructure, "")
}

func TestProvinceSetsDeadlinesAndGrantsAnException(t *testing.T) {
	s, base, f := serverWith(t, newReportFixture)
	resp, body := send(t, f.staff, "POST", base+"/reports/settings", url.Values{"version": {"0"}, "deadline_days": {"100"}, "grace_days": {"5"}, "two_step": {"true"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `data-testid="error-deadline_days"`) {
		t.Fatalf("deadline of 100 days: %d", resp.StatusCode)
	}
	if resp, _ := send(t, f.staff, "POST", base+"/reports/settings", url.Values{"version": {"0"}, "deadline_days": {"5"}, "grace_days": {"0"}, "two_step": {"true"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save settings: %d", resp.StatusCode)
	}
	// Q2/2026 is now due 05/07 and locked from 06/07: on 07/07 the secretary cannot enter.
	s.Now = func() time.Time { return time.Date(2026, 7, 7, 9, 0, 0, 0, time.UTC) }
	_, body = send(t, f.sec, "GET", base+reportHref(f.cell, q2026), nil)
	if !strings.Contains(body, "Hạn gửi: 05/07/2026") || strings.Contains(body, `name="admitted"`) {
		t.Fatal("the new deadline does not lock the period")
	}
	if resp, _ := send(t, f.staff, "POST", base+"/reports/settings/exception", url.Values{"cell_code": {"TU.X01.A01"}, "year": {"2026"}, "quarter": {"2"}, "until": {"15/07/2026"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("grant exception: %d", resp.StatusCode)
	}
	_, body = send(t, f.sec, "GET", base+reportHref(f.cell, q2026), nil)
	if !strings.Contains(body, `name="admitted"`) {
		t.Fatal("the exception does not reopen entry")
	}
	// With the two-step setting, an approved report offers the province's acceptance.
	_, body = send(t, f.staff, "GET", base+reportHref(f.cell, report.Period{Year: 2026, Quarter: 1}), nil)
	if strings.Contains(body, `data-testid="accept"`) {
		t.Fatal("acceptance offered before the commune approved")
	}
}

func TestAutosaveKeepsTheDraftAndTheFormsVersion(t *testing.T) {
	s, base, f := serverWith(t, newReportFixture)
	path := base + reportHref(f.cell, q2026) + "/autosave"
	typed := url.Values{"version": {"0"}, "opening": {"14"}, "admitted": {"1"}}
	resp, body := send(t, f.sec, "POST", path, typed)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Đã tự lưu nháp") || !strings.Contains(body, `name="version" value="1" id="version" hx-swap-oob="true"`) {
		t.Fatalf("autosave: %d %s", resp.StatusCode, body)
	}
	rep, _ := report.Get(t.Context(), s.DB, f.staffScope(t, s), f.cell, q2026)
	if rep.State != report.Draft || rep.Figures["admitted"] != 1 {
		t.Fatalf("draft after autosave: %+v", rep)
	}
	// A stale version does not overwrite: it says so.
	_, body = send(t, f.xa, "POST", path, typed)
	if !strings.Contains(body, "người khác vừa lưu") {
		t.Fatalf("stale autosave: %s", body)
	}
}

func TestAQuarterNotEndedCannotBeEnteredThroughThePage(t *testing.T) {
	s, base, f := serverWith(t, newReportFixture) // today is 03/07/2026
	for _, p := range []report.Period{{Year: 2026, Quarter: 3}, {Year: 2027, Quarter: 3}} {
		path := base + reportHref(f.cell, p)
		resp, body := send(t, f.sec, "GET", path, nil)
		if resp.StatusCode != http.StatusOK || strings.Contains(body, `name="admitted"`) || !strings.Contains(body, p.String()+" chưa kết thúc") {
			t.Fatalf("page of %s: %d, an editable form or no notice naming the quarter", p, resp.StatusCode)
		}
		figures := url.Values{"version": {"0"}, "opening": {"14"}, "closing": {"14"}, "full_members": {"14"}}
		for _, action := range []string{"save", "submit"} {
			figures.Set("action", action)
			resp, body := send(t, f.sec, "POST", path, figures)
			if resp.StatusCode != http.StatusConflict || !strings.Contains(body, p.String()+" chưa kết thúc") {
				t.Fatalf("%s of %s: %d", action, p, resp.StatusCode)
			}
		}
		if _, body := send(t, f.sec, "POST", path+"/check", figures); !strings.Contains(body, p.String()+" chưa kết thúc") {
			t.Fatalf("the live check of %s does not say the quarter has not ended:\n%s", p, body)
		}
		if _, body := send(t, f.sec, "POST", path+"/autosave", figures); !strings.Contains(body, p.String()+" chưa kết thúc") {
			t.Fatalf("autosave of %s:\n%s", p, body)
		}
	}
	var n int
	if err := s.DB.QueryRow(t.Context(), `SELECT count(*) FROM quarterly_report WHERE year > 2026 OR quarter > 2`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d reports stored for quarters not ended (%v)", n, err)
	}
}
