package server

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"ptdang/internal/account"
)

// currentNav matches the menu item the page marks as the current one, and its label.
var currentNav = regexp.MustCompile(`<a href="[^"]*" aria-current="page">([^<]*)</a>`)

// Each page drawn with the shared form highlights its own menu item, or none when no menu item
// leads to it, not "Cơ cấu tổ chức" whatever the page.
func TestFormPagesHighlightTheirOwnMenuItem(t *testing.T) {
	s, base, f := serverWith(t, newOrgFixture)
	admin := signedInUser(t, s, base, "quantri", account.SystemAdmin, f.province)
	for _, c := range []struct{ path, nav string }{
		{"/org/party/new", "Cơ cấu tổ chức"},
		{"/admin/users/new", "Người dùng"},
		{"/notifications/settings", ""},
		{"/notifications/rules", ""},
		{"/account/password", ""},
	} {
		resp, body := send(t, admin, "GET", base+c.path, nil)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s: %d", c.path, resp.StatusCode)
			continue
		}
		var got []string
		for _, m := range currentNav.FindAllStringSubmatch(body, -1) {
			got = append(got, m[1])
		}
		if strings.Join(got, ", ") != c.nav {
			t.Errorf("%s highlights %q, want %q", c.path, got, c.nav)
		}
	}
}
