package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"ptdang/internal/account"
	"ptdang/internal/audit"
	"ptdang/internal/browsertest"
	"ptdang/internal/register"
)

// The change log reads in Vietnamese: actions, kinds of object, field labels and values, on the
// page and in the CSV, with the recorded JSON kept only as the CSV's last columns.
func TestChangeLogSpeaksVietnamese(t *testing.T) {
	s, base := newTestServer(t)
	newOrgFixture(t, s, base) // renames the cell TU.X01.A01 from 01/01/2020
	admin := signedInUser(t, s, base, "quantri", account.SystemAdmin, 0)

	_, page := send(t, admin, "GET", base+"/admin/audit?label=TU.X01.A01", nil)
	for _, want := range []string{"Đổi tên", "Tổ chức đảng: TU.X01.A01", "<del>Chi bộ ấp Bàu Cạn</del>", "<ins>Chi bộ ấp Bàu Cạn Mới</ins>",
		"Từ ngày:", "01/01/2020", "Quyết định 12-QĐ/ĐU"} {
		if !strings.Contains(page, want) {
			t.Errorf("the change log page lacks %q", want)
		}
	}
	for _, raw := range []string{"party_unit", ">rename<", `"name"`, "parent_id", "2020-01-01T"} {
		if strings.Contains(page, raw) {
			t.Errorf("the change log page shows the raw %q", raw)
		}
	}

	// Its date filters read and type as dd/mm/yyyy whatever the browser's language.
	_, filtered := send(t, admin, "GET", base+"/admin/audit?label=TU.X01.A01&from=2019-12-31&to=31/12/2100", nil)
	for _, want := range []string{`value="31/12/2019"`, `value="31/12/2100"`, `placeholder="ngày/tháng/năm"`, "Đổi tên"} {
		if !strings.Contains(filtered, want) {
			t.Errorf("the filtered change log lacks %q", want)
		}
	}
	if strings.Contains(filtered, `type="date"`) {
		t.Error("the change log's date filters follow the browser's language (type=date)")
	}

	_, csv := send(t, admin, "GET", base+"/admin/audit.csv?label=TU.X01.A01", nil)
	if want := "Tên: Chi bộ ấp Bàu Cạn → Chi bộ ấp Bàu Cạn Mới"; !strings.Contains(csv, want) {
		t.Errorf("the change log CSV lacks %q:\n%s", want, csv)
	}
	if !strings.Contains(csv, "Đổi tên,Tổ chức đảng,TU.X01.A01") {
		t.Errorf("the change log CSV does not name the action and the kind in Vietnamese:\n%s", csv)
	}
}

// The change log in a browser, on a phone and a desktop: the page never scrolls sideways (the
// table scrolls in its box), and a change reads as a field with its old and new value.
func TestChangeLogInTheBrowser(t *testing.T) {
	s, base := newTestServer(t)
	newOrgFixture(t, s, base)
	addUser(t, s, "quantri", account.SystemAdmin, 0)
	b := browsertest.New(t)
	for _, vp := range []struct {
		name          string
		width, height int64
	}{{"phone", 360, 740}, {"desktop", 1366, 768}} {
		t.Run(vp.name, func(t *testing.T) {
			browserSignIn(t, b, base, "quantri", vp.width, vp.height)
			b.Open(base+"/admin/audit?label=TU.X01.A01", vp.width, vp.height)
			if got := b.Text("[data-testid=audit] tbody"); !strings.Contains(got, "Tên: Chi bộ ấp Bàu Cạn → Chi bộ ấp Bàu Cạn Mới") {
				t.Errorf("the change reads %q", got)
			}
			if w := browsertest.Eval[int64](b, `document.documentElement.scrollWidth`); w > vp.width {
				t.Errorf("page is %d px wide in a %d px viewport", w, vp.width)
			}
			if vp.name == "phone" { // header and menu leave the screen to the page: two short lines
				if h := browsertest.Eval[float64](b, `document.querySelector('.site-header').getBoundingClientRect().height`); h > 110 {
					t.Errorf("the header takes %.0f px of a %d px screen", h, vp.height)
				}
				if r := browsertest.Eval[float64](b, `document.querySelector('.site-nav [aria-current=page]').getBoundingClientRect().right`); r > float64(vp.width) {
					t.Errorf("the current page's menu item ends at %.0f px, off the %d px screen", r, vp.width)
				}
			}
			t.Logf("screenshot: %s", b.Screenshot("audit-"+vp.name))
			b.ClickToPage("[data-testid=logout]")
		})
	}
}

// A purged file's entries show in the change log, page and CSV, with who, when and what, and
// none of the person's data: their values read as erased.
func TestChangeLogShowsAPurgedFilesRedactedEntries(t *testing.T) {
	s, base := newTestServer(t)
	f := newReportFixture(t, s, base) // today is 03/07/2026
	id := recordFile(t, s, f.cell, register.Person{Name: "Hoàng Thị Mận", BirthDate: day("1990-07-15"), Sex: "female",
		Ethnicity: "Tày", Religion: "Phật giáo", Occupation: "farmer", Education: "university", Workplace: "Hợp tác xã Bình Minh",
		NationalID: "079190012345"},
		register.Step{Kind: register.Outstanding, On: day("2020-01-02"), Document: "09-NQ/CB"},
		register.Step{Kind: register.Sympathiser, On: day("2020-01-03"), Helper: "Phạm Văn Giúp"},
		register.Step{Kind: register.Sponsors, On: day("2020-01-04"), Helper: "Đỗ Văn Giới, Vũ Thị Thiệu", Sponsors: []register.Sponsor{
			{Name: "Đỗ Văn Giới", MemberSince: day("2010-01-01"), KnownSince: day("2010-01-01")},
			{Name: "Vũ Thị Thiệu", MemberSince: day("2010-01-01"), KnownSince: day("2010-01-01")}}},
		register.Step{Kind: register.Withdrawn, On: day("2020-01-06")})
	if n, err := register.Purge(t.Context(), s.DB, audit.Actor{}, s.today()); err != nil || n != 1 {
		t.Fatalf("purged %d: %v", n, err)
	}
	admin := signedInUser(t, s, base, "quantri", account.SystemAdmin, 0)
	q := "?label=" + url.QueryEscape("hồ sơ "+itoa(id))
	resp, page := send(t, admin, "GET", base+"/admin/audit"+q, nil)
	_, csv := send(t, admin, "GET", base+"/admin/audit.csv"+q, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("the change log: %d", resp.StatusCode)
	}
	for name, body := range map[string]string{"page": page, "CSV": csv} {
		for _, want := range []string{"Thêm mới", "Ghi bước hồ sơ", "Xóa hồ sơ hết thời hạn lưu", "(đã xóa theo thời hạn lưu)", "02/01/2020"} {
			if !strings.Contains(body, want) {
				t.Errorf("the change log's %s lacks %q", name, want)
			}
		}
		for _, personal := range []string{"Mận", "1990", "Tày", "Phật giáo", "Bình Minh", "•••", "09-NQ/CB", "Phạm Văn Giúp", "Đỗ Văn Giới", "Vũ Thị Thiệu"} {
			if strings.Contains(body, personal) {
				t.Errorf("the change log's %s shows %q of a purged file", name, personal)
			}
		}
	}
}
