package server

import (
	"bytes"
	"io"
	"net/http"
	"testing"

	"ptdang/internal/exchange"
	"ptdang/internal/org"
	"ptdang/internal/report"
)

// The commune's sample file is its own cells for the last quarter ended, the opening filled in
// from the quarter before; another commune's cell is not in it.
func TestTheReportSampleDownloadListsTheCommunesCells(t *testing.T) {
	s, base := newTestServer(t)
	f := newReportFixture(t, s, base) // Q1/2026 sent with closing 14; the day is 03/07/2026
	other := f.tree.Party(org.PartyUnitInput{Code: "TU.X02", Name: "Đảng bộ xã Bình Lộc", Kind: org.CommuneCommittee, ParentID: f.province})
	other.Cell("TU.X02.A01", "Chi bộ ấp Bình Hòa", 9)
	resp, err := f.xa.Get(base + "/reports/template.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("the sample: %d (%v)", resp.StatusCode, err)
	}
	rows, problems := exchange.Read(bytes.NewReader(body), "mau.xlsx", report.FiguresTable, 0)
	if len(problems) != 0 || len(rows) != 1 {
		t.Fatalf("the commune's sample has %d rows (problems %v), want its one cell", len(rows), problems)
	}
	r := rows[0]
	if r.Text("cell_code") != "TU.X01.A01" || r.Text("cell_name") != "Chi bộ ấp Bàu Cạn Mới" || r.Text("quarter") != "2" || r.Text("year") != "2026" || r.Text("opening") != "14" {
		t.Fatalf("the sample's row: %s %q Q%s/%s opening %q", r.Text("cell_code"), r.Text("cell_name"), r.Text("quarter"), r.Text("year"), r.Text("opening"))
	}
}
