package account_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"ptdang/internal/account"
	"ptdang/internal/apperr"
	"ptdang/internal/org"
	"ptdang/internal/orgtest"
	"ptdang/internal/pgtest"
)

// multiGrantFixture is a province with communes A and B, a province staff member granted on A
// only, and accounts that also hold grants outside A.
type multiGrantFixture struct {
	province, a, b int64
	scopeA         org.Scope // the staff member's ManageUsers scope
	both           int64     // commune staff in A and in B
	root           int64     // a system administrator who is also a viewer in A
	onlyA          int64     // a viewer in A, and nothing else
}

func newMultiGrantFixture(t *testing.T, db *pgxpool.Pool) multiGrantFixture {
	t.Helper()
	ctx, all := t.Context(), org.Everything()
	var f multiGrantFixture
	province := orgtest.New(t, db, from).Province("TU", "Tỉnh ủy")
	f.province, f.a, f.b = province.ID, province.Commune("A", "Đảng bộ xã A").ID, province.Commune("B", "Đảng bộ xã B").ID
	user := func(login string, role account.Role, unit int64) int64 {
		t.Helper()
		id, err := account.CreateUser(ctx, db, all, account.NewUser{Login: login, Name: "Người dùng " + login, Password: "0123456789", Role: role, UnitID: unit}, today)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	grant := func(id int64, role account.Role, unit int64) {
		t.Helper()
		u, err := account.GetUser(ctx, db, all, id)
		if err != nil {
			t.Fatal(err)
		}
		if err := account.AddGrant(ctx, db, all, id, u.Version, role, unit, today); err != nil {
			t.Fatal(err)
		}
	}
	staff := user("staff.a", account.ProvinceStaff, f.a)
	f.both = user("hai.noi", account.CommuneStaff, f.a)
	grant(f.both, account.CommuneStaff, f.b)
	f.root = user("root", account.SystemAdmin, 0)
	grant(f.root, account.Viewer, f.a)
	f.onlyA = user("chi.a", account.Viewer, f.a)
	me, err := account.UserByID(ctx, db, staff)
	if err != nil {
		t.Fatal(err)
	}
	f.scopeA = me.Scope(account.ManageUsers, "192.0.2.9")
	return f
}

func TestStaffSeeOnlyTheirGrantsOfAccountsHeldAlsoElsewhere(t *testing.T) {
	db := pgtest.New(t)
	ctx := t.Context()
	f := newMultiGrantFixture(t, db)
	for _, id := range []int64{f.both, f.root} {
		u, err := account.GetUser(ctx, db, f.scopeA, id)
		if err != nil {
			t.Fatalf("user %d: %v", id, err)
		}
		if len(u.Grants) != 1 || u.Grants[0].UnitID != f.a || u.Manageable() {
			t.Errorf("%s as staff of A sees them: grants %+v, manageable %v; want only the grant on A, not manageable", u.Login, u.Grants, u.Manageable())
		}
	}
	if u, err := account.GetUser(ctx, db, f.scopeA, f.onlyA); err != nil || !u.Manageable() || len(u.Grants) != 1 {
		t.Errorf("a viewer of A only: %+v %v, want manageable", u, err)
	}
	if u, err := account.GetUser(ctx, db, org.Everything(), f.both); err != nil || !u.Manageable() || len(u.Grants) != 2 {
		t.Errorf("the system administrator sees %+v %v, want both grants, manageable", u, err)
	}
	users, err := account.ListUsers(ctx, db, f.scopeA)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		for _, g := range u.Grants {
			if g.UnitID != f.a {
				t.Errorf("the list shows staff of A the grant of %s as %s on unit %d", u.Login, g.Role, g.UnitID)
			}
		}
	}
	if len(users) != 4 { // staff.a, hai.noi, root, chi.a
		t.Errorf("staff of A lists %d users, want 4", len(users))
	}
}

