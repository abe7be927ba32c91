package web

import (
	"strings"
	"testing"

	"ptdang/internal/audit"
)

// A file's entries in the change log read in Vietnamese: the action, the entity, every field and
// the coded values.
func TestRegisterEntriesInTheChangeLogSpeakVietnamese(t *testing.T) {
	row := NewAuditRow(audit.Row{Action: "update", Entity: "candidate", Label: "hồ sơ 7",
		Old: `{"sex": "male", "occupation": "farmer"}`, New: `{"sex": "female", "occupation": "student", "national_id": "•••••••••234"}`})
	step := NewAuditRow(audit.Row{Action: "record_step", Entity: "candidate",
		New: `{"kind": "Nghị quyết chi bộ đề nghị kết nạp", "date": "2026-07-03T00:00:00Z", "document": "05-NQ/CB", "votes_for": 6, "full_members": 9}`})
	read := NewAuditRow(audit.Row{Action: "read", Entity: "candidate"})
	var b strings.Builder
	for _, r := range []AuditRowView{row, step, read} {
		b.WriteString(r.Action + " " + r.Entity + ";")
		for _, c := range r.Changes {
			b.WriteString(c.Field + ": " + c.Old + " → " + c.New + ";")
		}
	}
	got := b.String()
	for _, want := range []string{"Sửa Hồ sơ người vào Đảng", "Giới tính: Nam → Nữ", "Nghề nghiệp: Nông dân → Học sinh, sinh viên",
		"Số định danh (đã che):  → •••••••••234", "Ghi bước hồ sơ", "Ngày:  → 03/07/2026", "Số tán thành:  → 6", "Xem Hồ sơ người vào Đảng"} {
		if !strings.Contains(got, want) {
			t.Errorf("the change log lacks %q in %q", want, got)
		}
	}
	for _, english := range []string{"candidate", "record_step", "votes_for", "female", "birth_date"} {
		if strings.Contains(got, english) {
			t.Errorf("the change log says %q: %q", english, got)
		}
	}
}
