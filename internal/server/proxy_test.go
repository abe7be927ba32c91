package server

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"testing"

	"ptdang/internal/account"
	"ptdang/internal/audit"
)

// syncBuffer is a log destination safe for the server's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestLockoutAuditAndLogUseTheAddressTheTrustedProxyForwards(t *testing.T) {
	s, base, f := serverWith(t, newOrgFixture)
	var logs syncBuffer
	s.Log = slog.New(slog.NewJSONHandler(&logs, nil))
	s.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")} // the test client is the proxy
	login := func(from, name, password string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest("POST", base+"/login", strings.NewReader(url.Values{"login": {name}, "password": {password}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", "192.0.2.250, "+from) // the left entry is the client's own claim
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	// One address guesses many names until it is locked out ...
	for i := range account.AddrFailures {
		if resp, _ := login("203.0.113.5", "khongco"+itoa(int64(i)), "sai mật khẩu"); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i, resp.StatusCode)
		}
	}
	if _, body := login("203.0.113.5", "tinh", testPassword); !strings.Contains(body, "tạm khóa") {
		t.Fatalf("the guessing address is not locked out:\n%s", body)
	}
	// ... while everyone else behind the same proxy signs in.
	if resp, body := login("203.0.113.6", "tinh", testPassword); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("another address behind the proxy: %d\n%s", resp.StatusCode, body)
	}

	rows, err := audit.List(t.Context(), s.DB, audit.Filter{All: true, Login: "tinh"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 || rows[0].Action != "sign_in" || rows[0].Addr != "203.0.113.6" {
		t.Fatalf("sign-in audited as %+v, want from 203.0.113.6", rows)
	}
	// A change made through the proxy is audited with the client's address too.
	req := formRequest(t, "POST", base+"/org/party/"+itoa(f.cell)+"/rename", url.Values{"version": {unitVersion(t, s, f.cell)}, "name": {"Chi bộ ấp Bàu Cạn Xanh"}, "effective": {"2024-05-01"}})
	req.Header.Set("X-Forwarded-For", "203.0.113.7")
	doRequest(t, f.staff, req)
	rows, _ = audit.List(t.Context(), s.DB, audit.Filter{All: true, Login: "tinh"})
	if len(rows) == 0 || rows[0].Action != "rename" || rows[0].Addr != "203.0.113.7" {
		t.Fatalf("rename audited as %+v, want from 203.0.113.7", rows[0])
	}

	var logged bool
	for line := range strings.SplitSeq(logs.String(), "\n") {
		var e struct{ Msg, Path, Remote, Proxy string }
		if json.Unmarshal([]byte(line), &e) == nil && e.Msg == "request" && e.Path == "/login" {
			if !strings.HasPrefix(e.Proxy, "127.0.0.1:") || e.Remote != "203.0.113.5" && e.Remote != "203.0.113.6" {
				t.Fatalf("request logged as remote %q via %q", e.Remote, e.Proxy)
			}
			logged = true
		}
	}
	if !logged {
		t.Fatalf("no request line for /login:\n%s", logs.String())
	}
}
