package server

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"ptdang/internal/browsertest"
	"ptdang/internal/org"
	"ptdang/internal/register"
	"ptdang/web"
)

// On a 360 px phone the cell's secretary adds a candidate and records the first step: the date
// is today already, only the step's fields are asked, nothing scrolls sideways, every control
// takes a finger, and the address names the file by number only.
func TestSecretaryAddsACandidateAndRecordsAStepOnAPhone(t *testing.T) {
	s, base := newTestServer(t)
	newReportFixture(t, s, base) // today is 03/07/2026
	b := signedInBrowser(t, base, "bithu", base+"/register", 360, 740)
	b.WantText("[data-testid=todo] h2", "Việc cần làm (0)")
	b.Screenshot("register-list-empty")
	b.ClickToPage("[data-testid=register-add]")
	b.Fill("#name", "Nguyễn Thị Lan")
	b.Fill("#birth_date", "01/05/1998")
	// Ethnicity and religion are chosen from the lists: the 54 groups (Kinh chosen), and none
	// (Không chosen), the 16 religions and Khác.
	if got := browsertest.Eval[string](b, `[...document.querySelectorAll("select#ethnicity option, select#religion option")]
			.map(o => (o.selected ? "*" : "") + o.value).join("|")`); got != pickListOptions() {
		t.Errorf("the ethnicity and religion selects offer %q, want %q", got, pickListOptions())
	}
	browsertest.Eval[bool](b, `for (const [id, v] of [["sex", "female"], ["ethnicity", "Tày"], ["occupation", "farmer"], ["education", "upper_secondary"], ["youth_union", "1"]])
			document.getElementById(id).value = v;
		document.querySelector("#hamlet").selectedIndex = 1; true`)
	b.Fill("#national_id", "079198001234")
	fitsAPhone(t, b)
	b.Screenshot("register-add")
	b.ClickToPage("[data-testid=person-save]")
	b.WantText("h1", "Nguyễn Thị Lan")
	if path := browsertest.Eval[string](b, `location.pathname`); !regexp.MustCompile(`^/register/\d+$`).MatchString(path) {
		t.Fatalf("the file's address is %q, want /register/<number>", path)
	}
	if got := b.Text("[data-testid=person]"); !strings.Contains(got, "•••••••••234") || strings.Contains(got, "079198") {
		t.Errorf("the national ID is not masked: %q", got)
	}
	if got := b.Text("[data-testid=person]"); !strings.Contains(got, "Tày") {
		t.Errorf("the file does not show the ethnic group chosen: %q", got)
	}
	// The next step's form: the date is today, only its fields.
	if got := browsertest.Eval[string](b, `document.querySelector("[data-testid=step-form] #on").value`); got != "03/07/2026" {
		t.Errorf("the step's date is %q, want today", got)
	}
	if got := browsertest.Eval[string](b, `[...document.querySelectorAll("[data-testid=step-form] input:not([type=hidden]), [data-testid=step-form] select")].map(e => e.id).join(",")`); got != "on,document" {
		t.Errorf("the first step asks for %q, want on,document", got)
	}
	b.Fill("#document", "05-NQ/CB")
	fitsAPhone(t, b)
	b.Screenshot("register-step")
	b.ClickToPage("[data-testid=step-save]")
	b.WantText("[data-testid=message]", "Đã ghi bước.")
	b.WantText("[data-testid=step] strong", "03/07/2026")
	// The next form asks for the helping member.
	if got := browsertest.Eval[string](b, `[...document.querySelectorAll("[data-testid=step-form] input:not([type=hidden])")].map(e => e.id).join(",")`); got != "on,document,helper" {
		t.Errorf("the second step asks for %q, want on,document,helper", got)
	}
	b.Screenshot("register-file")
	// The cell voted on 01/04/2026 and no decision came: 60 working days (Hùng Kings' day in lieu 27/04, 30/04 and 01/05 off) ended on 29/06; the list puts it on top, overdue.
	id, _ := strconv.ParseInt(strings.TrimPrefix(browsertest.Eval[string](b, `location.pathname`), "/register/"), 10, 64)
	for i, st := range []register.Step{{Kind: register.Course, On: day("2026-01-10"), Issuer: "Trung tâm chính trị"},
		{Kind: register.Application, On: day("2026-02-01")}, {Kind: register.Verification, On: day("2026-03-01")},
		{Kind: register.Sponsors, On: day("2026-03-02"), Helper: "Trần Văn A, Lê Thị B"},
		{Kind: register.CellResolution, On: day("2026-04-01"), Document: "07-NQ/CB", VotesFor: 12, FullMembers: 13}} {
		if _, err := s.Register.RecordStep(t.Context(), s.DB, org.Everything(), id, 2+i, st, s.today()); err != nil {
			t.Fatal(err)
		}
	}
	b.Open(base+"/register", 360, 740)
	b.WantText("[data-testid=file] a", "Nguyễn Thị Lan")
	b.WaitText("[data-testid=task]", "Hạn ra quyết định kết nạp: 29/06/2026, quá hạn 4 ngày làm việc")
	fitsAPhone(t, b)
	b.Screenshot("register-list")
	b.Open(base+"/register/"+itoa(id), 360, 740)
	b.WaitText("[data-testid=clocks]", "Quá hạn")
	b.WaitText("[data-testid=waiting]", "Quyết định kết nạp. Bước này do Đảng ủy cấp trên của chi bộ ghi.")
	b.Screenshot("register-file-overdue")
}

