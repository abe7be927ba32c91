package server

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"ptdang/internal/account"
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
