package account_test

import (
	"errors"
	"github.com/jackc/pgx/v5/pgxpool"
	"os"
	"strings"
	"testing"
	"time"

	"ptdang/internal/account"
	"ptdang/internal/apperr"
	"ptdang/internal/org"
	"ptdang/internal/orgtest"
	"ptdang/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

var from = time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)

// today is the day the tests grant roles on.
var today = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// provinceUser is a fresh database whose provincial committee TU has the user u, created by a
// system administrator; it returns the database and the user's id.
func provinceUser(t *testing.T, u account.NewUser) (*pgxpool.Pool, int64) {
	t.Helper()
	db := pgtest.New(t)
	u.UnitID = orgtest.New(t, db, from).Province("TU", "Tỉnh ủy").ID
	id, err := account.CreateUser(t.Context(), db, org.Everything(), u, today)
	if err != nil {
		t.Fatal(err)
	}
	return db, id
}

func TestLockoutAfterRepeatedFailuresAndResetLiftsIt(t *testing.T) {
	db, id := provinceUser(t, account.NewUser{Login: "Bich.Ngoc", Name: "Nguyễn Thị Bích Ngọc", Password: "mật khẩu đầu tiên", Role: account.ProvinceStaff})
	ctx := t.Context()
	now := time.Now()
	// The password is NFC-normalised: the same letters typed decomposed sign in too.
	u, err := account.SignIn(ctx, db, hasher, "bich.ngoc", "m\u00e2\u0323t kh\u00e2\u0309u \u0111\u00e2\u0300u ti\u00ean", "192.0.2.1", now.Add(-time.Hour))
	if err != nil || u.ID != id || !u.MustChangePassword || len(u.Grants) != 1 {
		t.Fatalf("sign-in: %+v %v", u, err)
	}
	lock := func(at time.Time) {
		t.Helper()
		for i := range account.AccountFailures {
			if _, err := account.SignIn(ctx, db, hasher, "bich.ngoc", "sai", "192.0.2.1", at.Add(time.Duration(i)*time.Second)); !errors.Is(err, account.ErrBadCredentials) {
				t.Fatalf("failure %d: %v", i, err)
			}
		}
		_, err = account.SignIn(ctx, db, hasher, "bich.ngoc", "mật khẩu đầu tiên", "192.0.2.1", at.Add(time.Minute))
		var locked *account.LockedError
		if !errors.As(err, &locked) || locked.Until.Before(at.Add(account.Window)) {
			t.Fatalf("right password during lockout: %v", err)
		}
	}

	// Locked a few minutes ago: an administrator's reset opens the account now.
	lock(now.Add(-10 * time.Minute))
	if err := account.ResetPassword(ctx, db, org.Everything(), id, 1, "mật khẩu mới tinh"); err != nil {
		t.Fatal(err)
	}
	if _, err := account.SignIn(ctx, db, hasher, "bich.ngoc", "mật khẩu mới tinh", "192.0.2.1", now.Add(time.Second)); err != nil {
		t.Fatalf("after reset: %v", err)
	}

	// Locked again: it opens by itself once the window has passed.
	lock(now.Add(time.Minute))
	if _, err := account.SignIn(ctx, db, hasher, "bich.ngoc", "mật khẩu mới tinh", "192.0.2.1", now.Add(2*time.Minute+account.Window)); err != nil {
		t.Fatalf("after the window: %v", err)
	}

	var lockouts int
	db.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'lockout' AND label = 'bich.ngoc'`).Scan(&lockouts)
	if lockouts != 2 {
		t.Fatalf("%d lockouts audited", lockouts)
	}
}

func TestUnknownLoginAndDisabledAccountAreRefusedAlike(t *testing.T) {
	db, id := provinceUser(t, account.NewUser{Login: "viewer1", Name: "Người xem", Password: "0123456789", Role: account.Viewer})
	ctx := t.Context()
	if _, err := account.SignIn(ctx, db, hasher, "khongco", "0123456789", "192.0.2.2", time.Now()); !errors.Is(err, account.ErrBadCredentials) {
		t.Fatalf("unknown login: %v", err)
	}
	if err := account.SetDisabled(ctx, db, org.Everything(), id, 1, true); err != nil {
		t.Fatal(err)
	}
	if _, err := account.SignIn(ctx, db, hasher, "viewer1", "0123456789", "192.0.2.2", time.Now()); !errors.Is(err, account.ErrBadCredentials) {
		t.Fatalf("disabled account: %v", err)
	}
}

func TestStaffManageOnlyUsersOfTheirSubtree(t *testing.T) {
	db := pgtest.New(t)
	ctx := t.Context()
	all := org.Everything()
	province := orgtest.New(t, db, from).Province("TU", "Tỉnh ủy")
	a, b := province.Commune("A", "Đảng bộ xã A").ID, province.Commune("B", "Đảng bộ xã B").ID
	staffA := account.User{ID: 99, Login: "staff.a", Grants: []account.Grant{{Role: account.ProvinceStaff, UnitID: a}}}
	scopeA := staffA.Scope(account.ManageUsers, "192.0.2.3")

	if _, err := account.CreateUser(ctx, db, scopeA, account.NewUser{Login: "xa.b", Name: "Cán bộ xã B", Password: "0123456789", Role: account.CommuneStaff, UnitID: b}, today); apperr.Field(err, "unit_code") == "" {
		t.Fatalf("granting on another subtree: %v", err)
	}
	if _, err := account.CreateUser(ctx, db, scopeA, account.NewUser{Login: "root2", Name: "Quản trị", Password: "0123456789", Role: account.SystemAdmin, UnitID: a}, today); !strings.Contains(apperr.Field(err, "role"), "quản trị hệ thống") {
		t.Fatalf("making a system administrator: %v", err)
	}
	inB, err := account.CreateUser(ctx, db, all, account.NewUser{Login: "xa.b", Name: "Cán bộ xã B", Password: "0123456789", Role: account.CommuneStaff, UnitID: b}, today)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := account.GetUser(ctx, db, scopeA, inB); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("reading a user of another subtree: %v", err)
	}
	if err := account.ResetPassword(ctx, db, scopeA, inB, 1, "9876543210"); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("resetting a user of another subtree: %v", err)
	}
	users, err := account.ListUsers(ctx, db, scopeA)
	if err != nil || len(users) != 0 {
		t.Fatalf("staff A lists %d users (%v)", len(users), err)
	}
	if _, err := account.CreateUser(ctx, db, all, account.NewUser{Login: "XA.B", Name: "Trùng", Password: "0123456789", Role: account.Viewer, UnitID: b}, today); !strings.Contains(apperr.Field(err, "login"), "đã có") {
		t.Fatalf("duplicate login: %v", err)
	}
}
