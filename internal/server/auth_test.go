package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"ptdang/internal/account"
	"ptdang/internal/audit"
	"ptdang/internal/browsertest"
	"ptdang/internal/org"
)

// Access to every route: "public", "signed-in" (any user), or the permission it needs.
// A route missing here fails TestEveryRouteForEveryRole.
var routeAccess = map[string]string{
	"GET /":                                                "public",
	"GET /healthz":                                         "public",
	"GET /readyz":                                          "public",
	"GET /static/*":                                        "public",
	"GET /favicon.ico":                                     "public",
	"GET /sw.js":                                           "public",
	"GET /login":                                           "public",
	"POST /login":                                          "public",
	"POST /logout":                                         "public",
	"GET /account/password":                                "signed-in",
	"POST /account/password":                               "signed-in",
	"GET /imports/{id}":                                    "signed-in",
	"GET /notifications":                                   "signed-in",
	"GET /notifications/bell":                              "signed-in",
	"POST /notifications/read":                             "signed-in",
	"POST /notifications/{id}/read":                        "signed-in",
	"GET /notifications/settings":                          "signed-in",
	"POST /notifications/settings":                         "signed-in",
	"GET /notifications/push/key":                          "signed-in",
	"POST /notifications/push":                             "signed-in",
	"POST /notifications/push/delete":                      "signed-in",
	"GET /notifications/rules":                             string(account.AcceptReports),
	"POST /notifications/rules":                            string(account.AcceptReports),
	"GET /org":                                             string(account.ReadStructure),
	"GET /org/export.xlsx":                                 string(account.ReadStructure),
	"GET /org/export/{table}.csv":                          string(account.ReadStructure),
	"GET /org/template.xlsx":                               string(account.ReadStructure),
	"GET /org/import":                                      string(account.ManageStructure),
	"POST /org/import":                                     string(account.ManageStructure),
	"GET /org/party/new":                                   string(account.ManageStructure),
	"POST /org/party/new":                                  string(account.ManageStructure),
	"GET /org/party/{id}":                                  string(account.ReadStructure),
	"GET /org/party/{id}/edit":                             string(account.ManageStructure),
	"POST /org/party/{id}/edit":                            string(account.ManageStructure),
	"GET /org/party/{id}/children":                         string(account.ReadStructure),
	"GET /org/party/merge":                                 string(account.ManageStructure),
	"POST /org/party/merge":                                string(account.ManageStructure),
	"GET /org/party/{id}/close":                            string(account.ManageStructure),
	"POST /org/party/{id}/close":                           string(account.ManageStructure),
	"GET /org/party/{id}/rename":                           string(account.ManageStructure),
	"POST /org/party/{id}/rename":                          string(account.ManageStructure),
	"GET /org/party/{id}/move":                             string(account.ManageStructure),
	"POST /org/party/{id}/move":                            string(account.ManageStructure),
	"GET /org/admin/new":                                   string(account.ManageStructure),
	"POST /org/admin/new":                                  string(account.ManageStructure),
	"GET /org/admin/{id}":                                  string(account.ReadStructure),
	"GET /org/admin/{id}/edit":                             string(account.ManageStructure),
	"POST /org/admin/{id}/edit":                            string(account.ManageStructure),
	"GET /org/admin/{id}/link":                             string(account.ManageStructure),
	"POST /org/admin/{id}/link":                            string(account.ManageStructure),
	"GET /org/admin/{id}/children":                         string(account.ReadStructure),
	"GET /org/admin/merge":                                 string(account.ManageStructure),
	"POST /org/admin/merge":                                string(account.ManageStructure),
	"GET /org/admin/{id}/close":                            string(account.ManageStructure),
	"POST /org/admin/{id}/close":                           string(account.ManageStructure),
	"GET /org/admin/{id}/rename":                           string(account.ManageStructure),
	"POST /org/admin/{id}/rename":                          string(account.ManageStructure),
	"GET /org/admin/{id}/move":                             string(account.ManageStructure),
	"POST /org/admin/{id}/move":                            string(account.ManageStructure),
	"GET /admin/users":                                     string(account.ManageUsers),
	"GET /admin/users/new":                                 string(account.ManageUsers),
	"POST /admin/users/new":                                string(account.ManageUsers),
	"GET /admin/users/units":                               string(account.ManageUsers),
	"GET /admin/users/{id}":                                string(account.ManageUsers),
	"POST /admin/users/{id}/grants":                        string(account.ManageUsers),
	"POST /admin/users/{id}/grants/{grant}/revoke":         string(account.ManageUsers),
	"POST /admin/users/{id}/password":                      string(account.ManageUsers),
	"POST /admin/users/{id}/disabled":                      string(account.ManageUsers),
	"GET /reports":                                         string(account.EnterReports),
	"GET /reports/status":                                  string(account.ReviewReports),
	"GET /stats":                                           string(account.ReviewReports),
	"GET /stats.xlsx":                                      string(account.ReviewReports),
	"GET /stats/coverage":                                  string(account.ReviewReports),
	"GET /stats/coverage.xlsx":                             string(account.ReviewReports),
	"GET /reports/{cell}/{year}/{quarter}/":                string(account.ReadStructure),
	"POST /reports/{cell}/{year}/{quarter}/":               string(account.EnterReports),
	"POST /reports/{cell}/{year}/{quarter}/check":          string(account.EnterReports),
	"GET /reports/{cell}/{year}/{quarter}/history":         string(account.ReadStructure),
	"POST /reports/{cell}/{year}/{quarter}/return":         string(account.ReviewReports),
	"POST /reports/{cell}/{year}/{quarter}/return-extend":  string(account.AcceptReports),
	"POST /reports/{cell}/{year}/{quarter}/approve":        string(account.ReviewReports),
	"POST /reports/{cell}/{year}/{quarter}/reopen":         string(account.ReviewReports),
	"POST /reports/{cell}/{year}/{quarter}/accept":         string(account.AcceptReports),
	"POST /reports/{cell}/{year}/{quarter}/request-reopen": string(account.EnterReports),
	"GET /reports/import":                                  string(account.ReviewReports),
	"POST /reports/import":                                 string(account.ReviewReports),
	"GET /reports/template.xlsx":                           string(account.ReviewReports),
	"GET /reports/export.xlsx":                             string(account.ReviewReports),
	"GET /reports/settings":                                string(account.AcceptReports),
	"POST /reports/settings":                               string(account.AcceptReports),
	"POST /reports/settings/exception":                     string(account.AcceptReports),
	"GET /org/party/{id}/split":                            string(account.ManageStructure),
	"POST /org/party/{id}/split":                           string(account.ManageStructure),
	"GET /org/admin/{id}/split":                            string(account.ManageStructure),
	"POST /org/admin/{id}/split":                           string(account.ManageStructure),
	"POST /reports/{cell}/{year}/{quarter}/autosave":       string(account.EnterReports),
	"GET /dashboard":                                       string(account.ReadStructure),
	"GET /dashboard.xlsx":                                  string(account.ReadStructure),
	"GET /dashboard.csv":                                   string(account.ReadStructure),
	"GET /api/v1/dashboard":                                string(account.ReadStructure),
	"GET /dashboard/trend.svg":                             string(account.ReadStructure),
	"GET /admin/audit":                                     string(account.ReadAudit),
	"GET /admin/audit.csv":                                 string(account.ReadAudit),
	"GET /register":                                        string(account.EnterReports),
	"GET /register/new":                                    string(account.EnterReports),
	"POST /register/new":                                   string(account.EnterReports),
	"GET /register/{id}":                                   string(account.EnterReports),
	"POST /register/{id}/step":                             string(account.EnterReports),
	"GET /register/{id}/edit":                              string(account.EnterReports),
	"POST /register/{id}/edit":                             string(account.EnterReports),
	"GET /reports/{cell}/{year}/{quarter}/register/{key}":  string(account.EnterReports),
	"POST /reports/{cell}/{year}/{quarter}/register-keep":  string(account.ReviewReports),
	"GET /register/{id}/readmission":                       string(account.EnterReports),
	"POST /register/{id}/readmission":                      string(account.EnterReports),
	"GET /register/{id}/sponsor-ceased":                    string(account.EnterReports),
	"POST /register/{id}/sponsor-ceased":                   string(account.EnterReports),
	"GET /register/retention":                              string(account.AcceptReports),
	"POST /register/retention":                             string(account.AcceptReports),
	"GET /register/pipeline":                               string(account.ReviewReports),
	"GET /register/rules":                                  string(account.EnterReports),
	"GET /register/rules/new":                              string(account.ManageRules),
	"POST /register/rules/new":                             string(account.ManageRules),
	"GET /register/{id}/print":                             string(account.EnterReports),
	"GET /register/import":                                 string(account.ReviewReports),
	"POST /register/import":                                string(account.ReviewReports),
	"GET /register/template.xlsx":                          string(account.ReviewReports),
	"GET /register/export.xlsx":                            string(account.AcceptReports),
}

