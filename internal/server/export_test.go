package server

import (
	"net/http"
	"testing"

	"github.com/xuri/excelize/v2"
)

// The ratings and reports exports are workbooks in their import's layout; bad periods are 404.
func TestRatingsAndReportsExportsAreWorkbooksOfTheirImports(t *testing.T) {
	s, base := newTestServer(t)
	f := newOrgFixture(t, s, base)
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
