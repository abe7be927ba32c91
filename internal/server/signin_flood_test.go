package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"ptdang/internal/account"
)

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