// authFixture adds to the org fixture a second commune with a cell, and one user per role.
type authFixture struct {
	orgFixture
	otherCommune, otherCell int64
	clients                 map[string]*http.Client // by role; "anonymous" has no session
	victim, victimGrant     int64                   // a viewer the user pages act on
}

func newAuthFixture(t *testing.T, s *Server, base string) authFixture {
	t.Helper()
	f := authFixture{orgFixture: newOrgFixture(t, s, base), clients: map[string]*http.Client{"anonymous": {}}}
	otherCommune := f.tree.Party(org.PartyUnitInput{Code: "TU.X02", Name: "Đảng bộ xã Bình Lộc", Kind: org.CommuneCommittee, ParentID: f.province})
	f.otherCommune, f.otherCell = otherCommune.ID, otherCommune.Cell("TU.X02.A01", "Chi bộ ấp Bình Thạnh", 5).ID
	for role, unit := range map[account.Role]int64{account.SystemAdmin: f.province, account.CommuneStaff: f.commune,
		account.CellSecretary: f.cell, account.Viewer: f.province} {
		f.clients[string(role)] = signedInUser(t, s, base, string(role), role, unit)
	}
	f.clients[string(account.ProvinceStaff)] = f.staff
	f.victim = addUser(t, s, "victim", account.Viewer, f.commune)
	if err := s.DB.QueryRow(t.Context(), `SELECT id FROM role_grant WHERE user_id = $1`, f.victim).Scan(&f.victimGrant); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestEveryRouteForEveryRole(t *testing.T) {
	s, base, f := serverWith(t, newAuthFixture)
	params := strings.NewReplacer("{table}", "party", "{grant}", itoa(f.victimGrant), "*", "app.css",
		"{cell}", itoa(f.cell), "{year}", "2022", "{quarter}", "2")
	seen := map[string]bool{}
	err := chi.Walk(s.router(), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		key := method + " " + route
		seen[key] = true
		access, ok := routeAccess[key]
		if !ok {
			t.Errorf("route %s has no entry in routeAccess: say who may use it", key)
			return nil
		}
		path := params.Replace(route)
		switch {
		case strings.HasPrefix(route, "/org/party/{id}"):
			path = strings.Replace(path, "{id}", itoa(f.cell), 1)
		case strings.HasPrefix(route, "/org/admin/{id}"):
			path = strings.Replace(path, "{id}", itoa(f.hamlet), 1)
		case strings.HasPrefix(route, "/admin/users/{id}"):
			path = strings.Replace(path, "{id}", itoa(f.victim), 1)
		}
		for _, role := range []string{"anonymous", "sysadmin", "province_staff", "commune_staff", "cell_secretary", "viewer"} {
			var form url.Values
			if method == "POST" {
				form = url.Values{}
			}
			client := f.clients[role]
			if access == "public" && method == "POST" {
				client = &http.Client{} // signing in or out would end the role's session
			}
			resp, _ := send(t, client, method, base+path, form)
			got := resp.StatusCode
			want := "allowed"
			switch {
			case access == "public":
			case role == "anonymous":
				want = "sign-in"
			case access == "signed-in":
			case !account.Role(role).Allows(account.Permission(access)):
				want = "forbidden"
			}
			var ok bool
			switch {
			case access == "public":
				ok = got < 500
			case want == "sign-in":
				ok = got == http.StatusSeeOther && strings.HasPrefix(resp.Header.Get("Location"), "/login")
			case want == "forbidden":
				ok = got == http.StatusForbidden
			default:
				ok = got < 500 && got != http.StatusForbidden && !(got == http.StatusSeeOther && strings.HasPrefix(resp.Header.Get("Location"), "/login"))
			}
			if !ok {
				t.Errorf("%s %s as %s: status %d (Location %q), want %s", method, path, role, got, resp.Header.Get("Location"), want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for key := range routeAccess {
		if !seen[key] {
			t.Errorf("routeAccess lists %s, which is not a route", key)
		}
	}
}

func TestUsersCannotReachOtherSubtreesByTamperingWithIDs(t *testing.T) {
	s, base, f := serverWith(t, newAuthFixture)
	for _, c := range []struct {
		role, method, path string
		form               url.Values
		want               int
	}{
		{"cell_secretary", "GET", "/org/party/" + itoa(f.otherCell), nil, http.StatusNotFound},
		{"cell_secretary", "GET", "/org/party/" + itoa(f.commune) + "/children", nil, http.StatusNotFound},
		{"commune_staff", "GET", "/org/party/" + itoa(f.otherCell), nil, http.StatusNotFound},
		{"commune_staff", "GET", "/org/party/" + itoa(f.otherCommune) + "/children", nil, http.StatusNotFound},
		{"viewer", "POST", "/org/party/" + itoa(f.cell) + "/edit", url.Values{"name": {"Đổi trộm"}}, http.StatusForbidden},
		{"cell_secretary", "GET", "/org/export/party.csv", nil, http.StatusOK}, // only its own cell, below
	} {
		resp, body := send(t, f.clients[c.role], c.method, base+c.path, c.form)
		if resp.StatusCode != c.want {
			t.Errorf("%s %s %s: %d, want %d", c.role, c.method, c.path, resp.StatusCode, c.want)
		}
		if strings.Contains(body, "Bình Thạnh") && c.role != "province_staff" {
			t.Errorf("%s %s leaks the other commune's cell", c.role, c.path)
		}
	}
	_, csv := send(t, f.clients["cell_secretary"], "GET", base+"/org/export/party.csv", nil)
	if strings.Count(csv, "\r\n") != 2 || !strings.Contains(csv, "TU.X01.A01") {
		t.Errorf("cell secretary's export holds more than their cell:\n%s", csv)
	}

	// Province staff of a commune-level grant cannot create a unit under the other commune.
	staffA := addUser(t, s, "staff.xa", account.ProvinceStaff, f.commune)
	_ = staffA
	client := signIn(t, base, "staff.xa")
	resp, body := send(t, client, "POST", base+"/org/party/new", url.Values{"code": {"X9"}, "name": {"Chi bộ lạ"},
		"kind": {"affiliated_cell"}, "org_type": {"territorial"}, "parent_code": {"TU.X02"}, "from": {"01/01/2024"}, "full_members": {"5"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Không tìm thấy") {
		t.Errorf("create under another commune: %d", resp.StatusCode)
	}
}

func TestSignInRenewsSessionAndChangesAreAuditedWithAddress(t *testing.T) {
	s, base, f := serverWith(t, newOrgFixture)
	u, _ := url.Parse(base)
	before := f.staff.Jar.Cookies(u)
	if len(before) != 1 {
		t.Fatalf("cookies after sign-in: %v", before)
	}
	// Signing in again with the same browser gets a new session token.
	resp, _ := send(t, f.staff, "POST", base+"/login", url.Values{"login": {"tinh"}, "password": {testPassword}})
	after := f.staff.Jar.Cookies(u)
	if resp.StatusCode != http.StatusSeeOther || len(after) != 1 || after[0].Value == before[0].Value {
		t.Fatalf("session token not renewed at sign-in: %v → %v", before, after)
	}
	// The old token no longer works.
	stale := signInWithToken(t, base, before[0].Value)
	if resp, _ := send(t, stale, "GET", base+"/org", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("old token still signed in: %d", resp.StatusCode)
	}

	resp, _ = send(t, f.staff, "POST", base+"/org/party/"+itoa(f.cell)+"/rename", url.Values{"version": {unitVersion(t, s, f.cell)}, "name": {"Chi bộ ấp Bàu Cạn Xanh"}, "effective": {"2024-05-01"}, "note": {"QĐ 77"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("rename: %d", resp.StatusCode)
	}
	rows, err := audit.List(t.Context(), s.DB, audit.Filter{All: true, Login: "tinh"})
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, r := range rows {
		if r.Action == "rename" && r.Addr == "127.0.0.1" && r.Reason == "QĐ 77" && strings.Contains(r.Old, "Bàu Cạn Mới") {
			found = true
		}
	}
	if !found {
		t.Fatalf("no audit row for the rename: %+v", rows)
	}
}

func signInWithToken(t *testing.T, base, token string) *http.Client {
	t.Helper()
	client := &http.Client{}
	client.Jar = &fixedJar{token: token}
	return client
}

// fixedJar sends one session cookie and keeps nothing.
type fixedJar struct{ token string }

func (j *fixedJar) SetCookies(*url.URL, []*http.Cookie) {}
func (j *fixedJar) Cookies(*url.URL) []*http.Cookie {
	return []*http.Cookie{{Name: "ptdang_session", Value: j.token}}
}

func TestCrossSitePostIsRefused(t *testing.T) {
	s, base, f := serverWith(t, newOrgFixture)
	req := formRequest(t, "POST", base+"/org/party/"+itoa(f.cell)+"/rename", url.Values{"name": {"Bị giả mạo"}, "effective": {"2024-05-01"}})
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, _ := doRequest(t, f.staff, req)
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site POST: %d", resp.StatusCode)
	}
	if u, _ := org.GetPartyUnit(t.Context(), s.DB, org.Everything(), f.cell, day("2025-01-01")); u.Name != "Chi bộ ấp Bàu Cạn Mới" {
		t.Fatalf("cross-site POST renamed the cell to %q", u.Name)
	}
}

func TestRepeatedWrongPasswordsLockTheAccountWithAVietnameseMessage(t *testing.T) {
	s, base := newTestServer(t)
	newOrgFixture(t, s, base)
	var body string
	for range account.AccountFailures + 1 {
		_, body = send(t, http.DefaultClient, "POST", base+"/login", url.Values{"login": {"tinh"}, "password": {"sai mật khẩu"}})
	}
	if !strings.Contains(body, "Tài khoản tạm khóa vì nhập sai mật khẩu nhiều lần") {
		t.Fatalf("after %d failures:\n%s", account.AccountFailures+1, body)
	}
	resp, _ := send(t, http.DefaultClient, "POST", base+"/login", url.Values{"login": {"tinh"}, "password": {testPassword}})
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("right password while locked: %d", resp.StatusCode)
	}
}

func TestSignInWrongPasswordAndSignOutInBrowser(t *testing.T) {
	s, base := newTestServer(t)
	newOrgFixture(t, s, base)
	b := browsertest.New(t)
	b.Open(base+"/org", 360, 740)
	b.WantText("h1", "Đăng nhập")
	b.Fill("#login", "tinh")
	b.Fill("#password", "mat khau sai")
	b.ClickToPage("[data-testid=login-submit]")
	b.WaitText("[data-testid=form-errors]", "Tên đăng nhập hoặc mật khẩu không đúng")
	b.Fill("#password", testPassword)
	b.ClickToPage("[data-testid=login-submit]")
	b.WantText("h1", "Cơ cấu tổ chức")
	b.ClickToPage("[data-testid=logout]")
	b.WantText("h1", "Đăng nhập")
	b.Open(base+"/org", 360, 740)
	b.WantText("h1", "Đăng nhập")
}

func TestSignInsQueuedForAPasswordCheckLeavePagesServedAndAFullQueueIsBusy(t *testing.T) {
	s, base, f := serverWith(t, newOrgFixture)
	s.Hashes = account.NewHasher(1, 2)
	// Every check slot busy, as under a flood of sign-ins.
	release, err := s.Hashes.Acquire(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	queued := make(chan int, 2)
	for range 2 {
		go func() {
			req, _ := http.NewRequest("POST", base+"/login", strings.NewReader(url.Values{"login": {"khongco"}, "password": {"sai mật khẩu"}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp, err := http.DefaultTransport.RoundTrip(req)
			if err != nil {
				queued <- 0
				return
			}
			resp.Body.Close()
			queued <- resp.StatusCode
		}()
	}
	for deadline := time.Now().Add(10 * time.Second); s.Hashes.Waiting() < 2; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the sign-ins never queued")
		}
	}
	// The queue holds no database connection: a signed-in page is served meanwhile.
	if n := s.DB.Stat().AcquiredConns(); n != 0 {
		t.Fatalf("%d connections held by queued sign-ins", n)
	}
	if resp, _ := send(t, f.staff, "GET", base+"/org", nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("a signed-in page while sign-ins queue: %d", resp.StatusCode)
	}
	// One more sign-in is told, in Vietnamese, to come back later.
	resp, body := send(t, &http.Client{}, "POST", base+"/login", url.Values{"login": {"tinh"}, "password": {testPassword}})
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" || !strings.Contains(body, "thử lại sau") ||
		resp.Header.Get("Content-Security-Policy") == "" {
		t.Fatalf("sign-in beyond the queue: %d, Retry-After %q\n%s", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
	release()
	for range 2 {
		if code := <-queued; code != http.StatusUnauthorized {
			t.Fatalf("queued sign-in: %d, want 401", code)
		}
	}
}
