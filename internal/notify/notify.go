// Package notify is the notifications (thông báo) outbox: every message to a person is a row of
// notify_message, written by Enqueue in the transaction of the event that causes it and delivered
// by a Worker, on the in-app channel always, by e-mail to those who chose it and by Web Push to
// the browsers they subscribed. Messages carry no personal data: the unit, the task, the deadline
// and a link.
package notify

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"ptdang/internal/apperr"
	"ptdang/internal/pg"
)

// Channel is a way a message reaches a person.
type Channel string

// The channels. In-app messages are delivered as they are written: the bell counts them.
const (
	InApp Channel = "inapp"
	Email Channel = "email"
	Push  Channel = "push"
)

// Message is what people are told. Key is its idempotency key (the rule or event, the subject and
// the period, e.g. "report.returned:12:2026Q2:v5"): a message is written at most once per key,
// recipient and channel, however often or on however many servers it is enqueued.
type Message struct {
	Key     string
	Subject string // one line: "Chi bộ Ấp 1: báo cáo Quý 2/2026 chưa gửi, hạn 10/07/2026"
	Body    string
	Link    string // a path of the site, e.g. /reports/12/2026/2
}

// Enqueue writes m for each of users within the caller's transaction q: in-app, by e-mail to
// those who chose it and gave an address, by Web Push to those who subscribed a browser and did
// not turn it off. Rows already written for m.Key are left alone. It
// returns how many rows it wrote; its errors are the database's.
func Enqueue(ctx context.Context, q pg.Querier, m Message, users ...int64) (int, error) {
	tag, err := q.Exec(ctx, `
		INSERT INTO notify_message (key, user_id, channel, subject, body, link, delivered_at)
		SELECT $1, u.id, c.channel, $2, $3, $4, CASE WHEN c.channel = 'inapp' THEN now() END
		FROM (SELECT DISTINCT id FROM unnest($5::bigint[]) AS id) u
		LEFT JOIN notify_preference p ON p.user_id = u.id
		CROSS JOIN (VALUES ('inapp'), ('email'), ('push')) c (channel)
		WHERE c.channel = 'inapp' OR (c.channel = 'email' AND p.by_email AND p.email <> '')
			OR (c.channel = 'push' AND COALESCE(p.by_push, true) AND EXISTS (SELECT FROM push_subscription s WHERE s.user_id = u.id))
		ON CONFLICT (key, user_id, channel) DO NOTHING`,
		m.Key, m.Subject, m.Body, m.Link, users)
	return int(tag.RowsAffected()), err
}

// Notice is an in-app message as its recipient's list shows it.
type Notice struct {
	ID      int64
	Subject string
	Body    string
	Link    string
	At      time.Time
	Read    bool
}

// Unread counts user's unread in-app messages.
func Unread(ctx context.Context, q pg.Querier, user int64) (int, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT count(*) FROM notify_message WHERE user_id = $1 AND channel = 'inapp' AND read_at IS NULL`, user).Scan(&n)
	return n, err
}

// Inbox lists user's latest in-app messages, at most limit, newest first.
func Inbox(ctx context.Context, q pg.Querier, user int64, limit int) ([]Notice, error) {
	rows, err := q.Query(ctx, `
		SELECT id, subject, body, link, created_at, read_at IS NOT NULL
		FROM notify_message WHERE user_id = $1 AND channel = 'inapp'
		ORDER BY created_at DESC, id DESC LIMIT $2`, user, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (Notice, error) {
		var n Notice
		err := row.Scan(&n.ID, &n.Subject, &n.Body, &n.Link, &n.At, &n.Read)
		return n, err
	})
}

// MarkRead marks user's in-app message id read (all of user's when id is 0). Marking a message
// already read does nothing; another person's message is apperr.ErrNotFound.
func MarkRead(ctx context.Context, q pg.Querier, user, id int64) error {
	tag, err := q.Exec(ctx, `
		UPDATE notify_message SET read_at = COALESCE(read_at, now())
		WHERE user_id = $1 AND channel = 'inapp' AND ($2 = 0 OR id = $2)`, user, id)
	if err == nil && id != 0 && tag.RowsAffected() == 0 {
		return apperr.ErrNotFound
	}
	return err
}

// Holders returns the people, not disabled, who hold role on unit itself (not above it): the
// recipients of a message about unit.
func Holders(ctx context.Context, q pg.Querier, role string, unit int64) ([]int64, error) {
	rows, err := q.Query(ctx, `
		SELECT g.user_id FROM role_grant g JOIN app_user u ON u.id = g.user_id
		WHERE g.role = $1 AND g.unit_id = $2 AND NOT u.disabled ORDER BY g.user_id`, role, unit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}
