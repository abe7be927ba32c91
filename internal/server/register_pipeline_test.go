package server

import (
	"net/http"
	"testing"

	"ptdang/internal/browsertest"
	"ptdang/internal/org"
	"ptdang/internal/register"
)

// The commune's staff open the pipeline board from the register: on a 360 px phone each cell
// is a card and nothing scrolls sideways; on a desktop it is a table; the numbers are those of
// the files. A cell's secretary, who does not review, is refused.
func TestCommuneSeesThePipelineBoardOnAPhoneAndADesktop(t *testing.T) {
	s, base := newTestServer(t)
	f := newReportFixture(t, s, base) // today is 03/07/2026: the figures stand on 30/06/2026
	type step = register.Step
	files := [][]step{
		{{Kind: register.Outstanding, On: day("2026-03-02"), Document: "01-NQ/CB"}, {Kind: register.Sympathiser, On: day("2026-03-09"), Helper: "Trần Văn A"}},
		// voted on 01/04/2026, no decision by 29/06: overdue
		{{Kind: register.Course, On: day("2026-01-10"), Issuer: "Trung tâm chính trị"}, {Kind: register.Application, On: day("2026-02-01")},
			{Kind: register.Verification, On: day("2026-03-01")}, {Kind: register.Sponsors, On: day("2026-03-02"), Helper: "Trần Văn A, Lê Thị B"},
			{Kind: register.CellResolution, On: day("2026-04-01"), Document: "07-NQ/CB", VotesFor: 12, FullMembers: 13}},
		// admitted on 10/05/2026
		{{Kind: register.Course, On: day("2025-11-10"), Issuer: "Trung tâm chính trị"}, {Kind: register.Application, On: day("2025-12-01")},
			{Kind: register.Verification, On: day("2026-01-05")}, {Kind: register.Sponsors, On: day("2026-01-06"), Helper: "Trần Văn A, Lê Thị B"},
			{Kind: register.CellResolution, On: day("2026-02-02"), Document: "03-NQ/CB", VotesFor: 12, FullMembers: 13},
			{Kind: register.Decision, On: day("2026-04-20"), Document: "15-QĐ/ĐU"}, {Kind: register.Ceremony, On: day("2026-05-10"), Document: "15-QĐ/ĐU"}},
	}
	for _, steps := range files {
		id, err := s.Register.Create(t.Context(), s.DB, org.Everything(), f.cell, register.Person{Name: "Nguyễn Văn Bình", BirthDate: day("1998-05-01"),
			Sex: "male", Ethnicity: "Kinh", Occupation: "farmer", Education: "university", Workplace: "Hợp tác xã Xuân Lộc"}, s.today())
		if err != nil {
			t.Fatal(err)
		}
		for i, st := range steps {
			if _, err := s.Register.RecordStep(t.Context(), s.DB, org.Everything(), id, 1+i, st, s.today()); err != nil {
				t.Fatal(err)
			}
		}
	}
	if resp, _ := send(t, f.sec, "GET", base+"/register/pipeline", nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("a secretary opens the board: %d, want 403", resp.StatusCode)
	}
	b := signedInBrowser(t, base, "xa.myan", base+"/register", 360, 740)
	fitsAPhone(t, b)
	b.Screenshot("register-list-reviewer")
	b.ClickToPage("[data-testid=register-pipeline]")
	b.WantText("h1", "Tiến độ tạo nguồn: Đảng bộ xã Xuân Lộc")
	b.WantText("[data-testid=figures-on]", "30/06/2026")
	total := `[...document.querySelectorAll("[data-testid=pipeline-total] td")].map(td => td.textContent.replace(/\s+/g, " ").trim())`
	got := browsertest.Eval[[]string](b, total)
	want := map[int]string{1: "1 123 / 123 ngày", 4: "1 93 / 93 ngày", 6: "1 54 / 54 ngày",
		7: "1 2025: 0", 8: "100,00 % 2025: —",
		9: "200,00 % 2025: —", 10: "50,00 % 2025: —", 11: "1"}
	for i, w := range want {
		if i >= len(got) || got[i] != w {
			t.Errorf("totals cell %d: want %q; the row: %q", i, w, got)
		}
	}
	fitsAPhone(t, b)
	b.Screenshot("register-pipeline-phone")
	b.Open(base+"/register/pipeline", 1280, 800)
	b.WantText("[data-testid=pipeline-row] td", "Chi bộ ấp Bàu Cạn Mới")
	b.Screenshot("register-pipeline-desktop")
}
