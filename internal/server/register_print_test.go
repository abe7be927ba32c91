package server

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"ptdang/internal/browsertest"
	"ptdang/internal/org"
	"ptdang/internal/register"
)

// A person's file summary prints on one portrait A4 page: the steps with their dates, the
// deadlines met or missed, the rule set that applied; no menu or button; the read is audited.
func TestFileSummaryPrintsOnOnePortraitA4Page(t *testing.T) {
	s, base, f := serverWith(t, newReportFixture) // today is 03/07/2026
	id, err := s.Register.Create(t.Context(), s.DB, f.staffScope(t, s), f.cell, register.Person{Name: "Trần Văn Bình",
		BirthDate: day("1996-02-01"), Sex: "male", Ethnicity: "Kinh", Occupation: "farmer", Education: "upper_secondary",
		Workplace: "Hợp tác xã Mỹ Hòa", NationalID: "079096001234"}, s.today())
	if err != nil {
		t.Fatal(err)
	}
	steps := []register.Step{{Kind: register.Course, On: day("2025-06-20"), Issuer: "Trung tâm chính trị"},
		{Kind: register.Application, On: day("2025-11-01")}, {Kind: register.Verification, On: day("2025-12-01")},
		{Kind: register.Sponsors, On: day("2025-12-02"), Helper: "Trần Văn A, Lê Thị B"},
		{Kind: register.CellResolution, On: day("2026-01-05"), Document: "07-NQ/CB", VotesFor: 12, FullMembers: 13},
		{Kind: register.Decision, On: day("2026-05-20"), Document: "112-QĐ/ĐU"}}
	for i, st := range steps {
		if _, err := s.Register.RecordStep(t.Context(), s.DB, org.Everything(), id, 1+i, st, s.today()); err != nil {
			t.Fatal(err)
		}
	}
	reads := func() (n int) {
		if err := s.DB.QueryRow(t.Context(), `SELECT count(*) FROM audit_log WHERE action = 'read' AND entity = 'candidate' AND entity_id = $1`, id).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := reads()
	const pageWidth int64 = (210 - 2*12) * 960 / 254 // A4 portrait less app.css's 12 mm side margins, in CSS px
	b := signedInBrowser(t, base, "bithu", base+"/register/"+itoa(id)+"/print", pageWidth, 1000)
	b.Media("print")
	b.WantText("[data-testid=print-title] h1", "TÓM TẮT HỒ SƠ NGƯỜI VÀO ĐẢNG")
	if got := browsertest.Eval[int](b, `document.querySelectorAll("[data-testid=step]").length`); got != len(steps) {
		t.Errorf("%d steps printed, want %d", got, len(steps))
	}
	clocks := b.Text("[data-testid=clocks]")
	// The decision came after the 60 working days allowed, missed; the ceremony (due 01/07/2026) is overdue.
	for _, want := range []string{"Hạn ra quyết định kết nạp", "Trễ hạn (20/05/2026)", "Hạn tổ chức lễ kết nạp", "Quá hạn"} {
		if !strings.Contains(clocks, want) {
			t.Errorf("the deadlines %q do not say %q", clocks, want)
		}
	}
	rules := b.Text("[data-testid=rules]")
	for _, want := range []string{"Từ 01/07/2025", "294-QĐ/TW", "Từ 28/01/2020", "60 ngày làm việc"} {
		if !strings.Contains(rules, want) {
			t.Errorf("the rules %q do not say %q", rules, want)
		}
	}
	if person := b.Text("[data-testid=person]"); !strings.Contains(person, "•••••••••234") || strings.Contains(person, "079096") {
		t.Errorf("the national ID is not masked: %q", person)
	}
	if shown := browsertest.Eval[[]string](b, `[...document.querySelectorAll("nav, form, button, .button, .site-header")]
		.filter(e => e.checkVisibility()).map(e => e.outerHTML.slice(0, 80))`); len(shown) > 0 {
		t.Errorf("printed: %q", shown)
	}
	if w := browsertest.Eval[float64](b, `document.documentElement.scrollWidth`); w > float64(pageWidth)+0.5 {
		t.Errorf("the summary is %.0f px wide on a %d px page", w, pageWidth)
	}
	t.Logf("screenshot: %s", b.Screenshot("register-print-media"))
	pdf, path := b.PrintPDF("register-file", chromedp.PDFPaper(chromedp.PaperA4), chromedp.PDFPreferCSSPageSize())
	t.Logf("PDF: %s", path)
	pages := regexp.MustCompile(`/Type\s*/Page\b`).FindAll(pdf, -1)
	boxes := regexp.MustCompile(`/MediaBox\s*\[\s*0 0 ([0-9.]+) ([0-9.]+)\s*\]`).FindAllSubmatch(pdf, -1)
	if !strings.HasPrefix(string(pdf), "%PDF-") || len(pages) != 1 || len(boxes) != 1 {
		t.Fatalf("%d pages, %d page sizes, want one A4 page", len(pages), len(boxes))
	}
	w, _ := strconv.ParseFloat(string(boxes[0][1]), 64)
	h, _ := strconv.ParseFloat(string(boxes[0][2]), 64)
	if w < 594 || w > 596 || h < 841 || h > 843 {
		t.Errorf("a page of %.1f × %.1f pt, not portrait A4 (595,3 × 841,9)", w, h)
	}
	if n := reads(); n != before+1 {
		t.Errorf("%d reads audited, want one more than %d", n, before)
	}
	// On a phone the summary fits the screen.
	b.Media("")
	b.Open(base+"/register/"+itoa(id)+"/print", 360, 740)
	fitsAPhone(t, b)
	t.Logf("screenshot: %s", b.Screenshot("register-print-phone"))
}
