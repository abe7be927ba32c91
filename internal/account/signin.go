package account

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/alexedwards/argon2id"
	"github.com/jackc/pgx/v5"

	"ptdang/internal/audit"
	"ptdang/internal/pg"
)

// ErrBadCredentials: the login or the password is wrong (the two are not told apart).
var ErrBadCredentials = errors.New("wrong login or password")

// LockedError: too many failed sign-ins; sign-in is refused until Until.
type LockedError struct{ Until time.Time }

func (e *LockedError) Error() string { return "sign-in locked until " + e.Until.Format(time.RFC3339) }

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

// SignIn checks login and password from addr at now. It returns the user, ErrBadCredentials or
// *LockedError. Every attempt is recorded; failures and lockouts are audited.
func SignIn(ctx context.Context, db pg.Beginner, login, password, addr string, now time.Time) (User, error) {
	login = strings.ToLower(strings.TrimSpace(login))
	var (
		user   User
		result error
	)
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		if until, err := lockedUntil(ctx, tx, login, addr, now); err != nil {
			return err
		} else if !until.IsZero() {
			result = &LockedError{Until: until}
			return nil
		}
		var (
			id       int64
			h        string
			disabled bool
		)
		err := tx.QueryRow(ctx, `SELECT id, password_hash, disabled FROM app_user WHERE login = $1`, login).Scan(&id, &h, &disabled)
		if errors.Is(err, pgx.ErrNoRows) {
			h = dummyHash
		} else if err != nil {
			return err
		}
		ok, err := argon2id.ComparePasswordAndHash(normalisePassword(password), h)
		if err != nil {
			return err
		}
		ok = ok && id != 0 && !disabled
		if _, err := tx.Exec(ctx, `INSERT INTO login_attempt (login, addr, ok, at) VALUES ($1, $2, $3, $4)`, login, addr, ok, now); err != nil {
			return err
		}
		actor := audit.Actor{UserID: id, Login: login, Addr: addr}
		if !ok {
			result = ErrBadCredentials
			if err := audit.Record(ctx, tx, actor, audit.Entry{Action: "sign_in_failed", Entity: "user", EntityID: id, Label: login}); err != nil {
				return err
			}
			if until, err := lockedUntil(ctx, tx, login, addr, now); err != nil {
				return err
			} else if !until.IsZero() {
				return audit.Record(ctx, tx, actor, audit.Entry{Action: "lockout", Entity: "user", EntityID: id, Label: login,
					New: map[string]any{"until": until}})
			}
			return nil
		}
		if user, err = loadUser(ctx, tx, `id = $1`, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "sign_in", Entity: "user", EntityID: id, Label: login})
	})
	if err != nil {
		return User{}, err
	}
	return user, result
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
