package httpx

import (
	"net/http/httptest"
	"net/netip"
	"testing"
)

func TestClientAddressComesFromXForwardedForOnlyThroughTrustedProxies(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8"), netip.MustParsePrefix("127.0.0.1/32")}
	for _, tc := range []struct {
		name    string
		trusted []netip.Prefix
		peer    string
		xff     []string
		want    string // "" when RemoteAddr stays the socket's
	}{
		{"no proxies configured", nil, "10.0.0.11:4242", []string{"203.0.113.5"}, ""},
		{"peer is not a proxy", trusted, "198.51.100.9:4242", []string{"203.0.113.5"}, ""},
		{"through the proxy", trusted, "10.0.0.11:4242", []string{"203.0.113.5"}, "203.0.113.5"},
		{"client-written entries are ignored", trusted, "10.0.0.11:4242", []string{"1.2.3.4, 203.0.113.5"}, "203.0.113.5"},
		{"two proxies in a row", trusted, "10.0.0.11:4242", []string{"1.2.3.4, 203.0.113.5, 10.0.0.2"}, "203.0.113.5"},
		{"header repeated", trusted, "10.0.0.11:4242", []string{"1.2.3.4", "203.0.113.5,10.0.0.2"}, "203.0.113.5"},
		{"client claims to be a proxy", trusted, "10.0.0.11:4242", []string{"10.0.0.99, 203.0.113.5"}, "203.0.113.5"},
		{"only proxies: the left-most", trusted, "10.0.0.11:4242", []string{"10.0.0.3, 10.0.0.2"}, "10.0.0.3"},
		{"IPv6 client behind IPv6 proxy", trusted, "[fd00::11]:4242", []string{"2001:db8::5"}, "2001:db8::5"},
		{"entries with ports", trusted, "10.0.0.11:4242", []string{"[2001:db8::5]:1234"}, "2001:db8::5"},
		{"IPv4-mapped peer", trusted, "[::ffff:10.0.0.11]:4242", []string{"203.0.113.5"}, "203.0.113.5"},
		{"no header", trusted, "10.0.0.11:4242", nil, ""},
		{"empty header", trusted, "10.0.0.11:4242", []string{""}, ""},
		{"garbage right of the client", trusted, "10.0.0.11:4242", []string{"203.0.113.5, unknown"}, ""},
		{"garbage left of the client", trusted, "10.0.0.11:4242", []string{"<script>, 203.0.113.5"}, "203.0.113.5"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tc.peer
		for _, v := range tc.xff {
			r.Header.Add("X-Forwarded-For", v)
		}
		got, ok := forwardedClient(r, tc.trusted)
		if tc.want == "" && ok || tc.want != "" && got != tc.want {
			t.Errorf("%s: %q %v, want %q", tc.name, got, ok, tc.want)
		}
	}
}
