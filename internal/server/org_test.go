package server

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"ptdang/internal/account"
	"ptdang/internal/browsertest"
	"ptdang/internal/org"
	"ptdang/internal/orgtest"
)

var day = orgtest.Day

// orgFixture is a province with one commune, a hamlet served by a cell renamed in 2020.
type orgFixture struct {
	tree                            *orgtest.Tree
	province, commune, cell, hamlet int64
	staff                           *http.Client // signed in as province staff
}

func newOrgFixture(t *testing.T, s *Server, base string) orgFixture {
	t.Helper()
	tree := orgtest.New(t, s.DB, day("2015-01-01"))
	adminProvince := tree.Admin(org.AdminUnitInput{Code: "DN", Name: "Đồng Nai", Level: org.Province, LocalWord: "tỉnh"})
	province := tree.Party(org.PartyUnitInput{Code: "TU", Name: "Tỉnh ủy Đồng Nai", Kind: org.ProvinceCommittee, TerritoryID: adminProvince.ID})
	commune := province.Commune("TU.X01", "Đảng bộ xã Xuân Lộc")
	since := day("2019-03-01")
	cell := commune.Party(org.PartyUnitInput{Code: "TU.X01.A01", Name: "Chi bộ ấp Bàu Cạn", Kind: org.AffiliatedCell, FullMembers: 14, CommitteeSince: &since})
	if err := org.RenameUnit(t.Context(), s.DB, org.Everything(), org.PartyTree, org.Reorg{Effective: day("2020-01-01"), Note: "Quyết định 12-QĐ/ĐU"}, cell.ID, "Chi bộ ấp Bàu Cạn Mới"); err != nil {
		t.Fatal(err)
	}
	pop := 2345
	hamlet := adminProvince.Admin(org.AdminUnitInput{Code: "DN.X01", Name: "Xuân Lộc", Level: org.Commune, LocalWord: "xã"}).
		Admin(org.AdminUnitInput{Code: "DN.X01.A01", Name: "Ấp Bàu Cạn", Level: org.Hamlet, LocalWord: "ấp", HamletFacts: org.HamletFacts{Population: &pop}})
	hamlet.Link(cell, org.OwnCell)
	f := orgFixture{tree: tree, province: province.ID, commune: commune.ID, cell: cell.ID, hamlet: hamlet.ID}
	f.staff = signedInUser(t, s, base, "tinh", account.ProvinceStaff, f.province)
	return f
}

func TestCreatingCellWithBadInputNamesTheFields(t *testing.T) {
	_, base, f := serverWith(t, newOrgFixture)
	resp, body := send(t, f.staff, "POST", base+"/org/party/new", url.Values{
		"code": {"TU.X01.A02"}, "name": {"Chi bộ ấp Suối Cát"}, "kind": {"affiliated_cell"}, "org_type": {"territorial"},
		"parent_code": {"KHONG-CO"}, "from": {"31/02/2024"}, "full_members": {"mười"}, "term_months": {"60"},
	})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", resp.StatusCode)
	}
	for _, want := range []string{
		`data-testid="error-parent_code">Không tìm thấy đơn vị có mã &#34;KHONG-CO&#34;.`,
		`data-testid="error-from">Ngày không hợp lệ`,
		`data-testid="error-full_members">Nhập một số nguyên`,
		`value="Chi bộ ấp Suối Cát"`, // what was typed stays
	} {
		if !strings.Contains(body, want) {
			t.Errorf("response lacks %s", want)
		}
	}

	resp, _ = send(t, f.staff, "POST", base+"/org/party/new", url.Values{
		"code": {"TU.X01.A02"}, "name": {"Chi bộ ấp Suối Cát"}, "kind": {"affiliated_cell"}, "org_type": {"territorial"},
		"parent_code": {"TU.X01"}, "from": {"01/01/2024"}, "full_members": {"7"}, "term_months": {"60"},
	})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("valid create: status %d", resp.StatusCode)
	}
	resp, body = send(t, f.staff, "GET", base+resp.Header.Get("Location"), nil)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Chi bộ ấp Suối Cát") || !strings.Contains(body, "Đảng bộ xã Xuân Lộc") {
		t.Fatalf("new cell's page: %d", resp.StatusCode)
	}
}

