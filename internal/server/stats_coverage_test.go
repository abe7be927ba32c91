package server

import (
	"bytes"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"ptdang/internal/account"
	"ptdang/internal/browsertest"
	"ptdang/internal/org"
	"ptdang/internal/stats"
)

// TestStatsCoverageForACommuneUser opens the hamlet coverage report as a commune's staff: by
// default their commune's today, with its figures as stats.HamletCoverage makes them and its
// lists; another commune's and the province's report are not found, page or workbook, and the
// page has no link up; a malformed date is refused naming the field; a cell secretary may not
// open it. The workbook downloaded is the report's.
func TestStatsCoverageForACommuneUser(t *testing.T) {
	s, base := provinceServer(t)
	mine, other := statsCommunes(t, s)
	client := signedInUser(t, s, base, "canboxa", account.CommuneStaff, mine.ID)
	rep, err := stats.HamletCoverage(t.Context(), s.DB, org.Under(mine.ID), mine.ID, s.today())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Báo cáo địa bàn: " + mine.Name, "BÁO CÁO ĐỊA BÀN THÔN, TỔ DÂN PHỐ", "15/10/2026", "Tổng cộng", "Người lập biểu"}
	for _, c := range stats.CoverageColumns {
		if c.Share {
			want = append(want, `<span class="muted">`+c.Text(rep.Total)+" %</span>")
		} else {
			want = append(want, `data-label="(`+c.No+") "+c.Heading+`">`+c.Text(rep.Total))
		}
	}
	for _, l := range rep.Lists {
		for _, g := range l.Groups() {
			want = append(want, g.Label, g.Hamlets[0].Name)
		}
	}
	otherID, provinceID := strconv.FormatInt(other.ID, 10), strconv.FormatInt(mine.ParentID, 10)
	for _, c := range []pageCheck{
		{name: "own commune", client: client, method: "GET", path: "/stats/coverage", status: http.StatusOK, want: want},
		{name: "a past day", client: client, method: "GET", path: "/stats/coverage?date=30/06/2026", status: http.StatusOK, want: []string{"30/06/2026"}},
		{name: "another commune", client: client, method: "GET", path: "/stats/coverage?unit=" + otherID, status: http.StatusNotFound},
		{name: "the province", client: client, method: "GET", path: "/stats/coverage?unit=" + provinceID, status: http.StatusNotFound},
		{name: "another commune's workbook", client: client, method: "GET", path: "/stats/coverage.xlsx?unit=" + otherID, status: http.StatusNotFound},
		{name: "bad date", client: client, method: "GET", path: "/stats/coverage?date=31/02/2026", status: http.StatusUnprocessableEntity, want: []string{"Ngày không hợp lệ"}},
		{name: "a cell secretary", client: signedInUser(t, s, base, "chibo", account.CellSecretary, mine.ID), method: "GET", path: "/stats/coverage", status: http.StatusForbidden},
		{name: "the stats page links to it", client: client, method: "GET", path: "/stats", status: http.StatusOK, want: []string{`href="/stats/coverage"`}},
	} {
		c.check(t, base)
	}
	if _, page := send(t, client, "GET", base+"/stats/coverage", nil); strings.Contains(page, `data-testid="up"`) || strings.Contains(page, other.Name) {
		t.Error("the commune's report links up to the province, or names another commune")
	}
	x, err := excelize.OpenReader(bytes.NewReader(downloadFile(t, client, base+"/stats/coverage.xlsx")))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := x.GetCellValue("Địa bàn", "A1"); v != strings.ToUpper(mine.Name) {
		t.Errorf("the workbook's committee: %q, want %q", v, strings.ToUpper(mine.Name))
	}
	if v, _ := x.GetCellValue("Địa bàn", "C10", excelize.Options{RawCellValue: true}); v != strconv.Itoa(rep.Total.Hamlets) {
		t.Errorf("the workbook's total hamlets: %s, want %d", v, rep.Total.Hamlets)
	}
}

