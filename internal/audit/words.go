package audit

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"ptdang/internal/format"
)

// actionLabels name the log's actions in Vietnamese, as people read the change log.
var actionLabels = map[string]string{
	"create": "Thêm mới", "update": "Sửa", "close": "Kết thúc hoạt động", "rename": "Đổi tên", "move": "Chuyển nơi trực thuộc",
	"merge": "Sáp nhập", "split": "Chia tách", "link": "Giao chi bộ phụ trách", "import": "Nhập từ tệp", "demo": "Nạp dữ liệu mẫu",
	"sign_in": "Đăng nhập", "sign_in_failed": "Đăng nhập sai mật khẩu", "lockout": "Tạm khóa đăng nhập",
	"change_password": "Đổi mật khẩu", "reset_password": "Cấp lại mật khẩu", "set_disabled": "Khóa hoặc mở khóa tài khoản",
	"grant": "Giao vai trò", "revoke": "Bỏ vai trò",
	"report_save": "Lưu nháp báo cáo", "report_submit": "Gửi báo cáo", "report_return": "Trả lại báo cáo",
	"report_approve": "Duyệt báo cáo", "report_accept": "Tỉnh tiếp nhận báo cáo", "report_request_reopen": "Xin mở lại báo cáo",
	"report_reopen": "Mở lại báo cáo", "report_import": "Nhập báo cáo từ tệp", "report_exception": "Gia hạn nhập báo cáo",
	"report_settings": "Đặt thời hạn báo cáo", "delete": "Xóa",
	"read": "Xem", "record_step": "Ghi bước hồ sơ", "sponsor_ceased": "Người giới thiệu không còn đủ điều kiện",
	"purge": "Xóa hồ sơ hết thời hạn lưu", "export": "Xuất ra tệp",
}

// entityLabels name what an entry changed.
var entityLabels = map[string]string{
	"party_unit": "Tổ chức đảng", "admin_unit": "Đơn vị hành chính", "hamlet_link": "Chi bộ phụ trách thôn, tổ dân phố",
	"user": "Tài khoản", "quarterly_report": "Báo cáo quý", "quality_rating": "Xếp loại chất lượng",
	"admission_target": "Chỉ tiêu kết nạp", "target_setting": "Quy định giao chỉ tiêu", "target_year": "Mốc chỉ tiêu trong năm",
	"report_setting": "Thời hạn báo cáo", "calendar_exception": "Ngày nghỉ, ngày làm bù do Chính phủ công bố",
	"candidate": "Hồ sơ người vào Đảng", "admission_rules": "Quy định về thời hạn kết nạp",
}

// fieldLabels name the keys of the values the packages record; a package may name its own
// (Words.Field) where it owns a longer list, as the report's figures.
var fieldLabels = map[string]string{
	"from": "Từ ngày", "to": "Đến ngày", "name": "Tên", "level": "Cấp", "parent_id": "Trực thuộc (mã số)",
	"households": "Số hộ", "population": "Số dân", "local_word": "Cách gọi ở địa phương",
	"religious_share": "Tỷ lệ dân theo tôn giáo", "ethnic_minority_share": "Tỷ lệ đồng bào dân tộc thiểu số",
	"kind": "Loại tổ chức", "org_type": "Loại hình", "term_months": "Nhiệm kỳ (tháng)", "full_members": "Số đảng viên (khai báo)",
	"territory_id": "Địa bàn (mã số)", "committee_since": "Có cấp ủy từ", "mode": "Hình thức phụ trách", "cell_id": "Chi bộ (mã số)",
	"successor_id": "Đơn vị kế thừa (mã số)", "role": "Vai trò", "unit_id": "Tổ chức đảng (mã số)", "year": "Năm",
	"units": "Số đơn vị", "target": "Chỉ tiêu", "state": "Trạng thái", "until": "Đến", "disabled": "Đã khóa",
	"sessions_ended": "Các phiên đăng nhập đã kết thúc", "other_sessions_ended": "Các phiên đăng nhập khác đã kết thúc",
	"own_rating": "Chi bộ được xếp loại", "exempt": "Miễn đánh giá", "unsatisfactory_two_years": "Không hoàn thành nhiệm vụ hai năm liền",
	"strict": "Tổng giao phải bằng chỉ tiêu", "thresholds": "Ngưỡng đánh giá", "lock_date": "Ngày khóa", "milestones": "Mốc tiến độ",
	"value": "Giá trị", "DeadlineDays": "Hạn nộp (ngày sau cuối quý)", "GraceDays": "Khóa sổ (ngày sau hạn)", "TwoStep": "Tỉnh tiếp nhận sau khi xã duyệt",
	"day_kind": "Loại ngày", "note": "Ghi chú", "secretary_is_head": "Bí thư kiêm trưởng thôn",
}