func TestMoveUnderOwnChildIsRefusedOnThePage(t *testing.T) {
	s, base, f := serverWith(t, newOrgFixture)
	u, _ := org.GetPartyUnit(t.Context(), s.DB, org.Everything(), f.commune, time.Now())
	resp, body := send(t, f.staff, "POST", base+"/org/party/"+itoa(f.commune)+"/move", url.Values{
		"version": {itoa(int64(u.Version))}, "parent_code": {"TU.X01.A01"}, "effective": {"2024-01-01"},
	})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `data-testid="error-parent_code"`) {
		t.Fatalf("move a commune under its cell: %d\n%s", resp.StatusCode, body)
	}
}

func TestUnitPageShowsHistoryAsOfDate(t *testing.T) {
	_, base, f := serverWith(t, newOrgFixture)
	_, body := send(t, f.staff, "GET", base+"/org/party/"+itoa(f.cell)+"?date=2018-06-01", nil)
	if !strings.Contains(body, `<h1 data-testid="unit-name">Chi bộ ấp Bàu Cạn</h1>`) {
		t.Error("2018 name not shown for a 2018 date")
	}
	_, body = send(t, f.staff, "GET", base+"/org/party/"+itoa(f.cell)+"?date=2024-06-01", nil)
	for _, want := range []string{`<h1 data-testid="unit-name">Chi bộ ấp Bàu Cạn Mới</h1>`, "Đổi tên (Quyết định 12-QĐ/ĐU)", "Có chi ủy từ 01/03/2019", "31/12/2019"} {
		if !strings.Contains(body, want) {
			t.Errorf("2024 page lacks %q", want)
		}
	}
	if resp, _ := send(t, f.staff, "GET", base+"/org/party/999999", nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown unit: %d", resp.StatusCode)
	}
	if resp, _ := send(t, f.staff, "GET", base+"/org/party/abc", nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("malformed id: %d", resp.StatusCode)
	}
}

