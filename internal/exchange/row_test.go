package exchange

import (
	"strings"
	"testing"
	"time"
)

// cellRow reads a CSV file whose only column "Giá trị" holds value in row 2.
func cellRow(t *testing.T, value string, required bool) *Row {
	t.Helper()
	table := Table{Sheet: "Số liệu", Columns: []Column{{Key: "v", Header: "Giá trị", Required: required}}}
	csv := "Giá trị,\n\"" + strings.ReplaceAll(value, `"`, `""`) + "\",x\n"
	rows, ps := readCSVText(t, table, csv)
	if len(ps) != 0 || len(rows) != 1 {
		t.Fatalf("%q: %d rows, problems:\n%s", value, len(rows), list(ps))
	}
	return rows[0]
}

// wantNoProblem and wantCellProblem check the problems on the row of cellRow.
func wantNoProblem(t *testing.T, r *Row, value string) {
	t.Helper()
	if ps := r.Problems(); len(ps) != 0 {
		t.Errorf("%q: unexpected problems:\n%s", value, list(ps))
	}
}

func wantCellProblem(t *testing.T, r *Row, value, message string) {
	t.Helper()
	ps := r.Problems()
	if len(ps) != 1 {
		t.Fatalf("%q: want 1 problem, got:\n%s", value, list(ps))
	}
	wantProblem(t, ps, Problem{Sheet: "Số liệu", Row: 2, Column: "Giá trị"}, message)
}

func TestIntAcceptsVietnameseThousands(t *testing.T) {
	for value, want := range map[string]int64{
		"1827":       1827,
		"1.827":      1827,
		"1 827":      1827,
		"1\u00a0827": 1827,
		"1.827.000":  1827000,
		"  0  ":      0,
		"1827.0":     1827, // Excel cells written by other programs
		"2147483647": 2147483647,
	} {
		r := cellRow(t, value, false)
		if got, ok := r.Int("v"); got != want || !ok {
			t.Errorf("Int(%q) = %d, %v; want %d", value, got, ok, want)
		}
		wantNoProblem(t, r, value)
	}
}

func TestIntRejectsDecimalsSignsAndWords(t *testing.T) {
	for _, value := range []string{"1,5", "1.5", "12.34", "1,827", "abc", "-3", "+3", "1..827", "18.27", "1.8270", "1e3", "½"} {
		r := cellRow(t, value, false)
		if got, ok := r.Int("v"); got != 0 || ok {
			t.Errorf("Int(%q) = %d, %v; want a problem", value, got, ok)
		}
		wantCellProblem(t, r, value, "không phải là số nguyên không âm")
	}
	r := cellRow(t, "99999999999999999999", false)
	r.Int("v")
	wantCellProblem(t, r, "99999999999999999999", "quá lớn")
}

func TestIntRefusesWhatNoIntegerColumnHolds(t *testing.T) {
	// From 2^31 to 2^63-1: read as numbers before, and a database error (a 500) on writing.
	for _, value := range []string{"2147483648", "2.147.483.648", "9223372036854775807", "1 000 000 000 000"} {
		r := cellRow(t, value, false)
		if got, ok := r.Int("v"); got != 0 || ok {
			t.Errorf("Int(%q) = %d, %v; want a problem", value, got, ok)
		}
		wantCellProblem(t, r, value, "quá lớn: nhiều nhất là 2.147.483.647")
	}
	if got, ok := cellRow(t, "2.147.483.647", false).Int("v"); got != 2147483647 || !ok {
		t.Errorf("Int(2.147.483.647) = %d, %v", got, ok)
	}
}

