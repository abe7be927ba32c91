package server

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"ptdang/internal/account"
	"ptdang/internal/browsertest"
	"ptdang/internal/notify"
)

// TestNotificationsOnAPhone: on a 360 px phone the bell counts the unread notifications, the list
// shows them and marks them read one by one or all at once, and the settings page stores the
// e-mail channel and quiet hours. (TestEveryPageOnAPhoneSpeaksVietnameseAndIsTappable checks
// that these pages fit the phone.)
func TestNotificationsOnAPhone(t *testing.T) {
	s, base := newTestServer(t)
	user := addUser(t, s, "bithu", account.SystemAdmin, 0)
	for i, q := range []int{1, 2} {
		subject := fmt.Sprintf("Chi bộ ấp Mỹ Hòa: báo cáo Quý %d/2026 chưa gửi, hạn 10/0%d/2026", q, 3*q+1)
		m := notify.Message{Key: fmt.Sprintf("test:%d", i), Subject: subject, Body: subject + ".", Link: "/reports"}
		if _, err := notify.Enqueue(t.Context(), s.DB, m, user); err != nil {
			t.Fatal(err)
		}
	}
	b := browsertest.New(t)
	browserSignIn(t, b, base, "bithu", 360, 740)
	b.WaitText("[data-testid=bell-count]", "2")
	b.Screenshot("notify-bell")

	b.ClickToPage("[data-testid=bell]")
	b.Screenshot("notify-list")
	if n := browsertest.Eval[int](b, `document.querySelectorAll("[data-testid=notice].unread").length`); n != 2 {
		t.Fatalf("unread notices shown = %d, want 2", n)
	}
	b.ClickToPage("[data-testid=read-one]")
	if n := browsertest.Eval[int](b, `document.querySelectorAll("[data-testid=notice].unread").length`); n != 1 {
		t.Errorf("unread after marking one read = %d, want 1", n)
	}
	b.WaitText("[data-testid=bell-count]", "1")
	b.ClickToPage("[data-testid=read-all]")
	if n, _ := notify.Unread(t.Context(), s.DB, user); n != 0 {
		t.Errorf("unread after marking all read = %d", n)
	}
	for i := 0; browsertest.Eval[string](b, `document.querySelector("[data-testid=bell]").ariaLabel`) != "Thông báo: không có thông báo mới"; i++ {
		if i == 100 {
			t.Fatal("the bell still counts after all were read")
		}
		time.Sleep(50 * time.Millisecond)
	}

	b.ClickToPage("[data-testid=notify-settings]")
	b.Fill("#email", "bithu@xa.test")
	browsertest.Eval[string](b, `document.querySelector("#by_email").value = "yes"; document.querySelector("#quiet_from").value = "21:00"`)
	b.ClickToPage("form.form button[type=submit]")
	b.WantText("[data-testid=error-quiet_until]", "Ghi cả giờ bắt đầu và giờ kết thúc, hoặc để trống cả hai.")
	b.Screenshot("notify-settings-error")
	browsertest.Eval[string](b, `document.querySelector("#quiet_until").value = "06:00"`)
	b.ClickToPage("form.form button[type=submit]")
	p, err := notify.GetPreferences(t.Context(), s.DB, user)
	if err != nil || p.Email != "bithu@xa.test" || !p.ByEmail || p.QuietFrom != 21*60 || p.QuietUntil != 6*60 {
		t.Errorf("preferences saved = %+v, %v", p, err)
	}
	b.Open(base+"/notifications/settings", 360, 740)
	b.Screenshot("notify-settings")
	if v := browsertest.Eval[string](b, `document.querySelector("#quiet_from").value`); v != "21:00" {
		t.Errorf("quiet hours shown from %q", v)
	}
}

// TestBrowserSubscribesToPush: the installed app reads the VAPID key and posts its subscription,
// which becomes the signed-in person's; without keys there is no key to read.
func TestBrowserSubscribesToPush(t *testing.T) {
	s, base := newTestServer(t)
	user := addUser(t, s, "bithu", account.SystemAdmin, 0)
	client := signIn(t, base, "bithu")
	if resp, _ := send(t, client, "GET", base+"/notifications/push/key", nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("key with push off: %d, want 404", resp.StatusCode)
	}
	s.PushKey = "BPublicKey"
	if resp, body := send(t, client, "GET", base+"/notifications/push/key", nil); resp.StatusCode != http.StatusOK || body != "BPublicKey" {
		t.Errorf("key: %d %q", resp.StatusCode, body)
	}
	sub := `{"endpoint":"https://push.example.net/send/abc","keys":{"p256dh":"` + strings.Repeat("A", 86) + `A","auth":"` + strings.Repeat("A", 22) + `"}}`
	req, err := http.NewRequest("POST", base+"/notifications/push", strings.NewReader(sub))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if resp, _ := doRequest(t, client, req); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("subscribe: %d", resp.StatusCode)
	}
	var owner int64
	if err := s.DB.QueryRow(t.Context(), `SELECT user_id FROM push_subscription WHERE endpoint = 'https://push.example.net/send/abc'`).Scan(&owner); err != nil || owner != user {
		t.Errorf("subscription's owner = %d, %v; want %d", owner, err, user)
	}
}

// TestProvinceStaffSetTheReminderRule: the province's staff read the rule in force and save a new
// one from a day on; a save over a rule changed meanwhile is refused, not lost.
func TestProvinceStaffSetTheReminderRule(t *testing.T) {
	s, base, f := serverWith(t, newAuthFixture)
	client := f.clients["province_staff"]
	resp, body := send(t, client, "GET", base+"/notifications/rules", nil)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `value="0, 7"`) {
		t.Fatalf("rules page: %d %.300s", resp.StatusCode, body)
	}
	form := url.Values{"valid_from": {"2026-12-20"}, "days_before": {"5, 2"}, "days_after": {"1"}, "digest_weekday": {"5"}, "based_on": {""}, "version": {"0"}}
	s.Now = func() time.Time { return time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC) }
	if resp, body := send(t, client, "POST", base+"/notifications/rules", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d %.500s", resp.StatusCode, body)
	}
	if resp, body := send(t, client, "POST", base+"/notifications/rules", form); resp.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "Người khác vừa sửa quy tắc nhắc") {
		t.Errorf("a second save from the same version: %d", resp.StatusCode)
	}
	var before []int
	if err := s.DB.QueryRow(t.Context(), `SELECT days_before FROM notify_rule WHERE province_id = $1 AND valid_from = '2026-12-20'`, f.province).Scan(&before); err != nil || len(before) != 2 {
		t.Errorf("saved rule: %v, %v", before, err)
	}
}
