package server

import (
	"regexp"
	"strings"
	"testing"

	"ptdang/internal/browsertest"
)

// englishWords are words of the browser's or the code's language that must not reach a page.
var englishWords = regexp.MustCompile(`\b(Choose File|No file chosen|Submit|Cancel|Loading|Error|Dashboard|Search|Save|undefined|NaN|null)\b`)

// dotted are runs of digits joined by points: a thousands group (1.827), an address (127.0.0.1)
// or a number written the English way (0.5, 12.75), which decimalPoint tells.
var dotted = regexp.MustCompile(`\d+(\.\d+)+`)

// decimalPoint returns the first number of text written with a decimal point: in Vietnamese the
// point groups thousands and the comma marks decimals.
func decimalPoint(text string) string {
	for _, m := range dotted.FindAllString(text, -1) {
		if parts := strings.Split(m, "."); len(parts) == 2 && len(parts[1]) < 3 {
			return m
		}
	}
	return ""
}

// TestEveryPageOnAPhoneSpeaksVietnameseAndIsTappable walks the main pages of province staff on a
// 360 px phone: the page does not scroll sideways, its visible text has no English word and no
// number with a decimal point, and every button, field and list is at least 44 px tall (a file
// field's tap target is its label: the input itself is hidden behind it).
func TestEveryPageOnAPhoneSpeaksVietnameseAndIsTappable(t *testing.T) {
	_, base := provinceServer(t)
	b := browsertest.New(t)
	browserSignIn(t, b, base, "bantochuc", 360, 740)
	for _, path := range []string{"/", "/dashboard?year=2026", "/reports/status", "/reports/import", "/reports/settings",
		"/org", "/org/import", "/targets", "/targets/settings", "/quality/import", "/stats", "/admin/users", "/admin/audit",
		"/account/password", "/notifications", "/notifications/settings", "/notifications/rules"} {
		b.Open(base+path, 360, 740)
		b.Screenshot("phone" + strings.NewReplacer("/", "-", "?", "-", "=", "-").Replace(path))
		if w := browsertest.Eval[int64](b, `document.documentElement.scrollWidth`); w > 360 {
			t.Errorf("%s: the page is %d px wide on a 360 px phone", path, w)
		}
		text := browsertest.Eval[string](b, `document.body.innerText`)
		if m := englishWords.FindString(text); m != "" {
			t.Errorf("%s: the page says %q", path, m)
		}
		if m := decimalPoint(text); m != "" {
			t.Errorf("%s: the page writes %q, a decimal point", path, m)
		}
		small := browsertest.Eval[[]string](b, `[...document.querySelectorAll("button, input:not([type=hidden]):not([type=checkbox]):not([type=radio]):not([type=file]), select, textarea, a.button, label.button")]
			.filter(e => e.offsetParent !== null && e.getBoundingClientRect().height < 44)
			.map(e => (e.name || e.id || e.textContent.trim()).slice(0, 40) + " " + Math.round(e.getBoundingClientRect().height) + " px")`)
		if len(small) > 0 {
			t.Errorf("%s: tap targets under 44 px: %q", path, small)
		}
	}
}
