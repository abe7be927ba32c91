package server

import (
	"bytes"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"ptdang/internal/account"
	"ptdang/internal/browsertest"
	"ptdang/internal/format"
	"ptdang/internal/org"
	"ptdang/internal/stats"
)

// statsCommunes are two communes of the generated province on 30/06/2026.
func statsCommunes(t *testing.T, s *Server) (org.PartyUnit, org.PartyUnit) {
	t.Helper()
	on := stats.Period{Year: 2026, From: 1, To: 2}.LastDay()
	tops, err := org.PartyChildren(t.Context(), s.DB, org.Everything(), 0, on)
	if err != nil || len(tops) != 1 {
		t.Fatalf("tops: %v %v", tops, err)
	}
	communes, err := org.PartyChildren(t.Context(), s.DB, org.Everything(), tops[0].ID, on)
	if err != nil || len(communes) < 2 {
		t.Fatalf("communes: %v %v", communes, err)
	}
	return communes[0], communes[1]
}

// admitIntoRegister writes into the admission register, for the first cell of unit on 30/06/2026,
// a woman of ethnic group ethnicity and religion admitted on 15/05/2026 (a file and its ceremony),
// the cell keeping its register for the report from the second quarter of 2026 (with gen's files,
// drawn apart from its reports).
func admitIntoRegister(t *testing.T, s *Server, unit int64, ethnicity, religion string) {
	t.Helper()
	if _, err := s.DB.Exec(t.Context(), `
		WITH RECURSIVE `+org.SubtreeCTE+`,
		c AS (
			INSERT INTO candidate (cell_id, full_name, birth_date, sex, ethnicity, religion, occupation, education)
			SELECT min(id), 'Thạch Thị A', '1996-03-01', 'female', $3, $4, 'farmer', 'upper_secondary' FROM sub WHERE kind IN `+org.CellKindsSQL+`
			RETURNING id, cell_id
		),
		kept AS (
			INSERT INTO register_keeping (cell_id, kept_from, set_by_login) SELECT cell_id, '2026-04-01', 'test' FROM c
			ON CONFLICT (cell_id) DO NOTHING
		)
		INSERT INTO candidate_step (candidate_id, kind, on_date, recorded_by_login) SELECT id, 'ceremony', '2026-05-15', 'test' FROM c`,
		[]int64{unit}, stats.Period{Year: 2026, From: 1, To: 2}.LastDay(), ethnicity, religion); err != nil {
		t.Fatal(err)
	}
}

