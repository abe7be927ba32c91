package notify_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	webpush "github.com/SherClockHolmes/webpush-go"
	"github.com/jackc/pgx/v5/pgxpool"

	"ptdang/internal/apperr"
	"ptdang/internal/audit"
	"ptdang/internal/format"
	"ptdang/internal/notify"
	"ptdang/internal/notify/notifytest"
	"ptdang/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

var late = notify.Message{
	Key:     "remind.before:1:2026Q2",
	Subject: "Chi bộ ấp Mỹ Hòa: báo cáo Quý 2/2026 chưa gửi, hạn 10/07/2026",
	Body:    "Chi bộ ấp Mỹ Hòa: báo cáo Quý 2/2026 chưa gửi, hạn 10/07/2026.",
	Link:    "/reports/1/2026/2",
}

// mailUser adds a person who chose e-mail, with quiet hours from–until (minutes; equal for none).
func mailUser(t *testing.T, db *pgxpool.Pool, login string, from, until int) int64 {
	t.Helper()
	id := notifytest.User(t, db, login, "", 0)
	p := notify.Preferences{Email: login + "@xa.test", ByEmail: true, QuietFrom: from, QuietUntil: until}
	if err := notify.SavePreferences(t.Context(), db, audit.Actor{UserID: id, Login: login}, id, p); err != nil {
		t.Fatal(err)
	}
	return id
}

func count(t *testing.T, db *pgxpool.Pool, where string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(t.Context(), `SELECT count(*) FROM notify_message WHERE `+where).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestEnqueueWritesEachMessageOncePerRecipientAndChannel(t *testing.T) {
	db := pgtest.New(t)
	inAppOnly := notifytest.User(t, db, "bithu", "", 0)
	byMail := mailUser(t, db, "canbo", 0, 0)
	for range 2 {
		if _, err := notify.Enqueue(t.Context(), db, late, inAppOnly, byMail, byMail); err != nil {
			t.Fatal(err)
		}
	}
	if n := count(t, db, `channel = 'inapp'`); n != 2 {
		t.Errorf("in-app rows = %d, want 2 (one per person)", n)
	}
	if n := count(t, db, `channel = 'email'`); n != 1 {
		t.Errorf("e-mail rows = %d, want 1 (only xa chose e-mail)", n)
	}
	if n, _ := notify.Unread(t.Context(), db, inAppOnly); n != 1 {
		t.Errorf("unread = %d, want 1", n)
	}
	if err := notify.MarkRead(t.Context(), db, inAppOnly, 0); err != nil {
		t.Fatal(err)
	}
	if n, _ := notify.Unread(t.Context(), db, inAppOnly); n != 0 {
		t.Errorf("unread after marking all read = %d, want 0", n)
	}
	others, _ := notify.Inbox(t.Context(), db, byMail, 10)
	if err := notify.MarkRead(t.Context(), db, inAppOnly, others[0].ID); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("marking another person's message read: %v, want ErrNotFound", err)
	}
}

func TestEmailReachesTheSMTPServerWithoutPersonalData(t *testing.T) {
	db := pgtest.New(t)
	smtp := notifytest.NewServer(t)
	user := mailUser(t, db, "canbo", 0, 0)
	if _, err := notify.Enqueue(t.Context(), db, late, user); err != nil {
		t.Fatal(err)
	}
	w := notify.Worker{DB: db, Mail: notify.NewMailer(smtp.SMTP())}
	if n, err := w.Deliver(t.Context()); err != nil || n != 1 {
		t.Fatalf("Deliver = %d, %v; want 1", n, err)
	}
	mails := smtp.Mails()
	if len(mails) != 1 {
		t.Fatalf("server got %d mails, want 1", len(mails))
	}
	m := mails[0]
	if m.To != "canbo@xa.test" || m.Subject != late.Subject {
		t.Errorf("mail to %q, subject %q", m.To, m.Subject)
	}
	if !strings.Contains(m.Body, "hạn 10/07/2026") || !strings.Contains(m.Body, "https://ptdang.test/reports/1/2026/2") {
		t.Errorf("body lacks the deadline or the link:\n%s", m.Body)
	}
	if strings.Contains(m.Body+m.Subject, "Nguyễn") {
		t.Errorf("mail names the person:\n%s", m.Body)
	}
	if n := count(t, db, `channel = 'email' AND delivered_at IS NOT NULL AND attempts = 1`); n != 1 {
		t.Errorf("delivered e-mail rows = %d, want 1", n)
	}
	if n, err := w.Deliver(t.Context()); err != nil || n != 0 || len(smtp.Mails()) != 1 {
		t.Errorf("second Deliver sent again: %d, %v", n, err)
	}
}

