package notify

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"

	"ptdang/internal/pg"
)

// Worker delivers the outbox's due messages. Several workers, on one server or many, may run at
// once: each claims its batch with FOR UPDATE SKIP LOCKED and holds the rows until it has sent
// them and recorded so, so no message is sent twice unless a server dies between sending and
// committing (then the message is sent again: at least once, never lost).
type Worker struct {
	DB    pg.Beginner
	Mail  *Mailer          // nil when no SMTP server is configured: e-mails wait
	Push  *Pusher          // nil when no VAPID keys are configured: pushes wait
	Now   func() time.Time // the clock; time.Now when nil
	Batch int              // messages per transaction; 20 when 0
	Log   *slog.Logger
}

// MaxAttempts is how many times a message is tried before it is given up (its last error kept).
const MaxAttempts = 10

// Backoff is how long a message waits after its n-th failed attempt: 1 minute, doubling, at
// most a day.
func Backoff(n int) time.Duration {
	return min(time.Minute<<min(n-1, 11), 24*time.Hour)
}

// Deliver sends one batch of due messages and returns how many it delivered; a failed send is
// recorded on its row and retried later, a message due in its recipient's quiet hours waits
// until they end. Its errors are the database's.
func (w *Worker) Deliver(ctx context.Context) (int, error) {
	now := time.Now()
	if w.Now != nil {
		now = w.Now()
	}
	var channels []string
	if w.Mail != nil {
		channels = append(channels, string(Email))
	}
	if w.Push != nil {
		channels = append(channels, string(Push))
	}
	if len(channels) == 0 {
		return 0, nil
	}
	batch := w.Batch
	if batch == 0 {
		batch = 20
	}
	delivered := 0
	err := pgx.BeginFunc(ctx, w.DB, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `
			SELECT m.id, m.user_id, m.channel, m.key, m.subject, m.body, m.link, m.attempts,
				COALESCE(p.email, ''), COALESCE(EXTRACT(epoch FROM p.quiet_from)::int / 60, 0),
				COALESCE(EXTRACT(epoch FROM p.quiet_until)::int / 60, 0)
			FROM notify_message m LEFT JOIN notify_preference p ON p.user_id = m.user_id
			WHERE m.delivered_at IS NULL AND m.next_attempt_at <= $1 AND m.channel = ANY($2) AND m.attempts < $3
			ORDER BY m.next_attempt_at, m.id
			LIMIT $4
			FOR UPDATE OF m SKIP LOCKED`, now, channels, MaxAttempts, batch)
		if err != nil {
			return err
		}
		type due struct {
			id, user int64
			channel  Channel
			m        Message
			attempts int
			to       string
			pref     Preferences
		}
		claimed, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (due, error) {
			var d due
			err := row.Scan(&d.id, &d.user, &d.channel, &d.m.Key, &d.m.Subject, &d.m.Body, &d.m.Link, &d.attempts,
				&d.to, &d.pref.QuietFrom, &d.pref.QuietUntil)
			return d, err
		})
		if err != nil {
			return err
		}
		for _, d := range claimed {
			if until := d.pref.quietUntil(now); !until.IsZero() {
				if _, err := tx.Exec(ctx, `UPDATE notify_message SET next_attempt_at = $2 WHERE id = $1`, d.id, until); err != nil {
					return err
				}
				continue
			}
			send := func() error { return w.Mail.Send(ctx, d.to, d.m) }
			if d.channel == Push {
				send = func() error { return w.push(ctx, tx, d.user, d.m) }
			}
			if err := send(); err != nil {
				w.log().Warn("notification not delivered", "id", d.id, "channel", d.channel, "attempt", d.attempts+1, "err", err)
				_, err = tx.Exec(ctx, `UPDATE notify_message SET attempts = attempts + 1, last_error = $2, next_attempt_at = $3 WHERE id = $1`,
					d.id, fmt.Sprint(err), now.Add(Backoff(d.attempts+1)))
				if err != nil {
					return err
				}
				continue
			}
			if _, err := tx.Exec(ctx, `UPDATE notify_message SET attempts = attempts + 1, delivered_at = $2, last_error = '' WHERE id = $1`, d.id, now); err != nil {
				return err
			}
			delivered++
		}
		return nil
	})
	return delivered, err
}

// Run delivers a batch every interval until ctx is done; after a batch that delivered some, it
// looks for more at once.
func (w *Worker) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		n, err := w.Deliver(ctx)
		if err != nil && ctx.Err() == nil {
			w.log().Error("notifications: delivery failed", "err", err)
		}
		if n > 0 && err == nil {
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (w *Worker) log() *slog.Logger {
	if w.Log == nil {
		return slog.Default()
	}
	return w.Log
}
