package audit

import (
	"reflect"
	"testing"
)

func TestWordsSayWhatChangedInVietnamese(t *testing.T) {
	w := Words{
		Field: func(e, k string) string {
			return map[string]string{"quarterly_report women": "Nữ (Cuối quý)"}[e+" "+k]
		},
		Value: func(k, v string) string { return map[string]string{"submitted": "Đã gửi"}[v] },
	}
	cases := []struct {
		name, old, new string
		want           []Change
	}{
		{"a rename keeps only what differs; a day is dd/mm/yyyy",
			`{"name": "Trảng Mỹ", "parent_id": 1132}`, `{"from": "2020-01-01T00:00:00Z", "name": "Lộc An", "parent_id": 1132}`,
			[]Change{{Field: "Tên", Old: "Trảng Mỹ", New: "Lộc An"}, {Field: "Từ ngày", New: "01/01/2020"}}},
		{"a report's nested figures are fields of their own, numbers the Vietnamese way, states named",
			`{"women": 0, "closing": 1827}`, `{"state": "submitted", "figures": {"women": 7, "closing": 1827}}`,
			[]Change{{Field: "Nữ (Cuối quý)", Old: "0", New: "7"}, {Field: "Trạng thái", New: "Đã gửi"}}},
		{"large numbers, truth values, empties and moments",
			`{"disabled": false}`, `{"disabled": true, "population": 2530173, "religious_share": null, "until": "2026-11-30T07:15:00Z"}`,
			[]Change{{Field: "Đã khóa", Old: "không", New: "có"}, {Field: "Đến", New: "30/11/2026 14:15"},
				{Field: "Số dân", New: "2.530.173"}, {Field: "Tỷ lệ dân theo tôn giáo", New: "(trống)"}}},
		{"ids and years are names: no thousands dots", ``, `{"parent_id": 1626, "year": 2024}`,
			[]Change{{Field: "Năm", New: "2024"}, {Field: "Trực thuộc (mã số)", New: "1626"}}},
		{"a value that is not an object is one field", `null`, `"x"`, []Change{{Field: "Giá trị", New: "x"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := w.Changes("quarterly_report", c.old, c.new); !reflect.DeepEqual(got, c.want) {
				t.Errorf("Changes(%s, %s)\n got %q\nwant %q", c.old, c.new, got, c.want)
			}
		})
	}
	if got, want := w.Text("party_unit", `{"name": "A"}`, `{"name": "B", "year": 2024}`), "Năm: 2024; Tên: A → B"; got != want {
		t.Errorf("Text = %q, want %q", got, want)
	}
	if got := w.Changes("party_unit", ``, `{"women": 3}`); got[0].Field != "women" {
		t.Errorf("a report's label named another entity's field: %q", got)
	}
	if ActionLabel("report_submit") != "Gửi báo cáo" || EntityLabel("quarterly_report") != "Báo cáo quý" || ActionLabel("new_thing") != "new_thing" {
		t.Error("action and entity names")
	}
}