func TestWithoutSMTPEmailsWait(t *testing.T) {
	db := pgtest.New(t)
	user := mailUser(t, db, "canbo", 0, 0)
	if _, err := notify.Enqueue(t.Context(), db, late, user); err != nil {
		t.Fatal(err)
	}
	w := notify.Worker{DB: db, Mail: notify.NewMailer(notify.SMTP{})}
	if n, err := w.Deliver(t.Context()); err != nil || n != 0 {
		t.Fatalf("Deliver without SMTP = %d, %v", n, err)
	}
	if n := count(t, db, `channel = 'email' AND delivered_at IS NULL AND attempts = 0`); n != 1 {
		t.Errorf("waiting e-mails = %d, want 1", n)
	}
}

func TestTwoWorkersDeliverEachMessageExactlyOnce(t *testing.T) {
	db := pgtest.New(t)
	smtp := notifytest.NewServer(t)
	const people, messages = 5, 8
	var users []int64
	for i := range people {
		users = append(users, mailUser(t, db, fmt.Sprintf("canbo%d", i), 0, 0))
	}
	for i := range messages {
		m := late
		m.Key = fmt.Sprintf("test:%d", i)
		if _, err := notify.Enqueue(t.Context(), db, m, users...); err != nil {
			t.Fatal(err)
		}
	}
	pool := pgtest.RacePool(t, db)
	var wg sync.WaitGroup
	for range 2 {
		w := notify.Worker{DB: pool, Mail: notify.NewMailer(smtp.SMTP()), Batch: 3}
		wg.Go(func() {
			for {
				n, err := w.Deliver(context.Background())
				if err != nil {
					t.Error(err)
					return
				}
				if n == 0 {
					return
				}
			}
		})
	}
	wg.Wait()
	if got := len(smtp.Mails()); got != people*messages {
		t.Errorf("server got %d mails, want %d", got, people*messages)
	}
	if n := count(t, db, `channel = 'email' AND (delivered_at IS NULL OR attempts <> 1)`); n != 0 {
		t.Errorf("%d e-mails not delivered exactly once", n)
	}
}

// clock is a settable time for the worker.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

func TestFailedSendIsRetriedWithBackoff(t *testing.T) {
	db := pgtest.New(t)
	smtp := notifytest.NewServer(t)
	user := mailUser(t, db, "canbo", 0, 0)
	if _, err := notify.Enqueue(t.Context(), db, late, user); err != nil {
		t.Fatal(err)
	}
	smtp.FailNext(2)
	c := &clock{time.Now()}
	w := notify.Worker{DB: db, Mail: notify.NewMailer(smtp.SMTP()), Now: c.Now}
	steps := []struct {
		after     time.Duration
		delivered int
	}{
		{0, 0},                // refused: wait a minute
		{30 * time.Second, 0}, // not due yet
		{30 * time.Second, 0}, // refused again: wait two minutes
		{time.Minute, 0},      // not due yet
		{time.Minute, 1},
	}
	for i, s := range steps {
		c.now = c.now.Add(s.after)
		if n, err := w.Deliver(t.Context()); err != nil || n != s.delivered {
			t.Fatalf("step %d: Deliver = %d, %v; want %d", i, n, err, s.delivered)
		}
	}
	if n := count(t, db, `attempts = 3 AND delivered_at IS NOT NULL AND last_error = ''`); n != 1 {
		t.Errorf("rows delivered on the third attempt = %d, want 1", n)
	}
	if len(smtp.Mails()) != 1 {
		t.Errorf("server got %d mails, want 1", len(smtp.Mails()))
	}
}

func TestEmailDueInQuietHoursWaitsUntilTheyEnd(t *testing.T) {
	db := pgtest.New(t)
	smtp := notifytest.NewServer(t)
	user := mailUser(t, db, "canbo", 21*60, 6*60) // 21:00–06:00
	if _, err := notify.Enqueue(t.Context(), db, late, user); err != nil {
		t.Fatal(err)
	}
	// Tomorrow, so that the message written now is due.
	y, m, d := time.Now().In(format.Zone).AddDate(0, 0, 1).Date()
	c := &clock{time.Date(y, m, d, 23, 0, 0, 0, format.Zone)}
	w := notify.Worker{DB: db, Mail: notify.NewMailer(smtp.SMTP()), Now: c.Now}
	if n, err := w.Deliver(t.Context()); err != nil || n != 0 {
		t.Fatalf("Deliver at 23:00 = %d, %v; want 0", n, err)
	}
	var next time.Time
	if err := db.QueryRow(t.Context(), `SELECT next_attempt_at FROM notify_message WHERE channel = 'email'`).Scan(&next); err != nil {
		t.Fatal(err)
	}
	if want := time.Date(y, m, d+1, 6, 0, 0, 0, format.Zone); !next.Equal(want) {
		t.Errorf("held until %s, want %s", next.In(format.Zone), want)
	}
	c.now = time.Date(y, m, d+1, 5, 59, 0, 0, format.Zone)
	if n, _ := w.Deliver(t.Context()); n != 0 {
		t.Errorf("delivered at 05:59, in quiet hours")
	}
	c.now = time.Date(y, m, d+1, 6, 0, 0, 0, format.Zone)
	if n, err := w.Deliver(t.Context()); err != nil || n != 1 {
		t.Errorf("Deliver at 06:00 = %d, %v; want 1", n, err)
	}
}

