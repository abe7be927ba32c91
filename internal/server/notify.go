package server

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"ptdang/internal/account"
	"ptdang/internal/apperr"
	"ptdang/internal/format"
	"ptdang/internal/notify"
	"ptdang/internal/notify/remind"
	"ptdang/web"
)

// The signed-in person's notifications: the bell's count, the list, marking read, preferences.
// Each reads and changes only the caller's own.

func (s *Server) notifyRoutes(r chi.Router) {
	r.Get("/notifications", s.signedInOnly(s.notices))
	r.Get("/notifications/bell", s.signedInOnly(s.notifyBell))
	r.Post("/notifications/read", s.signedInOnly(s.noticeRead))
	r.Post("/notifications/{id}/read", s.signedInOnly(s.noticeRead))
	r.Get("/notifications/settings", s.signedInOnly(s.notifySettings))
	r.Post("/notifications/settings", s.signedInOnly(s.notifySettings))
	r.Get("/notifications/push/key", s.signedInOnly(s.pushKey))
	r.Post("/notifications/push", s.signedInOnly(s.pushSubscribe))
	r.Post("/notifications/push/delete", s.signedInOnly(s.pushUnsubscribe))
	rules := s.can(account.AcceptReports) // the province's staff, as for the report deadlines
	r.Get("/notifications/rules", rules(s.notifyRules))
	r.Post("/notifications/rules", rules(s.notifyRules))
}

// noticesShown is how many of the latest notifications the list shows.
const noticesShown = 100

func (s *Server) notices(w http.ResponseWriter, r *http.Request, c caller) {
	ns, err := notify.Inbox(r.Context(), s.DB, c.ID, noticesShown)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	unread, err := notify.Unread(r.Context(), s.DB, c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, web.Notices(c.page("Thông báo", ""), web.NewNoticesView(ns, unread, c.Can(account.AcceptReports))))
}

func (s *Server) notifyBell(w http.ResponseWriter, r *http.Request, c caller) {
	unread, err := notify.Unread(r.Context(), s.DB, c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, web.NotifyBellCount(unread))
}

// noticeRead marks the notification the address names read, or all of them, and goes back to the list.
func (s *Server) noticeRead(w http.ResponseWriter, r *http.Request, c caller) {
	var id int64
	if p := chi.URLParam(r, "id"); p != "" {
		var err error
		if id, err = strconv.ParseInt(p, 10, 64); err != nil || id <= 0 {
			s.fail(w, r, apperr.ErrNotFound)
			return
		}
	}
	if err := notify.MarkRead(r.Context(), s.DB, c.ID, id); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/notifications", http.StatusSeeOther)
}

func (s *Server) notifySettings(w http.ResponseWriter, r *http.Request, c caller) {
	p, err := notify.GetPreferences(r.Context(), s.DB, c.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	version := strconv.Itoa(p.Version)
	yes := map[bool]string{true: "yes", false: "no"}
	vals := map[string]string{"email": p.Email, "by_email": yes[p.ByEmail], "by_push": yes[!p.NoPush]}
	if p.QuietFrom != p.QuietUntil {
		vals["quiet_from"], vals["quiet_until"] = notify.Clock(p.QuietFrom), notify.Clock(p.QuietUntil)
	}
	view := func(vals, errs map[string]string, msg string) web.FormView {
		return web.NotifyPreferencesForm(version, vals, errs, msg, s.PushKey != "")
	}
	s.formPage(w, r, c, "", view, vals, func(f *form) (string, error) {
		in := notify.Preferences{Email: f.text("email"), ByEmail: f.text("by_email") == "yes", NoPush: f.text("by_push") == "no",
			QuietFrom: read(f, "quiet_from", notify.ReadClock), QuietUntil: read(f, "quiet_until", notify.ReadClock),
			Version: f.int("version")}
		if (f.text("quiet_from") == "") != (f.text("quiet_until") == "") {
			f.inv.Add("quiet_until", "Ghi cả giờ bắt đầu và giờ kết thúc, hoặc để trống cả hai.")
		}
		if err := f.inv.Err(); err != nil {
			return "", err
		}
		return "/notifications", notify.SavePreferences(r.Context(), s.DB, c.Scope.Actor, c.ID, in)
	}, map[string]string{"quiet": "quiet_from"})
}

// pushKey answers the VAPID public key a browser subscribes with (the installed app's service
// worker asks for it); 404 when Web Push is off.
func (s *Server) pushKey(w http.ResponseWriter, r *http.Request, c caller) {
	if s.PushKey == "" {
		s.fail(w, r, apperr.ErrNotFound)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = io.WriteString(w, s.PushKey)
}

// pushSubscribe stores the browser's push subscription, posted as PushSubscription.toJSON().
func (s *Server) pushSubscribe(w http.ResponseWriter, r *http.Request, c caller) {
	var sub notify.Subscription
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096)).Decode(&sub); err != nil {
		s.errorPage(w, r, badRequest("Đăng ký nhận thông báo không đọc được."))
		return
	}
	if err := notify.Subscribe(r.Context(), s.DB, c.ID, sub); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// pushUnsubscribe forgets the caller's subscription whose endpoint is posted ({"endpoint": …}):
// this browser turned Web Push off.
func (s *Server) pushUnsubscribe(w http.ResponseWriter, r *http.Request, c caller) {
	var sub notify.Subscription
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096)).Decode(&sub); err != nil || sub.Endpoint == "" {
		s.errorPage(w, r, badRequest("Yêu cầu tắt thông báo không đọc được."))
		return
	}
	if err := notify.Unsubscribe(r.Context(), s.DB, c.ID, sub.Endpoint); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// notifyRules shows and saves the reminder rule of the caller's province (remind.SaveRule).
func (s *Server) notifyRules(w http.ResponseWriter, r *http.Request, c caller) {
	set, err := s.settingsOf(r, c)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	today := s.today()
	rule, version, err := remind.LatestRule(r.Context(), s.DB, c.Scope, set.ProvinceID, today)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	basedOn := ""
	if !rule.ValidFrom.IsZero() {
		basedOn = format.ISODate(rule.ValidFrom)
	}
	from := today
	if rule.ValidFrom.After(today) {
		from = rule.ValidFrom
	}
	vals := map[string]string{"valid_from": format.ISODate(from), "days_before": remind.Days(rule.DaysBefore),
		"days_after": remind.Days(rule.DaysAfter), "digest_weekday": strconv.Itoa(rule.DigestWeekday)}
	view := func(vals, errs map[string]string, msg string) web.FormView {
		return web.NotifyRuleForm(set.ProvinceName, basedOn, strconv.Itoa(version), vals, errs, msg)
	}
	s.formPage(w, r, c, "", view, vals, func(f *form) (string, error) {
		in := remind.Rule{ValidFrom: f.date("valid_from"), DaysBefore: read(f, "days_before", remind.ReadDays),
			DaysAfter: read(f, "days_after", remind.ReadDays), DigestWeekday: f.int("digest_weekday")}
		var based time.Time
		if f.text("based_on") != "" {
			based = read(f, "based_on", format.ReadDate)
		}
		if err := f.inv.Err(); err != nil {
			return "", err
		}
		return "/notifications/rules", remind.SaveRule(r.Context(), s.DB, c.Scope, set.ProvinceID, in, based, f.int("version"), today)
	}, nil)
}
