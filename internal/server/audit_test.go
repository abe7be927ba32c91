package server

import (
	"strings"
	"testing"

	"ptdang/internal/account"
	"ptdang/internal/browsertest"
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
