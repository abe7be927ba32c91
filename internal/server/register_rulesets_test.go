package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"ptdang/internal/account"
	"ptdang/internal/browsertest"
	"ptdang/internal/register"
)

// rulesForm is the add form as the page fills it for from (the values in force that day),
// with decision days set to decision.
func rulesForm(t *testing.T, s *Server, from string, decision int) url.Values {
	t.Helper()
	book, err := register.RuleBook(t.Context(), s.DB)
	if err != nil {
		t.Fatal(err)
	}
	r := book[len(book)-1]
	form := url.Values{"from": {from}, "source": {"Quy định thử nghiệm số 1"}}
	for _, f := range register.RuleFields {
		form.Set(f.Name, strconv.Itoa(*f.Of(&r)))
	}
	form.Set("decision_days", strconv.Itoa(decision))
	return form
}

// The cell's secretary reads the rule sets, the one in force today marked, and is offered no
// add; a system administrator adds one: a bad value and a day already taken show the form
// again naming the field (422), and after the add the open files' summaries are written again
// in the background.
func TestRuleSetsAreReadByTheRegistersUsersAndAddedBySystemAdministrators(t *testing.T) {
	s, base := newTestServer(t)
	f := newReportFixture(t, s, base) // today is 03/07/2026
	admin := signedInUser(t, s, base, "quantri", account.SystemAdmin, 0)
	resp, body := send(t, f.sec, "GET", base+"/register/rules", nil)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Quyết định kết nạp") ||
		!strings.Contains(body, "60 ngày làm việc sau nghị quyết chi bộ (gia hạn thêm 30)") || strings.Contains(body, `data-testid="rules-add"`) {
		t.Fatalf("the secretary's rules page: %d\n%s", resp.StatusCode, body)
	}
	if n := strings.Count(body, "Đang áp dụng"); n != 1 {
		t.Errorf("%d sets are marked in force", n)
	}
	// An open file, whose summary the add makes stale.
	person := url.Values{"cell": {itoa(f.cell)}, "name": {"Trần Văn Bình"}, "birth_date": {"01/05/1998"}, "sex": {"male"},
		"ethnicity": {"Kinh"}, "religion": {"Không"}, "occupation": {"farmer"}, "education": {"university"}, "workplace": {"Hợp tác xã"}}
	if resp, _ := send(t, f.sec, "POST", base+"/register/new", person); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add a file: %d", resp.StatusCode)
	}
	resp, body = send(t, admin, "GET", base+"/register/rules/new?from=01/08/2026", nil)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `id="decision_days" name="decision_days" value="60"`) || !strings.Contains(body, `value="01/08/2026"`) {
		t.Fatalf("the add form does not start from the values in force: %d\n%s", resp.StatusCode, body)
	}
	bad := rulesForm(t, s, "01/08/2026", 0)
	bad.Set("min_age", "70")
	resp, body = send(t, admin, "POST", base+"/register/rules/new", bad)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Quyết định kết nạp: số ngày làm việc sau nghị quyết chi bộ: nhập một số nguyên từ 1 đến 365.") ||
		!strings.Contains(body, "Tuổi tối đa phải lớn hơn tuổi tối thiểu.") {
		t.Fatalf("bad values: %d\n%s", resp.StatusCode, body)
	}
	resp, _ = send(t, admin, "POST", base+"/register/rules/new", rulesForm(t, s, "01/08/2026", 45))
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/register/rules?added=2026-08-01" {
		t.Fatalf("add: %d, to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	s.Wait()
	if n, err := register.StaleFiles(t.Context(), s.DB); err != nil || n != 0 {
		t.Errorf("%d files still stale after the add's background work (%v)", n, err)
	}
	// The change log names the add and its values in Vietnamese.
	if _, body := send(t, admin, "GET", base+"/admin/audit?by=quantri", nil); !strings.Contains(body, "Quy định về thời hạn kết nạp") ||
		!strings.Contains(body, "quy định từ 01/08/2026") || !strings.Contains(body, "Quyết định kết nạp: số ngày làm việc sau nghị quyết chi bộ") {
		t.Errorf("the change log does not show the add in words:\n%s", body)
	}
	resp, body = send(t, admin, "POST", base+"/register/rules/new", rulesForm(t, s, "01/08/2026", 40))
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "đã có bộ quy định từ ngày 01/08/2026") {
		t.Fatalf("the same day again: %d\n%s", resp.StatusCode, body)
	}
	_, body = send(t, f.sec, "GET", base+"/register/rules", nil)
	if !strings.Contains(body, "45 ngày làm việc sau nghị quyết chi bộ") || !strings.Contains(body, "Sắp áp dụng") {
		t.Errorf("the new set is not listed as coming")
	}
}