func TestDecimalAcceptsCommaPointAndPercent(t *testing.T) {
	for value, want := range map[string]float64{
		"0,5":          0.5,
		"0.5":          0.5,
		"50%":          0.5,
		"50 %":         0.5,
		"12,5 %":       0.125,
		"100%":         1,
		"1.234,5":      1234.5,
		"1,234.5":      1234.5,
		"1.234.567":    1234567,
		"-2,5":         -2.5,
		"3":            3,
		"1.5E-2":       0.015, // Excel's own notation in cells
		"71,85\u00a0%": 0.7185,
	} {
		r := cellRow(t, value, false)
		got, ok := r.Decimal("v")
		if !ok || got < want-1e-12 || got > want+1e-12 {
			t.Errorf("Decimal(%q) = %v, %v; want %v", value, got, ok, want)
		}
		wantNoProblem(t, r, value)
	}
	for _, value := range []string{"abc", "1,2,3", "1.2.3", "%", "-", "NaN", "Inf", "0x10", "1,5,0.2", "5%%", "1e"} {
		r := cellRow(t, value, false)
		if got, ok := r.Decimal("v"); got != 0 || ok {
			t.Errorf("Decimal(%q) = %v, %v; want a problem", value, got, ok)
		}
		wantCellProblem(t, r, value, "không phải là số")
	}
}

func TestDateAcceptsVietnameseAndISOForms(t *testing.T) {
	want := time.Date(2025, 2, 3, 0, 0, 0, 0, time.UTC)
	for _, value := range []string{"03/02/2025", "3/2/2025", "03-02-2025", "03.02.2025", "2025-02-03",
		"2025-02-03T00:00:00Z", "03/02/2025 08:30"} {
		r := cellRow(t, value, false)
		if got, ok := r.Date("v"); !got.Equal(want) || !ok {
			t.Errorf("Date(%q) = %v, %v; want %v", value, got, ok, want)
		}
		wantNoProblem(t, r, value)
	}
	// In a CSV file a number is not a date: "45691" is the serial of 03/02/2025 only in an Excel cell.
	for _, value := range []string{"31/02/2025", "29/02/2025", "00/01/2025", "32/01/2025", "03/13/2025",
		"03/02/25", "2025/02", "hôm nay", "45691", "3//2025", "03/02-2025"} {
		r := cellRow(t, value, false)
		if got, ok := r.Date("v"); !got.IsZero() || ok {
			t.Errorf("Date(%q) = %v, %v; want a problem", value, got, ok)
		}
		wantCellProblem(t, r, value, "không phải là ngày hợp lệ")
	}
	if got, ok := cellRow(t, "29/02/2024", false).Date("v"); !ok || got.Day() != 29 {
		t.Errorf("29/02/2024 = %v, %v", got, ok)
	}
}

func TestExcelDateSerials(t *testing.T) {
	for _, c := range []struct {
		serial string
		is1904 bool
		want   time.Time
		ok     bool
	}{
		{"45691", false, time.Date(2025, 2, 3, 0, 0, 0, 0, time.UTC), true},
		{"45691.75", false, time.Date(2025, 2, 3, 0, 0, 0, 0, time.UTC), true}, // 18:00 that day
		{"1", false, time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), true},
		{"59", false, time.Date(1900, 2, 28, 0, 0, 0, 0, time.UTC), true},
		{"60", false, time.Time{}, false}, // 29/02/1900, which Excel counts but never was
		{"61", false, time.Date(1900, 3, 1, 0, 0, 0, 0, time.UTC), true},
		{"0", false, time.Time{}, false},
		{"2958465", false, time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), true},
		{"2958466", false, time.Time{}, false},
		{"44229", true, time.Date(2025, 2, 3, 0, 0, 0, 0, time.UTC), true},
		{"0", true, time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC), true},
	} {
		got, ok := parseDate(c.serial, true, c.is1904)
		if !got.Equal(c.want) || ok != c.ok {
			t.Errorf("serial %s (1904: %v) = %v, %v; want %v, %v", c.serial, c.is1904, got, ok, c.want, c.ok)
		}
	}
}

