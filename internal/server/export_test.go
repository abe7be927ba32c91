package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"ptdang/internal/org"
	"ptdang/internal/report"
)

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
