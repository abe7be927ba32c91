package account_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"ptdang/internal/account"
	"ptdang/internal/org"
	"ptdang/internal/orgtest"
	"ptdang/internal/pgtest"
)

// hasher is the tests' password checker, sized as the server sizes its own.
var hasher = account.NewHasher(runtime.NumCPU(), 16*runtime.NumCPU())

func TestSimultaneousWrongPasswordsCheckAtMostTheLimit(t *testing.T) {
	const n = 40
	for _, tc := range []struct {
		name        string
		login, addr func(i int) string
		limit       int
	}{
		{"one account from many addresses", func(int) string { return "bich.ngoc" }, func(i int) string { return fmt.Sprintf("192.0.2.%d", i) }, account.AccountFailures},
		{"unknown logins from one address", func(i int) string { return fmt.Sprintf("khongco%d", i) }, func(int) string { return "198.51.100.7" }, account.AddrFailures},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := pgtest.New(t)
			ctx := t.Context()
			unit := orgtest.New(t, db, from).Province("TU", "Tỉnh ủy").ID
			if _, err := account.CreateUser(ctx, db, org.Everything(), account.NewUser{Login: "bich.ngoc", Name: "Nguyễn Thị Bích Ngọc", Password: "mật khẩu đầu tiên", Role: account.ProvinceStaff, UnitID: unit}, today); err != nil {
				t.Fatal(err)
			}
			// Every guess may check at once: only the count can stop them.
			h := account.NewHasher(n, n)
			var checked atomic.Int64
			h.SetCompare(func(string, string) (bool, error) { checked.Add(1); return false, nil })
			var (
				start         = make(chan struct{})
				wg            sync.WaitGroup
				wrong, locked atomic.Int64
				now           = time.Now()
				unexpectedMu  sync.Mutex
				unexpected    []error
			)
			for i := range n {
				wg.Go(func() {
					<-start
					_, err := account.SignIn(ctx, db, h, tc.login(i), "sai mật khẩu", tc.addr(i), now)
					var lockedErr *account.LockedError
					switch {
					case errors.Is(err, account.ErrBadCredentials):
						wrong.Add(1)
					case errors.As(err, &lockedErr):
						locked.Add(1)
					default:
						unexpectedMu.Lock()
						unexpected = append(unexpected, err)
						unexpectedMu.Unlock()
					}
				})
			}
			close(start)
			wg.Wait()
			if len(unexpected) > 0 {
				t.Fatalf("unexpected results: %v", unexpected)
			}
			if got := checked.Load(); got > int64(tc.limit) || got != wrong.Load() || wrong.Load()+locked.Load() != n {
				t.Fatalf("%d passwords checked (limit %d), %d wrong, %d locked", got, tc.limit, wrong.Load(), locked.Load())
			}
			var attempts, lockouts int
			db.QueryRow(ctx, `SELECT count(*) FROM login_attempt`).Scan(&attempts)
			db.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'lockout'`).Scan(&lockouts)
			if attempts != tc.limit || lockouts != 1 {
				t.Fatalf("%d attempts recorded, %d lockouts audited; want %d and 1", attempts, lockouts, tc.limit)
			}
		})
	}
}

func TestQueuedSignInsHoldNoConnectionAndAFullQueueIsBusy(t *testing.T) {
	db := pgtest.New(t)
	ctx := t.Context()
	unit := orgtest.New(t, db, from).Province("TU", "Tỉnh ủy").ID
	if _, err := account.CreateUser(ctx, db, org.Everything(), account.NewUser{Login: "bich.ngoc", Name: "Nguyễn Thị Bích Ngọc", Password: "mật khẩu đầu tiên", Role: account.ProvinceStaff, UnitID: unit}, today); err != nil {
		t.Fatal(err)
	}
	// One check at a time, two may wait; the check runs only when the test lets it.
	h := account.NewHasher(1, 2)
	hashing, proceed := make(chan struct{}, 10), make(chan struct{})
	var proceeding sync.Once
	letThrough := func() { proceeding.Do(func() { close(proceed) }) }
	t.Cleanup(letThrough) // a failed test must not leave a check holding a connection
	h.SetCompare(func(password, hash string) (bool, error) {
		hashing <- struct{}{}
		<-proceed
		return account.Compare(password, hash)
	})
	type result struct {
		u   account.User
		err error
	}
	signIn := func(ctx context.Context, password string) chan result {
		got := make(chan result, 1)
		go func() {
			u, err := account.SignIn(ctx, db, h, "bich.ngoc", password, "192.0.2.1", time.Now())
			got <- result{u, err}
		}()
		return got
	}
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("never: %s", what)
			}
		}
	}

	first := signIn(ctx, "mật khẩu đầu tiên")
	<-hashing
	if n := db.Stat().AcquiredConns(); n != 0 {
		t.Fatalf("%d database connections held while the password is checked", n)
	}
	cancelled, cancel := context.WithCancel(ctx)
	second := signIn(cancelled, "sai mật khẩu")
	waitFor("one sign-in waits", func() bool { return h.Waiting() == 1 })
	third := signIn(ctx, "sai mật khẩu")
	waitFor("two sign-ins wait", func() bool { return h.Waiting() == 2 })
	if n := db.Stat().AcquiredConns(); n != 0 {
		t.Fatalf("%d database connections held by queued sign-ins", n)
	}
	if _, err := account.SignIn(ctx, db, h, "bich.ngoc", "mật khẩu đầu tiên", "192.0.2.1", time.Now()); !errors.Is(err, account.ErrBusy) {
		t.Fatalf("sign-in beyond the queue: %v, want ErrBusy", err)
	}
	// A client that gives up leaves the queue.
	cancel()
	if r := <-second; !errors.Is(r.err, context.Canceled) {
		t.Fatalf("cancelled sign-in: %v", r.err)
	}
	waitFor("the cancelled sign-in leaves the queue", func() bool { return h.Waiting() == 1 })

	letThrough()
	if r := <-first; r.err != nil || r.u.Login != "bich.ngoc" {
		t.Fatalf("first sign-in: %+v %v", r.u, r.err)
	}
	if r := <-third; !errors.Is(r.err, account.ErrBadCredentials) {
		t.Fatalf("queued wrong password: %v", r.err)
	}
	// Only the two sign-ins that were checked are recorded.
	var ok, failed int
	db.QueryRow(ctx, `SELECT count(*) FILTER (WHERE ok), count(*) FILTER (WHERE NOT ok) FROM login_attempt`).Scan(&ok, &failed)
	if ok != 1 || failed != 1 {
		t.Fatalf("attempts recorded: %d ok, %d failed; want 1 and 1", ok, failed)
	}
}
