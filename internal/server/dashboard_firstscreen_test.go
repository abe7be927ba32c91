package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"ptdang/internal/browsertest"
	"ptdang/internal/dashboard"
	"ptdang/internal/format"
	"ptdang/web"
)

// TestDashboardFirstScreenAnswersWithoutScrolling opens a generated province's dashboard on a
// phone and on a laptop: the headline figures fit the first screen, the page never scrolls
// sideways, and the province's coverage on the page is the API's.
func TestDashboardFirstScreenAnswersWithoutScrolling(t *testing.T) {
	_, base := provinceServer(t)
	var api struct {
		Total struct {
			Values map[string]any `json:"values"`
		} `json:"total"`
	}
	resp, raw := send(t, signIn(t, base, "bantochuc"), "GET", base+"/api/v1/dashboard?year=2026", nil)
	if resp.StatusCode != http.StatusOK || json.Unmarshal([]byte(raw), &api) != nil {
		t.Fatalf("the API: %d %s", resp.StatusCode, raw)
	}
	coverage, ok := api.Total.Values["coverage_pct"].(float64)
	if !ok {
		t.Fatalf("the API has no coverage: %v", api.Total.Values)
	}
	b := browsertest.New(t)
	for _, vp := range []struct {
		name          string
		width, height int64
	}{{"phone", 360, 740}, {"laptop", 1366, 768}} {
		browserSignIn(t, b, base, "bantochuc", vp.width, vp.height)
		b.Open(base+"/dashboard?year=2026", vp.width, vp.height)
		if got := b.Text("[data-testid=headline-coverage_pct] .value"); got != format.Percent(coverage) {
			t.Errorf("%s: coverage on the page %q, the API's %v", vp.name, got, coverage)
		}
		bottom := browsertest.Eval[float64](b, `Math.max(...[...document.querySelectorAll("[data-testid=headline] .stat")].map(e => e.getBoundingClientRect().bottom))`)
		if bottom > float64(vp.height) {
			t.Errorf("%s: the headline figures end at y = %.0f, below the first screen (%d)", vp.name, bottom, vp.height)
		}
		if w := browsertest.Eval[int64](b, `document.documentElement.scrollWidth`); w > vp.width {
			t.Errorf("%s: the page is %d px wide in a %d px window", vp.name, w, vp.width)
		}
		if n := browsertest.Eval[int](b, `document.querySelectorAll("[data-testid=section-menu] a").length`); n != len(dashboard.Sections)+1 {
			t.Errorf("%s: the section menu has %d links", vp.name, n)
		}
		// On a phone the sections are folded: the menu opens the first table and the charts.
		b.Click(`[data-testid=section-menu] a[href="#bieu-do"]`)
		b.Click(`[data-testid=section-menu] a[href="#` + web.DashboardAnchor(0) + `"]`)
		// The ranking's bars are drawn, a third of the width at least, on a phone too.
		if w := browsertest.Eval[float64](b, `Math.min(...[...document.querySelectorAll(".chart .bar-svg")].map(e => e.getBoundingClientRect().width))`); w < float64(vp.width)/3 {
			t.Errorf("%s: the narrowest ranking bar's track is %.0f px wide", vp.name, w)
		}
		t.Logf("screenshot: %s", b.Screenshot(fmt.Sprintf("dashboard-province-%s", vp.name)))
		if vp.name == "laptop" { // the table scrolls in its box, the unit's name stays in view
			shift := browsertest.Eval[float64](b, `(() => { const box = document.querySelector(".dashboard-section .table-scroll");
				box.scrollLeft = 600; box.scrollTop = 300;
				const name = box.querySelector("tbody:not(.total) tr td"), head = box.querySelector("thead th");
				return Math.abs(name.getBoundingClientRect().left - box.getBoundingClientRect().left) +
					Math.abs(head.getBoundingClientRect().top - box.getBoundingClientRect().top) })()`)
			if box := browsertest.Eval[float64](b, `document.querySelector(".dashboard-section .table-scroll").scrollLeft`); box == 0 || shift > 2 {
				t.Errorf("scrolled %v px sideways, the name column and the header moved %.0f px", box, shift)
			}
		}
		if !strings.Contains(b.Text("[data-testid=total]"), "Tổng cộng") {
			t.Errorf("%s: no totals row", vp.name)
		}
	}
}