// Eight system administrators add a set for one day at once: one is stored, the others see
// the day refused (422), none a 500.
func TestSimultaneousRuleSetAddsFromThePageOneWins(t *testing.T) {
	s, base := newTestServer(t)
	newReportFixture(t, s, base)
	const n = 8
	clients := make([]*http.Client, n)
	for i := range clients {
		clients[i] = signedInUser(t, s, base, "quantri"+itoa(int64(i)), account.SystemAdmin, 0)
	}
	status := make([]int, n)
	var wg sync.WaitGroup
	for i, c := range clients {
		form := rulesForm(t, s, "01/09/2026", 40+i)
		wg.Go(func() {
			resp, _ := send(t, c, "POST", base+"/register/rules/new", form)
			status[i] = resp.StatusCode
		})
	}
	wg.Wait()
	won, refused := 0, 0
	for _, st := range status {
		switch st {
		case http.StatusSeeOther:
			won++
		case http.StatusUnprocessableEntity:
			refused++
		}
	}
	if won != 1 || refused != n-1 {
		t.Errorf("statuses %v: want one 303 and %d 422", status, n-1)
	}
}

// On a 360 px phone a system administrator opens the rule sets from the register, reads them as
// cards, and adds a set from 01/08/2026 starting from the values in force that day.
func TestSystemAdministratorAddsARuleSetOnAPhone(t *testing.T) {
	s, base := newTestServer(t)
	newReportFixture(t, s, base) // today is 03/07/2026
	addUser(t, s, "quantri", account.SystemAdmin, 0)
	b := signedInBrowser(t, base, "quantri", base+"/register", 360, 740)
	b.ClickToPage("[data-testid=register-rules]")
	b.WantText("h1", "Quy định về thời hạn kết nạp")
	// Each value reads with its label, as the cards show it on a phone.
	if got := browsertest.Eval[string](b, `const r = document.querySelector("[data-testid=rule-set].current");
		r.querySelector("th").textContent.trim().replace(/\s+/g, " ") + "|" + r.querySelector("td").dataset.label + ": " + r.querySelector("td").textContent`); got != "01/07/2025 Đang áp dụng|Quyết định kết nạp: 60 ngày làm việc sau nghị quyết chi bộ (gia hạn thêm 30)" {
		t.Errorf("the set in force reads %q", got)
	}
	fitsAPhone(t, b)
	b.Screenshot("rules-list")
	b.Fill("[data-testid=rules-add] #from", "01/08/2026")
	b.ClickToPage("[data-testid=rules-new]")
	b.WantText("h1", "Thêm bộ quy định về thời hạn kết nạp")
	if got := browsertest.Eval[string](b, `document.querySelector("#decision_days").value + "|" + document.querySelector("#from").value`); got != "60|01/08/2026" {
		t.Errorf("the form starts from %q, want 60|01/08/2026", got)
	}
	fitsAPhone(t, b)
	b.Screenshot("rules-new")
	b.Fill("#decision_days", "45")
	b.ClickToPage("[data-testid=person-save]") // no source: refused, naming the field
	b.WantText("[data-testid=error-source]", "Căn cứ: ghi văn bản quy định các thời hạn này, ví dụ Quy định 294-QĐ/TW.")
	b.Screenshot("rules-new-refused")
	b.Fill("#source", "Quy định thử nghiệm 01-QĐ/TW (01/8/2026)")
	b.ClickToPage("[data-testid=person-save]")
	b.WantText("[data-testid=rules-added]", "Đã thêm bộ quy định áp dụng từ ngày 01/08/2026. Thời hạn của các hồ sơ đang mở đã được tính lại theo bộ quy định này.") // no file: none to recompute
	if got := browsertest.Eval[string](b, `[...document.querySelectorAll("[data-testid=rule-set]")].map(r => r.querySelector("th").textContent.trim().replace(/\s+/g, " ")).join("|")`); got != "01/08/2026 Sắp áp dụng|01/07/2025 Đang áp dụng|28/01/2020" {
		t.Errorf("the sets after the add: %q", got)
	}
	fitsAPhone(t, b)
	b.Screenshot("rules-added")
}
