package server

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"ptdang/internal/org"
	"ptdang/internal/report"
	"ptdang/web"
)

func init() {
	// Every other test reads an import's result straight from its upload: wait for the job
	// however loaded the machine (a job that is done ends the wait at once).
	importWait = time.Minute
}

// startRatingsImport uploads a ratings file without waiting for its import and returns the job's page.
func startRatingsImport(t *testing.T, client *http.Client, base string, file []byte) string {
	t.Helper()
	c := *client
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, _ := uploadFile(t, &c, base+"/quality/import", "xep-loai.csv", file, nil)
	job := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(job, "/imports/") {
		t.Fatalf("upload: %d, Location %q", resp.StatusCode, job)
	}
	return job
}

// pollJob asks for the job's page as htmx does until cond holds of it.
func pollJob(t *testing.T, client *http.Client, url string, cond func(*http.Response, string) bool) (*http.Response, string) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		req := formRequest(t, "GET", url, nil)
		req.Header.Set("HX-Request", "true")
		if resp, page := doRequest(t, client, req); cond(resp, page) {
			return resp, page
		}
	}
	t.Fatalf("%s: not reached in a minute", url)
	return nil, ""
}

var importCounts = regexp.MustCompile(`(?s)<ul data-testid="import-counts">.*?</ul>`)

// An import runs as a job: while it runs, its page shows the rows checked of the rows read; once
// done, the same result as an upload that waited for it; and nobody else sees it.
func TestImportRunsAsAJobThatShowsItsProgressToItsOwnerOnly(t *testing.T) {
	s, base, f := serverWith(t, newAuthFixture)
	at(s, "2025-01-20")
	rows := func(n string) []byte {
		return ratingsCSV("TU.X01.A01;;2023;1;"+n+";3;0;0;0;", "TU.X01.A01;;2024;1;"+n+";3;0;0;0;", "TU.X02.A01;;2024;1;"+n+";2;0;0;0;")
	}
	if status, html := uploadRatings(t, f.staff, base, "xep-loai.csv", rows("10"), false); status != http.StatusOK || !strings.Contains(html, "thêm kết quả xếp loại của 3 chi bộ") {
		t.Fatalf("first import: %d\n%s", status, html)
	}
	// The result of an upload that waits for its import: a dry run of the second file.
	status, waited := uploadRatings(t, f.staff, base, "xep-loai.csv", rows("11"), true)
	if status != http.StatusOK || !strings.Contains(waited, "sửa 3 kết quả đã có") {
		t.Fatalf("dry run: %d\n%s", status, waited)
	}

	// The third row waits for its rating, locked meanwhile: the job stops there, two rows checked.
	lock, err := s.DB.Begin(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Rollback(t.Context())
	if _, err := lock.Exec(t.Context(), `SELECT 1 FROM quality_rating WHERE cell_id = $1 AND year = 2024 FOR UPDATE`, f.otherCell); err != nil {
		t.Fatal(err)
	}
	defer func(wait time.Duration) { importWait = wait }(importWait)
	importWait = 0
	job := startRatingsImport(t, f.staff, base, rows("11"))
	_, panel := pollJob(t, f.staff, base+job, func(_ *http.Response, html string) bool {
		return strings.Contains(html, `data-testid="import-done">2<`)
	})
	if !strings.Contains(panel, "Đang kiểm tra") || !strings.Contains(panel, `data-testid="import-total">3<`) || !strings.Contains(panel, `hx-trigger="every 1s"`) {
		t.Fatalf("progress:\n%s", panel)
	}
	if resp, _ := send(t, f.clients["commune_staff"], "GET", base+job, nil); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("another user's view of the job: %d", resp.StatusCode)
	}
	if resp, page := send(t, f.staff, "GET", base+job, nil); resp.StatusCode != http.StatusOK || !strings.Contains(page, `data-testid="import-progress"`) ||
		!strings.Contains(page, "Đăng xuất") {
		t.Fatalf("the running job's page: %d\n%s", resp.StatusCode, page)
	}

	if err := lock.Rollback(t.Context()); err != nil {
		t.Fatal(err)
	}
	pollJob(t, f.staff, base+job, func(resp *http.Response, _ string) bool { return resp.Header.Get("HX-Refresh") == "true" })
	resp, done := send(t, f.staff, "GET", base+job, nil)
	if resp.StatusCode != http.StatusOK || !strings.Contains(done, "Đã nhập tệp xep-loai.csv") ||
		importCounts.FindString(done) != importCounts.FindString(waited) {
		t.Fatalf("done: %d\n%s\nwant the counts of\n%s", resp.StatusCode, done, importCounts.FindString(waited))
	}
	var good int
	if err := s.DB.QueryRow(t.Context(), `SELECT sum(good) FROM quality_rating`).Scan(&good); err != nil || good != 33 {
		t.Fatalf("stored: %d good (%v)", good, err)
	}
	if resp, _ := send(t, f.clients["commune_staff"], "GET", base+job, nil); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("another user's view of the finished job: %d", resp.StatusCode)
	}
}