// fitsAPhone fails t when the page scrolls sideways or a control is under 44 px tall.
func fitsAPhone(t *testing.T, b *browsertest.Browser) {
	t.Helper()
	if w := browsertest.Eval[float64](b, `document.documentElement.scrollWidth`); w > 360 {
		t.Errorf("the page is %.0f px wide on a 360 px phone", w)
	}
	if small := browsertest.Eval[[]string](b, `[...document.querySelectorAll("main input:not([type=hidden]), main select, main button, main a.button, main summary.button")]
		.filter(e => e.offsetParent !== null && e.getBoundingClientRect().height < 44).map(e => e.id || e.textContent.trim())`); len(small) > 0 {
		t.Errorf("controls under 44 px: %q", small)
	}
}

// A refused step shows the form again with what was typed and the reason, 422; a step from a
// version someone else moved on is a conflict, 409, not a 500.
func TestRegisterStepRefusalsShowTheFormAgain(t *testing.T) {
	s, base := newTestServer(t)
	f := newReportFixture(t, s, base)
	form := url.Values{"cell": {itoa(f.cell)}, "name": {"Trần Văn Bình"}, "birth_date": {"01/05/1998"}, "sex": {"male"},
		"ethnicity": {"Kinh"}, "religion": {"Không"}, "occupation": {"farmer"}, "education": {"university"}, "workplace": {"Hợp tác xã"}}
	resp, _ := send(t, f.sec, "POST", base+"/register/new", form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add: %d", resp.StatusCode)
	}
	file := resp.Header.Get("Location")
	step := url.Values{"kind": {"decision"}, "version": {"1"}, "on": {"2026-07-01"}, "document": {"1-QĐ"}}
	if resp, _ := send(t, f.sec, "POST", base+file+"/step", step); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("the cell records the commune's decision: %d, want 403", resp.StatusCode)
	}
	resp, body := send(t, f.xa, "POST", base+file+"/step", step)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Cần ghi bước") || !strings.Contains(body, `value="1-QĐ"`) {
		t.Fatalf("decision before the vote: %d", resp.StatusCode)
	}
	step = url.Values{"kind": {"outstanding"}, "version": {"1"}, "on": {"2026-07-01"}, "document": {"1-NQ"}}
	if resp, _ := send(t, f.sec, "POST", base+file+"/step", step); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("first step: %d", resp.StatusCode)
	}
	if resp, _ := send(t, f.xa, "POST", base+file+"/step", step); resp.StatusCode != http.StatusConflict {
		t.Fatalf("a step from an old version: %d, want 409", resp.StatusCode)
	}
	_, body = get(t, base+file) // not signed in
	if strings.Contains(body, "Trần Văn Bình") {
		t.Fatal("the file is shown to a visitor")
	}
}