func TestStaffCannotResetOrDisableAccountsHeldAlsoOutsideTheirScope(t *testing.T) {
	db := pgtest.New(t)
	ctx := t.Context()
	f := newMultiGrantFixture(t, db)
	for _, id := range []int64{f.both, f.root} {
		u, err := account.GetUser(ctx, db, org.Everything(), id)
		if err != nil {
			t.Fatal(err)
		}
		if err := account.ResetPassword(ctx, db, f.scopeA, id, u.Version, "mật khẩu của kẻ chiếm"); !errors.Is(err, apperr.ErrForbidden) {
			t.Errorf("staff of A resets the password of %s: %v, want ErrForbidden", u.Login, err)
		}
		if err := account.SetDisabled(ctx, db, f.scopeA, id, u.Version, true); !errors.Is(err, apperr.ErrForbidden) {
			t.Errorf("staff of A disables %s: %v, want ErrForbidden", u.Login, err)
		}
		if _, err := account.SignIn(ctx, db, hasher, u.Login, "mật khẩu của kẻ chiếm", "192.0.2.9", time.Now()); !errors.Is(err, account.ErrBadCredentials) {
			t.Errorf("%s signs in with the password staff of A chose: %v", u.Login, err)
		}
		after, _ := account.GetUser(ctx, db, org.Everything(), id)
		if after.Version != u.Version || after.Disabled {
			t.Errorf("%s changed: %+v → %+v", u.Login, u, after)
		}
	}
	// Grants outside A are neither revoked nor given by staff of A.
	all, _ := account.GetUser(ctx, db, org.Everything(), f.both)
	inB := all.Grants[slices.IndexFunc(all.Grants, func(g account.Grant) bool { return g.UnitID == f.b })]
	if err := account.RevokeGrant(ctx, db, f.scopeA, f.both, all.Version, inB.ID); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("staff of A revokes the grant on B: %v", err)
	}
	root, _ := account.GetUser(ctx, db, org.Everything(), f.root)
	if err := account.RevokeGrant(ctx, db, f.scopeA, f.root, root.Version, root.Grants[0].ID); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("staff of A revokes the system administrator's grant: %v", err)
	}
	if err := account.AddGrant(ctx, db, f.scopeA, f.both, all.Version, account.Viewer, f.b, today); apperr.Field(err, "unit_code") == "" {
		t.Errorf("staff of A grants on B: %v", err)
	}
	if after, _ := account.GetUser(ctx, db, org.Everything(), f.both); len(after.Grants) != 2 || after.Version != all.Version {
		t.Errorf("grants after staff of A tried: %+v", after)
	}
	// Within A they act as before: on the grant on A, and on an account held in A only.
	if err := account.RevokeGrant(ctx, db, f.scopeA, f.both, all.Version, all.Grants[slices.IndexFunc(all.Grants, func(g account.Grant) bool { return g.UnitID == f.a })].ID); err != nil {
		t.Errorf("staff of A revokes the grant on A: %v", err)
	}
	if _, err := account.GetUser(ctx, db, f.scopeA, f.both); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("staff of A still sees an account left with grants on B only: %v", err)
	}
	if err := account.ResetPassword(ctx, db, f.scopeA, f.onlyA, 1, "mật khẩu mới tinh"); err != nil {
		t.Errorf("staff of A resets a viewer of A: %v", err)
	}
}

