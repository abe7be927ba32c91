package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"ptdang/internal/account"
	"ptdang/internal/pgtest"
)

func TestSecurityHeadersOnEveryKindOfResponse(t *testing.T) {
	plain, base, f := serverWith(t, newOrgFixture)
	viewer := signedInUser(t, plain, base, "xem", account.Viewer, f.province)
	secure, secureBase := newTestServer(t)
	secure.HSTS = true // as New sets it with secure cookies; the cookies themselves need HTTPS

	crossSite := func(r *http.Request) { r.Header.Set("Sec-Fetch-Site", "cross-site") }
	for _, tc := range []struct {
		name    string
		base    string
		client  *http.Client
		method  string
		path    string
		prepare func(*http.Request)
		status  int
		hsts    bool
		noStore bool
		body    string // in the Vietnamese page
	}{
		{"sign-in page", base, &http.Client{}, "GET", "/login", nil, http.StatusOK, false, true, "Đăng nhập"},
		{"home page signed in", base, f.staff, "GET", "/", nil, http.StatusOK, false, true, ""},
		{"sign-in page over HTTPS", secureBase, &http.Client{}, "GET", "/login", nil, http.StatusOK, true, true, "Đăng nhập"},
		{"static asset", base, f.staff, "GET", "/static/app.css", nil, http.StatusOK, false, false, ""},
		{"favicon, for browsers that ask whatever the page says", base, &http.Client{}, "GET", "/favicon.ico", nil, http.StatusOK, false, false, "<svg"},
		{"signed-in page", base, f.staff, "GET", "/org", nil, http.StatusOK, false, true, ""},
		{"export", base, f.staff, "GET", "/org/export.xlsx", nil, http.StatusOK, false, true, ""},
		{"API", base, f.staff, "GET", "/api/v1/dashboard?unit=" + itoa(f.province), nil, http.StatusOK, false, true, ""},
		{"forbidden page", base, viewer, "GET", "/admin/users", nil, http.StatusForbidden, false, true, "Không có quyền"},
		{"cross-site post", base, f.staff, "POST", "/org/party/" + itoa(f.cell) + "/rename", crossSite, http.StatusForbidden, false, false, "Yêu cầu bị từ chối"},
		{"cross-site post over HTTPS", secureBase, &http.Client{}, "POST", "/login", crossSite, http.StatusForbidden, true, false, "trang web khác"},
		{"not found over HTTPS", secureBase, &http.Client{}, "GET", "/khong-co", nil, http.StatusNotFound, true, false, "Không tìm thấy trang"},
		{"probe over HTTPS", secureBase, &http.Client{}, "GET", "/readyz", nil, http.StatusOK, true, false, ""},
	} {
		req, _ := http.NewRequest(tc.method, tc.base+tc.path, strings.NewReader("name=x"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if tc.prepare != nil {
			tc.prepare(req)
		}
		c := *tc.client
		c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		h := resp.Header
		if resp.StatusCode != tc.status {
			t.Errorf("%s: status %d, want %d", tc.name, resp.StatusCode, tc.status)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("X-Frame-Options") != "DENY" ||
			!strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") || h.Get("X-Request-Id") == "" {
			t.Errorf("%s: security headers missing: %v", tc.name, h)
		}
		if got := h.Get("Strict-Transport-Security"); (got != "") != tc.hsts || tc.hsts && !strings.HasPrefix(got, "max-age=") {
			t.Errorf("%s: Strict-Transport-Security %q, want it: %t", tc.name, got, tc.hsts)
		}
		if got := h.Get("Cache-Control"); tc.noStore != (got == "no-store") {
			t.Errorf("%s: Cache-Control %q, want no-store: %t", tc.name, got, tc.noStore)
		}
		if !strings.Contains(string(b), tc.body) {
			t.Errorf("%s: body lacks %q:\n%.300s", tc.name, tc.body, b)
		}
	}
}

func TestWhileTheDatabaseIsGoneProbesSay503AndPagesAreVietnamese500(t *testing.T) {
	s, base, f := serverWith(t, newOrgFixture)
	var logs syncBuffer
	s.Log = slog.New(slog.NewTextHandler(&logs, nil))
	ctx := t.Context()
	// The database's owner refuses and then allows connections to it, and the server's pool drops
	// the ones it has, so the server finds the database gone.
	cfg, err := pgx.ParseConfig(pgtest.OwnerURL(s.DB.Config().ConnString()))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Database = "postgres" // a database cannot close its own door
	owner, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close(context.WithoutCancel(ctx))
	name := s.DB.Config().ConnConfig.Database
	setReachable := func(ok bool) {
		t.Helper()
		if _, err := owner.Exec(ctx, "ALTER DATABASE "+pgx.Identifier{name}.Sanitize()+" ALLOW_CONNECTIONS "+map[bool]string{true: "true", false: "false"}[ok]); err != nil {
			t.Fatal(err)
		}
		if !ok {
			s.DB.Reset()
		}
	}
	gone := []pageCheck{
		{"readiness", &http.Client{}, "GET", "/readyz", nil, http.StatusServiceUnavailable, []string{"database unreachable"}},
		{"readiness from a signed-in browser", f.staff, "GET", "/readyz", nil, http.StatusServiceUnavailable, []string{"database unreachable"}},
		{"liveness", &http.Client{}, "GET", "/healthz", nil, http.StatusOK, []string{"ok"}},
		{"signed-in page", f.staff, "GET", "/org", nil, http.StatusInternalServerError, []string{"Đã xảy ra lỗi"}},
		{"public page with a session", f.staff, "GET", "/login", nil, http.StatusInternalServerError, []string{"Đã xảy ra lỗi"}},
		{"sign-in", &http.Client{}, "POST", "/login", url.Values{"login": {"tinh"}, "password": {testPassword}}, http.StatusInternalServerError, []string{"Đã xảy ra lỗi"}},
		{"save", f.staff, "POST", "/org/party/" + itoa(f.cell) + "/rename", url.Values{"version": {"1"}, "name": {"X"}, "effective": {"2024-05-01"}}, http.StatusInternalServerError, []string{"Đã xảy ra lỗi"}},
	}
	setReachable(false)
	for _, c := range gone {
		resp, body := c.check(t, base)
		for _, leak := range []string{"SQLSTATE", "database", "connect", "terminat"} {
			if resp.StatusCode == http.StatusInternalServerError && strings.Contains(body, leak) {
				t.Errorf("database gone, %s: the page shows the internal error (%q)", c.name, leak)
			}
		}
	}

	// Back again: the same server recovers without a restart.
	setReachable(true)
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if resp, _ := get(t, base+"/readyz"); resp.StatusCode == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("readyz never recovered")
		}
	}
	var last int
	for range 5 { // the pool may still hand out a connection the server killed
		resp, _ := send(t, f.staff, "GET", base+"/org", nil)
		if last = resp.StatusCode; last == http.StatusOK {
			break
		}
	}
	if last != http.StatusOK {
		t.Fatalf("signed-in page after the database came back: %d", last)
	}
}
