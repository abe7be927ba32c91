package server

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"ptdang/internal/account"
	"ptdang/internal/org"
)

// grantMore gives user one more role, as a system administrator.
func grantMore(t *testing.T, s *Server, user int64, role account.Role, unit int64) {
	t.Helper()
	u, err := account.GetUser(t.Context(), s.DB, org.Everything(), user)
	if err != nil {
		t.Fatal(err)
	}
	if err := account.AddGrant(t.Context(), s.DB, org.Everything(), user, u.Version, role, unit, s.today()); err != nil {
		t.Fatal(err)
	}
}

var versionInput = regexp.MustCompile(`name="version" value="(\d+)"`)

// userPage opens user's page as client and returns its status, body and the account version
// its forms send back.
func userPage(t *testing.T, client *http.Client, base string, user int64) (int, string, string) {
	t.Helper()
	resp, body := send(t, client, "GET", base+"/admin/users/"+itoa(user), nil)
	var version string
	if m := versionInput.FindStringSubmatch(body); m != nil {
		version = m[1]
	}
	return resp.StatusCode, body, version
}

// signedOut reports whether client's session has ended: a page for signed-in users sends it to
// the sign-in page.
func signedOut(t *testing.T, client *http.Client, base string) bool {
	t.Helper()
	resp, _ := send(t, client, "GET", base+"/org", nil)
	return resp.StatusCode == http.StatusSeeOther && strings.HasPrefix(resp.Header.Get("Location"), "/login")
}

