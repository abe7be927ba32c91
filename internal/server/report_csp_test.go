package server

import (
	"testing"
	"time"

	"ptdang/internal/browsertest"
)

// Typing in the report form, with its live check and autosave, breaks none of the page's
// Content-Security-Policy (an inline style once did, at every keystroke).
func TestTypingInTheReportFormKeepsToThePolicy(t *testing.T) {
	s, base := newTestServer(t)
	newReportFixture(t, s, base)
	b := browsertest.New(t)
	browserSignIn(t, b, base, "bithu", 360, 740)
	b.Open(base+"/reports", 360, 740)
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
