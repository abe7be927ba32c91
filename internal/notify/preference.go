package notify

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"time"

	"github.com/jackc/pgx/v5"

	"ptdang/internal/apperr"
	"ptdang/internal/audit"
	"ptdang/internal/format"
	"ptdang/internal/pg"
)

// Preferences are how a person wants to be told, besides in the app.
type Preferences struct {
	Email   string
	ByEmail bool
	NoPush  bool // the person turned Web Push off on every browser they subscribed
	// Quiet hours, in minutes after midnight in Vietnam's time; From > Until spans midnight,
	// From == Until means none. E-mails due in them wait until they end.
	QuietFrom, QuietUntil int
	Version               int // 0 while the person keeps the defaults
}

var errPreferencesChanged = apperr.Refuse(apperr.ErrConflict, "Cài đặt thông báo vừa được sửa ở nơi khác; xin mở lại trang.")

// GetPreferences returns user's preferences; the defaults (in-app only) when they set none.
func GetPreferences(ctx context.Context, q pg.Querier, user int64) (Preferences, error) {
	var p Preferences
	err := q.QueryRow(ctx, `
		SELECT email, by_email, NOT by_push, COALESCE(EXTRACT(epoch FROM quiet_from)::int / 60, 0),
			COALESCE(EXTRACT(epoch FROM quiet_until)::int / 60, 0), version
		FROM notify_preference WHERE user_id = $1`, user).
		Scan(&p.Email, &p.ByEmail, &p.NoPush, &p.QuietFrom, &p.QuietUntil, &p.Version)
	if errors.Is(err, pgx.ErrNoRows) {
		return Preferences{}, nil
	}
	return p, err
}

// SavePreferences stores user's preferences; in.Version is the version edited. Its errors:
// *apperr.Invalid (fields "email", "quiet") for a missing or malformed address or quiet hours out
// of the day; apperr.ErrConflict for a stale version or a save that races another one.
func SavePreferences(ctx context.Context, db pg.Beginner, by audit.Actor, user int64, in Preferences) error {
	inv := &apperr.Invalid{}
	if in.Email != "" {
		if a, err := mail.ParseAddress(in.Email); err != nil || a.Address != in.Email {
			inv.Add("email", "Địa chỉ thư điện tử không đúng dạng, ví dụ: ten@example.vn.")
		}
	} else if in.ByEmail {
		inv.Add("email", "Xin ghi địa chỉ thư điện tử để nhận thông báo qua thư.")
	}
	if in.QuietFrom < 0 || in.QuietFrom >= 24*60 || in.QuietUntil < 0 || in.QuietUntil >= 24*60 {
		inv.Add("quiet", "Giờ yên lặng phải nằm trong ngày, từ 00:00 đến 23:59.")
	}
	if err := inv.Err(); err != nil {
		return err
	}
	var from, until *string
	if in.QuietFrom != in.QuietUntil {
		f, u := Clock(in.QuietFrom), Clock(in.QuietUntil)
		from, until = &f, &u
	}
	return pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		old, err := GetPreferences(ctx, tx, user)
		if err != nil {
			return err
		}
		// The version is checked in the statement itself: of two saves from one version, one wins.
		tag, err := tx.Exec(ctx, `
			INSERT INTO notify_preference (user_id, email, by_email, by_push, quiet_from, quiet_until)
			VALUES ($1, $2, $3, NOT $7, $4::time, $5::time)
			ON CONFLICT (user_id) DO UPDATE SET email = $2, by_email = $3, by_push = NOT $7, quiet_from = $4::time, quiet_until = $5::time,
				version = notify_preference.version + 1
			WHERE notify_preference.version = $6`, user, in.Email, in.ByEmail, from, until, in.Version, in.NoPush)
		if err != nil {
			return err
		}
		if tag.RowsAffected() != 1 || old.Version != in.Version {
			return errPreferencesChanged
		}
		old.Version, in.Version = 0, 0
		return audit.Record(ctx, tx, by, audit.Entry{Action: "update", Entity: "notify_preference", EntityID: user, Old: old, New: in})
	})
}

// Clock writes minutes after midnight as people read the time of day: 21:30.
func Clock(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }

// quietUntil returns when the quiet hours that now falls in end, or the zero time when now is
// not in them.
func (p Preferences) quietUntil(now time.Time) time.Time {
	if p.QuietFrom == p.QuietUntil {
		return time.Time{}
	}
	local := now.In(format.Zone)
	m := local.Hour()*60 + local.Minute()
	midnight := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, format.Zone)
	end := midnight.Add(time.Duration(p.QuietUntil) * time.Minute)
	switch {
	case p.QuietFrom < p.QuietUntil && m >= p.QuietFrom && m < p.QuietUntil:
		return end
	case p.QuietFrom > p.QuietUntil && m >= p.QuietFrom:
		return end.AddDate(0, 0, 1)
	case p.QuietFrom > p.QuietUntil && m < p.QuietUntil:
		return end
	}
	return time.Time{}
}

// ReadClock reads a time of day typed as 21:30 into minutes after midnight; empty reads as 0.
// The message, if any, says what to type.
func ReadClock(text string) (int, string) {
	if text == "" {
		return 0, ""
	}
	t, err := time.Parse("15:04", text)
	if err != nil {
		return 0, "Nhập giờ dạng giờ:phút, ví dụ 21:30."
	}
	return t.Hour()*60 + t.Minute(), ""
}