// At most two imports run at once; a third is told, in Vietnamese, to come back later.
func TestAThirdImportAtOnceIsToldTheServerIsBusy(t *testing.T) {
	s, base, f := serverWith(t, newAuthFixture)
	at(s, "2025-01-20")
	release := make(chan struct{})
	for range maxRunningImports {
		if _, _, err := s.imports.Start(0, importAbout{}, func(ctx context.Context) (*web.ImportResult, error) {
			<-release
			return &web.ImportResult{}, nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	defer close(release)
	status, html := uploadRatings(t, f.staff, base, "xep-loai.csv", ratingsCSV("TU.X01.A01;;2024;1;10;3;0;0;0;"), false)
	if status != http.StatusServiceUnavailable || !strings.Contains(html, "Hệ thống đang nhập hai tệp khác") {
		t.Fatalf("third import: %d\n%s", status, html)
	}
}

// Every import page shows the signed-in user in its header (the structure page once showed a
// visitor's header), and warns that a column headed otherwise than the template refuses the file.
func TestImportPagesShowTheSignedInUser(t *testing.T) {
	_, base, f := serverWith(t, newAuthFixture)
	for _, path := range []string{"/org/import", "/quality/import", "/reports/import", "/targets/import?unit=" + itoa(f.province) + "&year=2024"} {
		resp, page := send(t, f.staff, "GET", base+path, nil)
		if resp.StatusCode != http.StatusOK || !strings.Contains(page, `data-testid="user-name"`) || strings.Contains(page, `data-testid="login-link"`) ||
			!strings.Contains(page, "cột có tiêu đề lạ làm tệp bị từ chối") {
			t.Errorf("%s: %d\n%s", path, resp.StatusCode, page)
		}
	}
}

// A file with a column the template does not have is refused, naming the column, and the page
// groups the problems by kind with their counts.
func TestImportRefusesAnUnknownColumnAndGroupsProblemsByKind(t *testing.T) {
	s, base, f := serverWith(t, newAuthFixture)
	at(s, "2025-01-20")
	file := append(ratingsCSV("X1;;2024;1;10;3;0;0;0;", "X2;;2024;1;10;3;0;0;0;", "X3;;2024;1;10;3;0;0;0;"), []byte("")...)
	file = bytes.Replace(file, []byte("Tên chi bộ"), []byte("Đầu quý"), 1)
	status, html := uploadRatings(t, f.staff, base, "xep-loai.csv", file, true)
	if status != http.StatusUnprocessableEntity || !strings.Contains(html, "Đầu quý") || !strings.Contains(html, "có tiêu đề không có trong tệp mẫu") {
		t.Fatalf("unknown column: %d\n%s", status, html)
	}
	file = ratingsCSV("X1;;2024;1;10;3;0;0;0;", "X2;;2024;1;10;3;0;0;0;", "X3;;2024;1;10;3;0;0;0;", "TU.X01.A01;;2024;1;10;3;0;0;0;", "TU.X02.A01;;2024;x;10;3;0;0;0;")
	status, html = uploadRatings(t, f.staff, base, "xep-loai.csv", file, true)
	if status != http.StatusUnprocessableEntity || !strings.Contains(html, "Tệp xep-loai.csv có 4 lỗi") ||
		!strings.Contains(html, "Trang “Xếp loại chất lượng”, cột “Mã chi bộ”: không có chi bộ mã … trong phạm vi đồng chí quản lý</a>: 3 lỗi") {
		t.Fatalf("grouped problems: %d\n%s", status, html)
	}
}

// The ratings and reports exports are workbooks in their import's layout; bad periods are 404.
func TestRatingsAndReportsExportsAreWorkbooksOfTheirImports(t *testing.T) {
	_, base, f := serverWith(t, newOrgFixture)
	for path, sheet := range map[string]string{"/quality/export.xlsx?year=2025": "Xếp loại chất lượng", "/reports/export.xlsx?year=2025&quarter=2": "Báo cáo quý"} {
		resp, err := f.staff.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		wb, err := excelize.OpenReader(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || err != nil {
			t.Fatalf("%s: %d %v", path, resp.StatusCode, err)
		}
		if rows, err := wb.GetRows(sheet); err != nil || len(rows) != 1 || rows[0][0] != "Mã chi bộ" {
			t.Fatalf("%s: sheet %q: %v %v", path, sheet, rows, err)
		}
	}
	for _, path := range []string{"/quality/export.xlsx?year=1999", "/reports/export.xlsx?year=2025&quarter=5"} {
		if resp, _ := send(t, f.staff, "GET", base+path, nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d", path, resp.StatusCode)
		}
	}
}

// The reports exported for a quarter, imported back on the import page, are left as they are.
func TestExportedReportsImportBackUnchangedOnThePage(t *testing.T) {
	s, base, f := serverWith(t, newReportFixture)
	file := downloadFile(t, f.xa, base+"/reports/export.xlsx?year=2026&quarter=1")
	for _, dryRun := range []string{"1", ""} {
		resp, html := uploadFile(t, f.xa, base+"/reports/import", "bao-cao-quy-1-2026.xlsx", file, url.Values{"dry_run": {dryRun}})
		if resp.StatusCode != http.StatusOK || !strings.Contains(html, "1 dòng trùng với báo cáo đã gửi") {
			t.Fatalf("dry run %q: status %d:\n%s", dryRun, resp.StatusCode, html)
		}
	}
	r, err := report.Get(t.Context(), s.DB, org.Everything(), f.cell, report.Period{Year: 2026, Quarter: 1})
	if err != nil || r.Version != 1 || r.State != report.Submitted {
		t.Fatalf("report after the import: version %d, %s, %v", r.Version, r.State, err)
	}
}
