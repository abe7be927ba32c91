package server

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"ptdang/internal/account"
	"ptdang/internal/audit"
	"ptdang/internal/browsertest"
	"ptdang/internal/format"
	"ptdang/internal/org"
	"ptdang/internal/target"
)

func init() {
	for route, p := range map[string]account.Permission{
		"GET /targets":             account.ReadStructure,
		"POST /targets":            account.ManageTargets,
		"GET /targets/export.xlsx": account.ReadStructure,
		"GET /targets/export.csv":  account.ReadStructure,
		"GET /targets/import":      account.ManageTargets,
		"POST /targets/import":     account.ManageTargets,
		"GET /targets/settings":    account.ManageTargets,
		"POST /targets/settings":   account.ManageTargets,
	} {
		routeAccess[route] = string(p)
	}
}

// at sets the server's clock to noon in Vietnam on day.
func at(s *Server, d string) {
	t := day(d).Add(5 * time.Hour)
	s.Now = func() time.Time { return t }
}

func targetURL(base string, unit int64, year string) string {
	return base + "/targets?unit=" + itoa(unit) + "&year=" + year
}

// saveSettings posts the province's rules for 2022 as province staff.
func saveSettings(t *testing.T, f authFixture, base string, extra url.Values) {
	t.Helper()
	form := url.Values{"unit": {itoa(f.province)}, "year": {"2022"}, "ahead": {"5"}, "on_track": {"5"}, "behind": {"15"},
		"q1": {"25"}, "q2": {"50"}, "q3": {"75"}, "version": {"0"}, "year_version": {"0"}}
	for k, v := range extra {
		form[k] = v
	}
	resp, body := send(t, f.staff, "POST", base+"/targets/settings", form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("settings: %d\n%s", resp.StatusCode, body)
	}
}

// childTarget is the target of a's child unit.
func childTarget(a target.Allocation, unit int64) target.Target {
	for _, c := range a.Children {
		if c.Unit.ID == unit {
			return c.Target
		}
	}
	return target.Target{}
}

