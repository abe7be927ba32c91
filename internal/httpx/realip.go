package httpx

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// proxyKey holds, in a request's context, the address of the trusted proxy it came through.
type proxyKey struct{}

// TrustProxies returns r with RemoteAddr the client's address when r comes from one of trusted,
// which name the client in X-Forwarded-For; the proxy's address goes into r's context (Proxy).
// The header of anyone else is ignored: a client could write any address in it.
func TrustProxies(r *http.Request, trusted []netip.Prefix) *http.Request {
	client, ok := forwardedClient(r, trusted)
	if !ok {
		return r
	}
	r = r.WithContext(context.WithValue(r.Context(), proxyKey{}, r.RemoteAddr))
	r.RemoteAddr = client
	return r
}

// Proxy is the address of the trusted proxy r came through, if any.
func Proxy(r *http.Request) (string, bool) {
	proxy, ok := r.Context().Value(proxyKey{}).(string)
	return proxy, ok
}

// ClientAddr is the address a request came from, without its port.
func ClientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// forwardedClient returns the client address r was forwarded for, when its socket peer is
// one of trusted: the right-most address of X-Forwarded-For that is not itself a trusted proxy
// (every proxy appends the address it got the request from, so the addresses left of the last
// untrusted one are whatever the client chose to send).
func forwardedClient(r *http.Request, trusted []netip.Prefix) (string, bool) {
	if len(trusted) == 0 {
		return "", false
	}
	peer, ok := parseHop(r.RemoteAddr)
	if !ok || !isTrusted(peer, trusted) {
		return "", false
	}
	var hops []string
	for _, v := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(v, ",")...)
	}
	client := peer
	for i := len(hops) - 1; i >= 0; i-- {
		a, ok := parseHop(hops[i])
		if !ok {
			break // a proxy wrote nonsense: the last address we could trust is the best we have
		}
		client = a
		if !isTrusted(a, trusted) {
			break
		}
	}
	if client == peer {
		return "", false
	}
	return client.String(), true
}

// parseHop reads an address as written in RemoteAddr or X-Forwarded-For, with or without a port.
func parseHop(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	if host, _, err := net.SplitHostPort(s); err == nil {
		s = host
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap().WithZone(""), true
}

func isTrusted(a netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
