package server

import (
	"bytes"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"

	"ptdang/internal/account"
	"ptdang/internal/org"
	"ptdang/internal/pg"
	"ptdang/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// newTestServer serves the application on a fresh database and returns its base URL.
func newTestServer(t *testing.T) (*Server, string) {
	t.Helper()
	s := New(pgtest.New(t), slog.New(slog.NewTextHandler(io.Discard, nil)), false)
	ts := httptest.NewServer(s.Routes())
	t.Cleanup(ts.Close)
	t.Cleanup(s.Wait) // before the database goes
	return s, ts.URL
}

// serverWith serves the application on a fresh database set up by fixture, as most tests start.
func serverWith[F any](t *testing.T, fixture func(*testing.T, *Server, string) F) (*Server, string, F) {
	t.Helper()
	s, base := newTestServer(t)
	return s, base, fixture(t, s, base)
}

func get(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	return send(t, http.DefaultClient, "GET", url, nil)
}

// send makes one request with client, not following redirects, and returns the response and
// its body. form, when not nil, is posted as a form.
func send(t *testing.T, client *http.Client, method, url string, form url.Values) (*http.Response, string) {
	t.Helper()
	c := *client
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return doRequest(t, &c, formRequest(t, method, url, form))
}

// formRequest is a request to url; form, when not nil, is its body, posted as a form.
func formRequest(t *testing.T, method, url string, form url.Values) *http.Request {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return req
}

// doRequest sends req with client and returns the response and its body.
func doRequest(t *testing.T, client *http.Client, req *http.Request) (*http.Response, string) {
	t.Helper()
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// uploadFile posts file, named filename, and fields as a multipart form to url, as client does
// (following redirects), and returns the response and its page.
func uploadFile(t *testing.T, client *http.Client, url, filename string, file []byte, fields url.Values) (*http.Response, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	part, err := mw.CreateFormFile("file", filename)
	if err != nil {
		t.Fatal(err)
	}
	part.Write(file)
	for key, values := range fields {
		for _, v := range values {
			mw.WriteField(key, v)
		}
	}
	mw.Close()
	req, err := http.NewRequest("POST", url, &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return doRequest(t, client, req)
}

// downloadFile gets url as client does and returns the body; anything but 200 OK fails t.
func downloadFile(t *testing.T, client *http.Client, url string) []byte {
	t.Helper()
	resp, file := doRequest(t, client, formRequest(t, "GET", url, nil))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("download %s: %d", url, resp.StatusCode)
	}
	return []byte(file)
}

// pageCheck is a request and what its answer must hold: a status, and texts in its page.
type pageCheck struct {
	name   string
	client *http.Client
	method string
	path   string
	form   url.Values
	status int
	want   []string // in the page, HTML-escaped as it is there
}

// check sends c's request to base+c.path, reports where the answer differs, and returns it.
func (c pageCheck) check(t *testing.T, base string) (*http.Response, string) {
	t.Helper()
	resp, body := send(t, c.client, c.method, base+c.path, c.form)
	if resp.StatusCode != c.status {
		t.Errorf("%s: status %d, want %d", c.name, resp.StatusCode, c.status)
	}
	for _, want := range c.want {
		if !strings.Contains(body, want) {
			t.Errorf("%s: no %q in the page:\n%s", c.name, want, pageText(body))
		}
	}
	return resp, body
}

const testPassword = "mật khẩu thử nghiệm"

// addUser creates a user holding role on unit, ready to sign in with testPassword.
func addUser(t *testing.T, s *Server, login string, role account.Role, unit int64) int64 {
	t.Helper()
	id, err := account.CreateUser(t.Context(), s.DB, org.Everything(), account.NewUser{Login: login, Name: "Người dùng " + login,
		Password: testPassword, Role: role, UnitID: unit}, s.today())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB.Exec(t.Context(), `UPDATE app_user SET must_change_password = false WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	return id
}

// signedInUser adds a user holding role on unit, as addUser does, and returns a client signed in as them.
func signedInUser(t *testing.T, s *Server, base, login string, role account.Role, unit int64) *http.Client {
	t.Helper()
	addUser(t, s, login, role, unit)
	return signIn(t, base, login)
}

// signIn returns a client with a cookie jar, signed in as login.
func signIn(t *testing.T, base, login string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	resp, body := send(t, client, "POST", base+"/login", url.Values{"login": {login}, "password": {testPassword}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in as %s: %d\n%s", login, resp.StatusCode, body)
	}
	return client
}

func TestPanicShowsVietnameseErrorPageWithoutInternals(t *testing.T) {
	s, _ := newTestServer(t)
	// A route that panics, behind the same middleware as every route.
	boom := s.recoverPanics(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("secret internal detail")
	}))
	rec := httptest.NewRecorder()
	boom.ServeHTTP(rec, httptest.NewRequest("GET", "/boom", nil))
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("status %d, want 500", rec.Code)
	}
	body := rec.Body.String()
	if !strings.Contains(body, "Đã xảy ra lỗi") {
		t.Errorf("error page is not the Vietnamese one: %s", body)
	}
	if strings.Contains(body, "secret internal detail") {
		t.Error("error page leaks the panic text")
	}
}

func TestUnknownPageIsVietnamese404(t *testing.T) {
	_, url := newTestServer(t)
	resp, body := get(t, url+"/khong-co")
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "Không tìm thấy trang") {
		t.Fatalf("status %d, body %s", resp.StatusCode, body)
	}
}

func TestHealthAndReadiness(t *testing.T) {
	s, url := newTestServer(t)
	if resp, _ := get(t, url+"/healthz"); resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz %d", resp.StatusCode)
	}
	if resp, body := get(t, url+"/readyz"); resp.StatusCode != http.StatusOK {
		t.Fatalf("readyz on a current schema: %d %s", resp.StatusCode, body)
	}

	// A schema one migration behind (another server's older binary) is not ready.
	if _, err := pgtest.Owner(t, s.DB).Exec(t.Context(), `UPDATE schema_migrations SET version = $1`, pg.LatestVersion()-1); err != nil {
		t.Fatal(err)
	}
	if resp, body := get(t, url+"/readyz"); resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "schema") {
		t.Fatalf("readyz on a stale schema: %d %s", resp.StatusCode, body)
	}

	// An unreachable database is not ready, but the process is still healthy.
	s.DB.Close()
	if resp, _ := get(t, url+"/readyz"); resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("readyz without database: %d", resp.StatusCode)
	}
	if resp, _ := get(t, url+"/healthz"); resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz without database: %d", resp.StatusCode)
	}
}

func TestResponsesCarrySecurityHeadersAndRequestID(t *testing.T) {
	_, url := newTestServer(t)
	resp, _ := get(t, url+"/")
	for header, want := range map[string]string{
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "same-origin",
	} {
		if got := resp.Header.Get(header); got != want {
			t.Errorf("%s = %q, want %q", header, got, want)
		}
	}
	csp := resp.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("CSP %q", csp)
	}
	if resp.Header.Get("X-Request-Id") == "" {
		t.Error("no X-Request-Id")
	}
}

func TestStaticAssetsAreServed(t *testing.T) {
	_, url := newTestServer(t)
	for _, path := range []string{"/static/app.css", "/static/htmx.min.js"} {
		resp, body := get(t, url+path)
		if resp.StatusCode != http.StatusOK || len(body) < 100 {
			t.Errorf("%s: %d, %d bytes", path, resp.StatusCode, len(body))
		}
	}
}
