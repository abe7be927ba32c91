package server

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"ptdang/internal/account"
	"ptdang/internal/browsertest"
	"ptdang/internal/dashboard"
	"ptdang/internal/format"
)

// provinceServer serves a generated province of four communes on 15/10/2026, to "bantochuc"
// among others, who sees everything.
func provinceServer(t *testing.T) (*Server, string) {
	t.Helper()
	s := New(generatedProvince(t, 15), slog.New(slog.NewTextHandler(io.Discard, nil)), false)
	ts := httptest.NewServer(s.Routes())
	t.Cleanup(ts.Close)
	s.Now = func() time.Time { return time.Date(2026, 10, 15, 9, 0, 0, 0, time.UTC) }
	addUser(t, s, "bantochuc", account.SystemAdmin, 0)
	return s, ts.URL
}

// printedCell is a table's cell as laid out for print, in CSS pixels.
type printedCell struct {
	Text      string  `json:"text"`
	Left      float64 `json:"left"`
	Right     float64 `json:"right"`
	Shown     bool    `json:"shown"`
	Overflows bool    `json:"overflows"` // its text is wider than the cell
}

// TestDashboardPrintsEveryColumnOnLandscapeA4 prints a generated province's dashboard. Laid out
// for print at the width of a landscape A4 page, every header cell of every table shows whole
// inside the page, under the printed title and above the places to sign, with no menu, form or
// button; printed to PDF with the page's own page size, it makes a few landscape A4 pages.
func TestDashboardPrintsEveryColumnOnLandscapeA4(t *testing.T) {
	s, base := provinceServer(t)
	var api dashboard.API
	resp, raw := send(t, signIn(t, base, "bantochuc"), "GET", base+"/api/v1/dashboard?year=2026", nil)
	if resp.StatusCode != http.StatusOK || json.Unmarshal([]byte(raw), &api) != nil {
		t.Fatalf("the API: %d %.300s", resp.StatusCode, raw)
	}
	figuresOn, err := time.Parse(time.DateOnly, api.FiguresOn)
	if err != nil || api.Unit.Name == "" {
		t.Fatalf("the API: %v %.300s", err, raw)
	}

	// A4 landscape, 297 mm wide, less the 10 mm side margins of app.css's @page dashboard.
	const pageWidth int64 = (297 - 2*10) * 960 / 254 // mm to CSS px (96 a 25,4 mm inch), rounded down
	b := browsertest.New(t)
	browserSignIn(t, b, base, "bantochuc", pageWidth, 740)
	b.Open(base+"/dashboard?year=2026", pageWidth, 740)
	b.Media("print")
	cells := browsertest.Eval[[]printedCell](b, `[...document.querySelectorAll("table.dashboard th")].map(th => {
		const r = th.getBoundingClientRect();
		return {text: th.textContent.trim(), left: r.left, right: r.right, shown: th.checkVisibility() && r.width > 0,
			overflows: th.scrollWidth > th.clientWidth + 1};
	})`)
	columns := 0
	for _, sec := range dashboard.Sections {
		columns += 1 + len(sec.Indicators)
	}
	if len(cells) != columns {
		t.Errorf("%d header cells printed, the tables have %d columns", len(cells), columns)
	}
	for _, c := range cells {
		if !c.Shown || c.Left < 0 || c.Right > float64(pageWidth)+0.5 || c.Overflows {
			t.Errorf("header %q printed at %.0f–%.0f px of a %d px page (shown %v, text wider than the cell %v)",
				c.Text, c.Left, c.Right, pageWidth, c.Shown, c.Overflows)
		}
	}
	// Nor are the figures cut: no table box scrolls or clips, and the page is no wider than the paper.
	if w := browsertest.Eval[float64](b, `Math.max(document.documentElement.scrollWidth,
		...[...document.querySelectorAll(".table-scroll")].map(e => e.scrollWidth - e.clientWidth + e.getBoundingClientRect().right),
		...[...document.querySelectorAll("table.dashboard td")].map(e => e.getBoundingClientRect().right))`); w > float64(pageWidth)+0.5 {
		t.Errorf("the printed tables reach %.0f px on a %d px page", w, pageWidth)
	}
	title := b.Text("[data-testid=print-title]")
	for _, want := range []string{strings.ToUpper(api.Unit.Name), "ĐẢNG CỘNG SẢN VIỆT NAM", "NĂM 2026",
		"Số liệu tính đến ngày " + format.Date(figuresOn), "ngày in " + format.Date(s.Now())} {
		if !strings.Contains(title, want) {
			t.Errorf("the printed title %q does not say %q", title, want)
		}
	}
	signatures := b.Text("[data-testid=print-signatures]")
	for _, want := range []string{"NGƯỜI LẬP BIỂU", "T/M BAN THƯỜNG VỤ", "ngày …… tháng …… năm"} {
		if !strings.Contains(signatures, want) {
			t.Errorf("the printed signatures %q do not say %q", signatures, want)
		}
	}
	if below := browsertest.Eval[float64](b, `document.querySelector("[data-testid=print-signatures]").getBoundingClientRect().top -
		Math.max(...[...document.querySelectorAll("table.dashboard, .chart, .facts")].map(e => e.getBoundingClientRect().bottom))`); below < 0 {
		t.Errorf("the places to sign are %.0f px above the end of the figures", -below)
	}
	if shown := browsertest.Eval[[]string](b, `[...document.querySelectorAll("nav, form, button, .button, .section-csv, .site-header, [data-testid=up]")]
		.filter(e => e.checkVisibility()).map(e => e.outerHTML.slice(0, 80))`); len(shown) > 0 {
		t.Errorf("printed: %q", shown)
	}
	// The page number is printed at the foot by a CSS margin box, which this Chromium parses
	// (the PDF viewer shows "Trang 1 / 4"; a DOM laid out for print has no pages to count).
	footer := browsertest.Eval[string](b, `(() => {
		const all = (rules) => [...rules].flatMap(r => [r, ...(r.cssRules ? all(r.cssRules) : [])]);
		const page = [...document.styleSheets].flatMap(s => all(s.cssRules)).find(r => r instanceof CSSPageRule && r.selectorText === "dashboard");
		return page ? [...page.cssRules].filter(m => m.name === "bottom-right").map(m => m.style.content).join("") : "";
	})()`)
	if !strings.Contains(footer, "counter(page)") || !strings.Contains(footer, "counter(pages)") {
		t.Errorf("the printed page's foot says %q, not its number", footer)
	}
	t.Logf("screenshot: %s", b.Screenshot("dashboard-print-media"))

	// The page's @page rule asks for A4 landscape: printed with the page's size, not the
	// caller's, every page is 842 × 595 pt.
	pdf, path := b.PrintPDF("dashboard-province", chromedp.PDFPaper(chromedp.PaperA4), chromedp.PDFPreferCSSPageSize())
	t.Logf("PDF: %s", path)
	if !strings.HasPrefix(string(pdf), "%PDF-") {
		t.Fatalf("not a PDF: %.20q", pdf)
	}
	pages := regexp.MustCompile(`/Type\s*/Page\b`).FindAll(pdf, -1)
	boxes := regexp.MustCompile(`/MediaBox\s*\[\s*0 0 ([0-9.]+) ([0-9.]+)\s*\]`).FindAllSubmatch(pdf, -1)
	if len(boxes) != len(pages) {
		t.Errorf("%d pages, %d page sizes", len(pages), len(boxes))
	}
	for _, box := range boxes {
		w, _ := strconv.ParseFloat(string(box[1]), 64)
		h, _ := strconv.ParseFloat(string(box[2]), 64)
		if w < 841 || w > 843 || h < 594 || h > 596 {
			t.Errorf("a page of %.1f × %.1f pt, not landscape A4 (841,9 × 595,3)", w, h)
		}
	}
	// Four communes: the headline, the units that need attention and seven short tables, two
	// charts and the formulas share a page or two each, never a page a table.
	if len(pages) < 2 || len(pages) > len(dashboard.Sections) {
		t.Errorf("%d printed pages for a province of four communes", len(pages))
	}
}
