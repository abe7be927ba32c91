package server

import (
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// Issue #12, 1: a commune's own dashboard, in the API and the CSV, gives the figures of its row
// on the province's dashboard; its cell's row counts the hamlet the cell serves.
func TestCommuneAPIAndCSVTotalsAreItsRowOnTheProvinces(t *testing.T) {
	_, base, f := serverWith(t, dashboardFixture)
	type row struct {
		Code   string         `json:"code"`
		Values map[string]any `json:"values"`
	}
	var province, commune struct {
		Total row   `json:"total"`
		Rows  []row `json:"rows"`
	}
	for unit, into := range map[int64]any{f.province: &province, f.commune: &commune} {
		resp, raw := send(t, f.staff, "GET", base+"/api/v1/dashboard?year=2026&date=2026-07-15&unit="+itoa(unit), nil)
		if resp.StatusCode != http.StatusOK || json.Unmarshal([]byte(raw), into) != nil {
			t.Fatalf("API of %d: %d %s", unit, resp.StatusCode, raw)
		}
	}
	var above row
	for _, r := range province.Rows {
		if r.Code == "TU.X01" {
			above = r
		}
	}
	if above.Values["hamlets"] != float64(1) || above.Values["own_cell_hamlets"] != float64(1) {
		t.Fatalf("the commune's row on the province's dashboard: %v", above.Values)
	}
	if !reflect.DeepEqual(commune.Total.Values, above.Values) {
		for k, v := range above.Values {
			if !reflect.DeepEqual(commune.Total.Values[k], v) {
				t.Errorf("%s: the commune's totals %v, its row above %v", k, commune.Total.Values[k], v)
			}
		}
	}
	for _, r := range commune.Rows {
		if r.Code == "TU.X01.A01" && (r.Values["hamlets"] != float64(1) || r.Values["hamlets_covered"] != float64(1) || r.Values["committee_hamlets"] != float64(1)) {
			t.Errorf("the cell serving Ấp Bàu Cạn: %v", r.Values)
		}
	}
	// The CSV's totals row: hamlets covered, hamlets and coverage first.
	_, csv := send(t, f.staff, "GET", base+"/dashboard.csv?year=2026&date=2026-07-15&unit="+itoa(f.commune), nil)
	lines := strings.Split(strings.TrimSpace(csv), "\n")
	if total := lines[len(lines)-1]; !strings.HasPrefix(total, ",Tổng cộng,1,1,100,") {
		t.Fatalf("the commune's CSV totals: %q", total)
	}
}

// Issue #12, 6: the unit page's full members are those of the unit's subtree in the latest
// reports, the dashboard's figure (two cells report 10 each), not the commune's own 0.
func TestUnitPageCountsTheFullMembersOfItsSubtree(t *testing.T) {
	_, base, f := serverWith(t, dashboardFixture)
	members := regexp.MustCompile(`Số đảng viên chính thức \(([^)]*)\)</dt>\s*<dd>([^<]*)</dd>`)
	for unit, want := range map[int64]string{f.province: "20", f.commune: "10", f.cell: "10"} {
		_, page := send(t, f.staff, "GET", base+"/org/party/"+itoa(unit)+"?date=2026-07-15", nil)
		m := members.FindStringSubmatch(page)
		if m == nil || m[1] != "theo báo cáo quý gần nhất năm 2026" || m[2] != want {
			t.Errorf("unit %d: full members %v, want %s from the reports", unit, m, want)
		}
	}
}
