package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"ptdang/internal/browsertest"
	"ptdang/internal/register"
	"ptdang/internal/report"
)

// A cell that keeps its register sees the figures its files count read-only on the report
// form, each linking to the people behind it; opening that list is an audited read.
func TestRegisterCellReportShowsCountsReadOnlyWithThePeople(t *testing.T) {
	s, base, f := serverWith(t, newReportFixture) // today is 03/07/2026
	scope := f.staffScope(t, s)
	p := register.Person{Name: "Lê Thị Hoa", BirthDate: day("1998-05-01"), Sex: "female", Ethnicity: "Khmer",
		Occupation: "farmer", Education: "upper_secondary", Workplace: "Hợp tác xã"}
	id, err := s.Register.Create(t.Context(), s.DB, scope, f.cell, p, s.today())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB.Exec(t.Context(), `INSERT INTO candidate_step (candidate_id, kind, on_date, recorded_by_login)
		VALUES ($1, 'ceremony', '2026-05-10', 'test')`, id); err != nil {
		t.Fatal(err)
	}
	path := base + reportHref(f.cell, q2026)
	if _, body := send(t, f.sec, "GET", path, nil); strings.Contains(body, "register-admitted") {
		t.Fatal("a cell that does not keep its register shows register counts")
	}
	// The commune chooses, from this quarter; the secretary cannot.
	if resp, _ := send(t, f.sec, "POST", path+"/register-keep", url.Values{"keep": {"1"}}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("the secretary chooses: %d", resp.StatusCode)
	}
	if resp, body := send(t, f.xa, "POST", path+"/register-keep", url.Values{"keep": {"1"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the commune chooses: %d\n%s", resp.StatusCode, body)
	}
	if from, ok, err := register.KeptFrom(t.Context(), s.DB, f.cell); err != nil || !ok || !from.Equal(day("2026-04-01")) {
		t.Fatalf("kept from %v, %v, %v", from, ok, err)
	}
	if _, body := send(t, f.xa, "GET", path, nil); !strings.Contains(body, "kể từ Quý 2/2026") {
		t.Error("the commune's page does not say the cell keeps its register")
	}
	// A second choice from the page read before is a conflict.
	if resp, _ := send(t, f.xa, "POST", path+"/register-keep", url.Values{"keep": {"0"}}); resp.StatusCode != http.StatusConflict {
		t.Fatalf("a stale choice: %d", resp.StatusCode)
	}
	_, body := send(t, f.sec, "GET", path, nil)
	for _, want := range []string{`name="admitted" value="1" readonly`, `name="adm_women" value="1" readonly`,
		`name="adm_ethnic_minority" value="1" readonly`, `data-testid="register-admitted"`, "Theo hồ sơ: 1 người", `data-testid="register-notice"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the form lacks %s", want)
		}
	}
	if strings.Contains(body, `name="opening" value="14" readonly`) {
		t.Error("a typed figure is read-only")
	}
	resp, body := send(t, f.sec, "GET", path+"/register/admitted", nil)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Lê Thị Hoa") || !strings.Contains(body, "Theo hồ sơ: 1 người") {
		t.Fatalf("the people behind the admitted: %d", resp.StatusCode)
	}
	var reads int
	if err := s.DB.QueryRow(t.Context(), `SELECT count(*) FROM audit_log WHERE action = 'read' AND entity = 'candidate'
		AND actor_login = 'bithu' AND new_value->'files' @> $1::jsonb`, "["+itoa(id)+"]").Scan(&reads); err != nil || reads != 1 {
		t.Fatalf("audited reads of the list: %d, %v", reads, err)
	}
	if resp, _ := send(t, f.sec, "GET", path+"/register/opening", nil); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("a figure the register does not give: %d", resp.StatusCode)
	}
	// On a phone the secretary sees the counted figures read-only, and submits them.
	b := signedInBrowser(t, base, "bithu", path, 360, 740)
	b.WantText("[data-testid=register-admitted]", "Theo hồ sơ: 1 người")
	if !browsertest.Eval[bool](b, `document.getElementById("admitted").readOnly && !document.getElementById("opening").readOnly`) {
		t.Error("the counted figure is editable, or a typed one is not")
	}
	fitsAPhone(t, b)
	t.Logf("screenshot: %s", b.Screenshot("report-from-register"))
	b.Fill("#closing", "15")
	b.Fill("#full_members", "14")
	b.Fill("#probationary", "1")
	clickToState(t, b, "[data-testid=submit]", "Đã gửi, chờ duyệt")
	rep, err := report.Get(t.Context(), s.DB, scope, f.cell, q2026)
	if err != nil || rep.Figures["admitted"] != 1 || rep.Figures["adm_ethnic_minority"] != 1 {
		t.Fatalf("submitted %v, %v", rep.Figures, err)
	}
}
