package server

import (
	"strings"
	"testing"
	"time"

	"ptdang/internal/browsertest"
)

func TestHomePageIsVietnameseOnPhoneAndDesktop(t *testing.T) {
	s, url := newTestServer(t)
	s.Now = func() time.Time { return time.Date(2026, 11, 23, 20, 0, 0, 0, time.UTC) } // 24/11 in Vietnam

	b := browsertest.New(t)
	for _, vp := range []struct {
		name          string
		width, height int64
	}{{"phone", 360, 740}, {"desktop", 1280, 800}} {
		t.Run(vp.name, func(t *testing.T) {
			b.Open(url+"/", vp.width, vp.height)
			if got := b.Text("[data-testid=brand]"); !strings.Contains(got, "Phát triển Đảng") {
				t.Errorf("brand %q", got)
			}
			if got := b.Text("h1"); got != "Theo dõi công tác phát triển đảng viên" {
				t.Errorf("heading %q", got)
			}
			if got := b.Text("[data-testid=today]"); got != "24/11/2026" {
				t.Errorf("today %q, want Vietnam's date 24/11/2026", got)
			}
			// Nothing may force sideways scrolling on a phone.
			if w := browsertest.Eval[int64](b, `document.documentElement.scrollWidth`); w > vp.width {
				t.Errorf("page is %d px wide in a %d px viewport", w, vp.width)
			}
			// The stylesheet and htmx load under the strict CSP.
			if red := browsertest.Eval[string](b, `getComputedStyle(document.querySelector('.site-header')).backgroundColor`); red != "rgb(179, 18, 27)" {
				t.Errorf("header colour %q: the stylesheet did not load", red)
			}
			if !browsertest.Eval[bool](b, `typeof htmx === "object" && htmx.version.startsWith("2.")`) {
				t.Error("htmx 2 did not load")
			}
			t.Logf("screenshot: %s", b.Screenshot("home-"+vp.name))
		})
	}
}
