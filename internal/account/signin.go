package account

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/alexedwards/argon2id"
	"github.com/jackc/pgx/v5"

	"ptdang/internal/apperr"
	"ptdang/internal/audit"
	"ptdang/internal/format"
	"ptdang/internal/pg"
)

// ErrBadCredentials: the login or the password is wrong (the two are not told apart).
var ErrBadCredentials = apperr.Refuse(apperr.ErrForbidden,
	"Tên đăng nhập hoặc mật khẩu không đúng. Xin kiểm tra lại (chú ý chữ hoa, chữ thường và bộ gõ tiếng Việt).")

// ErrBusy: too many sign-ins already wait for a password check; the caller should ask the user
// to try again a little later.
var ErrBusy = fmt.Errorf("too many sign-ins waiting: %w", apperr.ErrBusy)

// LockedError: too many failed sign-ins; sign-in is refused until Until.
type LockedError struct{ Until time.Time }

func (e *LockedError) Error() string { return "sign-in locked until " + e.Until.Format(time.RFC3339) }

// Message says until when, in Vietnam's time, and who can help sooner.
func (e *LockedError) Message() string {
	return "Tài khoản tạm khóa vì nhập sai mật khẩu nhiều lần. Xin thử lại sau " + e.Until.In(format.Zone).Format("15:04") +
		", hoặc nhờ cán bộ quản lý tài khoản cấp lại mật khẩu."
}

// Throttling: an account is locked after AccountFailures failures in a row within Window, a
// client address after AddrFailures failures within Window, for Window after the last failure.
const (
	AccountFailures = 5
	AddrFailures    = 20
	Window          = 15 * time.Minute
)

// dummyHash is compared against when the login does not exist, so that a wrong login takes as
// long as a wrong password.
var dummyHash, _ = argon2id.CreateHash("không có tài khoản này", argon2id.DefaultParams)

// Hasher bounds the password checks that run at once. An argon2id check takes about 64 MiB and
// all the CPUs for tens of milliseconds: unbounded, a flood of sign-ins exhausts memory and
// starves every other request. A Hasher is safe for concurrent use; share one per process.
type Hasher struct {
	slots      chan struct{}
	waiting    atomic.Int64
	maxWaiting int64
	compare    func(password, hash string) (bool, error) // argon2id's; replaced in tests
}

// NewHasher returns a Hasher that runs at most slots checks at once (at least one) and lets at
// most waiting callers queue for a slot; the next one gets ErrBusy at once.
func NewHasher(slots, waiting int) *Hasher {
	return &Hasher{slots: make(chan struct{}, max(slots, 1)), maxWaiting: int64(max(waiting, 0)),
		compare: argon2id.ComparePasswordAndHash}
}