// TestStatsCoverageOnAPhoneOnADesktopAndOnA4 shows the province's report at 360 px and on a
// desktop: no sideways scroll, every figure inside the screen, tap targets of 44 px, no decimal
// point; a commune's name opens its own report, which links back up; printed with the page's
// own size, the report is A4 landscape.
func TestStatsCoverageOnAPhoneOnADesktopAndOnA4(t *testing.T) {
	_, base := provinceServer(t)
	for _, width := range []int64{360, 1280} {
		b := browsertest.New(t)
		browserSignIn(t, b, base, "bantochuc", width, 740)
		b.Open(base+"/stats/coverage", width, 740)
		t.Logf("screenshot: %s", b.Screenshot("stats-coverage-"+strconv.FormatInt(width, 10)))
		if w := browsertest.Eval[int64](b, `document.documentElement.scrollWidth`); w > width {
			t.Errorf("%d px: the page is %d px wide", width, w)
		}
		outside := browsertest.Eval[[]string](b, `[...document.querySelectorAll("table[data-testid=coverage] td")]
			.filter(e => { const r = e.getBoundingClientRect(); return r.left < 0 || r.right > window.innerWidth + 0.5 || e.scrollWidth > e.clientWidth + 1 })
			.map(e => e.textContent.trim())`)
		if len(outside) > 0 {
			t.Errorf("%d px: figures outside the screen or cut: %q", width, outside)
		}
		rows := browsertest.Eval[int](b, `document.querySelectorAll("table[data-testid=coverage] tbody:not(.total) tr").length`)
		if rows < 2 {
			t.Errorf("%d px: %d communes in the province's report", width, rows)
		}
		small := browsertest.Eval[[]string](b, `[...document.querySelectorAll("button, input:not([type=hidden]), select, a.button")]
			.filter(e => e.offsetParent !== null && e.getBoundingClientRect().height < 44).map(e => e.outerHTML.slice(0, 60))`)
		if len(small) > 0 {
			t.Errorf("%d px: tap targets under 44 px: %q", width, small)
		}
		if m := decimalPoint(browsertest.Eval[string](b, `document.body.innerText`)); m != "" {
			t.Errorf("%d px: the page writes %q", width, m)
		}
		if width != 360 {
			continue
		}
		b.ClickToPage("table[data-testid=coverage] tbody:not(.total) tr a")
		if h := b.Text("h1"); !strings.HasPrefix(h, "Báo cáo địa bàn: Đảng bộ") {
			t.Errorf("a commune's name opened %q", h)
		}
		if browsertest.Eval[int](b, `document.querySelectorAll("[data-testid=up]").length`) != 1 {
			t.Error("a commune's report has no link up to the province's")
		}
		t.Logf("screenshot: %s", b.Screenshot("stats-coverage-commune-360"))

		b.Open(base+"/stats/coverage", 1280, 740)
		b.Media("print")
		if shown := browsertest.Eval[[]string](b, `[...document.querySelectorAll("form, button, .button, .site-header")]
			.filter(e => e.checkVisibility()).map(e => e.outerHTML.slice(0, 80))`); len(shown) > 0 {
			t.Errorf("printed: %q", shown)
		}
		if !strings.Contains(b.Text("body"), "BÁO CÁO ĐỊA BÀN THÔN, TỔ DÂN PHỐ") && !strings.Contains(b.Text("body"), "Báo cáo địa bàn thôn, tổ dân phố") {
			t.Error("printed, the report has no title")
		}
		t.Logf("screenshot: %s", b.Screenshot("stats-coverage-print-media"))
		pdf, path := b.PrintPDF("stats-coverage", chromedp.PDFPaper(chromedp.PaperA4), chromedp.PDFPreferCSSPageSize())
		t.Logf("PDF: %s", path)
		boxes := regexp.MustCompile(`/MediaBox\s*\[\s*0 0 ([0-9.]+) ([0-9.]+)\s*\]`).FindAllSubmatch(pdf, -1)
		if len(boxes) == 0 {
			t.Fatal("no page in the printed report")
		}
		for _, box := range boxes {
			w, _ := strconv.ParseFloat(string(box[1]), 64)
			h, _ := strconv.ParseFloat(string(box[2]), 64)
			if w < 841 || w > 843 || h < 594 || h > 596 {
				t.Errorf("a page of %.1f × %.1f pt, not landscape A4 (841,9 × 595,3)", w, h)
			}
		}
	}
}