func TestBoolAcceptsVietnameseAndEnglishWords(t *testing.T) {
	for value, want := range map[string]bool{
		"có": true, "Có": true, "CO": true, "x": true, "X": true, "1": true, "true": true, "TRUE": true, "yes": true, "Đúng": true,
		"không": false, "Không": false, "khong": false, "0": false, "false": false, "FALSE": false, "no": false, "sai": false,
	} {
		r := cellRow(t, value, false)
		if got, ok := r.Bool("v"); got != want || !ok {
			t.Errorf("Bool(%q) = %v, %v; want %v", value, got, ok, want)
		}
		wantNoProblem(t, r, value)
	}
	r := cellRow(t, "chưa", false)
	if got, ok := r.Bool("v"); got || ok {
		t.Errorf(`Bool("chưa") = %v, %v`, got, ok)
	}
	wantCellProblem(t, r, "chưa", `hãy ghi "có" hoặc "không"`)
	r = cellRow(t, "", false)
	if got, ok := r.Bool("v"); got || ok {
		t.Errorf(`Bool("") = %v, %v`, got, ok)
	}
	wantNoProblem(t, r, "")
}

var unitKinds = map[string]string{
	"Đảng bộ cơ sở":     "dang_bo_co_so",
	"Chi bộ cơ sở":      "chi_bo_co_so",
	"Chi bộ trực thuộc": "chi_bo_truc_thuoc",
	"Đảng bộ bộ phận":   "dang_bo_bo_phan",
}

func TestChoiceMatchesLabelsWithoutAccentsOrCase(t *testing.T) {
	for value, want := range map[string]string{
		"Chi bộ cơ sở":      "chi_bo_co_so",
		"Chi bo co so":      "chi_bo_co_so",
		"CHI BỘ CƠ SỞ":      "chi_bo_co_so",
		"  chi bo  co so ":  "chi_bo_co_so",
		"dang bo bo phan":   "dang_bo_bo_phan",
		"Chi bộ trực thuộc": "chi_bo_truc_thuoc",
	} {
		r := cellRow(t, value, true)
		if got, ok := r.Choice("v", unitKinds); got != want || !ok {
			t.Errorf("Choice(%q) = %q, %v; want %q", value, got, ok, want)
		}
		wantNoProblem(t, r, value)
	}
}

func TestChoiceProblemListsTheLabels(t *testing.T) {
	r := cellRow(t, "Chi bộ ấp", false)
	if got, ok := r.Choice("v", unitKinds); got != "" || ok {
		t.Errorf("Choice = %q, %v", got, ok)
	}
	wantCellProblem(t, r, "Chi bộ ấp", `"Chi bộ ấp" không phải là lựa chọn hợp lệ; hãy chọn một trong: `+
		`"Chi bộ cơ sở", "Chi bộ trực thuộc", "Đảng bộ bộ phận", "Đảng bộ cơ sở"`)
}

func TestChoicePrefersTheExactLabel(t *testing.T) {
	options := map[string]string{"Cỏ": "grass", "Có": "yes", "Co": "co"}
	for value, want := range map[string]string{"có": "yes", "CỎ": "grass", "co": "co", "cờ": "co"} {
		if got, _ := cellRow(t, value, false).Choice("v", options); got != want {
			t.Errorf("Choice(%q) = %q, want %q", value, got, want)
		}
	}
}

func TestEmptyRequiredCellIsAProblemForEveryGetter(t *testing.T) {
	for name, get := range map[string]func(r *Row) bool{
		"Text":    func(r *Row) bool { return r.Text("v") != "" },
		"Int":     func(r *Row) bool { _, ok := r.Int("v"); return ok },
		"Date":    func(r *Row) bool { _, ok := r.Date("v"); return ok },
		"Decimal": func(r *Row) bool { _, ok := r.Decimal("v"); return ok },
		"Bool":    func(r *Row) bool { _, ok := r.Bool("v"); return ok },
		"Choice":  func(r *Row) bool { _, ok := r.Choice("v", unitKinds); return ok },
	} {
		r := cellRow(t, " ", true)
		if get(r) {
			t.Errorf("%s: ok for an empty cell", name)
		}
		wantCellProblem(t, r, name, "không được để trống")

		r = cellRow(t, "", false)
		if get(r) {
			t.Errorf("%s: ok for an empty optional cell", name)
		}
		wantNoProblem(t, r, name)
	}
}