// Acquire takes a slot, waiting while ctx allows. It returns ErrBusy when the queue is full, or
// ctx's error; otherwise a release function, safe to call more than once.
func (h *Hasher) Acquire(ctx context.Context) (release func(), err error) {
	select {
	case h.slots <- struct{}{}:
		return h.releaser(), nil
	default:
	}
	if h.waiting.Add(1) > h.maxWaiting {
		h.waiting.Add(-1)
		return nil, ErrBusy
	}
	defer h.waiting.Add(-1)
	select {
	case h.slots <- struct{}{}:
		return h.releaser(), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (h *Hasher) releaser() func() {
	var once sync.Once
	return func() { once.Do(func() { <-h.slots }) }
}

// Waiting is how many callers wait for a slot now.
func (h *Hasher) Waiting() int { return int(h.waiting.Load()) }

// Advisory lock classes (the two-key form of pg_advisory_xact_lock, which never meets the
// one-key locks golang-migrate takes): one sign-in at a time per login and per address decides
// whether it may guess.
const (
	lockSignInLogin int32 = 0x5349_0001
	lockSignInAddr  int32 = 0x5349_0002
)

// attempt is a sign-in admitted to check its password: its login_attempt row, already counted
// as a failure, and what the check needs.
type attempt struct {
	row      int64
	userID   int64
	hash     string
	disabled bool
	locks    time.Time // when this attempt fails, the lockout it starts (zero: none)
}

// SignIn checks login and password from addr at now, with at most h's slots of password checks
// running at once. It returns the user, ErrBadCredentials, *LockedError, ErrBusy, or ctx's error
// while it waits for a slot. Every checked attempt is recorded; failures and lockouts are audited.
//
// The password is checked outside any transaction, so a queue of sign-ins holds no database
// connection. Each attempt is counted as a failure before its check, under a lock on its login
// and address, so N simultaneous guesses check at most AccountFailures passwords.
func SignIn(ctx context.Context, db pg.Beginner, h *Hasher, login, password, addr string, now time.Time) (User, error) {
	login = strings.ToLower(strings.TrimSpace(login))
	release, err := h.Acquire(ctx)
	if err != nil {
		return User{}, err
	}
	defer release()
	a, err := admit(ctx, db, login, addr, now)
	if err != nil {
		return User{}, err
	}
	hash := a.hash
	if a.userID == 0 {
		hash = dummyHash
	}
	ok, err := h.compare(normalisePassword(password), hash)
	release()
	if err != nil {
		return User{}, err
	}
	ok = ok && a.userID != 0 && !a.disabled
	// The attempt was counted: record its outcome even if the client has gone meanwhile.
	return settle(context.WithoutCancel(ctx), db, a, ok, login, addr)
}

// admit decides, in one short transaction, whether login may guess from addr: it returns
// *LockedError, or an attempt recorded as a failure until settle says otherwise.
func admit(ctx context.Context, db pg.Beginner, login, addr string, now time.Time) (attempt, error) {
	var a attempt
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		// Without these locks N simultaneous guesses all read the same count of failures and all
		// go on to check a password. Login before address in every sign-in: no deadlock.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2))`, lockSignInLogin, login); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2))`, lockSignInAddr, addr); err != nil {
			return err
		}
		if until, err := lockedUntil(ctx, tx, login, addr, now); err != nil {
			return err
		} else if !until.IsZero() {
			return &LockedError{Until: until}
		}
		err := tx.QueryRow(ctx, `SELECT id, password_hash, disabled FROM app_user WHERE login = $1`, login).Scan(&a.userID, &a.hash, &a.disabled)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO login_attempt (login, addr, ok, at) VALUES ($1, $2, false, $3) RETURNING id`,
			login, addr, now).Scan(&a.row); err != nil {
			return err
		}
		a.locks, err = lockedUntil(ctx, tx, login, addr, now)
		return err
	})
	return a, err
}

// settle records a's outcome: a success clears its failure and signs the user in; a failure is
// audited, and so is the lockout it starts.
func settle(ctx context.Context, db pg.Beginner, a attempt, ok bool, login, addr string) (User, error) {
	var user User
	actor := audit.Actor{UserID: a.userID, Login: login, Addr: addr}
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		if !ok {
			if err := audit.Record(ctx, tx, actor, audit.Entry{Action: "sign_in_failed", Entity: "user", EntityID: a.userID, Label: login}); err != nil {
				return err
			}
			if a.locks.IsZero() {
				return nil
			}
			return audit.Record(ctx, tx, actor, audit.Entry{Action: "lockout", Entity: "user", EntityID: a.userID, Label: login,
				New: map[string]any{"until": a.locks}})
		}
		if _, err := tx.Exec(ctx, `UPDATE login_attempt SET ok = true WHERE id = $1`, a.row); err != nil {
			return err
		}
		var err error
		if user, err = loadUser(ctx, tx, `id = $1`, a.userID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "sign_in", Entity: "user", EntityID: a.userID, Label: login})
	})
	if err != nil {
		return User{}, err
	}
	if !ok {
		return User{}, ErrBadCredentials
	}
	return user, nil
}

// lockedUntil returns when sign-in for login or from addr unlocks, or zero when it is open.
func lockedUntil(ctx context.Context, q pg.Querier, login, addr string, now time.Time) (time.Time, error) {
	since := now.Add(-Window)
	var (
		accountFails, addrFails int
		lastAccount, lastAddr   *time.Time
	)
	err := q.QueryRow(ctx, `
		WITH last_ok AS (SELECT max(at) AS at FROM login_attempt WHERE login = $1 AND ok)
		SELECT
			(SELECT count(*) FROM login_attempt, last_ok WHERE login = $1 AND NOT ok AND login_attempt.at > $3
				AND login_attempt.at > COALESCE(last_ok.at, '-infinity')),
			(SELECT max(at) FROM login_attempt WHERE login = $1 AND NOT ok AND at > $3),
			(SELECT count(*) FROM login_attempt WHERE addr = $2 AND NOT ok AND at > $3),
			(SELECT max(at) FROM login_attempt WHERE addr = $2 AND NOT ok AND at > $3)`,
		login, addr, since).Scan(&accountFails, &lastAccount, &addrFails, &lastAddr)
	if err != nil {
		return time.Time{}, err
	}
	var until time.Time
	if accountFails >= AccountFailures && lastAccount != nil {
		until = lastAccount.Add(Window)
	}
	if addrFails >= AddrFailures && lastAddr != nil && lastAddr.Add(Window).After(until) {
		until = lastAddr.Add(Window)
	}
	return until, nil
}