func TestProvinceStaffFindsHamletWithoutAccentsAndSeesCellHistory(t *testing.T) {
	s, base := newTestServer(t)
	newOrgFixture(t, s, base)
	b := signedInBrowser(t, base, "tinh", base+"/org", 360, 740)
	b.Fill("#q", "bau can")
	b.ClickToPage("form[role=search] button")
	b.WaitText("[data-testid=hits]", "Ấp Bàu Cạn")
	b.ClickLinkToPage("Ấp Bàu Cạn")
	b.WantText("[data-testid=unit-name]", "Ấp Bàu Cạn")
	b.ClickToPage("[data-testid=link-cell]")
	b.WantText("[data-testid=unit-name]", "Chi bộ ấp Bàu Cạn Mới")
	history := b.Text("[data-testid=history]")
	for _, want := range []string{"Chi bộ ấp Bàu Cạn", "01/01/2015", "31/12/2019", "Đổi tên"} {
		if !strings.Contains(history, want) {
			t.Errorf("cell history lacks %q:\n%s", want, history)
		}
	}
	if w := browsertest.Eval[int64](b, `document.documentElement.scrollWidth`); w > 360 {
		t.Errorf("cell page is %d px wide on a 360 px phone", w)
	}
	t.Logf("screenshot: %s", b.Screenshot("cell-history-phone"))
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestImportPageListsEveryProblemAndWritesNothing(t *testing.T) {
	s, base, f := serverWith(t, newOrgFixture)
	resp, html := uploadFile(t, f.staff, base+"/org/import", "to-chuc.csv", []byte("Mã,Tên,Cấp tổ chức,Loại hình,Mã cấp trên,Ngày thành lập,Số đảng viên chính thức\n"+
		"TU.X01.A05,Chi bộ ấp 5,Chi bộ trực thuộc,\"Xã, phường, đặc khu, thôn, tổ dân phố\",TU.X01,01/01/2024,7\n"+
		"TU.X01.A06,Chi bộ ấp 6,Chi bộ trực thuộc,\"Xã, phường, đặc khu, thôn, tổ dân phố\",TU.X01,01/01/2024,bảy\n"),
		url.Values{"table": {"party"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(html, "Số đảng viên chính thức") ||
		!strings.Contains(html, `<td class="num">3</td>`) {
		t.Fatalf("status %d:\n%s", resp.StatusCode, html)
	}
	if _, err := org.GetPartyUnitByCode(t.Context(), s.DB, org.Everything(), "TU.X01.A05", time.Now()); err == nil {
		t.Fatal("the good row of a refused file was written")
	}
}

func TestExportIsARealWorkbookWithTheTree(t *testing.T) {
	_, base, f := serverWith(t, newOrgFixture)
	resp, err := f.staff.Get(base + "/org/export.xlsx?date=2024-01-01")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	wb, err := excelize.OpenReader(resp.Body)
	if err != nil {
		t.Fatalf("not an xlsx file: %v", err)
	}
	rows, err := wb.GetRows("Tổ chức đảng")
	if err != nil || len(rows) != 4 || rows[3][0] != "TU.X01.A01" || rows[3][1] != "Chi bộ ấp Bàu Cạn Mới" {
		t.Fatalf("party sheet: %v %v", rows, err)
	}
	resp2, body := send(t, f.staff, "GET", base+"/org/export/links.csv?date=2024-01-01", nil)
	if resp2.StatusCode != http.StatusOK || !strings.HasPrefix(body, "\ufeff") || !strings.Contains(body, "DN.X01.A01,TU.X01.A01,Có chi bộ riêng,01/01/2015") {
		t.Fatalf("links csv: %d %q", resp2.StatusCode, body)
	}
}

// browserSignIn signs the browser in as login through the sign-in page.
func browserSignIn(t *testing.T, b *browsertest.Browser, base, login string, width, height int64) {
	t.Helper()
	b.Open(base+"/login", width, height)
	b.Fill("#login", login)
	b.Fill("#password", testPassword)
	b.ClickToPage("[data-testid=login-submit]")
	b.WantText("[data-testid=user-name]", "Người dùng "+login)
}

// signedInBrowser starts a browser of width×height, signs in as login and opens url.
func signedInBrowser(t *testing.T, base, login, url string, width, height int64) *browsertest.Browser {
	t.Helper()
	b := browsertest.New(t)
	browserSignIn(t, b, base, login, width, height)
	b.Open(url, width, height)
	return b
}

func TestSplittingAHamletFromThePage(t *testing.T) {
	s, base, f := serverWith(t, newOrgFixture)
	path := base + "/org/admin/" + itoa(f.hamlet) + "/split"
	form := url.Values{"version": {"1"}, "effective": {"01/01/2024"}, "note": {"NQ 12/HĐND"},
		"code_1": {"DN.X01.A01a"}, "name_1": {"Ấp Bàu Cạn 1"}, "share_1": {"60"},
		"code_2": {"DN.X01.A01b"}, "name_2": {"Ấp Bàu Cạn 2"}, "share_2": {"30"}}
	resp, body := send(t, f.staff, "POST", path, form)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "phải bằng 100 %") {
		t.Fatalf("shares adding to 90 %%: %d", resp.StatusCode)
	}
	form.Set("share_2", "40")
	if resp, body := send(t, f.staff, "POST", path, form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("split: %d\n%s", resp.StatusCode, body)
	}
	shares, err := org.RestateOn(t.Context(), s.DB, org.AdminTree, f.hamlet, day("2024-06-01"))
	if err != nil || len(shares) != 2 || shares[0].Share != 0.6 {
		t.Fatalf("restated shares: %+v %v", shares, err)
	}
	// Both new hamlets are served by the cell that served the old one.
	served, _ := org.CellHamlets(t.Context(), s.DB, org.Everything(), f.cell, day("2024-06-01"))
	if len(served) != 2 {
		t.Fatalf("the cell serves %d hamlets after the split", len(served))
	}
}

// The workbook the page offers ("Tải tệp Excel", as of today) passes a dry run unchanged, also
// when a cell and a hamlet moved to a commune founded after their own founding (the 2025 merge).
func TestDownloadedStructureFilePassesADryRunUnchanged(t *testing.T) {
	s, base, f := serverWith(t, newOrgFixture)
	ctx, all := t.Context(), org.Everything()
	merged := day("2025-07-01")
	commune, _, err := org.CreatePartyUnit(ctx, s.DB, all, org.PartyUnitInput{Code: "TU.X02", Name: "Đảng bộ xã Xuân Định", Kind: org.CommuneCommittee, OrgType: "territorial", ParentID: f.province, From: merged})
	if err != nil {
		t.Fatal(err)
	}
	province, err := org.GetAdminUnitByCode(ctx, s.DB, all, "DN", merged)
	if err != nil {
		t.Fatal(err)
	}
	adminCommune, err := org.CreateAdminUnit(ctx, s.DB, all, org.AdminUnitInput{Code: "DN.X02", Name: "Xuân Định", Level: org.Commune, LocalWord: "xã", ParentID: province.ID, From: merged})
	if err != nil {
		t.Fatal(err)
	}
	r := org.Reorg{Effective: merged, Note: "Nghị quyết 1662/NQ-UBTVQH15"}
	if err := org.MoveUnit(ctx, s.DB, all, org.PartyTree, r, f.cell, commune); err != nil {
		t.Fatal(err)
	}
	if err := org.MoveUnit(ctx, s.DB, all, org.AdminTree, r, f.hamlet, adminCommune); err != nil {
		t.Fatal(err)
	}

	file := downloadFile(t, f.staff, base+"/org/export.xlsx")
	resp, html := uploadFile(t, f.staff, base+"/org/import", "co-cau-to-chuc.xlsx", file, url.Values{"dry_run": {"1"}})
	for _, want := range []string{"không có lỗi", "thêm 0 đơn vị", "sửa 0 đơn vị", "giải thể 0 đơn vị", "giữ nguyên 9 dòng"} {
		if resp.StatusCode != http.StatusOK || !strings.Contains(html, want) {
			t.Fatalf("status %d, no %q:\n%s", resp.StatusCode, want, html)
		}
	}
}

// More hits than a page holds: the first page says so and links to the next, which shows the rest.
func TestSearchSaysWhenResultsGoOnAndPages(t *testing.T) {
	_, base, f := serverWith(t, newOrgFixture)
	for i := 1; i <= 52; i++ {
		n := strconv.Itoa(100 + i)
		f.tree.Party(org.PartyUnitInput{Code: "TU.X01.K" + n, Name: "Chi bộ khu phố " + n, Kind: org.AffiliatedCell, ParentID: f.commune, TermMonths: 60})
	}
	_, body := send(t, f.staff, "GET", base+"/org?q=khu+pho&date=2024-01-01", nil)
	if !strings.Contains(body, `data-testid="hits-pager"`) || !strings.Contains(body, "Còn kết quả khác") {
		t.Fatalf("first page does not say more hits follow:\n%s", body)
	}
	if strings.Contains(body, "Chi bộ khu phố 151") || !strings.Contains(body, "Chi bộ khu phố 150") {
		t.Error("first page should show the first 50 hits, and only them")
	}
	_, body = send(t, f.staff, "GET", base+"/org?date=2024-01-01&page=2&q=khu+pho", nil)
	if !strings.Contains(body, "Chi bộ khu phố 151") || !strings.Contains(body, "Chi bộ khu phố 152") || strings.Contains(body, "Chi bộ khu phố 150<") {
		t.Error("second page should show the hits after the first 50")
	}
	if strings.Contains(body, "Còn kết quả khác") || !strings.Contains(body, "Trang trước") {
		t.Error("the last page should link back and say nothing follows")
	}
}

// A viewer sees no link on the structure pages that would answer 403: the changes are offered
// only to whoever may make them.
func TestViewerSeesOnlyOrgLinksTheyMayOpen(t *testing.T) {
	s, base, f := serverWith(t, newOrgFixture)
	viewer := signedInUser(t, s, base, "xem", account.Viewer, f.province)
	hrefs := regexp.MustCompile(`href="(/org[^"]*)"`)
	pages := []string{"/org?date=2024-01-01", "/org/party/" + strconv.FormatInt(f.commune, 10) + "?date=2024-01-01",
		"/org/party/" + strconv.FormatInt(f.cell, 10) + "?date=2024-01-01", "/org/admin/" + strconv.FormatInt(f.hamlet, 10) + "?date=2024-01-01"}
	for _, page := range pages {
		_, body := send(t, viewer, "GET", base+page, nil)
		links := hrefs.FindAllStringSubmatch(body, -1)
		if len(links) == 0 {
			t.Fatalf("%s shows no link to the structure:\n%s", page, body)
		}
		for _, l := range links {
			href := html.UnescapeString(l[1])
			if resp, _ := send(t, viewer, "GET", base+href, nil); resp.StatusCode == http.StatusForbidden {
				t.Errorf("%s links to %s, which answers the viewer 403", page, href)
			}
		}
	}
	if _, body := send(t, viewer, "GET", base+pages[0], nil); !strings.Contains(body, "Tải cơ cấu (Excel)") || strings.Contains(body, "/org/import") {
		t.Error("a viewer should be offered the export, not the import")
	}
	// Staff still see the changes.
	if _, body := send(t, f.staff, "GET", base+pages[1], nil); !strings.Contains(body, "/edit") || !strings.Contains(body, "/rename") {
		t.Error("staff should see the changes they may make")
	}
}

// unitVersion is the version of Party unit id that its pages send back with a change.
func unitVersion(t *testing.T, s *Server, id int64) string {
	t.Helper()
	u, err := org.GetPartyUnit(t.Context(), s.DB, org.Everything(), id, s.today())
	if err != nil {
		t.Fatal(err)
	}
	return itoa(int64(u.Version))
}
