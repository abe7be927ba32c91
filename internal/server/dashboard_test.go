package server

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"ptdang/internal/account"
	"ptdang/internal/browsertest"
	"ptdang/internal/exchange"
	"ptdang/internal/org"
	"ptdang/internal/pg"
	"ptdang/internal/pgtest"
	"ptdang/internal/quality"
	"ptdang/internal/report"
)

// dashboardFixture is the org fixture with a second commune and cell, and reports of 2026 for
// both cells: 3 admitted in the first, 5 in the second.
func dashboardFixture(t *testing.T, s *Server, base string) authFixture {
	t.Helper()
	f := newAuthFixture(t, s, base)
	s.Now = func() time.Time { return time.Date(2026, 7, 15, 9, 0, 0, 0, time.UTC) }
	id, _ := account.UserIDByLogin(t.Context(), s.DB, "tinh")
	u, _ := account.UserByID(t.Context(), s.DB, id)
	scope := u.Scope(account.EnterReports, "127.0.0.1")
	for cell, admitted := range map[int64]int{f.cell: 3, f.otherCell: 5} {
		figs := report.Figures{"opening": 10, "admitted": admitted, "closing": 10 + admitted, "full_members": 10, "probationary": admitted, "outstanding": 6}
		if _, err := report.Submit(t.Context(), s.DB, scope, cell, report.Period{Year: 2026, Quarter: 1}, report.Entry{Figures: figs, Confirm: true}, time.Date(2026, 4, 3, 0, 0, 0, 0, time.UTC)); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// apiTotal asks the dashboard API at url as client and returns its total row's values; an
// answer that is not 200 OK with JSON fails t.
func apiTotal(t *testing.T, client *http.Client, url string) map[string]any {
	t.Helper()
	resp, raw := send(t, client, "GET", url, nil)
	var body struct {
		Total struct {
			Values map[string]any `json:"values"`
		} `json:"total"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal([]byte(raw), &body) != nil {
		t.Fatalf("%s: %d %s", url, resp.StatusCode, raw)
	}
	return body.Total.Values
}

func TestDashboardAndAPIHoldOnlyTheCallersSubtree(t *testing.T) {
	s, base, f := serverWith(t, dashboardFixture)
	var body struct {
		Total struct {
			Values map[string]any `json:"values"`
		} `json:"total"`
		Rows []struct {
			Code string `json:"code"`
		} `json:"rows"`
	}
	resp, raw := send(t, f.staff, "GET", base+"/api/v1/dashboard?year=2026&unit="+itoa(f.province), nil)
	if resp.StatusCode != http.StatusOK || json.Unmarshal([]byte(raw), &body) != nil || body.Total.Values["admitted"] != float64(8) {
		t.Fatalf("province API: %d %s", resp.StatusCode, raw)
	}
	// On 15/07 the year's figures stand on 30/06, the end of the last quarter ended: the API
	// and the page say so.
	if !strings.Contains(raw, `"figures_on": "2026-06-30"`) {
		t.Errorf("the API does not say the day the figures stand on: %s", raw)
	}
	if _, page := send(t, f.staff, "GET", base+"/dashboard?year=2026&unit="+itoa(f.province), nil); !strings.Contains(page, `data-testid="figures-on">30/06/2026<`) {
		t.Error("the page does not say the day the figures stand on")
	}
	resp, raw = send(t, f.clients["commune_staff"], "GET", base+"/api/v1/dashboard?year=2026", nil)
	if resp.StatusCode != http.StatusOK || json.Unmarshal([]byte(raw), &body) != nil || body.Total.Values["admitted"] != float64(3) || strings.Contains(raw, "TU.X02") {
		t.Fatalf("commune API: %d %s", resp.StatusCode, raw)
	}
	if resp, _ := send(t, f.clients["commune_staff"], "GET", base+"/api/v1/dashboard?year=2026&unit="+itoa(f.province), nil); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("commune staff asking for the province: %d", resp.StatusCode)
	}
	if resp, _ := send(t, f.clients["commune_staff"], "GET", base+"/dashboard?year=2026&unit="+itoa(f.otherCommune), nil); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("commune staff opening the other commune's dashboard: %d", resp.StatusCode)
	}
	// The nation (unit 0) is for whoever sees the whole tree: its rows are the provinces.
	if resp, _ := send(t, f.staff, "GET", base+"/api/v1/dashboard?year=2026&unit=0", nil); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("province staff asking for the nation: %d", resp.StatusCode)
	}
	national := signedInUser(t, s, base, "quocgia", account.SystemAdmin, 0)
	resp, raw = send(t, national, "GET", base+"/api/v1/dashboard?year=2026&unit=0", nil)
	if resp.StatusCode != http.StatusOK || json.Unmarshal([]byte(raw), &body) != nil || body.Total.Values["admitted"] != float64(8) ||
		len(body.Rows) != 1 || body.Rows[0].Code != "TU" {
		t.Fatalf("the nation's API: %d %s", resp.StatusCode, raw)
	}
	if _, page := send(t, national, "GET", base+"/dashboard?year=2026&unit="+itoa(f.province), nil); !strings.Contains(page, `href="/dashboard?date=2026-07-15&amp;unit=0&amp;year=2026"`) {
		t.Fatal("the province's dashboard has no link up to the nation's for one who sees it")
	}
}

func TestProvinceStaffDrillsDownAndExportsTheSameNumbers(t *testing.T) {
	_, base, f := serverWith(t, dashboardFixture)
	b := signedInBrowser(t, base, "tinh", base+"/dashboard?year=2026&unit="+itoa(f.province), 1280, 800)
	b.WaitText("[data-testid=total]", "8")
	b.ClickLinkToPage("Đảng bộ xã Xuân Lộc")
	b.WantText("h1", "Chỉ số năm 2026: Đảng bộ xã Xuân Lộc")
	b.ClickLinkToPage("Chi bộ ấp Bàu Cạn Mới")
	b.WantText("h1", "Chỉ số năm 2026: Chi bộ ấp Bàu Cạn Mới")
	b.ClickToPage("[data-testid=up]")
	page := b.Text("[data-testid=dashboard] tbody tr")
	t.Logf("screenshot: %s", b.Screenshot("dashboard-commune"))
	b.Open(base+"/dashboard?year=2026&unit="+itoa(f.commune), 360, 740)
	if got := b.Text("[data-testid=figures-on]"); got != "30/06/2026" {
		t.Errorf("on a phone, the figures stand on %q", got)
	}
	t.Logf("screenshot: %s", b.Screenshot("dashboard-commune-phone"))
	b.Open(base+"/org/party/"+itoa(f.commune), 360, 740)
	t.Logf("screenshot: %s", b.Screenshot("unit-commune-phone"))
	b.Open(base+"/dashboard?year=2026&unit="+itoa(f.commune), 1280, 800)

	// The Excel export of the commune's table holds the numbers of the page.
	href := browsertest.Eval[string](b, `document.querySelector("[data-testid=export-xlsx]").getAttribute("href")`)
	resp, err := f.staff.Get(base + href)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	wb, err := excelize.OpenReader(resp.Body)
	if err != nil {
		t.Fatalf("export is not an xlsx file: %v", err)
	}
	rows, err := wb.GetRows(wb.GetSheetList()[0])
	// A title (the unit, the day of the structure and the day the figures stand on), a blank
	// row, then the table: the header, the cell's row and the totals.
	if err != nil || len(rows) != 6 || !strings.Contains(rows[0][0], "Đảng bộ xã Xuân Lộc") ||
		rows[1][0] != "Cơ cấu tổ chức tại ngày 15/07/2026; số liệu đến 30/06/2026" {
		t.Fatalf("exported rows: %q %v", rows, err)
	}
	rows = rows[3:]
	cells := strings.Fields(page)
	admittedCol := -1
	for i, h := range rows[0] {
		if h == "Đã kết nạp" {
			admittedCol = i
		}
	}
	if admittedCol < 0 || rows[1][admittedCol] != "3" || !strings.Contains(strings.Join(cells, " "), "3") {
		t.Fatalf("exported admissions %v vs page %q", rows[1], page)
	}
}

func TestDashboardSectionsShowMovementFromTheLatestReport(t *testing.T) {
	_, base, f := serverWith(t, dashboardFixture)
	v := apiTotal(t, f.staff, base+"/api/v1/dashboard?year=2026&unit="+itoa(f.commune))
	if v["members_at_start"] != float64(10) || v["members_now"] != float64(13) || v["net_growth"] != float64(3) || v["admitted_q1"] != float64(3) {
		t.Fatalf("movement: %v", v)
	}
	if v["conversion_pct"] != 50.0 || v["sources"] != float64(6) {
		t.Fatalf("conversion: %v", v)
	}
}

func TestTrendChartIsAnSVGImage(t *testing.T) {
	_, base, f := serverWith(t, dashboardFixture)
	resp, body := send(t, f.staff, "GET", base+"/dashboard/trend.svg?year=2026&unit="+itoa(f.province), nil)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/svg+xml" || !strings.Contains(body, "<svg") || !strings.Contains(body, "Quý 1") {
		t.Fatalf("trend: %d %s %.200s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
}

func TestDashboardShowsLastYearsQualityRatings(t *testing.T) {
	s, base, f := serverWith(t, dashboardFixture)
	sheet := exchange.Sheet{Table: quality.Table}
	vals := map[string]any{"cell_code": "TU.X01.A01", "year": 2025, "excellent": 1, "good": 9, "satisfactory": 3, "unsatisfactory": 1}
	row := make([]any, len(quality.Table.Columns))
	for i, c := range quality.Table.Columns {
		row[i] = vals[c.Key]
	}
	sheet.Rows = append(sheet.Rows, row)
	var buf bytes.Buffer
	if err := exchange.WriteXLSX(&buf, sheet); err != nil {
		t.Fatal(err)
	}
	if res, err := quality.Import(t.Context(), s.DB, org.Everything(), &buf, "xep-loai.xlsx", false); err != nil || len(res.Problems) > 0 {
		t.Fatalf("import: %v %v", res.Problems, err)
	}
	// 13 of 14 rated members satisfactory or better = 92,86 %, ratings of 2025 while 2026 runs.
	if v := apiTotal(t, f.staff, base+"/api/v1/dashboard?year=2026&unit="+itoa(f.province)); v["rated"] != float64(14) || v["satisfactory_or_better_pct"] != 92.86 {
		t.Fatalf("quality: %v", v)
	}
	_, page := send(t, f.staff, "GET", base+"/dashboard?year=2026&unit="+itoa(f.province), nil)
	if !strings.Contains(page, "Xếp loại chất lượng năm 2025") || !strings.Contains(page, "92,86 %") {
		t.Fatal("the page does not show 2025's ratings")
	}
}

// Two servers on one database: a session opened on one is valid on the other, and a report
// submitted through one shows on the other's dashboard at the next request, though that
// server remembers the rows it computed (no batch, no stale row).
func TestTwoServersShareSessionsAndLiveFigures(t *testing.T) {
	a, baseA, f := serverWith(t, newOrgFixture)
	addUser(t, a, "bithu", account.CellSecretary, f.cell)
	a.Now = func() time.Time { return time.Date(2026, 4, 5, 9, 0, 0, 0, time.UTC) }
	poolB, err := pg.Open(t.Context(), a.DB.Config().ConnString())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(poolB.Close)
	b := New(poolB, slog.New(slog.NewTextHandler(io.Discard, nil)), false)
	tsB := httptest.NewServer(b.Routes())
	t.Cleanup(tsB.Close)

	admitted := func() any {
		t.Helper()
		// f.staff signed in on server A; its cookie is sent to server B.
		u, _ := url.Parse(baseA)
		jar, _ := cookiejar.New(nil)
		uB, _ := url.Parse(tsB.URL)
		jar.SetCookies(uB, f.staff.Jar.Cookies(u))
		return apiTotal(t, &http.Client{Jar: jar}, tsB.URL+"/api/v1/dashboard?year=2026&date=2026-04-05&unit="+itoa(f.province))["admitted"]
	}
	for range 2 {
		if got := admitted(); got != float64(0) {
			t.Fatalf("before the report: %v", got)
		}
	}
	if st := b.Dashboards.Stats(); st.Hits == 0 {
		t.Fatalf("server B computed every row twice (%+v): its cache is not in play", st)
	}
	sec := signIn(t, baseA, "bithu")
	resp, body := send(t, sec, "POST", baseA+reportHref(f.cell, report.Period{Year: 2026, Quarter: 1}), url.Values{"action": {"submit"}, "version": {"0"},
		"opening": {"14"}, "admitted": {"2"}, "closing": {"16"}, "full_members": {"14"}, "probationary": {"2"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit on server A: %d\n%s", resp.StatusCode, body)
	}
	if got := admitted(); got != float64(2) {
		t.Fatalf("server B's dashboard after the report on server A: %v", got)
	}
}

// Dashboards read from ReadDB (DATABASE_REPLICA_URL), the rest of the site from the primary: with
// a "replica" that lacks the province, its dashboard is not found while its page still is.
func TestDashboardsReadTheReplica(t *testing.T) {
	s, base, f := serverWith(t, dashboardFixture)
	dashboard := base + "/api/v1/dashboard?year=2026&unit=" + itoa(f.province)
	if resp, raw := send(t, f.staff, "GET", dashboard, nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("the province's dashboard on the primary: %d %s", resp.StatusCode, raw)
	}
	s.ReadDB = pgtest.New(t) // the schema, none of the data
	if resp, _ := send(t, f.staff, "GET", dashboard, nil); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("the province's dashboard read from a replica without it: %d", resp.StatusCode)
	}
	if resp, _ := send(t, f.staff, "GET", base+"/org/party/"+itoa(f.province), nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("the province's page, read from the primary: %d", resp.StatusCode)
	}
}
