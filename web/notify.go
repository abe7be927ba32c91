package web

import (
	"strconv"

	"ptdang/internal/format"
	"ptdang/internal/notify"
)

// NoticesView is the model of the notification list.
type NoticesView struct {
	Notices   []NoticeRow
	Unread    int
	EditRules bool // the reader may set the province's reminder rule
}

// NoticeRow is one notification as the list shows it.
type NoticeRow struct {
	ID      string
	Subject string
	Link    string
	At      string
	Read    bool
}

// NewNoticesView is the list of ns, of which unread are unread; editRules offers the rule's page.
func NewNoticesView(ns []notify.Notice, unread int, editRules bool) NoticesView {
	v := NoticesView{Unread: unread, EditRules: editRules}
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
func NotifyPreferencesForm(version string, vals, errs map[string]string, msg string, push bool) FormView {
	intro := "Thông báo luôn hiện trong ứng dụng (biểu tượng chuông). Đồng chí có thể nhận thêm qua thư điện tử và thông báo đẩy trên điện thoại; trong giờ yên lặng, chúng được giữ lại đến khi hết giờ."
	yesNo := []Option{{Value: "yes", Label: "Có"}, {Value: "no", Label: "Không"}}
	fs := []FormField{
		field("email", "email", "Địa chỉ thư điện tử", "Ví dụ: ten@tinhuy.vn. Thư chỉ ghi tên đơn vị, việc cần làm, thời hạn và đường dẫn."),
		field("select", "by_email", "Nhận thông báo qua thư điện tử", "", yesNo...),
		field("select", "by_push", "Nhận thông báo đẩy trên điện thoại", "Trên điện thoại đã cài ứng dụng và cho phép nhận thông báo.", yesNo...),
		field("time", "quiet_from", "Giờ yên lặng: từ", "Để trống nếu không cần. Ví dụ: 21:00"),
		field("time", "quiet_until", "Giờ yên lặng: đến", "Ví dụ: 06:00 (sáng hôm sau)"),
	}
	v := FormView{Title: "Cài đặt thông báo", Intro: intro, Action: "/notifications/settings", Submit: "Lưu cài đặt",
		Cancel: "/notifications", Error: msg, Hidden: []Field{{Name: "version", Value: version}}, Fields: Fill(fs, vals, errs)}
	if push {
		v.After = PushDevice()
	}
	return v
}

// weekdays are the digest's choices, ISO numbered.
var weekdays = []Option{{"0", "Không gửi"}, {"1", "Thứ Hai"}, {"2", "Thứ Ba"}, {"3", "Thứ Tư"}, {"4", "Thứ Năm"},
	{"5", "Thứ Sáu"}, {"6", "Thứ Bảy"}, {"7", "Chủ nhật"}}

// NotifyRuleForm is the form of a province's reminder rule; basedOn and version name the latest
// rule the page was read with.
func NotifyRuleForm(province, basedOn, version string, vals, errs map[string]string, msg string) FormView {
	fs := []FormField{
		field("date", "valid_from", "Áp dụng từ ngày", "Quy tắc cũ vẫn áp dụng đến trước ngày này."),
		field("text", "days_before", "Nhắc bí thư chi bộ chưa gửi, trước hạn (ngày)", "Các số ngày cách nhau bằng dấu phẩy, ví dụ: 3 hoặc 7, 3, 1. Để trống: không nhắc."),
		field("text", "days_after", "Nhắc đảng ủy xã có chi bộ chưa gửi, sau hạn (ngày)", "0 là đúng ngày hạn, ví dụ: 0, 7. Để trống: không nhắc."),
		field("select", "digest_weekday", "Gửi tỉnh bản tổng hợp chi bộ chậm báo cáo vào", "Mỗi tuần một lần, sau hạn của quý đang báo cáo.", weekdays...),
	}
	return FormView{Title: "Quy tắc nhắc báo cáo", Action: "/notifications/rules", Submit: "Lưu quy tắc", Cancel: "/reports/settings", Error: msg,
		Intro:  "Quy tắc nhắc hạn báo cáo quý của " + province + ". Tin nhắc chỉ ghi tên đơn vị, việc cần làm, thời hạn và đường dẫn.",
		Hidden: []Field{{Name: "based_on", Value: basedOn}, {Name: "version", Value: version}}, Fields: Fill(fs, vals, errs)}
}