// TestStatsFormForACommuneUser opens Biểu 1 as a commune's staff: by default their commune's
// for the half-year ended last, with its figures as stats.Form1 makes them; another commune's
// form is not found, page or workbook; bad periods are refused naming the field; a cell
// secretary may not open the page. The workbook downloaded is the form's.
func TestStatsFormForACommuneUser(t *testing.T) {
	s, base := provinceServer(t) // today 15/10/2026: the half-year ended last is the first of 2026
	mine, other := statsCommunes(t, s)
	client := signedInUser(t, s, base, "canboxa", account.CommuneStaff, mine.ID)
	admitIntoRegister(t, s, mine.ID, "Khmer", "Phật giáo")
	admitIntoRegister(t, s, other.ID, "Chăm", "Hồi giáo")
	f, err := stats.Form1(t.Context(), s.DB, org.Under(mine.ID), mine.ID, stats.Period{Year: 2026, From: 1, To: 2}, s.today())
	if err != nil {
		t.Fatal(err)
	}
	f2, err := stats.Form2(t.Context(), s.DB, org.Under(mine.ID), mine.ID, f.Period, s.today())
	if err != nil {
		t.Fatal(err)
	}
	age := f2.Line("age_9")
	if age.This == 0 {
		t.Fatal("Biểu 2 counts nobody from the cell keeping its register")
	}
	want := []string{strings.ToUpper(mine.Name), "ĐẢNG CỘNG SẢN VIỆT NAM", "Biểu số 1-BTCTW", "6 THÁNG ĐẦU NĂM 2026",
		"Đơn vị tính: người", "Người lập biểu", "T/M Ban Thường vụ", "3 = 1 × 100 / 2"}
	for _, l := range f.Lines {
		want = append(want, fmt.Sprintf(`<td class="num">%s</td><td class="num">%s</td><td class="num">%s</td>`,
			format.Int(int64(l.This)), format.Int(int64(l.Last)), l.PercentText()))
	}
	otherID := strconv.FormatInt(other.ID, 10)
	for _, c := range []pageCheck{
		{name: "own commune", client: client, method: "GET", path: "/stats", status: http.StatusOK, want: want},
		{name: "a year", client: client, method: "GET", path: "/stats?year=2025&period=nam", status: http.StatusOK, want: []string{"NĂM 2025"}},
		{name: "Biểu 3", client: client, method: "GET", path: "/stats?form=3", status: http.StatusOK, want: []string{"Biểu số 3-BTCTW", "THỐNG KÊ ĐỘI NGŨ ĐẢNG VIÊN",
			`<option value="3" selected>`, "form=3", fmt.Sprintf(`<td class="num">%s</td>`, format.Int(int64(f.Line("closing").This)))}},
		{name: "Biểu 2", client: client, method: "GET", path: "/stats?form=2", status: http.StatusOK, want: []string{"Biểu số 2-BTCTW", "THỐNG KÊ ĐẢNG VIÊN MỚI KẾT NẠP",
			`<option value="2" selected>`, "Tuổi bình quân (năm)", `data-testid="stats-totals-only"`,
			fmt.Sprintf(`<td class="num">%s</td>`, format.Int(int64(f.Line("admitted").This))), `<td class="num">…</td>`,
			"Từ 18 đến 30 tuổi (chưa đủ)", `<td class="num">` + age.Figure(age.This) + `</td>`, `data-testid="stats-people"`}},
		{name: "Biểu 2B", client: client, method: "GET", path: "/stats?form=2b", status: http.StatusOK, want: []string{"Biểu số 2B-BTCTW",
			"THỐNG KÊ ĐẢNG VIÊN MỚI KẾT NẠP THEO DÂN TỘC, TÔN GIÁO", `<option value="2b" selected>`, "Chia theo dân tộc", "Khmer (chưa đủ)",
			"Phật giáo (chưa đủ)"}},
		{name: "Biểu 6, the last year ended", client: client, method: "GET", path: "/stats?form=6", status: http.StatusOK, want: []string{"Biểu số 6-BTCTW",
			"NĂM 2025", "Hoàn thành xuất sắc nhiệm vụ", `<option value="nam" selected>`}},
		{name: "Biểu 6 of a half-year: its year", client: client, method: "GET", path: "/stats?form=6&year=2025&period=6thang", status: http.StatusOK,
			want: []string{"NĂM 2025", "(Từ ngày 01/01/2025 đến ngày 31/12/2025"}},
		{name: "Biểu 5", client: client, method: "GET", path: "/stats?form=5", status: http.StatusOK, want: []string{"Biểu số 5-BTCTW",
			"Đơn vị tính: tổ chức", "Chi bộ trực thuộc", "Doanh nghiệp ngoài nhà nước"}},
		{name: "Biểu 7", client: client, method: "GET", path: "/stats?form=7", status: http.StatusOK, want: []string{"Biểu số 7-BTCTW",
			"Đảng viên chuyển đến", `<td class="num">…</td>`, `data-testid="stats-no-data"`, fmt.Sprintf(`<td class="num">%s</td>`, format.Int(int64(f.Line("transferred_in").This)))}},
		{name: "another commune", client: client, method: "GET", path: "/stats?unit=" + otherID, status: http.StatusNotFound},
		{name: "another commune's workbook", client: client, method: "GET", path: "/stats.xlsx?unit=" + otherID, status: http.StatusNotFound},
		{name: "bad period", client: client, method: "GET", path: "/stats?year=2026&period=q5", status: http.StatusUnprocessableEntity, want: []string{"Năm và kỳ báo cáo"}},
		{name: "bad year", client: client, method: "GET", path: "/stats?year=abc&period=nam", status: http.StatusUnprocessableEntity, want: []string{"Năm và kỳ báo cáo"}},
		{name: "another form", client: client, method: "GET", path: "/stats?form=9", status: http.StatusNotFound},
		{name: "a cell secretary", client: signedInUser(t, s, base, "chibo", account.CellSecretary, mine.ID), method: "GET", path: "/stats", status: http.StatusForbidden},
	} {
		c.check(t, base)
	}
	if _, page := send(t, client, "GET", base+"/stats", nil); strings.Contains(page, other.Name) || strings.Contains(page, `value="`+otherID+`"`) {
		t.Errorf("the commune's page offers another commune, %s", other.Name)
	}
	if _, page := send(t, client, "GET", base+"/stats?form=2b", nil); strings.Contains(page, "Chăm") || strings.Contains(page, "Hồi giáo") {
		t.Error("the commune's Biểu 2B counts a person of another commune")
	}
	x2b, err := excelize.OpenReader(bytes.NewReader(downloadFile(t, client, base+"/stats.xlsx?form=2b")))
	if err != nil {
		t.Fatal(err)
	}
	if rows, _ := x2b.GetRows("Biểu 2B"); !slices.ContainsFunc(rows, func(r []string) bool { return slices.Contains(r, "Khmer (chưa đủ)") }) {
		t.Errorf("the workbook of Biểu 2B lacks the Khmer row: %q", rows)
	}
	data := downloadFile(t, client, base+"/stats.xlsx")
	x, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := x.GetCellValue(x.GetSheetName(0), "A1"); v != f.Committee() {
		t.Errorf("the workbook's committee: %q, want %q", v, f.Committee())
	}
	if v, _ := x.GetCellValue(x.GetSheetName(0), "C11", excelize.Options{RawCellValue: true}); v != strconv.Itoa(f.Lines[0].This) {
		t.Errorf("the workbook's opening: %s, want %d", v, f.Lines[0].This)
	}
}