func TestAllocationMismatchShowsTheDifferenceAndStrictProvinceRefusesIt(t *testing.T) {
	s, base, f := serverWith(t, newAuthFixture)
	at(s, "2022-03-01")
	c1, c2 := "u"+itoa(f.commune), "u"+itoa(f.otherCommune)
	resp, body := send(t, f.staff, "GET", targetURL(base, f.province, "2022"), nil)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `name="`+c1+`"`) || !strings.Contains(body, `name="total"`) {
		t.Fatalf("province staff's allocation page: %d\n%s", resp.StatusCode, body)
	}
	resp, body = send(t, f.staff, "POST", base+"/targets", url.Values{"unit": {itoa(f.province)}, "year": {"2022"}, "action": {"save"},
		"total": {"1.300"}, "total_version": {"0"}, c1: {"700"}, c1 + "_version": {"0"}, c2: {"500"}, c2 + "_version": {"0"}})
	if resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "saved=1") {
		t.Fatalf("save: %d\n%s", resp.StatusCode, body)
	}
	_, body = send(t, f.staff, "GET", base+resp.Header.Get("Location"), nil)
	for _, want := range []string{
		`data-testid="message">Đã lưu chỉ tiêu.`,
		`data-testid="alloc-sum">1.200<`,
		`data-testid="alloc-diff">-100<`,
		`Còn thiếu 100 so với chỉ tiêu`,
		`data-testid="mismatch">Tổng chỉ tiêu giao cho các đơn vị trực thuộc là 1.200, còn thiếu 100 so với chỉ tiêu 1.300 của Tỉnh ủy Đồng Nai.`,
		`value="1.300"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("after a mismatched save the page lacks %s", want)
		}
	}

	saveSettings(t, f, base, url.Values{"strict": {"1"}})
	resp, body = send(t, f.staff, "POST", base+"/targets", url.Values{"unit": {itoa(f.province)}, "year": {"2022"}, "action": {"save"},
		"total": {"1.300"}, "total_version": {"1"}, c1: {"750"}, c1 + "_version": {"1"}, c2: {"500"}, c2 + "_version": {"1"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "còn thiếu 50 so với chỉ tiêu 1.300") ||
		!strings.Contains(body, "phải bằng chỉ tiêu của đơn vị") || !strings.Contains(body, `value="750"`) {
		t.Fatalf("strict mismatch: %d\n%s", resp.StatusCode, body)
	}
	if a, _ := target.GetAllocation(t.Context(), s.DB, org.Everything(), f.province, 2022); a.Sum != 1200 {
		t.Fatalf("a refused allocation was written: sum %d", a.Sum)
	}
}

func TestPreviewRecomputesTheSumAndAStalePageShowsBothValues(t *testing.T) {
	s, base, f := serverWith(t, newAuthFixture)
	at(s, "2022-03-01")
	c1, c2 := "u"+itoa(f.commune), "u"+itoa(f.otherCommune)
	saveSettings(t, f, base, url.Values{"strict": {"1"}})
	if _, _, err := target.Allocate(t.Context(), s.DB, org.Everything(), target.AllocationInput{Unit: f.province, Year: 2022,
		Total: &target.Entry{Number: 1300}, Children: []target.Entry{{UnitID: f.commune, Number: 700}, {UnitID: f.otherCommune, Number: 600}}}, day("2022-03-01")); err != nil {
		t.Fatal(err)
	}
	// Without JavaScript, "Tính lại tổng" recomputes the sum and the difference and saves nothing.
	resp, body := send(t, f.staff, "POST", base+"/targets", url.Values{"unit": {itoa(f.province)}, "year": {"2022"}, "action": {"preview"},
		"total": {"1.300"}, "total_version": {"1"}, c1: {"750"}, c1 + "_version": {"1"}, c2: {""}, c2 + "_share": {"3"}, c2 + "_base": {"18.334"}, c2 + "_version": {"1"}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `data-testid="alloc-sum">1.301<`) || !strings.Contains(body, `data-testid="alloc-diff">+1<`) ||
		!strings.Contains(body, "Vượt 1 so với chỉ tiêu") || !strings.Contains(body, `value="551"`) {
		t.Fatalf("preview: %d\n%s", resp.StatusCode, body)
	}
	resp, _ = send(t, f.staff, "POST", base+"/targets", url.Values{"unit": {itoa(f.province)}, "year": {"2022"}, "action": {"save"},
		"total": {"1.300"}, "total_version": {"1"}, c1: {"750"}, c1 + "_version": {"1"}, c2: {""}, c2 + "_share": {"3"}, c2 + "_base": {"18.333"}, c2 + "_version": {"1"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("an allocation that adds up in a strict province: %d", resp.StatusCode)
	}
	a, _ := target.GetAllocation(t.Context(), s.DB, org.Everything(), f.province, 2022)
	if t2 := childTarget(a, f.otherCommune); a.Sum != 1300 || t2.Share != 300 || t2.Base != 18333 || t2.Number != 550 {
		t.Fatalf("saved: %+v", a.Children)
	}

	// A stale page is a conflict that shows both values.
	resp, body = send(t, f.staff, "POST", base+"/targets", url.Values{"unit": {itoa(f.province)}, "year": {"2022"}, "action": {"save"},
		c1: {"740"}, c1 + "_version": {"1"}})
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "Vừa được sửa thành: 750.") || !strings.Contains(body, `value="740"`) {
		t.Fatalf("stale save: %d\n%s", resp.StatusCode, body)
	}
}

func TestAfterTheLockDateCommuneStaffCannotEditAndProvinceStaffMustGiveAReason(t *testing.T) {
	s, base, f := serverWith(t, newAuthFixture)
	at(s, "2022-03-01")
	commune := f.clients[string(account.CommuneStaff)]
	cell := "u" + itoa(f.cell)

	// Before the lock: commune staff allocate to their cells but do not set their commune's target.
	_, body := send(t, commune, "GET", targetURL(base, f.commune, "2022"), nil)
	if strings.Contains(body, `name="total"`) || !strings.Contains(body, `name="`+cell+`"`) || !strings.Contains(body, `data-testid="alloc-save"`) {
		t.Fatalf("commune staff's page before the lock:\n%s", body)
	}
	resp, _ := send(t, commune, "POST", base+"/targets", url.Values{"unit": {itoa(f.commune)}, "year": {"2022"}, "total": {"50"}, "total_version": {"0"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("a total field commune staff may not set is ignored: %d", resp.StatusCode)
	}
	if a, _ := target.GetAllocation(t.Context(), s.DB, org.Everything(), f.commune, 2022); a.Total.Set() {
		t.Fatal("commune staff set their own commune's target")
	}
	if resp, _ := send(t, commune, "GET", targetURL(base, f.otherCommune, "2022"), nil); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("another commune's page: %d", resp.StatusCode)
	}
	if resp, _ := send(t, commune, "GET", base+"/targets/settings?unit="+itoa(f.commune)+"&year=2022", nil); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("commune staff on the province's rules: %d", resp.StatusCode)
	}

	saveSettings(t, f, base, url.Values{"lock_date": {"2022-03-31"}})
	at(s, "2022-04-02")
	_, body = send(t, commune, "GET", targetURL(base, f.commune, "2022"), nil)
	if !strings.Contains(body, "đã khóa từ ngày 31/03/2022: chỉ Ban Tổ chức Tỉnh ủy được điều chỉnh") || strings.Contains(body, `data-testid="alloc-save"`) {
		t.Fatalf("commune staff's page after the lock:\n%s", body)
	}
	form := url.Values{"unit": {itoa(f.commune)}, "year": {"2022"}, "action": {"save"}, cell: {"3"}, cell + "_version": {"0"}}
	resp, body = send(t, commune, "POST", base+"/targets", form)
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "đã khóa từ ngày 31/03/2022") {
		t.Fatalf("commune staff saving after the lock: %d\n%s", resp.StatusCode, body)
	}
	resp, body = send(t, f.staff, "POST", base+"/targets", form)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `data-testid="error-reason">Chỉ tiêu năm 2022 đã khóa từ ngày 31/03/2022: nhập lý do điều chỉnh.`) {
		t.Fatalf("province staff without a reason: %d\n%s", resp.StatusCode, body)
	}
	form.Set("reason", "Công văn 12-CV/BTCTU")
	if resp, body := send(t, f.staff, "POST", base+"/targets", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("province staff with a reason: %d\n%s", resp.StatusCode, body)
	}
	rows, err := audit.List(t.Context(), s.DB, audit.Filter{All: true, Label: "TU.X01.A01", Login: "tinh"})
	if err != nil || len(rows) == 0 || rows[0].Reason != "Công văn 12-CV/BTCTU" || rows[0].Addr != "127.0.0.1" || rows[0].Entity != "admission_target" {
		t.Fatalf("audit of the locked change: %+v %v", rows, err)
	}
}

func TestTargetsExportAndImportThroughThePages(t *testing.T) {
	s, base, f := serverWith(t, newAuthFixture)
	at(s, "2022-03-01")
	resp, csv := send(t, f.staff, "GET", base+"/targets/export.csv?unit="+itoa(f.province)+"&year=2022", nil)
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(csv, "\ufeffMã đơn vị,") || !strings.Contains(resp.Header.Get("Content-Disposition"), "chi-tieu-TU-2022.csv") {
		t.Fatalf("export: %d %q", resp.StatusCode, csv)
	}
	edited := strings.Replace(csv, "TU.X01,Đảng bộ xã Xuân Lộc,TU,2022,,", "TU.X01,Đảng bộ xã Xuân Lộc,TU,2022,120,", 1)
	upload := func(file string, dryRun bool) (int, string) {
		fields := url.Values{"unit": {itoa(f.province)}, "year": {"2022"}}
		if dryRun {
			fields.Set("dry_run", "1")
		}
		resp, html := uploadFile(t, f.staff, base+"/targets/import", "chi-tieu.csv", []byte(file), fields)
		return resp.StatusCode, html
	}
	status, html := upload(edited, true)
	if status != http.StatusOK || !strings.Contains(html, "giao mới 1 chỉ tiêu") || !strings.Contains(html, "Chưa ghi gì") {
		t.Fatalf("dry run: %d\n%s", status, html)
	}
	if a, _ := target.GetAllocation(t.Context(), s.DB, org.Everything(), f.commune, 2022); a.Total.Set() {
		t.Fatal("a dry run wrote")
	}
	status, html = upload(edited, false)
	if status != http.StatusOK || !strings.Contains(html, "Đã nhập tệp") {
		t.Fatalf("import: %d\n%s", status, html)
	}
	if a, _ := target.GetAllocation(t.Context(), s.DB, org.Everything(), f.commune, 2022); a.Total.Number != 120 {
		t.Fatalf("imported target %d", a.Total.Number)
	}
	status, html = upload(strings.Replace(edited, ",120,", ",một trăm,", 1), false)
	if status != http.StatusUnprocessableEntity || !strings.Contains(html, "không phải là số nguyên không âm") {
		t.Fatalf("bad file: %d\n%s", status, html)
	}
}

func TestProvinceStaffAllocatesAYearsTargetAcrossCommunesWithARunningSum(t *testing.T) {
	s, base, f := serverWith(t, newAuthFixture)
	at(s, "2022-03-01")
	c1, c2 := "#u"+itoa(f.commune), "#u"+itoa(f.otherCommune)
	b := signedInBrowser(t, base, "tinh", targetURL(base, f.province, "2022"), 360, 740)
	b.WantText("[data-testid=target-title]", "Chỉ tiêu kết nạp năm 2022: Tỉnh ủy Đồng Nai")
	if browsertest.Eval[string](b, `getComputedStyle(document.querySelector("[data-preview]")).display`) != "none" {
		t.Error("with JavaScript the figures update by themselves, yet “Tính lại tổng” shows")
	}
	b.Fill("#total", "1300")
	b.WaitText("[data-testid=alloc-note]", "Còn thiếu 1.300 so với chỉ tiêu")
	b.Fill(c1, "700")
	b.WaitText("[data-testid=alloc-note]", "Còn thiếu 600 so với chỉ tiêu")
	if sum, diff := b.Text("[data-testid=alloc-sum]"), b.Text("[data-testid=alloc-diff]"); sum != "700" || diff != "-600" {
		t.Errorf("after 700: sum %q, difference %q", sum, diff)
	}
	if !browsertest.Eval[bool](b, `document.querySelector("[data-summary]").classList.contains("warn")`) {
		t.Error("a mismatch is not marked")
	}
	b.Fill(c1, "800")
	b.Fill(c2, "600")
	b.WaitText("[data-testid=alloc-note]", "Vượt 100 so với chỉ tiêu")
	if diff := b.Text("[data-testid=alloc-diff]"); diff != "+100" {
		t.Errorf("over-allocated: difference %q", diff)
	}
	// A share fills in the number, rounded up: 3 % of 16.667 is 500,01 → 501.
	b.Fill("[name=u"+itoa(f.otherCommune)+"_share]", "3")
	b.Fill("[name=u"+itoa(f.otherCommune)+"_base]", "16.667")
	b.WaitText("[data-testid=alloc-sum]", "1.301")
	if got := browsertest.Eval[string](b, `document.querySelector("`+c2+`").value`); got != "501" {
		t.Errorf("share-based number %q", got)
	}
	b.Fill("[name=u"+itoa(f.otherCommune)+"_base]", "16.666")
	b.WaitText("[data-testid=alloc-note]", "Khớp với chỉ tiêu")
	if sum, diff := b.Text("[data-testid=alloc-sum]"), b.Text("[data-testid=alloc-diff]"); sum != "1.300" || diff != "0" {
		t.Errorf("matched: sum %q, difference %q", sum, diff)
	}
	if browsertest.Eval[bool](b, `document.querySelector("[data-summary]").classList.contains("warn")`) {
		t.Error("a matching allocation is marked as a mismatch")
	}
	if w := browsertest.Eval[int64](b, `document.documentElement.scrollWidth`); w > 360 {
		t.Errorf("the allocation page is %d px wide on a 360 px phone", w)
	}
	t.Logf("screenshot: %s", b.Screenshot("targets-allocation-phone"))
	b.ClickToPage("[data-testid=alloc-save]")
	if got, sum := b.Text("[data-testid=message]"), b.Text("[data-testid=alloc-sum]"); got != "Đã lưu chỉ tiêu." || sum != "1.300" {
		t.Fatalf("after saving: %q, sum %q", got, sum)
	}
	a, err := target.GetAllocation(t.Context(), s.DB, org.Everything(), f.province, 2022)
	if t2 := childTarget(a, f.otherCommune); err != nil || a.Total.Number != 1300 || a.Sum != 1300 || t2.Number != 500 || t2.Share != 300 {
		t.Fatalf("saved allocation: %+v %+v %v", a.Total, a.Children, err)
	}
}

// Issue #15: the running sum used to come after all the rows; it stays in sight while the user
// types into a long list, and the share hint counts the unit's own members.
func TestRunningSumStaysInViewAlongALongListOfUnits(t *testing.T) {
	s, base, f := serverWith(t, newAuthFixture)
	at(s, "2022-03-01")
	var last int64
	for i := range 40 {
		id, _, err := org.CreatePartyUnit(t.Context(), s.DB, org.Everything(), org.PartyUnitInput{Code: fmt.Sprintf("TU.Y%02d", i),
			Name: fmt.Sprintf("Đảng bộ xã Yên %d", i), Kind: org.CommuneCommittee, OrgType: "territorial", ParentID: f.province, From: day("2015-01-01")})
		if err != nil {
			t.Fatal(err)
		}
		last = id
	}
	a, err := target.GetAllocation(t.Context(), s.DB, org.Everything(), f.province, 2022)
	if err != nil || a.Members <= 0 {
		t.Fatalf("the province's members: %d, %v", a.Members, err)
	}
	b := signedInBrowser(t, base, "tinh", targetURL(base, f.province, "2022"), 360, 740)
	inView := `(r => r.top >= 0 && r.bottom <= innerHeight)(document.querySelector(%q).getBoundingClientRect())`
	if browsertest.Eval[bool](b, fmt.Sprintf(inView, "tbody tr:last-child")) {
		t.Fatal("the list fits on one screen: this test proves nothing")
	}
	if !browsertest.Eval[bool](b, fmt.Sprintf(inView, "[data-testid=alloc-summary]")) {
		t.Error("the running sum is not on the first screen")
	}
	b.Fill("#u"+itoa(last), "17")
	b.WaitText("[data-testid=alloc-sum]", "17")
	if !browsertest.Eval[bool](b, fmt.Sprintf(inView, "[data-testid=alloc-summary]")) {
		t.Error("the running sum is out of sight while typing at the end of the list")
	}
	t.Logf("screenshot: %s", b.Screenshot("targets-long-list-phone"))
	hint := browsertest.Eval[string](b, `document.querySelector("[data-testid=share-hint]").textContent`)
	if want := "3 % của " + format.Int(int64(a.Members)) + " đảng viên là "; !strings.Contains(hint, want) || strings.Contains(hint, "76.174") {
		t.Errorf("share hint %q, want it to count the province's own members (%s)", hint, want)
	}
}
