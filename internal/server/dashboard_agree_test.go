package server

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"ptdang/internal/account"
	"ptdang/internal/dashboard"
	"ptdang/internal/target"
)

// table is one dashboard section as a reader sees it: by row name, by column key, the value in
// one canonical spelling (a number with two decimals, "" for none).
type table map[string]map[string]string

// canonical spells a number the same way whatever wrote it: the page's "1.827" or "71,85 %", the
// CSV's "71,85", the workbook's "71.85%" (as Excel shows it), the API's 71.85; "—", "" and null are "".
func canonical(t *testing.T, text string, vietnamese bool) string {
	t.Helper()
	text = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(text), "%"))
	if text == "" || text == "—" || text == "null" {
		return ""
	}
	if vietnamese {
		text = strings.ReplaceAll(strings.ReplaceAll(text, ".", ""), ",", ".")
	}
	text = strings.Replace(text, "−", "-", 1)
	f, err := strconv.ParseFloat(strings.TrimSpace(text), 64)
	if err != nil {
		t.Fatalf("%q is not a number", text)
	}
	return fmt.Sprintf("%.2f", f)
}

var (
	pageSection = regexp.MustCompile(`(?s)<details class="fold dashboard-section[^"]*".*?</details>`)
	pageRow     = regexp.MustCompile(`(?s)<tr[^>]*>\s*<td>(.*?)</td>(.*?)</tr>`)
	pageCell    = regexp.MustCompile(`(?s)<td class="num[^"]*"[^>]*>(.*?)</td>`)
	tags        = regexp.MustCompile(`<[^>]+>`)
)

// pageTables reads every section of the dashboard page.
func pageTables(t *testing.T, page string) []table {
	t.Helper()
	var out []table
	for i, sec := range pageSection.FindAllString(page, -1) {
		tb := table{}
		for _, m := range pageRow.FindAllStringSubmatch(sec, -1) {
			name := html.UnescapeString(strings.TrimSpace(tags.ReplaceAllString(m[1], "")))
			cells := pageCell.FindAllStringSubmatch(m[2], -1)
			if len(cells) != len(dashboard.Sections[i].Indicators) {
				t.Fatalf("section %d row %q: %d cells for %d columns", i, name, len(cells), len(dashboard.Sections[i].Indicators))
			}
			tb[name] = map[string]string{}
			for j, c := range cells {
				tb[name][dashboard.Sections[i].Indicators[j].Key] = canonical(t, html.UnescapeString(c[1]), true)
			}
		}
		out = append(out, tb)
	}
	return out
}

// sheetTable reads one exported section: title rows, a blank row, the header, then the rows.
func sheetTable(t *testing.T, i int, records [][]string, vietnamese bool) table {
	t.Helper()
	tb := table{}
	header := -1
	for r, rec := range records {
		if len(rec) > 1 && rec[0] == "Mã" {
			header = r
			break
		}
	}
	if header < 0 {
		t.Fatalf("section %d: no header in %q", i, records)
	}
	for _, rec := range records[header+1:] {
		rec = append(rec, make([]string, len(dashboard.Sections[i].Indicators)+2-len(rec))...) // trailing empties
		tb[rec[1]] = map[string]string{}
		for j, col := range dashboard.Sections[i].Indicators {
			tb[rec[1]][col.Key] = canonical(t, rec[j+2], vietnamese)
		}
	}
	return tb
}

// TestPageAPICSVAndWorkbookShowTheSameNumbers holds the four ways out of a dashboard to one
// another, for every section, row and column, at a province and at a commune.
func TestPageAPICSVAndWorkbookShowTheSameNumbers(t *testing.T) {
	s, base, f := serverWith(t, dashboardFixture)
	id, _ := account.UserIDByLogin(t.Context(), s.DB, "tinh")
	u, _ := account.UserByID(t.Context(), s.DB, id)
	// A target for the commune, so that the progress columns hold percentages too.
	in := target.AllocationInput{Unit: f.province, Year: 2026, Children: []target.Entry{{UnitID: f.commune, Basis: target.Number, Number: 7}}}
	if _, _, err := target.Allocate(t.Context(), s.DB, u.Scope(account.ManageTargets, "127.0.0.1"), in, s.today()); err != nil {
		t.Fatal(err)
	}
	for _, unit := range []int64{f.province, f.commune} {
		q := fmt.Sprintf("year=2026&date=2026-07-15&unit=%d", unit)
		_, page := send(t, f.staff, "GET", base+"/dashboard?"+q, nil)
		want := pageTables(t, page)
		if len(want) != len(dashboard.Sections) || len(want[0]) < 2 {
			t.Fatalf("unit %d: the page has %d sections, the first with %d rows", unit, len(want), len(want[0]))
		}

		var api struct {
			Total dashboard.APIRow   `json:"total"`
			Rows  []dashboard.APIRow `json:"rows"`
		}
		if _, raw := send(t, f.staff, "GET", base+"/api/v1/dashboard?"+q, nil); json.Unmarshal([]byte(raw), &api) != nil {
			t.Fatalf("API: %s", raw)
		}
		fromAPI := make([]table, len(dashboard.Sections))
		for i, sec := range dashboard.Sections {
			fromAPI[i] = table{}
			for _, r := range append(api.Rows, api.Total) {
				fromAPI[i][r.Name] = map[string]string{}
				for _, col := range sec.Indicators {
					raw, _ := json.Marshal(r.Values[col.Key])
					fromAPI[i][r.Name][col.Key] = canonical(t, string(raw), false)
				}
			}
		}

		resp, err := f.staff.Get(base + "/dashboard.xlsx?" + q)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("xlsx: %v %v", resp, err)
		}
		wb, err := excelize.OpenReader(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		for i := range dashboard.Sections {
			rows, err := wb.GetRows(wb.GetSheetList()[i]) // as shown: a percentage by its format
			if err != nil {
				t.Fatal(err)
			}
			fromXLSX := sheetTable(t, i, rows, false)

			// Each section's CSV is the one its table on the page offers.
			link := regexp.MustCompile(`href="([^"]+)" data-testid="csv-bang-` + strconv.Itoa(i+1) + `"`).FindStringSubmatch(page)
			if link == nil {
				t.Fatalf("unit %d: the page offers no CSV of section %d", unit, i)
			}
			_, body := send(t, f.staff, "GET", base+html.UnescapeString(link[1]), nil)
			r := csv.NewReader(bytes.NewReader([]byte(strings.TrimPrefix(body, "\ufeff"))))
			r.FieldsPerRecord = -1
			records, err := r.ReadAll()
			if err != nil {
				t.Fatalf("section %d CSV: %v", i, err)
			}
			fromCSV := sheetTable(t, i, records, true)

			for name, cols := range want[i] {
				for key, v := range cols {
					for way, got := range map[string]table{"API": fromAPI[i], "xlsx": fromXLSX, "CSV": fromCSV} {
						if got[name] == nil {
							t.Errorf("unit %d %s: the %s has no row %q", unit, dashboard.Sections[i].Title, way, name)
							continue
						}
						if got[name][key] != v {
							t.Errorf("unit %d %s, %q, %s: page %q, %s %q", unit, dashboard.Sections[i].Title, name, key, v, way, got[name][key])
						}
					}
				}
			}
			if len(fromXLSX) != len(want[i]) || len(fromCSV) != len(want[i]) {
				t.Errorf("unit %d section %d: rows page %d, xlsx %d, CSV %d", unit, i, len(want[i]), len(fromXLSX), len(fromCSV))
			}
		}
	}
}

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
