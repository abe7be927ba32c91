package web

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"ptdang/internal/audit"
	"ptdang/internal/register"
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

// The link to record a sponsor who ceased to qualify shows while a sponsor of the latest sponsors
// step still qualifies, not once each has been recorded as ceased.
func TestSponsorCeasedLinkWhileASponsorStillQualifies(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	step := func(ceased ...time.Time) register.Step {
		s := register.Step{Kind: register.Sponsors, On: day("2026-03-02")}
		for i, c := range ceased {
			s.Sponsors = append(s.Sponsors, register.Sponsor{ID: int64(i + 1), Name: "Người " + strconv.Itoa(i+1), CeasedOn: c})
		}
		return s
	}
	for _, c := range []struct {
		steps []register.Step
		link  bool
	}{
		{nil, false},
		{[]register.Step{step(time.Time{}, day("2026-05-01"))}, true},
		{[]register.Step{step(day("2026-04-01"), day("2026-05-01"))}, false},
		{[]register.Step{step(time.Time{}), step(day("2026-06-01"))}, false}, // the latest step's sponsors count
	} {
		v := NewRegisterFileView(register.File{ID: 7, Steps: c.steps}, "", day("2026-07-03"), nil, nil, nil)
		if (v.SponsorCeasedHref != "") != c.link {
			t.Errorf("%d sponsors steps: link %q, want one %t", len(c.steps), v.SponsorCeasedHref, c.link)
		}
	}
}
