package server

import (
	"strings"
	"testing"

	"ptdang/internal/account"
	"ptdang/internal/browsertest"
	"ptdang/internal/org"
)

// A province's administrator grants a role by typing a few letters of the unit's name without
// accents: the matching units appear under the field, a tap puts the code in it, the grant holds.
func TestTheUnitPickerFindsAUnitTypedWithoutAccents(t *testing.T) {
	s, base := newTestServer(t)
	f := newOrgFixture(t, s, base)
	f.tree.Party(org.PartyUnitInput{Code: "TU.X02", Name: "Đảng bộ xã Bình Lộc", Kind: org.CommuneCommittee, ParentID: f.province})
	user := addUser(t, s, "ba.nam", account.Viewer, f.cell)

	for _, size := range phoneAndDesktop {
		b := browsertest.New(t)
		browserSignIn(t, b, base, "tinh", size.width, size.height)
		b.Open(base+"/admin/users/"+itoa(user), size.width, size.height)
		if n := browsertest.Eval[int](b, `document.querySelectorAll("[data-testid=unit-options] [data-unit-code]").length`); n != 0 {
			t.Fatalf("%s: %d units listed before typing", size.name, n)
		}
		b.Fill("#unit_code", "binh lo")
		b.WaitText("[data-testid=unit-options]", "Đảng bộ xã Bình Lộc")
		if got := b.Text("[data-testid=unit-options]"); strings.Contains(got, "Xuân Lộc") {
			t.Errorf("%s: typing %q lists %q", size.name, "binh lo", got)
		}
		if h := browsertest.Eval[float64](b, `document.querySelector("[data-unit-code]").getBoundingClientRect().height`); h < 44 {
			t.Errorf("%s: a listed unit is %.0f px tall, under 44", size.name, h)
		}
		if c := browsertest.Eval[string](b, `getComputedStyle(document.querySelector("[data-unit-code]")).color`); c == "rgb(255, 255, 255)" {
			t.Errorf("%s: the listed units are written white on the white list", size.name)
		}
		b.Screenshot("unit-picker-" + size.name)
		b.Click(`[data-unit-code="TU.X02"]`)
		if got := browsertest.Eval[string](b, `document.querySelector("#unit_code").value`); got != "TU.X02" {
			t.Fatalf("%s: choosing Bình Lộc put %q in the field", size.name, got)
		}
		if open := browsertest.Eval[bool](b, `!document.querySelector("[data-testid=unit-options]").hidden`); open {
			t.Errorf("%s: the list stays open after the choice", size.name)
		}
		if size.name == "desktop" {
			continue // the phone already granted it
		}
		browsertest.Eval[bool](b, `document.querySelector("#role").value = "commune_staff"; true`)
		b.ClickToPage("form[action$='/grants'] button[type=submit]")
		if got := b.Text("[data-testid=message]"); got != "Đã giao vai trò." {
			t.Fatalf("the grant: %q", got)
		}
	}
	u, err := account.UserByID(t.Context(), s.DB, user)
	if err != nil {
		t.Fatal(err)
	}
	var granted bool
	for _, g := range u.Grants {
		granted = granted || g.Role == account.CommuneStaff && g.UnitID == f.tree.ID("TU.X02")
	}
	if !granted {
		t.Fatalf("grants %+v lack commune staff of TU.X02", u.Grants)
	}
}