// The person's fields are corrected on their own page; a correction from a version someone
// else moved on is a conflict that keeps what was typed.
func TestRegisterEditCorrectsThePerson(t *testing.T) {
	s, base := newTestServer(t)
	f := newReportFixture(t, s, base)
	person := url.Values{"cell": {itoa(f.cell)}, "name": {"Trần Văn Bình"}, "birth_date": {"01/05/1998"}, "sex": {"male"},
		"ethnicity": {"Kinh"}, "religion": {"Không"}, "occupation": {"farmer"}, "education": {"university"}, "workplace": {"Hợp tác xã"}, "national_id": {"079098001234"}}
	resp, _ := send(t, f.sec, "POST", base+"/register/new", person)
	file := resp.Header.Get("Location")
	if _, body := send(t, f.sec, "GET", base+file+"/edit", nil); !strings.Contains(body, `value="Trần Văn Bình"`) || !strings.Contains(body, "•••••••••234") || strings.Contains(body, "079098") {
		t.Fatal("the edit form does not show the person, or shows the national ID unmasked")
	}
	person.Del("cell")
	person.Del("national_id") // kept
	person.Set("name", "Trần Văn Bính")
	person.Set("version", "1")
	if resp, _ := send(t, f.sec, "POST", base+file+"/edit", person); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d", resp.StatusCode)
	}
	person.Set("religion", "Phật giáo")
	resp, body := send(t, f.xa, "POST", base+file+"/edit", person)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, `<option value="Phật giáo" selected>`) {
		t.Fatalf("stale edit: %d", resp.StatusCode)
	}
	if _, body := send(t, f.xa, "GET", base+file, nil); !strings.Contains(body, "Trần Văn Bính") || !strings.Contains(body, "•••••••••234") {
		t.Fatal("the file does not show the corrected name and the kept national ID")
	}
	// A value typed before the pick-lists and on none asks for a choice; so does a religion
	// left unchosen (no religion is chosen as Không).
	if _, err := s.DB.Exec(t.Context(), `UPDATE candidate SET ethnicity = 'Kinh Việt Nam' WHERE id = $1`, strings.TrimPrefix(file, "/register/")); err != nil {
		t.Fatal(err)
	}
	_, body = send(t, f.sec, "GET", base+file+"/edit", nil)
	ethnicity, _, _ := strings.Cut(body[strings.Index(body, `<select id="ethnicity"`):], "</select>")
	if !strings.Contains(body, "Đã ghi &#34;Kinh Việt Nam&#34;, không có trong danh sách: chọn lại.") || strings.Contains(ethnicity, "selected") ||
		!strings.Contains(body, `<option value="Không" selected>`) {
		t.Fatalf("the edit form does not ask to choose the unlisted ethnicity again:\n%s", ethnicity)
	}
	person.Set("version", "2")
	person.Set("religion", "")
	if resp, body := send(t, f.sec, "POST", base+file+"/edit", person); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Tôn giáo: chọn một mục") {
		t.Fatalf("no religion chosen: %d", resp.StatusCode)
	}
}

// pickListOptions are the values of the ethnicity and religion selects of a new file, the chosen
// ones starred: the form's empty choice, then the lists.
func pickListOptions() string {
	star := func(v, chosen string) string {
		if v == chosen {
			return "*" + v
		}
		return v
	}
	opts := []string{""}
	for _, e := range register.Ethnicities {
		opts = append(opts, star(e, "Kinh"))
	}
	opts = append(opts, "", "*"+register.NoReligion)
	return strings.Join(append(opts, register.Religions...), "|")
}

