package account_test

import (
	"errors"
	"testing"

	"ptdang/internal/account"
	"ptdang/internal/org"
	"ptdang/internal/pgtest"
)

// A password change by any signed-in user, and an administrator's reset or new account, hash
// with a bounded number of slots: with every slot taken and no room to queue, they are told to
// retry (ErrBusy, a 503 page) and change nothing; with a free slot they go through.
func TestPasswordHashesOfAccountChangesAreBounded(t *testing.T) {
	db := pgtest.New(t)
	ctx, all := t.Context(), org.Everything()
	f := newMultiGrantFixture(t, db)
	u, err := account.UserByID(ctx, db, f.onlyA)
	if err != nil {
		t.Fatal(err)
	}
	h := account.NewHasher(1, 0)
	account.UseChangeHashes(t, h)
	release, err := h.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	const password = "mật khẩu mới tinh"
	if _, err := account.ChangePassword(ctx, db, u.Scope("", "192.0.2.9").Actor, password, "mật khẩu riêng của tôi"); !errors.Is(err, account.ErrBusy) {
		t.Errorf("own change with every slot taken: %v, want ErrBusy", err)
	}
	if err := account.ResetPassword(ctx, db, all, f.onlyA, u.Version, "một mật khẩu tạm thời"); !errors.Is(err, account.ErrBusy) {
		t.Errorf("reset with every slot taken: %v, want ErrBusy", err)
	}
	if _, err := account.CreateUser(ctx, db, all, account.NewUser{Login: "moi.tao", Name: "Người mới", Password: "một mật khẩu tạm thời",
		Role: account.Viewer, UnitID: f.a}, today); !errors.Is(err, account.ErrBusy) {
		t.Errorf("new account with every slot taken: %v, want ErrBusy", err)
	}
	if after, err := account.UserByID(ctx, db, f.onlyA); err != nil || after.Version != u.Version {
		t.Errorf("a refused change changed the account: version %d → %d (%v)", u.Version, after.Version, err)
	}
	release()
	if err := account.ResetPassword(ctx, db, all, f.onlyA, u.Version, "một mật khẩu tạm thời"); err != nil {
		t.Errorf("reset with a free slot: %v", err)
	}
}
