package server

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"ptdang/internal/account"
	"ptdang/internal/org"
	"ptdang/internal/quality"
)

func init() {
	for route, p := range map[string]account.Permission{
		"GET /quality/import":        account.ReviewReports,
		"POST /quality/import":       account.ReviewReports,
		"GET /quality/template.xlsx": account.ReviewReports,
		"GET /quality/export.xlsx":   account.ReviewReports,
	} {
		routeAccess[route] = string(p)
	}
}

// uploadRatings posts a ratings file to the import page as client and returns the status and page.
func uploadRatings(t *testing.T, client *http.Client, base, filename string, file []byte, dryRun bool) (int, string) {
	t.Helper()
	fields := url.Values{}
	if dryRun {
		fields.Set("dry_run", "1")
	}
	resp, html := uploadFile(t, client, base+"/quality/import", filename, file, fields)
	return resp.StatusCode, html
}

// ratingsCSV writes a ratings file: the template's header and one line per row of values in
// column order (cell code, name, year, excellent, good, satisfactory, unsatisfactory, exempt,
// two years running, the cell's category).
func ratingsCSV(rows ...string) []byte {
	var header []string
	for _, c := range quality.Table.Columns {
		header = append(header, c.Header)
	}
	return []byte(strings.Join(header, ";") + "\n" + strings.Join(rows, "\n") + "\n")
}

func TestQualityRatingsImportFromTheTemplateWorkbook(t *testing.T) {
	s, base, f := serverWith(t, newAuthFixture)
	at(s, "2025-01-20")

	resp, page := send(t, f.staff, "GET", base+"/quality/import", nil)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "Nhập kết quả xếp loại chất lượng hằng năm") ||
		!strings.Contains(page, "không vượt quá 20 % số hoàn thành tốt nhiệm vụ trở lên") {
		t.Fatalf("page: %d\n%s", resp.StatusCode, page)
	}
	resp, err := f.staff.Get(base + "/quality/template.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	wb, err := excelize.OpenReader(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatalf("template is not a workbook: %v", err)
	}
	sheet := quality.Table.Sheet
	header, err := wb.GetRows(sheet)
	if err != nil || len(header) != 1 || header[0][0] != "Mã chi bộ" || header[0][len(header[0])-1] != "Xếp loại chi bộ" {
		t.Fatalf("template rows: %v %v", header, err)
	}
	// The cell's 2024 ratings: 6 excellent of 20 rated good or better, where 3 at most are allowed.
	for i, v := range []any{"TU.X01.A01", "Chi bộ ấp Bàu Cạn Mới", 2024, 6, 14, 2, 0, 1, 0, "Hoàn thành tốt nhiệm vụ"} {
		cell, _ := excelize.CoordinatesToCellName(i+1, 2)
		wb.SetCellValue(sheet, cell, v)
	}
	var file bytes.Buffer
	if err := wb.Write(&file); err != nil {
		t.Fatal(err)
	}

	status, html := uploadRatings(t, f.staff, base, "xep-loai-2024.xlsx", file.Bytes(), true)
	if status != http.StatusOK || !strings.Contains(html, "Chưa ghi gì") || !strings.Contains(html, "thêm kết quả xếp loại của 1 chi bộ") {
		t.Fatalf("dry run: %d\n%s", status, html)
	}
	if _, err := quality.Get(t.Context(), s.DB, org.Everything(), f.cell, 2024); err == nil {
		t.Fatal("a dry run wrote")
	}
	status, html = uploadRatings(t, f.staff, base, "xep-loai-2024.xlsx", file.Bytes(), false)
	if status != http.StatusOK || !strings.Contains(html, "Đã nhập tệp xep-loai-2024.xlsx") || !strings.Contains(html, `data-testid="over-cap"`) ||
		!strings.Contains(html, "Chi bộ ấp Bàu Cạn Mới năm 2024 có 6 đảng viên hoàn thành xuất sắc nhiệm vụ, vượt mức tối đa 3") {
		t.Fatalf("import: %d\n%s", status, html)
	}
	r, err := quality.Get(t.Context(), s.DB, org.Everything(), f.cell, 2024)
	if err != nil || r.Excellent != 6 || r.Good != 14 || r.Exempt != 1 || r.Own != quality.Good {
		t.Fatalf("stored: %+v %v", r, err)
	}
	sums, err := quality.Summarise(t.Context(), s.DB, org.Everything(), []int64{f.province}, 2024, day("2024-12-31"))
	if err != nil || sums[f.province].Rated() != 22 || sums[f.province].CellsOverCap != 1 {
		t.Fatalf("summary: %+v %v", sums, err)
	}
}

func TestQualityImportWithOneBadRowShowsTheProblemAndWritesNothing(t *testing.T) {
	s, base, f := serverWith(t, newAuthFixture)
	file := ratingsCSV(
		"TU.X01.A01;;2024;2;10;3;1;0;0;Hoàn thành tốt nhiệm vụ",
		"TU.X02.A01;;2024;1;8;2;1;0;2;",
	)
	status, html := uploadRatings(t, f.staff, base, "xep-loai.csv", file, false)
	if status != http.StatusUnprocessableEntity || !strings.Contains(html, `data-testid="problems"`) ||
		!strings.Contains(html, `<td class="num">3</td><td>Đảng viên – Hai năm liền không hoàn thành nhiệm vụ</td>`) {
		t.Fatalf("bad file: %d\n%s", status, html)
	}
	if _, err := quality.Get(t.Context(), s.DB, org.Everything(), f.cell, 2024); err == nil {
		t.Fatal("the good row of a refused file was written")
	}
}

func TestCommuneStaffCannotImportRatingsForAnotherCommunesCell(t *testing.T) {
	s, base, f := serverWith(t, newAuthFixture)
	file := ratingsCSV(
		"TU.X01.A01;;2024;2;10;3;0;0;0;",
		"TU.X02.A01;Chi bộ ấp Bình Thạnh;2024;1;8;2;0;0;0;",
	)
	status, html := uploadRatings(t, f.clients["commune_staff"], base, "xep-loai.csv", file, false)
	if status != http.StatusUnprocessableEntity || !strings.Contains(html, `<td class="num">3</td><td>Mã chi bộ</td>`) ||
		!strings.Contains(html, "không có chi bộ mã &#34;TU.X02.A01&#34; trong phạm vi đồng chí quản lý") {
		t.Fatalf("another commune's cell: %d\n%s", status, html)
	}
	var n int
	if err := s.DB.QueryRow(t.Context(), `SELECT count(*) FROM quality_rating`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d ratings written (%v)", n, err)
	}
	// Their own cell alone is taken.
	status, html = uploadRatings(t, f.clients["commune_staff"], base, "xep-loai.csv", ratingsCSV("TU.X01.A01;;2024;2;10;3;0;0;0;"), false)
	if status != http.StatusOK || !strings.Contains(html, "Đã nhập tệp") {
		t.Fatalf("own cell: %d\n%s", status, html)
	}
	// A viewer may not open the page at all.
	if resp, _ := send(t, f.clients["viewer"], "GET", base+"/quality/import", nil); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("viewer: %d", resp.StatusCode)
	}
}
