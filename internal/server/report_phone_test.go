package server

import (
	"strings"
	"testing"
	"time"

	"ptdang/internal/browsertest"
	"ptdang/internal/report"
)

// Typing in the report form, with its live check and autosave, breaks none of the page's
// Content-Security-Policy (an inline style once did, at every keystroke).
func TestTypingInTheReportFormKeepsToThePolicy(t *testing.T) {
	b := secretaryOnAPhone(t)
	browsertest.Eval[bool](b, `window.cspViolations = [];
		document.addEventListener("securitypolicyviolation", e =>
			window.cspViolations.push(e.violatedDirective + " " + e.sourceFile + ":" + e.lineNumber + " " + e.sample)); true`)
	b.Fill("#admitted", "2")
	b.Fill("#closing", "15")
	b.WaitText("[data-testid=checks]", "Cuối quý phải bằng 16")
	b.WaitText("[data-testid=autosave]", "Đã tự lưu nháp")
	b.Fill("#closing", "16")
	b.Fill("#full_members", "14")
	b.Fill("#probationary", "2")
	b.WaitText("[data-testid=checks]", "Số liệu khớp")
	if got := browsertest.Eval[[]string](b, `window.cspViolations`); len(got) > 0 {
		t.Errorf("typing in the form broke the page's policy: %q", got)
	}
	// The probe hears a violation: an inline style attribute is one.
	browsertest.Eval[bool](b, `document.body.setAttribute("style", "color: red"); true`)
	var got []string
	for range 50 { // the event comes a moment later
		if got = browsertest.Eval[[]string](b, `window.cspViolations`); len(got) > 0 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if len(got) != 1 {
		t.Errorf("the probe heard %q after an inline style, want one violation", got)
	}
}

// On a phone the secretary chooses whether the congress was held (not 1 or 0), every control is
// at least 44 px tall, and the quarter before is one tap away; the quarter after only once it
// has ended.
func TestReportFormOnAPhoneIsChosenAndTapped(t *testing.T) {
	b := secretaryOnAPhone(t)
	if got := browsertest.Eval[string](b, `[...document.querySelectorAll("select#congress_held option")].map(o => o.text).join("/")`); got != "Chưa/Có" {
		t.Errorf("the congress is chosen from %q, want Chưa/Có", got)
	}
	if h := browsertest.Eval[float64](b, `Math.min(...[...document.querySelectorAll(".figure input, .figure select")].map(e => e.getBoundingClientRect().height))`); h < 44 {
		t.Errorf("the smallest figure control is %.0f px tall, under 44", h)
	}
	if got := b.Text("[data-testid=quarter-nav]"); got != "‹ Quý 1/2026" {
		t.Errorf("quarter links %q: the last quarter ended has no next one yet", got)
	}
	b.ClickLinkToPage("‹ Quý 1/2026")
	b.WantText("h1", "Báo cáo Quý 1/2026")
	if got := b.Text("[data-testid=quarter-nav]"); !strings.Contains(got, "Quý 2/2026 ›") {
		t.Errorf("quarter links %q lack the quarter after", got)
	}
}

// An error shows beside its field as the secretary types and goes once the field is right; after
// a refused submission the cursor is in the first field in error.
func TestReportErrorsShowAndClearBesideTheirFields(t *testing.T) {
	b := secretaryOnAPhone(t)
	b.Fill("#admitted", "2")
	b.Fill("#closing", "15") // 14 + 2 = 16
	b.WaitText("[data-testid=error-closing]", "Cuối quý phải bằng 16")
	b.ClickToPage("[data-testid=submit]")
	// The browser moves the cursor to an autofocus field at a rendering step after the page has
	// loaded, not with the load: wait for it (5 s at most) rather than read it at once.
	if got := browsertest.Await[string](b, `new Promise(done => {
		const since = Date.now();
		(function look() {
			const id = document.activeElement.id;
			if (id || Date.now() - since > 5000) done(id); else requestAnimationFrame(look);
		})();
	})`); got != "closing" {
		t.Errorf("after the refused submission the cursor is in %q, want the first field in error, closing", got)
	}
	b.Fill("#closing", "16")
	b.Fill("#full_members", "14")
	b.Fill("#probationary", "2")
	b.WaitText("[data-testid=checks]", "Số liệu khớp")
	if hidden := browsertest.Eval[bool](b, `document.querySelector("[data-testid=error-closing]").hidden`); !hidden {
		t.Errorf("the fixed closing still shows %q", browsertest.Eval[string](b, `document.querySelector("[data-testid=error-closing]").textContent`))
	}
}

// The commune is told, where it returns a report, when the period has locked (the cell could not
// fix it without an extension); "Mở lại" is offered only for a report already approved, a sent one
// being returned instead.
func TestReturningALockedReportSaysTheCellCannotFixIt(t *testing.T) {
	s, base, f := serverWith(t, newReportFixture) // Q1/2026 sent on 05/04/2026; locks with the defaults on 30/04
	q1 := reportHref(f.cell, report.Period{Year: 2026, Quarter: 1})
	at(s, "2026-04-06")
	_, open := send(t, f.xa, "GET", base+q1, nil)
	if strings.Contains(open, `data-testid="locked-notice"`) || !strings.Contains(open, `data-testid="return"`) {
		t.Error("before the lock: the return is offered without a lock notice")
	}
	if strings.Contains(open, "/reopen") {
		t.Error("a sent report offers Mở lại beside Trả lại")
	}
	at(s, "2026-07-03")
	_, locked := send(t, f.xa, "GET", base+q1, nil)
	if !strings.Contains(locked, `data-testid="locked-notice"`) || !strings.Contains(locked, "đã khóa sổ từ") {
		t.Error("after the lock the commune is not told that a returned report cannot be fixed")
	}
}

// secretaryOnAPhone opens the report form of the fixture's cell secretary on a 360-px phone.
func secretaryOnAPhone(t *testing.T) *browsertest.Browser {
	t.Helper()
	s, base := newTestServer(t)
	newReportFixture(t, s, base)
	b := signedInBrowser(t, base, "bithu", base+"/reports", 360, 740)
	return b
}
