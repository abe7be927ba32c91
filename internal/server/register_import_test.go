package server

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"ptdang/internal/register"
)

// The province's staff download every file (the national ID masked) and upload it back:
// nothing changes. The commune may import but not export.
func TestProvinceExportsFilesAndImportsThemBackUnchanged(t *testing.T) {
	s, base, f := serverWith(t, newReportFixture)
	p := register.Person{Name: "Võ Thị Thu", BirthDate: day("1999-09-09"), Sex: "female", Ethnicity: "Kinh",
		Occupation: "student", Education: "university", Workplace: "Trường Đại học", NationalID: "079199009876"}
	if _, err := s.Register.Create(t.Context(), s.DB, f.staffScope(t, s), f.cell, p, s.today()); err != nil {
		t.Fatal(err)
	}
	if resp, _ := send(t, f.xa, "GET", base+"/register/export.xlsx", nil); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("the commune exports: %d", resp.StatusCode)
	}
	if _, page := send(t, f.xa, "GET", base+"/register/import", nil); strings.Contains(page, "/register/export.xlsx") {
		t.Error("the commune is offered the export")
	}
	if _, page := send(t, f.xa, "GET", base+"/register", nil); !strings.Contains(page, `data-testid="register-import"`) {
		t.Error("the commune's register does not lead to the import")
	}
	if _, page := send(t, f.sec, "GET", base+"/register", nil); strings.Contains(page, `data-testid="register-import"`) {
		t.Error("a secretary is offered the import")
	}
	file := downloadFile(t, f.staff, base+"/register/export.xlsx")
	wb, err := excelize.OpenReader(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	id, _ := wb.GetCellValue("Hồ sơ", "P2")
	if id != "•••••••••876" {
		t.Errorf("the national ID is exported as %q", id)
	}
	var exports int
	if err := s.DB.QueryRow(t.Context(), `SELECT count(*) FROM audit_log WHERE action = 'export' AND entity = 'candidate'`).Scan(&exports); err != nil || exports != 1 {
		t.Fatalf("audited exports: %d, %v", exports, err)
	}
	resp, page := uploadFile(t, f.staff, base+"/register/import", "ho-so.xlsx", file, nil)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "thêm 0 hồ sơ") || !strings.Contains(page, "giữ nguyên 1 hồ sơ đã có") {
		t.Fatalf("import of the export: %d\n%s", resp.StatusCode, page)
	}
}
