package notify

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"

	webpush "github.com/SherClockHolmes/webpush-go"

	"ptdang/internal/apperr"
	"ptdang/internal/pg"
)

// VAPID is the application server's identity for Web Push (docs/notifications.md says how to make
// the keys).
type VAPID struct {
	PublicKey, PrivateKey string // base64url, the raw P-256 point and scalar
	Subject               string // a mailto: address or https URL the push services may contact
	BaseURL               string // the site's address, before each message's link
}

// Pusher sends messages by Web Push (VAPID, payload encrypted per RFC 8291) to the push service
// of each browser or installed app a person subscribed.
type Pusher struct {
	cfg    VAPID
	Client *http.Client // http.DefaultClient when nil
}

// NewPusher returns a Pusher for cfg, or nil when cfg has no keys (Web Push off).
func NewPusher(cfg VAPID) *Pusher {
	if cfg.PublicKey == "" || cfg.PrivateKey == "" {
		return nil
	}
	return &Pusher{cfg: cfg}
}

// PublicKey is the key browsers subscribe with (applicationServerKey).
func (p *Pusher) PublicKey() string { return p.cfg.PublicKey }

// Subscription is a browser's push subscription (PushSubscription.toJSON()).
type Subscription struct {
	Endpoint string `json:"endpoint"`
	Keys     struct {
		P256dh string `json:"p256dh"`
		Auth   string `json:"auth"`
	} `json:"keys"`
}

// errGone: the push service no longer knows the subscription (the app was removed).
var errGone = errors.New("push subscription gone")

// Send pushes m to the subscription s; the error is the push service's or the network's.
func (p *Pusher) Send(ctx context.Context, s Subscription, m Message) error {
	payload, err := json.Marshal(map[string]string{"title": m.Subject, "body": m.Body, "url": p.cfg.BaseURL + m.Link})
	if err != nil {
		return err
	}
	sub := &webpush.Subscription{Endpoint: s.Endpoint, Keys: webpush.Keys{P256dh: s.Keys.P256dh, Auth: s.Keys.Auth}}
	var client webpush.HTTPClient = http.DefaultClient
	if p.Client != nil {
		client = p.Client
	}
	resp, err := webpush.SendNotificationWithContext(ctx, payload, sub, &webpush.Options{HTTPClient: client,
		Subscriber: p.cfg.Subject, VAPIDPublicKey: p.cfg.PublicKey, VAPIDPrivateKey: p.cfg.PrivateKey, TTL: 24 * 60 * 60})
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
	switch {
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
		return errGone
	case resp.StatusCode >= 300:
		return fmt.Errorf("push service: %s", resp.Status)
	}
	return nil
}

// Subscribe stores s as user's; an endpoint stored before moves to user. A subscription whose
// endpoint is not an https address or whose keys are malformed is *apperr.Invalid.
func Subscribe(ctx context.Context, q pg.Querier, user int64, s Subscription) error {
	u, err := url.Parse(s.Endpoint)
	p256dh, err1 := base64.RawURLEncoding.DecodeString(s.Keys.P256dh)
	auth, err2 := base64.RawURLEncoding.DecodeString(s.Keys.Auth)
	if err != nil || u.Scheme != "https" || u.Host == "" || err1 != nil || len(p256dh) != 65 || err2 != nil || len(auth) != 16 {
		inv := &apperr.Invalid{}
		inv.Add("subscription", "Trình duyệt gửi đăng ký nhận thông báo không hợp lệ.")
		return inv
	}
	_, err = q.Exec(ctx, `
		INSERT INTO push_subscription (user_id, endpoint, p256dh, auth) VALUES ($1, $2, $3, $4)
		ON CONFLICT (endpoint) DO UPDATE SET user_id = $1, p256dh = $3, auth = $4`,
		user, s.Endpoint, s.Keys.P256dh, s.Keys.Auth)
	return err
}

// Unsubscribe forgets user's subscription endpoint (the browser turned Web Push off); another
// person's endpoint or one already forgotten is left alone.
func Unsubscribe(ctx context.Context, q pg.Querier, user int64, endpoint string) error {
	_, err := q.Exec(ctx, `DELETE FROM push_subscription WHERE user_id = $1 AND endpoint = $2`, user, endpoint)
	return err
}

// push sends m to every subscription of user within tx, forgetting those the push service no
// longer knows. The error is the first other failure: the message is then tried again later.
func (w *Worker) push(ctx context.Context, q pg.Querier, user int64, m Message) error {
	rows, err := q.Query(ctx, `SELECT endpoint, p256dh, auth FROM push_subscription WHERE user_id = $1 ORDER BY id`, user)
	if err != nil {
		return err
	}
	var subs []Subscription
	for rows.Next() {
		var s Subscription
		if err := rows.Scan(&s.Endpoint, &s.Keys.P256dh, &s.Keys.Auth); err != nil {
			rows.Close()
			return err
		}
		subs = append(subs, s)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	var failed error
	for _, s := range subs {
		err := w.Push.Send(ctx, s, m)
		if errors.Is(err, errGone) {
			if _, err := q.Exec(ctx, `DELETE FROM push_subscription WHERE endpoint = $1`, s.Endpoint); err != nil {
				return err
			}
			continue
		}
		if failed == nil {
			failed = err
		}
	}
	return failed
}
