package server

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	webpush "github.com/SherClockHolmes/webpush-go"

	"ptdang/internal/account"
	"ptdang/internal/browsertest"
	"ptdang/internal/notify"
	"ptdang/internal/notify/notifytest"
	"ptdang/internal/pgtest"
)

// loopbackPushManager makes the page's PushManager hand out sub, the subscription of the push
// service on loopback, in place of the browser's own push service (Google's, Mozilla's), which
// the tests cannot reach. The phone keeps it subscribed across pages (in localStorage); the key
// a page subscribed with is left in window.subscribedWith.
func loopbackPushManager(sub notify.Subscription) string {
	js, _ := json.Marshal(sub)
	return `(() => {
		const json = ` + string(js) + `;
		const current = () => localStorage.getItem("loopback-push") ? { endpoint: json.endpoint, toJSON: () => json,
			unsubscribe: async () => { localStorage.removeItem("loopback-push"); return true; } } : null;
		PushManager.prototype.getSubscription = async () => current();
		PushManager.prototype.subscribe = async opts => {
			window.subscribedWith = opts.applicationServerKey;
			localStorage.setItem("loopback-push", "1");
			return current();
		};
	})()`
}

// TestPushReachesTheInstalledApp: on a 360 px phone the secretary turns push on from the
// settings page; her subscription reaches the server, a message to her reaches the push service
// signed and encrypted, the app's worker shows it in Vietnamese with the app's icon, and turning
// it off forgets this phone on the server. A phone the server forgot is stored again when the page
// is opened on it; a browser that blocks notifications is told so.
func TestPushReachesTheInstalledApp(t *testing.T) {
	s, base := newTestServer(t)
	user := addUser(t, s, "bithu", account.SystemAdmin, 0)
	private, public, err := webpush.GenerateVAPIDKeys()
	if err != nil {
		t.Fatal(err)
	}
	vapid := notify.VAPID{PublicKey: public, PrivateKey: private, Subject: "mailto:thongbao@ptdang.test", BaseURL: base}
	s.PushKey = public
	phone := notifytest.NewPushService(t, vapid)

	b := browsertest.New(t)
	browserSignIn(t, b, base, "bithu", 360, 740)
	b.OnEveryPage(loopbackPushManager(phone.Subscription()))
	settings := base + "/notifications/settings"
	b.Open(settings, 360, 740)
	browsertest.Await[bool](b, `navigator.serviceWorker.ready.then(() => true)`)
	b.WaitText("[data-testid=push-state]", "Chưa bật thông báo trên điện thoại này.")
	b.Permission(base, "notifications", "granted")
	b.Click("[data-testid=push-on]")
	b.WaitText("[data-testid=push-state]", "Đã bật thông báo trên điện thoại này.")
	b.Screenshot("notify-push-on-360")
	if key := browsertest.Eval[string](b, `window.subscribedWith`); key != public {
		t.Errorf("the page subscribed with key %q, want the server's %q", key, public)
	}
	owner := func() int64 {
		var id int64
		for range 50 {
			err := s.DB.QueryRow(t.Context(), `SELECT user_id FROM push_subscription WHERE endpoint = $1`, phone.Subscription().Endpoint).Scan(&id)
			if err == nil {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		return id
	}
	if id := owner(); id != user {
		t.Fatalf("the subscription is stored for %d; want %d", id, user)
	}

	m := notify.Message{Key: "test:push", Subject: "Chi bộ ấp Mỹ Hòa: báo cáo Quý 2/2026 chưa gửi, hạn 10/07/2026",
		Body: "Chi bộ ấp Mỹ Hòa: báo cáo Quý 2/2026 chưa gửi, hạn 10/07/2026.", Link: "/notifications"}
	if _, err := notify.Enqueue(t.Context(), s.DB, m, user); err != nil {
		t.Fatal(err)
	}
	pusher := notify.NewPusher(vapid)
	pusher.Client = phone.Client()
	if n, err := (&notify.Worker{DB: s.DB, Push: pusher}).Deliver(t.Context()); err != nil || n != 1 {
		t.Fatalf("Deliver = %d, %v; want 1", n, err)
	}
	got := phone.Received()
	if len(got) != 1 || got[0]["url"] != base+"/notifications" {
		t.Fatalf("the push service got %v", got)
	}
	payload, _ := json.Marshal(got[0])
	b.DeliverPush(base, string(payload))
	shown := ""
	for range 50 {
		if shown = browsertest.Await[string](b, `navigator.serviceWorker.ready.then(r => r.getNotifications()).then(ns =>
			ns.map(n => [n.title, n.body, n.icon, n.lang, n.data.url].join("|")).join("\n"))`); shown != "" {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	want := strings.Join([]string{m.Subject, m.Body, base + "/static/icon-192.png", "vi", base + "/notifications"}, "|")
	if shown != want {
		t.Errorf("the phone shows %q, want %q", shown, want)
	}

	// A phone the server forgot is its owner's again when the settings page is opened on it.
	if _, err := s.DB.Exec(t.Context(), `DELETE FROM push_subscription`); err != nil {
		t.Fatal(err)
	}
	b.Open(settings, 360, 740)
	b.WaitText("[data-testid=push-state]", "Đã bật thông báo trên điện thoại này.")
	if id := owner(); id != user {
		t.Fatalf("the forgotten subscription is stored again for %d; want %d", id, user)
	}

	b.Click("[data-testid=push-off]")
	b.WaitText("[data-testid=push-state]", "Đã tắt thông báo trên điện thoại này.")
	var left int
	if err := s.DB.QueryRow(t.Context(), `SELECT count(*) FROM push_subscription`).Scan(&left); err != nil || left != 0 {
		t.Errorf("subscriptions left after turning push off = %d, %v", left, err)
	}
	b.Open(settings, 360, 740)
	b.WaitText("[data-testid=push-state]", "Chưa bật thông báo trên điện thoại này.")
	b.Permission(base, "notifications", "denied")
	b.Open(settings, 360, 740)
	b.WaitText("[data-testid=push-state]", "Thông báo bị chặn trên trình duyệt này.")
	if browsertest.Eval[bool](b, `!document.querySelector("[data-testid=push-on]").hidden`) {
		t.Error("the button to turn push on is offered though the browser blocks notifications")
	}
}

// postJSON posts body as JSON with client and returns the status.
func postJSON(client *http.Client, url, body string) (int, error) {
	resp, err := client.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// TestTurningPushOffForgetsOnlyTheCallersPhone: another person cannot make the server forget a
// phone that is not theirs; its owner's phone is forgotten however many times at once it asks.
func TestTurningPushOffForgetsOnlyTheCallersPhone(t *testing.T) {
	s, base := newTestServer(t)
	owner := addUser(t, s, "bithu", account.SystemAdmin, 0)
	addUser(t, s, "khac", account.SystemAdmin, 0)
	sub := `{"endpoint":"https://push.example.net/send/abc","keys":{"p256dh":"` + strings.Repeat("A", 86) + `A","auth":"` + strings.Repeat("A", 22) + `"}}`
	mine, other := signIn(t, base, "bithu"), signIn(t, base, "khac")
	if status, err := postJSON(mine, base+"/notifications/push", sub); err != nil || status != http.StatusNoContent {
		t.Fatalf("subscribe: %d, %v", status, err)
	}
	count := func() int {
		var n int
		if err := s.DB.QueryRow(t.Context(), `SELECT count(*) FROM push_subscription WHERE user_id = $1`, owner).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	off := `{"endpoint":"https://push.example.net/send/abc"}`
	if status, err := postJSON(other, base+"/notifications/push/delete", off); err != nil || status != http.StatusNoContent || count() != 1 {
		t.Fatalf("another person's delete: %d, %v; the owner's subscriptions left = %d, want 1", status, err, count())
	}
	if status, err := postJSON(mine, base+"/notifications/push/delete", `{}`); err != nil || status != http.StatusBadRequest {
		t.Errorf("a delete naming no endpoint: %d, %v; want 400", status, err)
	}
	for i, err := range pgtest.Race(func(int) error {
		status, err := postJSON(mine, base+"/notifications/push/delete", off)
		if err == nil && status != http.StatusNoContent {
			err = fmt.Errorf("status %d", status)
		}
		return err
	}) {
		if err != nil {
			t.Errorf("delete %d: %v", i, err)
		}
	}
	if n := count(); n != 0 {
		t.Errorf("the owner's subscriptions left = %d, want 0", n)
	}
}