// TestStatsFormReadableOnAPhoneAndPrintsOnA4 shows Biểu 1 at 360 px and on a desktop, Biểu 2, 2B, 3, 5, 6 and 7 at 360 px: every
// line's label and figures are inside the screen, none cut; printed to PDF with the page's own
// size, the whole form is on A4 portrait pages (one; Biểu 5, 33 rows, two; Biểu 2, 47 rows and the notes on its register, three), without the pickers, saying it is incomplete.
func TestStatsFormReadableOnAPhoneAndPrintsOnA4(t *testing.T) {
	s, base := provinceServer(t)
	// One cell has not reported its first quarter: the form says so, on screen and on paper.
	if _, err := s.DB.Exec(t.Context(), `UPDATE quarterly_report SET state = 'draft'
		WHERE id = (SELECT min(id) FROM quarterly_report WHERE year = 2026 AND quarter = 1)`); err != nil {
		t.Fatal(err)
	}
	mine, _ := statsCommunes(t, s)
	admitIntoRegister(t, s, mine.ID, "Khmer", "")
	admitIntoRegister(t, s, mine.ID, "Kinh", "Công giáo")
	for _, c := range []struct {
		form         string
		width        int64
		lines, pages int
	}{{"1", 360, 13, 1}, {"1", 1280, 13, 1}, {"3", 360, 9, 1}, {"2", 360, 47, 3}, {"2b", 360, 10, 1}, {"6", 360, 12, 1}, {"5", 360, 33, 2}, {"7", 360, 11, 1}} {
		width := c.width
		b := browsertest.New(t)
		browserSignIn(t, b, base, "bantochuc", width, 740)
		period := "year=2026&period=6thang" // the quarterly forms, incomplete; the ratings of 2025, complete
		if c.form == "6" {
			period = "year=2025&period=nam"
		}
		b.Open(base+"/stats?"+period+"&form="+c.form, width, 740)
		type box struct {
			Text      string  `json:"text"`
			Left      float64 `json:"left"`
			Right     float64 `json:"right"`
			Overflows bool    `json:"overflows"`
		}
		cells := browsertest.Eval[[]box](b, `[...document.querySelectorAll("table.stat-table th, table.stat-table td")].map(e => {
			const r = e.getBoundingClientRect();
			return {text: e.textContent.trim(), left: r.left, right: r.right, overflows: e.scrollWidth > e.clientWidth + 1};
		})`)
		if len(cells) < c.lines*5 {
			t.Errorf("Biểu %s, %d px: %d cells in the form", c.form, width, len(cells))
		}
		for _, c := range cells {
			if c.Left < 0 || c.Right > float64(width)+0.5 || c.Overflows {
				t.Errorf("%d px: %q at %.0f–%.0f px (text wider than its cell: %v)", width, c.Text, c.Left, c.Right, c.Overflows)
			}
		}
		if w := browsertest.Eval[float64](b, `document.documentElement.scrollWidth`); w > float64(width) {
			t.Errorf("%d px: the page is %.0f px wide", width, w)
		}
		t.Logf("screenshot: %s", b.Screenshot(fmt.Sprintf("stats-form-%s-%d", c.form, width)))
		if width != 360 {
			continue
		}
		incomplete := c.form != "5" && c.form != "6" // Text waits for the notice: asked only where there is one
		if incomplete {
			if got := b.Text("[data-testid=stats-missing]"); !strings.Contains(got, "Biểu chưa đầy đủ") || !strings.Contains(got, ": quý 1") {
				t.Errorf("the incomplete form's notice: %q", got)
			}
		}
		b.Media("print")
		if incomplete && (!strings.Contains(b.Text("[data-testid=stats-missing]"), "1 chi bộ chưa có báo cáo") ||
			browsertest.Eval[bool](b, `document.querySelector("[data-testid=stats-missing] ul").checkVisibility()`)) {
			t.Error("printed, the form should say it is incomplete, without the list of cells")
		}
		if shown := browsertest.Eval[[]string](b, `[...document.querySelectorAll("nav, form, button, .button, .site-header")]
			.filter(e => e.checkVisibility()).map(e => e.outerHTML.slice(0, 80))`); len(shown) > 0 {
			t.Errorf("printed: %q", shown)
		}
		t.Logf("screenshot: %s", b.Screenshot("stats-form-print-media-"+c.form))
		pdf, path := b.PrintPDF("stats-form-"+c.form, chromedp.PDFPaper(chromedp.PaperA4), chromedp.PDFPreferCSSPageSize())
		t.Logf("PDF: %s", path)
		pages := regexp.MustCompile(`/Type\s*/Page\b`).FindAll(pdf, -1)
		boxes := regexp.MustCompile(`/MediaBox\s*\[\s*0 0 ([0-9.]+) ([0-9.]+)\s*\]`).FindAllSubmatch(pdf, -1)
		if len(pages) != c.pages || len(boxes) != c.pages {
			t.Fatalf("Biểu %s: %d printed pages, %d page sizes; want %d", c.form, len(pages), len(boxes), c.pages)
		}
		for _, box := range boxes {
			w, _ := strconv.ParseFloat(string(box[1]), 64)
			h, _ := strconv.ParseFloat(string(box[2]), 64)
			if w < 594 || w > 596 || h < 841 || h > 843 {
				t.Errorf("a page of %.1f × %.1f pt, not portrait A4 (595,3 × 841,9)", w, h)
			}
		}
	}
}