func TestProblemfNamesTheColumnByItsHeader(t *testing.T) {
	r := cellRow(t, "5", false)
	r.Problemf("v", "lớn hơn số đảng viên đầu kỳ (%d)", 3)
	r.Problemf("", "tổng không khớp")
	r.Problemf("Cột khác", "không dùng")
	want := []string{
		`Trang "Số liệu", dòng 2, cột "Giá trị": lớn hơn số đảng viên đầu kỳ (3)`,
		`Trang "Số liệu", dòng 2: tổng không khớp`,
		`Trang "Số liệu", dòng 2, cột "Cột khác": không dùng`,
	}
	ps := r.Problems()
	if len(ps) != len(want) {
		t.Fatalf("problems:\n%s", list(ps))
	}
	for i := range want {
		if ps[i].String() != want[i] {
			t.Errorf("problem %d = %s\nwant        %s", i, ps[i], want[i])
		}
	}
}

func TestUnknownKeyIsAProblemNotASilentEmpty(t *testing.T) {
	r := cellRow(t, "5", false)
	if got := r.Text("vv"); got != "" {
		t.Errorf("Text = %q", got)
	}
	wantProblem(t, r.Problems(), Problem{Sheet: "Số liệu", Row: 2, Column: "vv"}, "lỗi chương trình")
}

func TestProblemStringLeavesOutEmptyParts(t *testing.T) {
	for p, want := range map[Problem]string{
		{Sheet: "Đơn vị", Row: 7, Column: "Số đảng viên", Message: `"abc" không phải là số nguyên không âm`}: `Trang "Đơn vị", dòng 7, cột "Số đảng viên": "abc" không phải là số nguyên không âm`,
		{Sheet: "Đơn vị", Row: 1, Column: "Mã đơn vị", Message: "không tìm thấy cột này"}:                    `Trang "Đơn vị", dòng 1, cột "Mã đơn vị": không tìm thấy cột này`,
		{Row: 3, Message: "dòng này có chữ không đọc được"}:                                                  `Dòng 3: dòng này có chữ không đọc được`,
		{Sheet: "Đơn vị", Message: "không có dữ liệu"}:                                                       `Trang "Đơn vị": không có dữ liệu`,
		{Message: "tệp lớn hơn giới hạn 10 MB"}:                                                              `Tệp lớn hơn giới hạn 10 MB`,
	} {
		if got := p.String(); got != want {
			t.Errorf("String() = %s\nwant       %s", got, want)
		}
	}
}

func TestProblemsErrorCountsAndShowsTheFirstThree(t *testing.T) {
	var ps Problems
	for i := range 5 {
		ps = append(ps, Problem{Sheet: "Đơn vị", Row: i + 2, Message: "sai"})
	}
	want := `5 lỗi: Trang "Đơn vị", dòng 2: sai; Trang "Đơn vị", dòng 3: sai; Trang "Đơn vị", dòng 4: sai; và 2 lỗi khác`
	if got := ps.Error(); got != want {
		t.Errorf("Error() = %s\nwant      %s", got, want)
	}
	if got := ps[:1].Error(); got != `1 lỗi: Trang "Đơn vị", dòng 2: sai` {
		t.Errorf("Error() = %s", got)
	}
	if got := (Problems{}).Error(); got != "không có lỗi" {
		t.Errorf("Error() = %s", got)
	}
}

func TestLongValuesAreCutInMessages(t *testing.T) {
	value := strings.Repeat("á", 1000)
	r := cellRow(t, value, false)
	r.Int("v")
	ps := r.Problems()
	if len(ps) != 1 || len(ps[0].Message) > 200 || !strings.Contains(ps[0].Message, "…") {
		t.Errorf("problems:\n%s", list(ps))
	}
}
