package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"ptdang/internal/httpx"
)

func TestSafeNextKeepsRedirectsOnThisSite(t *testing.T) {
	s, base := newTestServer(t)
	newOrgFixture(t, s, base)
	for _, tc := range []struct{ next, want string }{
		{"/org", "/org"},
		{"/reports/12/2025/3/?tab=a#b", "/reports/12/2025/3/?tab=a#b"},
		{"/org?q=%C4%90%E1%BB%93ng", "/org?q=%C4%90%E1%BB%93ng"},
		{"/%2F%2Fevil.example", "/%2F%2Fevil.example"}, // a path on this site, however odd
		{"", "/"},
		{"org", "/"},
		{"//evil.example", "/"},
		{"/\\evil.example", "/"},
		{"/a\\b", "/"},
		{"https://evil.example/", "/"},
		{"javascript:alert(1)", "/"},
		{"/\t/evil.example", "/"},
		{"/\n/evil.example", "/"},
		{"/\r\nSet-Cookie: x=1", "/"},
		{"/\x00", "/"},
		{"/\x7f", "/"},
		{"/\u0085/evil.example", "/"},
		{"/\u2028/evil.example", "/"},
		{"/\xff", "/"},
		{"/" + strings.Repeat("a", 3000), "/"},
	} {
		if got := httpx.SafeNext(tc.next); got != tc.want {
			t.Errorf("httpx.SafeNext(%q) = %q, want %q", tc.next, got, tc.want)
		}
		// The same through the sign-in form, which refuses NUL bytes and invalid UTF-8 outright.
		resp, _ := send(t, &http.Client{}, "POST", base+"/login", url.Values{"login": {"tinh"}, "password": {testPassword}, "next": {tc.next}})
		refused := resp.StatusCode == http.StatusUnprocessableEntity && resp.Header.Get("Location") == "" &&
			(strings.ContainsRune(tc.next, 0) || !utf8.ValidString(tc.next))
		if !refused && (resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != tc.want) {
			t.Errorf("sign-in with next %q: %d to %q, want %q", tc.next, resp.StatusCode, resp.Header.Get("Location"), tc.want)
		}
	}
}
