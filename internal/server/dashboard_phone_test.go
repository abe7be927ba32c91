package server

import (
	"strings"
	"testing"

	"ptdang/internal/browsertest"
	"ptdang/internal/dashboard"
	"ptdang/web"
)

// TestDashboardOnAPhoneFoldsItsSections opens a generated province's dashboard on a phone: the
// headline figures and the units that need attention, then every section folded behind its
// title, make a page under four screens long. A link of the section menu opens its table, and so
// does a tap on a section's title; printed, and on a laptop, every table shows at once.
func TestDashboardOnAPhoneFoldsItsSections(t *testing.T) {
	_, base := provinceServer(t)
	b := browsertest.New(t)
	const width, height = 360, 740
	browserSignIn(t, b, base, "bantochuc", width, height)
	b.Open(base+"/dashboard?year=2026", width, height)
	tablesShown := func() int {
		return browsertest.Eval[int](b, `[...document.querySelectorAll("table.dashboard")].filter(e => e.checkVisibility()).length`)
	}
	pageHeight := func() float64 { return browsertest.Eval[float64](b, `document.documentElement.scrollHeight`) }
	folded := pageHeight()
	t.Logf("folded: %.0f px, screenshot %s", folded, b.Screenshot("dashboard-phone-folded"))
	if folded > 4*height {
		t.Errorf("the folded dashboard is %.0f px tall on a %d px screen", folded, height)
	}
	if n := tablesShown(); n != 0 {
		t.Errorf("%d tables show before any section is opened", n)
	}
	if n := browsertest.Eval[int](b, `[...document.querySelectorAll("[data-testid=headline] .stat, [data-testid=attention] li")].filter(e => e.checkVisibility()).length`); n == 0 {
		t.Error("no headline figure or unit to attend to shows")
	}

	// The menu's third link opens the third table and brings it into the screen.
	b.Click(`[data-testid=section-menu] a[href="#` + web.DashboardAnchor(2) + `"]`)
	b.WaitText("#"+web.DashboardAnchor(2)+" table tbody.total", "Tổng cộng")
	if top := browsertest.Eval[float64](b, `document.getElementById("`+web.DashboardAnchor(2)+`").getBoundingClientRect().top`); top < -1 || top > height/2 {
		t.Errorf("the opened section starts at y = %.0f", top)
	}
	// A tap on the first section's title opens it too: its totals row shows.
	b.Click("#" + web.DashboardAnchor(0) + " > summary")
	if got := b.Text("[data-testid=total]"); !strings.Contains(got, "Tổng cộng") {
		t.Errorf("the first table's totals row: %q", got)
	}
	if n := tablesShown(); n != 2 {
		t.Errorf("%d tables show after opening two sections", n)
	}
	if opened := pageHeight(); opened <= folded {
		t.Errorf("the page is %.0f px tall with two sections open, %.0f folded", opened, folded)
	}
	t.Logf("screenshot: %s", b.Screenshot("dashboard-phone-opened"))
	// Printed from the phone, every section shows, the folded ones too.
	b.Media("print")
	if n := tablesShown(); n != len(dashboard.Sections) {
		t.Errorf("printed from a phone, %d of %d tables show", n, len(dashboard.Sections))
	}
	b.Media("")

	b.Open(base+"/dashboard?year=2026", 1366, 768)
	if n := tablesShown(); n != len(dashboard.Sections) {
		t.Errorf("on a laptop %d of %d tables show", n, len(dashboard.Sections))
	}
}