func TestResetDisableAndOwnPasswordChangeMoveTheSessionEpochOn(t *testing.T) {
	db := pgtest.New(t)
	ctx, all := t.Context(), org.Everything()
	f := newMultiGrantFixture(t, db)
	epoch := func() int64 {
		t.Helper()
		u, err := account.UserByID(ctx, db, f.onlyA)
		if err != nil {
			t.Fatal(err)
		}
		return u.SessionEpoch
	}
	version := func() int {
		u, _ := account.UserByID(ctx, db, f.onlyA)
		return u.Version
	}
	e0 := epoch()
	if err := account.ResetPassword(ctx, db, all, f.onlyA, version(), "mật khẩu mới tinh"); err != nil {
		t.Fatal(err)
	}
	e1 := epoch()
	if err := account.SetDisabled(ctx, db, all, f.onlyA, version(), true); err != nil {
		t.Fatal(err)
	}
	e2 := epoch()
	if err := account.SetDisabled(ctx, db, all, f.onlyA, version(), false); err != nil {
		t.Fatal(err)
	}
	e3 := epoch()
	u, err := account.SignIn(ctx, db, hasher, "chi.a", "mật khẩu mới tinh", "192.0.2.9", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	got, err := account.ChangePassword(ctx, db, u.Scope("", "192.0.2.9").Actor, "mật khẩu mới tinh", "mật khẩu riêng của tôi")
	if err != nil {
		t.Fatal(err)
	}
	if !(e0 < e1 && e1 < e2 && e2 == e3 && e3 < got && got == epoch()) {
		t.Fatalf("epochs: start %d, reset %d, disable %d, re-enable %d, own change %d (now %d)", e0, e1, e2, e3, got, epoch())
	}
}

func TestChangesFromAStaleVersionAreConflicts(t *testing.T) {
	db := pgtest.New(t)
	ctx, all := t.Context(), org.Everything()
	f := newMultiGrantFixture(t, db)
	u, _ := account.GetUser(ctx, db, all, f.onlyA)
	if err := account.SetDisabled(ctx, db, all, f.onlyA, u.Version, true); err != nil {
		t.Fatal(err)
	}
	for name, err := range map[string]error{
		"reset":   account.ResetPassword(ctx, db, all, f.onlyA, u.Version, "mật khẩu mới tinh"),
		"disable": account.SetDisabled(ctx, db, all, f.onlyA, u.Version, false),
		"grant":   account.AddGrant(ctx, db, all, f.onlyA, u.Version, account.Viewer, f.b, today),
		"revoke":  account.RevokeGrant(ctx, db, all, f.onlyA, u.Version, u.Grants[0].ID),
	} {
		if !errors.Is(err, apperr.ErrConflict) {
			t.Errorf("%s from version %d after a change: %v, want ErrConflict", name, u.Version, err)
		}
	}
	if after, _ := account.GetUser(ctx, db, all, f.onlyA); after.Version != u.Version+1 || !after.Disabled || len(after.Grants) != 1 {
		t.Errorf("after the refused changes: %+v", after)
	}
}

func TestConcurrentChangesFromOneVersionExactlyOneWins(t *testing.T) {
	main := pgtest.New(t)
	f := newMultiGrantFixture(t, main)
	db := pgtest.RacePool(t, main)
	ctx, all := t.Context(), org.Everything()
	const password = "mật khẩu mới tinh"
	for _, c := range []struct {
		name string
		do   func(version, i int) error
	}{
		{"disable", func(v, _ int) error { return account.SetDisabled(ctx, db, all, f.onlyA, v, true) }},
		{"re-enable", func(v, _ int) error { return account.SetDisabled(ctx, db, all, f.onlyA, v, false) }},
		{"grant", func(v, _ int) error { return account.AddGrant(ctx, db, all, f.onlyA, v, account.Viewer, f.b, today) }},
		{"reset", func(v, _ int) error { return account.ResetPassword(ctx, db, all, f.onlyA, v, password) }},
		// The user's own change, from two tabs and more: it reads the version itself.
		{"own change", func(_, i int) error {
			u, err := account.UserByID(ctx, main, f.onlyA)
			if err != nil {
				return err
			}
			_, err = account.ChangePassword(ctx, db, u.Scope("", "192.0.2.9").Actor, password, fmt.Sprintf("mật khẩu thứ %d của tôi", i))
			return err
		}},
	} {
		u, err := account.GetUser(ctx, main, all, f.onlyA)
		if err != nil {
			t.Fatal(err)
		}
		pgtest.OneWinner(t, pgtest.Race(func(i int) error { return c.do(u.Version, i) }), func(err error) bool {
			// A change that read the account after the winner's sees the new password: not the current one.
			return errors.Is(err, apperr.ErrConflict) || (c.name == "own change" && apperr.Field(err, "current") != "")
		})
		if after, _ := account.GetUser(ctx, main, all, f.onlyA); after.Version != u.Version+1 {
			t.Errorf("%s from version %d: now version %d, want exactly one change", c.name, u.Version, after.Version)
		}
	}
}
