package remind_test

import (
	"context"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"ptdang/internal/apperr"
	"ptdang/internal/audit"
	"ptdang/internal/notify"
	"ptdang/internal/notify/notifytest"
	"ptdang/internal/notify/remind"
	"ptdang/internal/org"
	"ptdang/internal/orgtest"
	"ptdang/internal/pgtest"
	"ptdang/internal/report"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

var day = orgtest.Day

// Quarter 2/2026 is due on 10/07/2026 under the default rule (10 days after the quarter).
var q2 = report.Period{Year: 2026, Quarter: 2}

type fixture struct {
	db                                  *pgxpool.Pool
	commune                             orgtest.Unit
	late, sent                          int64 // two cells: one yet to send Q2, one that sent it
	secretary, communeStaff, provincial int64
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	f := fixture{db: pgtest.New(t)}
	tree := orgtest.New(t, f.db, day("2015-01-01"))
	province := tree.Province("TU", "Tỉnh ủy Đồng Tháp")
	f.commune = province.Commune("X", "Đảng bộ xã Mỹ An")
	f.late = f.commune.Cell("X.A1", "Chi bộ ấp Mỹ Hòa", 20).ID
	f.sent = f.commune.Cell("X.A2", "Chi bộ ấp Mỹ Lợi", 20).ID
	f.secretary = notifytest.User(t, f.db, "bithu", "cell_secretary", f.late)
	notifytest.User(t, f.db, "bithu2", "cell_secretary", f.sent)
	f.communeStaff = notifytest.User(t, f.db, "canboxa", "commune_staff", f.commune.ID)
	f.provincial = notifytest.User(t, f.db, "canbotinh", "province_staff", province.ID)
	if _, err := f.db.Exec(t.Context(), `INSERT INTO quarterly_report (cell_id, year, quarter, state) VALUES ($1, 2026, 2, 'submitted')`, f.sent); err != nil {
		t.Fatal(err)
	}
	err := notify.SavePreferences(t.Context(), f.db, audit.Actor{UserID: f.secretary, Login: "bithu"}, f.secretary,
		notify.Preferences{Email: "bithu@xa.test", ByEmail: true})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// inbox is the subjects of user's in-app messages, newest first.
func inbox(t *testing.T, db *pgxpool.Pool, user int64) []string {
	t.Helper()
	ns, err := notify.Inbox(t.Context(), db, user, 10)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, n := range ns {
		out = append(out, n.Subject)
	}
	return out
}

func TestReportDueInThreeDaysRemindsOncePerChosenChannelEvenOnTwoServers(t *testing.T) {
	f := newFixture(t)
	pool := pgtest.RacePool(t, f.db)
	errs := pgtest.Race(func(int) error {
		_, err := remind.Remind(context.Background(), pool, day("2026-07-07"))
		return err
	})
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var channels []string
	rows, _ := f.db.Query(t.Context(), `SELECT channel || ':' || user_id FROM notify_message ORDER BY channel`)
	for rows.Next() {
		var c string
		_ = rows.Scan(&c)
		channels = append(channels, c)
	}
	if len(channels) != 2 || !strings.HasPrefix(channels[0], "email:") || !strings.HasPrefix(channels[1], "inapp:") {
		t.Errorf("messages written = %v, want one e-mail and one in-app, to the late cell's secretary", channels)
	}
	want := "Chi bộ ấp Mỹ Hòa: báo cáo Quý 2/2026 chưa gửi, hạn 10/07/2026"
	if got := inbox(t, f.db, f.secretary); len(got) != 1 || got[0] != want {
		t.Errorf("secretary's inbox = %q, want %q", got, want)
	}
	if n, err := remind.Remind(t.Context(), f.db, day("2026-07-07")); err != nil || n != 0 {
		t.Errorf("running again wrote %d, %v; want 0", n, err)
	}
	smtp := notifytest.NewServer(t)
	w := notify.Worker{DB: f.db, Mail: notify.NewMailer(smtp.SMTP())}
	if _, err := w.Deliver(t.Context()); err != nil {
		t.Fatal(err)
	}
	if ms := smtp.Mails(); len(ms) != 1 || ms[0].Subject != want || strings.Contains(ms[0].Body, "Nguyễn") {
		t.Errorf("mails = %+v", ms)
	}
}

func TestCommuneIsRemindedOnTheDeadlineAndProvinceGetsTheWeeklyDigest(t *testing.T) {
	f := newFixture(t)
	for _, d := range []string{"2026-07-08", "2026-07-09"} { // no rule falls on these days
		if n, err := remind.Remind(t.Context(), f.db, day(d)); err != nil || n != 0 {
			t.Errorf("%s: wrote %d, %v; want nothing", d, n, err)
		}
	}
	if _, err := remind.Remind(t.Context(), f.db, day("2026-07-10")); err != nil { // the deadline, a Friday
		t.Fatal(err)
	}
	want := "Đảng bộ xã Mỹ An: báo cáo Quý 2/2026 còn 1 chi bộ chưa gửi, hạn 10/07/2026"
	if got := inbox(t, f.db, f.communeStaff); len(got) != 1 || got[0] != want {
		t.Errorf("commune staff's inbox = %q, want %q", got, want)
	}
	if _, err := remind.Remind(t.Context(), f.db, day("2026-07-13")); err != nil { // the Monday after
		t.Fatal(err)
	}
	want = "Tỉnh ủy Đồng Tháp: báo cáo Quý 2/2026 còn 1 chi bộ chưa gửi, hạn 10/07/2026"
	if got := inbox(t, f.db, f.provincial); len(got) != 1 || got[0] != want {
		t.Errorf("province staff's inbox = %q, want %q", got, want)
	}
	if got := inbox(t, f.db, f.secretary); len(got) != 0 {
		t.Errorf("secretary reminded on days the rule does not name: %q", got)
	}
}

func TestProvinceRuleReplacesTheDefaultFromItsDay(t *testing.T) {
	f := newFixture(t)
	province, err := report.ProvinceOf(t.Context(), f.db, f.late, day("2026-07-01"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Exec(t.Context(), `INSERT INTO notify_rule (province_id, valid_from, days_before, days_after, digest_weekday)
		VALUES ($1, '2026-07-01', '{5}', '{}', NULL)`, province); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"2026-07-05", "2026-07-07", "2026-07-10", "2026-07-13"} {
		if _, err := remind.Remind(t.Context(), f.db, day(d)); err != nil {
			t.Fatal(err)
		}
	}
	if got := inbox(t, f.db, f.secretary); len(got) != 1 {
		t.Errorf("secretary's inbox = %q, want only the reminder 5 days before", got)
	}
	if got := append(inbox(t, f.db, f.communeStaff), inbox(t, f.db, f.provincial)...); len(got) != 0 {
		t.Errorf("staff reminded though the rule names no day: %q", got)
	}
}

func TestReturnedReportTellsTheSecretaryAtOnce(t *testing.T) {
	f := newFixture(t)
	if _, err := f.db.Exec(t.Context(), `UPDATE quarterly_report SET cell_id = $1 WHERE cell_id = $2`, f.late, f.sent); err != nil {
		t.Fatal(err)
	}
	staff := org.Under(f.commune.ID).As(audit.Actor{Login: "canboxa"})
	// A stale version is refused, and tells no one.
	if _, err := report.Return(t.Context(), f.db, staff, f.late, q2, 7, "Sai số đầu kỳ"); !errors.Is(err, apperr.ErrConflict) {
		t.Fatalf("stale return: %v", err)
	}
	if got := inbox(t, f.db, f.secretary); len(got) != 0 {
		t.Fatalf("a refused return told the secretary: %q", got)
	}
	r, err := report.Return(t.Context(), f.db, staff, f.late, q2, 1, "Sai số đầu kỳ")
	if err != nil {
		t.Fatal(err)
	}
	ns, _ := notify.Inbox(t.Context(), f.db, f.secretary, 10)
	if len(ns) != 1 || ns[0].Subject != "Chi bộ ấp Mỹ Hòa: báo cáo Quý 2/2026 bị trả lại, xin sửa và gửi lại" || ns[0].Link != "/reports/"+strconv.FormatInt(f.late, 10)+"/2026/2" {
		t.Fatalf("secretary's inbox = %+v", ns)
	}
	if strings.Contains(ns[0].Body, "Sai số") {
		t.Errorf("the notice repeats the reason, which may name people: %q", ns[0].Body)
	}
	if _, err := f.db.Exec(t.Context(), `UPDATE quarterly_report SET state = 'submitted' WHERE id = $1`, r.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := report.Approve(t.Context(), f.db, staff, f.late, q2, r.Version); err != nil {
		t.Fatal(err)
	}
	if got := inbox(t, f.db, f.secretary); len(got) != 2 || got[0] != "Chi bộ ấp Mỹ Hòa: báo cáo Quý 2/2026 đã được duyệt" {
		t.Errorf("secretary's inbox after approval = %q", got)
	}
}

func TestProvinceStaffSaveARuleOnceFromOneVersion(t *testing.T) {
	f := newFixture(t)
	province, err := report.ProvinceOf(t.Context(), f.db, f.late, day("2026-07-01"))
	if err != nil {
		t.Fatal(err)
	}
	staff := org.Under(province).As(audit.Actor{Login: "canbotinh"})
	today := day("2026-07-01")
	pool := pgtest.RacePool(t, f.db)
	pgtest.OneWinner(t, pgtest.Race(func(i int) error {
		in := remind.Rule{ValidFrom: today, DaysBefore: []int{i + 1}, DaysAfter: []int{0}, DigestWeekday: 5}
		return remind.SaveRule(context.Background(), pool, staff, province, in, time.Time{}, 0, today)
	}), nil)
	r, version, err := remind.LatestRule(t.Context(), f.db, staff, province, today)
	if err != nil || version != 1 || !r.ValidFrom.Equal(today) || len(r.DaysBefore) != 1 || r.DigestWeekday != 5 {
		t.Fatalf("latest rule %+v v%d, %v", r, version, err)
	}
	// A commune's staff cannot reach the province's rules.
	commune := org.Under(f.commune.ID)
	if _, _, err := remind.LatestRule(t.Context(), f.db, commune, province, today); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("commune staff read the province's rule: %v", err)
	}
	bad := remind.Rule{ValidFrom: day("2026-06-30"), DaysBefore: []int{0}, DaysAfter: []int{400}, DigestWeekday: 8}
	err = remind.SaveRule(t.Context(), f.db, staff, province, bad, r.ValidFrom, version, today)
	var inv *apperr.Invalid
	if !errors.As(err, &inv) || len(inv.Fields) != 4 {
		t.Errorf("a rule out of range: %v, want four field errors", err)
	}
	if days, msg := remind.ReadDays(" 7, 0;7 "); msg != "" || remind.Days(days) != "0, 7" {
		t.Errorf("ReadDays = %v %q", days, msg)
	}
}
