package web

import (
	"strconv"

	"ptdang/internal/format"
	"ptdang/internal/notify"
)

// NoticesView is the model of the notification list.
type NoticesView struct {
	Notices []NoticeRow
	Unread  int
}

// NoticeRow is one notification as the list shows it.
type NoticeRow struct {
	ID      string
	Subject string
	Link    string
	At      string
	Read    bool
}

// NewNoticesView is the list of ns, of which unread are unread.
func NewNoticesView(ns []notify.Notice, unread int) NoticesView {
	v := NoticesView{Unread: unread}
	for _, n := range ns {
		v.Notices = append(v.Notices, NoticeRow{ID: strconv.FormatInt(n.ID, 10), Subject: n.Subject,
			Link: n.Link, At: format.DateTime(n.At.In(format.Zone)), Read: n.Read})
	}
	return v
}

// BellLabel is what the bell says to a screen reader.
func BellLabel(unread int) string {
	if unread == 0 {
		return "Thông báo: không có thông báo mới"
	}
	return "Thông báo: " + format.Int(int64(unread)) + " chưa đọc"
}

// BellCount is the bell's badge: the count, 99+ above 99.
func BellCount(unread int) string {
	if unread > 99 {
		return "99+"
	}
	return strconv.Itoa(unread)
}

// NotifyPreferencesForm is the form of a person's notification preferences.
func NotifyPreferencesForm(version string, vals, errs map[string]string, msg string) FormView {
	intro := "Thông báo luôn hiện trong ứng dụng (biểu tượng chuông). Đồng chí có thể nhận thêm qua thư điện tử và thông báo đẩy trên điện thoại; trong giờ yên lặng, chúng được giữ lại đến khi hết giờ."
	yesNo := []Option{{Value: "yes", Label: "Có"}, {Value: "no", Label: "Không"}}
	fs := []FormField{
		field("email", "email", "Địa chỉ thư điện tử", "Ví dụ: ten@tinhuy.vn. Thư chỉ ghi tên đơn vị, việc cần làm, thời hạn và đường dẫn."),
		field("select", "by_email", "Nhận thông báo qua thư điện tử", "", yesNo...),
		field("select", "by_push", "Nhận thông báo đẩy trên điện thoại", "Trên điện thoại đã cài ứng dụng và cho phép nhận thông báo.", yesNo...),
		field("time", "quiet_from", "Giờ yên lặng: từ", "Để trống nếu không cần. Ví dụ: 21:00"),
		field("time", "quiet_until", "Giờ yên lặng: đến", "Ví dụ: 06:00 (sáng hôm sau)"),
	}
	return FormView{Title: "Cài đặt thông báo", Intro: intro, Action: "/notifications/settings", Submit: "Lưu cài đặt",
		Cancel: "/notifications", Error: msg, Hidden: []Field{{Name: "version", Value: version}}, Fields: Fill(fs, vals, errs)}
}
