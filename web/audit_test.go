package web

import (
	"strings"
	"testing"
)

// The change log reads a file's entries in Vietnamese: its step, the readmission facts and their
// days, the retention period and a purge, with no code or yyyy-mm-dd day left as recorded.
func TestChangeLogReadsTheRegistersEntriesInVietnamese(t *testing.T) {
	for _, c := range []struct {
		entity, old, new string
		want             []string
	}{
		{"candidate", "", `{"kind": "course", "date": "2026-03-02", "issuer": "Trung tâm chính trị"}`,
			[]string{"Bước: Học lớp nhận thức về Đảng", "Ngày: 02/03/2026"}},
		{"candidate", "", `{"left_on": "2020-01-02T00:00:00Z", "cause": "minor_crime", "expunged_on": "2021-05-06T00:00:00Z", "readmitted_before": false}`,
			[]string{"Ngày ra khỏi Đảng: 02/01/2020", "Lý do ra khỏi Đảng: Bị kết án hình sự về tội phạm ít nghiêm trọng", "Ngày được xóa án tích: 06/05/2021", "Đã được kết nạp lại trước đây: không"}},
		{"register_retention", `{"years": 5}`, `{"years": 10}`, []string{"Thời hạn lưu hồ sơ (năm): 5 → 10"}},
		{"candidate", `{"cell_id": 7, "created": "2019-04-01", "kind": "withdrawn", "closed": "2021-06-03"}`, `{"redacted_entries": 3}`,
			[]string{"Ngày lập hồ sơ: 01/04/2019", "Bước: Rút khỏi danh sách", "Kết thúc: 03/06/2021"}},
	} {
		got := AuditWords.Text(c.entity, c.old, c.new)
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s %s → %s reads %q, lacking %q", c.entity, c.old, c.new, got, w)
			}
		}
		for _, code := range []string{"course", "minor_crime", "withdrawn", "left_on", "years", "2021-06-03", "2019-04-01"} {
			if strings.Contains(got, code) {
				t.Errorf("%s %s → %s reads %q: %q left as recorded", c.entity, c.old, c.new, got, code)
			}
		}
	}
}