func TestStaffOfOneCommuneCannotTakeOverAccountsHeldAlsoElsewhere(t *testing.T) {
	s, base, f := serverWith(t, newOrgFixture)
	other := f.tree.Party(org.PartyUnitInput{Code: "TU.X02", Name: "Đảng bộ xã Bình Lộc", Kind: org.CommuneCommittee, ParentID: f.province}).ID
	staff := signedInUser(t, s, base, "staff.xa", account.ProvinceStaff, f.commune)
	both := addUser(t, s, "hai.noi", account.CommuneStaff, f.commune)
	grantMore(t, s, both, account.CommuneStaff, other)
	root := addUser(t, s, "root2", account.SystemAdmin, 0)
	grantMore(t, s, root, account.Viewer, f.commune)

	_, list := send(t, staff, "GET", base+"/admin/users", nil)
	if !strings.Contains(list, "hai.noi") || !strings.Contains(list, "root2") {
		t.Fatalf("staff of the commune do not see the accounts that hold a grant in it:\n%s", list)
	}
	if strings.Contains(list, "Bình Lộc") || strings.Contains(list, "Toàn hệ thống") {
		t.Errorf("the user list shows staff of the commune grants outside it")
	}
	for _, c := range []struct {
		login string
		id    int64
	}{{"hai.noi", both}, {"root2", root}} {
		status, page, version := userPage(t, staff, base, c.id)
		if status != http.StatusOK || version == "" {
			t.Fatalf("%s's page: %d, version %q", c.login, status, version)
		}
		if strings.Contains(page, "Bình Lộc") || strings.Contains(page, "Toàn hệ thống") {
			t.Errorf("%s's page shows grants outside the commune", c.login)
		}
		if !strings.Contains(page, `data-testid="not-managed"`) || strings.Contains(page, `data-testid="reset-password"`) || strings.Contains(page, `data-testid="set-disabled"`) {
			t.Errorf("%s's page offers staff of the commune to reset or disable the account", c.login)
		}
		resp, body := send(t, staff, "POST", base+"/admin/users/"+itoa(c.id)+"/password", url.Values{"version": {version}, "password": {"mật khẩu kẻ chiếm"}})
		if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "ngoài phạm vi đồng chí quản lý") {
			t.Errorf("staff of the commune reset %s's password: %d", c.login, resp.StatusCode)
		}
		resp, _ = send(t, staff, "POST", base+"/admin/users/"+itoa(c.id)+"/disabled", url.Values{"version": {version}, "disabled": {"true"}})
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("staff of the commune disable %s: %d", c.login, resp.StatusCode)
		}
		if resp, _ := send(t, &http.Client{}, "POST", base+"/login", url.Values{"login": {c.login}, "password": {"mật khẩu kẻ chiếm"}}); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s signs in with the password staff of the commune chose: %d", c.login, resp.StatusCode)
		}
		signIn(t, base, c.login) // their own password still works: the account is neither reset nor disabled
	}

	// The grant on the other commune is neither revoked nor added by staff of this one.
	var otherGrant int64
	if err := s.DB.QueryRow(t.Context(), `SELECT id FROM role_grant WHERE user_id = $1 AND unit_id = $2`, both, other).Scan(&otherGrant); err != nil {
		t.Fatal(err)
	}
	_, _, version := userPage(t, staff, base, both)
	if resp, _ := send(t, staff, "POST", base+"/admin/users/"+itoa(both)+"/grants/"+itoa(otherGrant)+"/revoke", url.Values{"version": {version}}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("staff of the commune revoke the grant on the other commune: %d", resp.StatusCode)
	}
	if resp, _ := send(t, staff, "POST", base+"/admin/users/"+itoa(both)+"/grants", url.Values{"version": {version}, "role": {"viewer"}, "unit_code": {"TU.X02"}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("staff of the commune grant on the other commune: %d", resp.StatusCode)
	}

	// Province staff above both communes manage the account.
	status, page, version := userPage(t, f.staff, base, both)
	if status != http.StatusOK || !strings.Contains(page, "Bình Lộc") || !strings.Contains(page, `data-testid="reset-password"`) {
		t.Fatalf("province staff's view of hai.noi: %d", status)
	}
	if resp, body := send(t, f.staff, "POST", base+"/admin/users/"+itoa(both)+"/password", url.Values{"version": {version}, "password": {"mật khẩu mới tinh"}}); resp.StatusCode != http.StatusOK || !strings.Contains(body, "Đã cấp lại mật khẩu") {
		t.Errorf("province staff reset hai.noi's password: %d", resp.StatusCode)
	}
	// A system administrator's account, though, only a system administrator manages.
	_, _, version = userPage(t, f.staff, base, root)
	if resp, _ := send(t, f.staff, "POST", base+"/admin/users/"+itoa(root)+"/password", url.Values{"version": {version}, "password": {"mật khẩu mới tinh"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("province staff reset a system administrator's password: %d", resp.StatusCode)
	}
}

func TestStaleUserPageAnswersAConflictNotAnError(t *testing.T) {
	s, base, f := serverWith(t, newOrgFixture)
	victim := addUser(t, s, "ba.lan", account.Viewer, f.commune)
	_, _, stale := userPage(t, f.staff, base, victim)
	if resp, _ := send(t, f.staff, "POST", base+"/admin/users/"+itoa(victim)+"/disabled", url.Values{"version": {stale}, "disabled": {"true"}}); resp.StatusCode != http.StatusOK {
		t.Fatalf("disable: %d", resp.StatusCode)
	}
	for _, version := range []string{stale, "", "abc", "3000000000", "99999999999999999999"} {
		resp, body := send(t, f.staff, "POST", base+"/admin/users/"+itoa(victim)+"/disabled", url.Values{"version": {version}, "disabled": {"false"}})
		if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "vừa được người khác thay đổi") || !strings.Contains(body, "Mở khóa tài khoản") {
			t.Errorf("re-enable from version %q: %d, want 409 with the fresh page", version, resp.StatusCode)
		}
		resp, _ = send(t, f.staff, "POST", base+"/admin/users/"+itoa(victim)+"/password", url.Values{"version": {version}, "password": {"mật khẩu mới tinh"}})
		if resp.StatusCode != http.StatusConflict {
			t.Errorf("reset from version %q: %d, want 409", version, resp.StatusCode)
		}
	}
	if u, _ := account.UserByID(t.Context(), s.DB, victim); !u.Disabled || u.MustChangePassword {
		t.Errorf("a stale action changed the account: %+v", u)
	}
}

func TestChangingOwnPasswordEndsTheOtherSessions(t *testing.T) {
	s, base, f := serverWith(t, newOrgFixture)
	addUser(t, s, "ba.lan", account.Viewer, f.commune)
	phone, office := signIn(t, base, "ba.lan"), signIn(t, base, "ba.lan")
	resp, _ := send(t, phone, "POST", base+"/account/password", url.Values{"current": {testPassword}, "next": {"mật khẩu mới của tôi"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("change password: %d", resp.StatusCode)
	}
	if signedOut(t, phone, base) {
		t.Errorf("the session the password was changed in has ended")
	}
	if !signedOut(t, office, base) {
		t.Errorf("the other session survived the password change")
	}
}

func TestAdminResetEndsEverySessionOfTheUser(t *testing.T) {
	s, base, f := serverWith(t, newOrgFixture)
	victim := addUser(t, s, "ba.lan", account.Viewer, f.commune)
	phone, office := signIn(t, base, "ba.lan"), signIn(t, base, "ba.lan")
	_, _, version := userPage(t, f.staff, base, victim)
	if resp, _ := send(t, f.staff, "POST", base+"/admin/users/"+itoa(victim)+"/password", url.Values{"version": {version}, "password": {"mật khẩu mới tinh"}}); resp.StatusCode != http.StatusOK {
		t.Fatalf("reset: %d", resp.StatusCode)
	}
	if !signedOut(t, phone, base) || !signedOut(t, office, base) {
		t.Errorf("a session survived the administrator's reset")
	}
	if signedOut(t, f.staff, base) {
		t.Errorf("the administrator's own session ended")
	}
}

func TestDisablingEndsSessionsAndReEnablingDoesNotReviveThem(t *testing.T) {
	s, base, f := serverWith(t, newOrgFixture)
	victim := addUser(t, s, "ba.lan", account.Viewer, f.commune)
	phone, office := signIn(t, base, "ba.lan"), signIn(t, base, "ba.lan")
	setDisabled := func(disabled string) {
		t.Helper()
		_, _, version := userPage(t, f.staff, base, victim)
		if resp, _ := send(t, f.staff, "POST", base+"/admin/users/"+itoa(victim)+"/disabled", url.Values{"version": {version}, "disabled": {disabled}}); resp.StatusCode != http.StatusOK {
			t.Fatalf("disabled=%s: %d", disabled, resp.StatusCode)
		}
	}
	setDisabled("true")
	if !signedOut(t, office, base) {
		t.Errorf("a session is alive while the account is disabled")
	}
	setDisabled("false")
	// The phone made no request while the account was disabled: its session ended all the same.
	if !signedOut(t, phone, base) || !signedOut(t, office, base) {
		t.Errorf("re-enabling the account revived a session")
	}
	if signedOut(t, signIn(t, base, "ba.lan"), base) {
		t.Errorf("a new sign-in after re-enabling does not hold")
	}
}

func TestUnitPickerOffersOnlyPartyUnitsInScope(t *testing.T) {
	s, base, f := serverWith(t, newOrgFixture)
	f.tree.Party(org.PartyUnitInput{Code: "TU.X02", Name: "Đảng bộ xã Bình Lộc", Kind: org.CommuneCommittee, ParentID: f.province})
	staff := signedInUser(t, s, base, "staff.xa", account.ProvinceStaff, f.commune)

	for _, page := range []string{"/admin/users/new", "/admin/users/" + itoa(addUser(t, s, "ba.nam", account.Viewer, f.commune))} {
		_, body := send(t, staff, "GET", base+page, nil)
		if !strings.Contains(body, `aria-controls="unit-options"`) || !strings.Contains(body, `hx-get="/admin/users/units"`) {
			t.Errorf("%s offers no unit picker on its unit code field", page)
		}
	}
	options := func(client *http.Client, typed string) string {
		t.Helper()
		resp, body := send(t, client, "GET", base+"/admin/users/units?unit_code="+url.QueryEscape(typed), nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("the picker answers %q with %d", typed, resp.StatusCode)
		}
		return body
	}
	// "loc" matches, accents aside, both communes' Party committees and the administrative commune.
	got := options(staff, "loc")
	if !strings.Contains(got, `data-unit-code="TU.X01"`) || !strings.Contains(got, "Đảng bộ xã Xuân Lộc") {
		t.Errorf("the picker does not offer the commune in the caller's scope:\n%s", got)
	}
	if strings.Contains(got, "TU.X02") || strings.Contains(got, "Bình Lộc") || strings.Contains(got, "DN.X01") {
		t.Errorf("the picker offers a unit outside the caller's scope, or an administrative unit:\n%s", got)
	}
	if got := options(staff, "TU.X02"); strings.Contains(got, "data-unit-code") || !strings.Contains(got, "Không có tổ chức đảng nào") {
		t.Errorf("a code outside the caller's scope is offered, or nothing says none matches:\n%s", got)
	}
	if got := options(f.staff, "loc"); !strings.Contains(got, `data-unit-code="TU.X02"`) || !strings.Contains(got, `data-unit-code="TU.X01"`) {
		t.Errorf("the province's staff are not offered both communes:\n%s", got)
	}
}
