package server

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"ptdang/internal/register"
)

// The province's staff download every file (the national ID masked) with its sponsors and
// upload it back: nothing changes. The commune may import but not export.
func TestProvinceExportsFilesAndImportsThemBackUnchanged(t *testing.T) {
	s, base, f := serverWith(t, newReportFixture)
	p := register.Person{Name: "Võ Thị Thu", BirthDate: day("1999-09-09"), Sex: "female", Ethnicity: "Kinh",
		Occupation: "student", Education: "university", Workplace: "Trường Đại học", NationalID: "079199009876", YouthUnion: true}
	recordFile(t, s, f.cell, p, register.Step{Kind: register.Sponsors, On: day("2026-03-02"), Helper: "Trần Văn An, Ban Chấp hành Đoàn xã",
		Sponsors: []register.Sponsor{{Name: "Trần Văn An", MemberSince: day("2010-01-02"), KnownSince: day("2020-03-04")},
			{Name: "Ban Chấp hành Đoàn xã", YouthUnion: true}}})
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
	var sponsors []string
	for _, cell := range []string{"A2", "B2", "C2", "D2", "E2", "F2", "G2", "C3", "D3", "E3"} {
		v, _ := wb.GetCellValue("Người giới thiệu", cell)
		sponsors = append(sponsors, v)
	}
	if got := strings.Join(sponsors, "|"); !strings.HasSuffix(got, "|02/03/2026|Trần Văn An|Không|02/01/2010|04/03/2020||Ban Chấp hành Đoàn xã|Có|") {
		t.Errorf("the sponsors are exported as %q", got)
	}
	tpl, err := excelize.OpenReader(bytes.NewReader(downloadFile(t, f.staff, base+"/register/template.xlsx")))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(tpl.GetSheetList(), "|"); got != "Hồ sơ|Các bước|Người giới thiệu" {
		t.Errorf("the template's sheets: %s", got)
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
