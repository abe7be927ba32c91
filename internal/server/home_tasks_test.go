package server

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"ptdang/internal/org"
	"ptdang/internal/register"
)

// The home page tells one who enters reports how many tasks their register holds, overdue
// ones apart, with a link to it; a visitor sees no such line.
func TestHomeCountsTheCallersTasks(t *testing.T) {
	s, base := newTestServer(t)
	f := newReportFixture(t, s, base) // today is 03/07/2026
	id, err := s.Register.Create(t.Context(), s.DB, org.Everything(), f.cell, register.Person{Name: "Lê Văn Tâm", BirthDate: day("1999-02-01"),
		Sex: "male", Ethnicity: "Kinh", Occupation: "worker", Education: "vocational", Workplace: "Công ty Xuân Lộc"}, s.today())
	if err != nil {
		t.Fatal(err)
	}
	// The cell voted on 01/04/2026 and no decision came by 29/06/2026: overdue.
	for i, st := range []register.Step{{Kind: register.Course, On: day("2021-11-10"), Issuer: "Trung tâm chính trị"},
		{Kind: register.Application, On: day("2021-12-01")}, {Kind: register.Verification, On: day("2022-01-05")},
		{Kind: register.Sponsors, On: day("2022-01-06"), Helper: "Trần Văn A, Lê Thị B"},
		{Kind: register.CellResolution, On: day("2026-04-01"), Document: "07-NQ/CB", VotesFor: 12, FullMembers: 13}} {
		if _, err := s.Register.RecordStep(t.Context(), s.DB, org.Everything(), id, 1+i, st, s.today()); err != nil {
			t.Fatal(err)
		}
	}
	todo, err := register.Todo(t.Context(), s.DB, org.Under(f.cell), s.today(), register.Page{})
	if err != nil {
		t.Fatal(err)
	}
	tasks := todo.Tasks
	_, body := send(t, f.sec, "GET", base+"/", nil)
	want := `href="/register">Việc cần làm: ` + itoa(int64(len(tasks))) + `</a>`
	if len(tasks) < 1 || !strings.Contains(body, want) || !strings.Contains(body, "1 việc quá hạn") {
		t.Errorf("the secretary's home page lacks %q and 1 overdue (%d tasks)", want, len(tasks))
	}
	resp, err := http.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	if _, err := io.Copy(&b, resp.Body); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "home-tasks") {
		t.Error("a visitor's home page counts tasks")
	}
}