// A cell with more tasks and files than a page: the register shows the 50 most urgent tasks and
// the first 50 files with the counts of all, and "Trang sau" goes on to the rest, on a phone.
func TestRegisterListPagesItsTasksAndFiles(t *testing.T) {
	s, base := newTestServer(t)
	f := newReportFixture(t, s, base) // today is 03/07/2026
	const files = web.RegisterPageSize + 5
	for i := range files {
		// A course of 01/10/2021, then nothing: its certificate, due 01/10/2026, is warned of from
		// 01/04/2026 (4,5 years), one task a file; the first ten's courses are older, overdue.
		course := day("2021-10-01")
		if i < 10 {
			course = day("2021-06-01").AddDate(0, 0, i)
		}
		recordFile(t, s, f.cell, register.Person{Name: "Người thứ " + itoa(int64(100+i)), BirthDate: day("1998-05-01"), Sex: "female",
			Ethnicity: "Kinh", Occupation: "farmer", Education: "university", Workplace: "Hợp tác xã"},
			register.Step{Kind: register.Course, On: course, Issuer: "Trung tâm chính trị"})
	}
	b := signedInBrowser(t, base, "bithu", base+"/register", 360, 740)
	b.WantText("[data-testid=todo] h2", "Việc cần làm (55)")
	b.WantText("[data-testid=todo-overdue]", "Trong đó 10 việc quá hạn.")
	b.WantText("[data-testid=files] h2", "Danh sách hồ sơ (55)")
	count := func(sel string) int { return browsertest.Eval[int](b, `document.querySelectorAll("`+sel+`").length`) }
	if n, m := count("[data-testid=task]"), count("[data-testid=file]"); n != 50 || m != 50 {
		t.Fatalf("the first page shows %d tasks and %d files, want 50 and 50", n, m)
	}
	// Most urgent first: the oldest course's certificate, overdue longest.
	if got := b.Text("[data-testid=task]"); !strings.HasPrefix(got, "Người thứ 100") {
		t.Errorf("the most urgent task is %q, want the oldest course's", got)
	}
	b.WantText("[data-testid=todo-pager] span", "Trang 1/2")
	fitsAPhone(t, b)
	b.Screenshot("register-list-paged")
	b.ClickToPage("[data-testid=todo-pager] a[rel=next]")
	if n, m := count("[data-testid=task]"), count("[data-testid=file]"); n != 5 || m != 50 {
		t.Fatalf("the second page of tasks shows %d tasks and %d files, want 5 and 50", n, m)
	}
	b.WantText("[data-testid=todo-pager] span", "Trang 2/2")
	b.ClickToPage("[data-testid=files-pager] a[rel=next]")
	if n, m := count("[data-testid=task]"), count("[data-testid=file]"); n != 5 || m != 5 {
		t.Fatalf("the second page of both shows %d tasks and %d files, want 5 and 5", n, m)
	}
	b.ClickToPage("[data-testid=todo-pager] a[rel=prev]")
	if n := count("[data-testid=task]"); n != 50 {
		t.Fatalf("back to the first page of tasks: %d", n)
	}
	// A name typed without accents finds its files: "nguoi thu 10" is Người thứ 100 to 109.
	b.Fill("#ten", "nguoi thu 10")
	b.ClickToPage("[data-testid=files-search]")
	b.WantText("[data-testid=files] h2", "Danh sách hồ sơ (10)")
	if n := count("[data-testid=file]"); n != 10 || count("[data-testid=files-pager]") != 0 {
		t.Fatalf("the search shows %d files (want 10) and a pager %d", n, count("[data-testid=files-pager]"))
	}
	fitsAPhone(t, b)
	b.Screenshot("register-list-searched")
	b.Open(base+"/register", 1280, 900)
	b.Screenshot("register-list-paged-desktop")
	// A page past the end, or not a number, shows what there is, not an error.
	for _, q := range []string{"?viec=99&trang=99", "?viec=abc&trang=-3", "?ten=%25_%5C", "?ten=" + strings.Repeat("%E1%BB%87", 300)} {
		if resp, _ := send(t, f.sec, "GET", base+"/register"+q, nil); resp.StatusCode != http.StatusOK {
			t.Errorf("/register%s: %d", q, resp.StatusCode)
		}
	}
}