func TestPreferencesSavedOnceFromOneVersion(t *testing.T) {
	db := pgtest.New(t)
	user := notifytest.User(t, db, "canbo", "", 0)
	pool := pgtest.RacePool(t, db)
	pgtest.OneWinner(t, pgtest.Race(func(i int) error {
		p := notify.Preferences{Email: fmt.Sprintf("canbo%d@xa.test", i), ByEmail: true}
		return notify.SavePreferences(context.Background(), pool, audit.Actor{UserID: user, Login: "canbo"}, user, p)
	}), nil)
	p, err := notify.GetPreferences(t.Context(), db, user)
	if err != nil || p.Version != 1 {
		t.Errorf("preferences %+v, %v; want version 1", p, err)
	}
	err = notify.SavePreferences(t.Context(), db, audit.Actor{}, user, notify.Preferences{ByEmail: true, Version: 1})
	var inv *apperr.Invalid
	if !errors.As(err, &inv) || inv.Fields["email"] == "" {
		t.Errorf("e-mail chosen without an address: %v", err)
	}
}

func TestPushReachesTheSubscribedBrowserEncryptedAndSigned(t *testing.T) {
	db := pgtest.New(t)
	private, public, err := webpush.GenerateVAPIDKeys()
	if err != nil {
		t.Fatal(err)
	}
	vapid := notify.VAPID{PublicKey: public, PrivateKey: private, Subject: "mailto:thongbao@ptdang.test", BaseURL: "https://ptdang.test"}
	phone := notifytest.NewPushService(t, vapid)
	user := notifytest.User(t, db, "bithu", "", 0)
	insecure := phone.Subscription()
	insecure.Endpoint = strings.Replace(insecure.Endpoint, "https:", "http:", 1)
	var inv *apperr.Invalid
	if err := notify.Subscribe(t.Context(), db, user, insecure); !errors.As(err, &inv) {
		t.Errorf("a plain-http endpoint was taken: %v", err)
	}
	if err := notify.Subscribe(t.Context(), db, user, phone.Subscription()); err != nil {
		t.Fatal(err)
	}
	if _, err := notify.Enqueue(t.Context(), db, late, user); err != nil {
		t.Fatal(err)
	}
	p := notify.NewPusher(vapid)
	p.Client = phone.Client()
	c := &clock{time.Now()}
	w := notify.Worker{DB: db, Push: p, Now: c.Now}
	if n, err := w.Deliver(t.Context()); err != nil || n != 1 {
		t.Fatalf("Deliver = %d, %v; want 1", n, err)
	}
	got := phone.Received()
	if len(got) != 1 || got[0]["title"] != late.Subject || got[0]["url"] != "https://ptdang.test/reports/1/2026/2" {
		t.Fatalf("the phone got %v", got)
	}

	// A push service failing is retried; one that no longer knows the phone forgets it.
	m := late
	m.Key = "test:2"
	if _, err := notify.Enqueue(t.Context(), db, m, user); err != nil {
		t.Fatal(err)
	}
	phone.Answer(http.StatusInternalServerError)
	if n, _ := w.Deliver(t.Context()); n != 0 {
		t.Errorf("delivered though the push service failed")
	}
	phone.Answer(http.StatusGone)
	c.now = c.now.Add(time.Minute)
	if n, err := w.Deliver(t.Context()); err != nil || n != 1 {
		t.Errorf("Deliver after the phone was gone = %d, %v; want 1 (nothing left to send to)", n, err)
	}
	var subs int
	if err := db.QueryRow(t.Context(), `SELECT count(*) FROM push_subscription`).Scan(&subs); err != nil || subs != 0 {
		t.Errorf("subscriptions left = %d, %v; want 0", subs, err)
	}
}

func TestMarkingReadAtOnceFromSeveralTabsKeepsTheFirstTime(t *testing.T) {
	db := pgtest.New(t)
	user := notifytest.User(t, db, "bithu", "", 0)
	if _, err := notify.Enqueue(t.Context(), db, late, user); err != nil {
		t.Fatal(err)
	}
	ns, _ := notify.Inbox(t.Context(), db, user, 1)
	pool := pgtest.RacePool(t, db)
	for i, err := range pgtest.Race(func(i int) error {
		return notify.MarkRead(context.Background(), pool, user, ns[0].ID*int64(i%2)) // one, or all
	}) {
		if err != nil {
			t.Errorf("attempt %d: %v", i, err)
		}
	}
	var first, again time.Time
	if err := db.QueryRow(t.Context(), `SELECT read_at FROM notify_message WHERE id = $1`, ns[0].ID).Scan(&first); err != nil {
		t.Fatal(err)
	}
	if err := notify.MarkRead(t.Context(), db, user, ns[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(t.Context(), `SELECT read_at FROM notify_message WHERE id = $1`, ns[0].ID).Scan(&again); err != nil || !again.Equal(first) {
		t.Errorf("read_at moved from %s to %s (%v)", first, again, err)
	}
}