// ActionLabel is the Vietnamese name of action; an action it does not know is shown as it is.
func ActionLabel(action string) string { return orSelf(actionLabels, action) }

// EntityLabel is the Vietnamese name of an entity kind.
func EntityLabel(entity string) string { return orSelf(entityLabels, entity) }

func orSelf(m map[string]string, k string) string {
	if v, ok := m[k]; ok {
		return v
	}
	return k
}

// Change is one recorded field as people read it: its label and its value before and after
// ("" where the entry records no such side).
type Change struct{ Field, Old, New string }

// Words turns recorded values into Vietnamese. The packages that own a field or a kind of value
// name it: Field labels an entity's keys (a report's figures), Value labels enumerated values (a
// state, a role); either may be nil or answer "" for what the log's own words name.
type Words struct {
	Field func(entity, key string) string
	Value func(key, value string) string
}

// Changes lists the fields of an entity's entry's old and new values (JSON objects, "" for none) that
// differ, labelled and formatted, in label order. Values nested in an object (a report's figures)
// are listed as fields of their own; what is not a JSON object is one field, "Giá trị".
func (w Words) Changes(entity, old, new string) []Change {
	o, n := flatten(old), flatten(new)
	var out []Change
	for k := range union(o, n) {
		ov, oldOK := o[k]
		nv, newOK := n[k]
		if oldOK && newOK && fmt.Sprint(ov) == fmt.Sprint(nv) {
			continue
		}
		c := Change{Field: w.label(entity, k)}
		if oldOK {
			c.Old = w.value(k, ov)
		}
		if newOK {
			c.New = w.value(k, nv)
		}
		out = append(out, c)
	}
	col := collate.New(language.Vietnamese)
	sort.Slice(out, func(i, j int) bool { return col.CompareString(out[i].Field, out[j].Field) < 0 })
	return out
}

// Text is Changes in one line: "Tên: Trảng Mỹ → Lộc An; Năm: 2024".
func (w Words) Text(entity, old, new string) string {
	var parts []string
	for _, c := range w.Changes(entity, old, new) {
		switch {
		case c.Old == "":
			parts = append(parts, c.Field+": "+c.New)
		case c.New == "" && new != "":
			parts = append(parts, c.Field+": "+c.Old+" → (bỏ)")
		case c.New == "":
			parts = append(parts, c.Field+": "+c.Old)
		default:
			parts = append(parts, c.Field+": "+c.Old+" → "+c.New)
		}
	}
	return strings.Join(parts, "; ")
}

func (w Words) label(entity, key string) string {
	if w.Field != nil {
		if l := w.Field(entity, key); l != "" {
			return l
		}
	}
	return orSelf(fieldLabels, key)
}

func (w Words) value(key string, v any) string {
	switch v := v.(type) {
	case nil:
		return "(trống)"
	case bool:
		if v {
			return "có"
		}
		return "không"
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1e15 {
			if key == "year" || strings.HasSuffix(key, "_id") { // a name, not a quantity: no thousands dots
				return strconv.FormatInt(int64(v), 10)
			}
			return format.Int(int64(v))
		}
		return strings.Replace(fmt.Sprintf("%g", v), ".", ",", 1)
	case string:
		if t, err := time.Parse(time.RFC3339, v); err == nil {
			if t.Equal(t.Truncate(24 * time.Hour)) { // a day, recorded as its midnight UTC
				return format.Date(t)
			}
			return format.DateTime(t.In(format.Zone))
		}
		if t, err := time.Parse(time.DateOnly, v); err == nil { // a day recorded as yyyy-mm-dd
			return format.Date(t)
		}
		if w.Value != nil {
			if l := w.Value(key, v); l != "" {
				return l
			}
		}
		return v
	}
	b, _ := json.Marshal(v) // a list (thresholds, milestones): shown as recorded
	return string(b)
}

// flatten reads a JSON object into its fields, lifting the fields of nested objects; anything
// else is the one field "value".
func flatten(s string) map[string]any {
	if s == "" || s == "null" {
		return nil
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		var v any
		if json.Unmarshal([]byte(s), &v) != nil {
			v = s
		}
		return map[string]any{"value": v}
	}
	out := map[string]any{}
	for k, v := range m {
		if inner, ok := v.(map[string]any); ok {
			for ik, iv := range inner {
				out[ik] = iv
			}
			continue
		}
		out[k] = v
	}
	return out
}

func union(a, b map[string]any) map[string]bool {
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	return keys
}
