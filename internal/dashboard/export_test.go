package dashboard

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"ptdang/internal/exchange"
	"ptdang/internal/org"
)

// exportDashboard is a dashboard of one commune with a hamlet covered out of three (33,33 %).
func exportDashboard() Dashboard {
	r := Row{UnitID: 2, Code: "X01", Name: "Xã Một", Hamlets: 3, Covered: 1, OwnCell: 1}
	d := Dashboard{Unit: org.PartyUnit{ID: 1, Code: "H", Name: "Huyện"}, Year: 2026, AsOf: time.Date(2026, 7, 15, 0, 0, 0, 0, time.UTC), Quarters: 2,
		Rows: []Row{r}, Total: r}
	d.Total.Name = "Tổng cộng"
	return d
}

// TestWorkbookShowsPercentagesAsPercentages: in the workbook a percentage column holds fractions
// under Excel's percentage format (91,58 % is 0.9158, shown 91.58%), a count stays a plain
// number; the CSV keeps the page's number (33,33).
func TestWorkbookShowsPercentagesAsPercentages(t *testing.T) {
	d := exportDashboard()
	var buf bytes.Buffer
	if err := exchange.WriteXLSX(&buf, d.Sheets()...); err != nil {
		t.Fatal(err)
	}
	wb, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	sheet := Sections[0].Title
	rows, err := wb.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	header := 4 // two title rows, a blank row, then the header (1-based)
	cols := map[string]string{}
	for i, h := range rows[header-1] {
		col, _ := excelize.ColumnNumberToName(i + 1)
		cols[h] = col
	}
	for _, ind := range Sections[0].Indicators {
		if ind.Key != "coverage_pct" && ind.Key != "hamlets" {
			continue
		}
		cell := cols[ind.Label] + "5"
		id, err := wb.GetCellStyle(sheet, cell)
		if err != nil {
			t.Fatal(err)
		}
		style, err := wb.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := wb.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
		shown, _ := wb.GetCellValue(sheet, cell)
		want := map[string][3]string{"coverage_pct": {"10", "0.3333", "33.33%"}, "hamlets": {"0", "3", "3"}}[ind.Key]
		if got := [3]string{strconv.Itoa(style.NumFmt), raw, shown}; got != want {
			t.Errorf("%s (%s): number format, raw value, shown: %q, want %q", ind.Key, cell, got, want)
		}
	}
	var csv bytes.Buffer
	if err := exchange.WriteCSV(&csv, d.Sheet(0)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(csv.String(), "\r\nX01,Xã Một,1,3,\"33,33\",") {
		t.Errorf("the CSV does not keep 33,33:\n%s", csv.String())
	}
}
