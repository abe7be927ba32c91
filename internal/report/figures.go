// Package report is the quarterly report of a cell (báo cáo quý của chi bộ): its figures and
// their checks, the workflow from draft to approval, deadlines and locks, and the history of
// every value.
package report

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"ptdang/internal/format"
	"ptdang/internal/pg"
)

// Field is one figure of the report; Key is also its column in quarterly_report.
type Field struct {
	Key   string
	Label string
	Hint  string
	YesNo bool // 1 for yes, 0 for no: chosen, not typed, on the form
}

// Section groups the fields shown together on the form.
type Section struct {
	Title  string
	Fields []Field
}

// Sections is the form, in order. Keys are column names: the only identifiers interpolated
// into SQL come from here.
var Sections = []Section{
	{Title: "1. Biến động đảng viên trong quý", Fields: []Field{
		{Key: "opening", Label: "Đầu quý", Hint: "Bằng số cuối quý trước."},
		{Key: "admitted", Label: "Kết nạp mới"},
		{Key: "transferred_in", Label: "Chuyển đến"},
		{Key: "restored", Label: "Phục hồi đảng tịch"},
		{Key: "deceased", Label: "Từ trần"},
		{Key: "expelled", Label: "Khai trừ"},
		{Key: "removed", Label: "Xóa tên"},
		{Key: "removed_probationary", Label: "Trong đó: xóa tên đảng viên dự bị"},
		{Key: "withdrew", Label: "Xin ra khỏi Đảng"},
		{Key: "transferred_out", Label: "Chuyển đi"},
		{Key: "closing", Label: "Cuối quý", Hint: "= đầu quý + kết nạp + chuyển đến + phục hồi − từ trần − khai trừ − xóa tên − xin ra − chuyển đi"},
	}},
	{Title: "2. Đảng viên cuối quý", Fields: []Field{
		{Key: "full_members", Label: "Đảng viên chính thức"},
		{Key: "probationary", Label: "Đảng viên dự bị"},
		{Key: "women", Label: "Nữ"},
		{Key: "exempt", Label: "Được miễn sinh hoạt"},
		{Key: "working_away", Label: "Đi làm ăn xa"},
		{Key: "youth_union", Label: "Đoàn viên"},
		{Key: "religious", Label: "Có đạo"},
		{Key: "ethnic_minority", Label: "Dân tộc thiểu số"},
	}},
	{Title: "3. Tạo nguồn phát triển đảng", Fields: []Field{
		{Key: "outstanding", Label: "Quần chúng ưu tú được giới thiệu"},
		{Key: "sympathisers", Label: "Đối tượng cảm tình Đảng"},
		{Key: "course_completed", Label: "Học xong lớp nhận thức về Đảng"},
		{Key: "dossiers", Label: "Đang làm hồ sơ kết nạp"},
		{Key: "recognised", Label: "Đảng viên dự bị được công nhận chính thức"},
		{Key: "not_recognised", Label: "Đảng viên dự bị không được công nhận"},
	}},
	{Title: "4. Trong số đảng viên mới kết nạp", Fields: []Field{
		{Key: "adm_women", Label: "Nữ"},
		{Key: "adm_youth_union", Label: "Đoàn viên"},
		{Key: "adm_ethnic_minority", Label: "Dân tộc thiểu số"},
		{Key: "adm_religious", Label: "Người có đạo"},
		{Key: "adm_workers", Label: "Công nhân trong doanh nghiệp"},
		{Key: "adm_private_owners", Label: "Chủ doanh nghiệp tư nhân"},
		{Key: "adm_students", Label: "Học sinh, sinh viên"},
		{Key: "adm_readmitted", Label: "Kết nạp lại"},
	}},
	{Title: "5. Sinh hoạt chi bộ", Fields: []Field{
		{Key: "monthly_meetings", Label: "Số kỳ sinh hoạt thường kỳ (0–3)"},
		{Key: "thematic_meetings", Label: "Số kỳ sinh hoạt chuyên đề"},
		{Key: "congress_held", Label: "Đã tổ chức đại hội chi bộ trong quý", YesNo: true},
	}},
}

// Fields lists every field in form order.
var Fields = func() []Field {
	var fs []Field
	for _, s := range Sections {
		fs = append(fs, s.Fields...)
	}
	return fs
}()

var fieldByKey = func() map[string]Field {
	m := map[string]Field{}
	for _, f := range Fields {
		m[f.Key] = f
	}
	return m
}()

// Label is the Vietnamese label of field key.
func Label(key string) string { return fieldByKey[key].Label }

// FullLabel is Label, with its section's title where another section has a field of the same
// label ("Nữ" is both a member at the end of the quarter and one newly admitted); "" for a key
// that is no field.
func FullLabel(key string) string { return fullLabels[key] }

var fullLabels = func() map[string]string {
	count, labels := map[string]int{}, map[string]string{}
	for _, f := range Fields {
		count[f.Label]++
	}
	for _, sec := range Sections {
		for _, f := range sec.Fields {
			labels[f.Key] = f.Label
			if count[f.Label] > 1 {
				_, title, numbered := strings.Cut(sec.Title, ". ") // "4. Trong số …" → "Trong số …"
				if !numbered {
					title = sec.Title
				}
				labels[f.Key] = f.Label + " (" + title + ")"
			}
		}
	}
	return labels
}()

// columns is the SQL list of the figure columns, in Fields order.
var columns = func() string {
	keys := make([]string, len(Fields))
	for i, f := range Fields {
		keys[i] = f.Key
	}
	return strings.Join(keys, ", ")
}()

// Figures are a report's numbers by field key; a missing key reads as 0.
type Figures map[string]int

// Equal reports whether f and g hold the same value in every field; a missing key reads as 0.
func (f Figures) Equal(g Figures) bool {
	for _, fl := range Fields {
		if f[fl.Key] != g[fl.Key] {
			return false
		}
	}
	return true
}

// movement lists the balance's terms with their signs.
var movement = []struct {
	key  string
	sign int
}{{"admitted", 1}, {"transferred_in", 1}, {"restored", 1}, {"deceased", -1}, {"expelled", -1},
	{"removed", -1}, {"withdrew", -1}, {"transferred_out", -1}}

// ExpectedClosing is the closing count the balance equation gives.
func (f Figures) ExpectedClosing() int {
	n := f["opening"]
	for _, m := range movement {
		n += m.sign * f[m.key]
	}
	return n
}

// Whole is the field that field part is a breakdown of (part ≤ whole), "" for none.
func Whole(part string) string {
	for _, p := range partOf {
		if p.part == part {
			return p.whole
		}
	}
	return ""
}

// parts that may not exceed their whole: part ≤ whole.
var partOf = []struct{ part, whole, why string }{
	{"removed_probationary", "removed", "không thể lớn hơn số xóa tên"},
	{"probationary", "closing", "không thể lớn hơn số đảng viên cuối quý"},
	{"women", "closing", "không thể lớn hơn số đảng viên cuối quý"},
	{"exempt", "closing", "không thể lớn hơn số đảng viên cuối quý"},
	{"working_away", "closing", "không thể lớn hơn số đảng viên cuối quý"},
	{"youth_union", "closing", "không thể lớn hơn số đảng viên cuối quý"},
	{"religious", "closing", "không thể lớn hơn số đảng viên cuối quý"},
	{"ethnic_minority", "closing", "không thể lớn hơn số đảng viên cuối quý"},
	{"adm_women", "admitted", "không thể lớn hơn số kết nạp mới"},
	{"adm_youth_union", "admitted", "không thể lớn hơn số kết nạp mới"},
	{"adm_ethnic_minority", "admitted", "không thể lớn hơn số kết nạp mới"},
	{"adm_religious", "admitted", "không thể lớn hơn số kết nạp mới"},
	{"adm_workers", "admitted", "không thể lớn hơn số kết nạp mới"},
	{"adm_private_owners", "admitted", "không thể lớn hơn số kết nạp mới"},
	{"adm_students", "admitted", "không thể lớn hơn số kết nạp mới"},
	{"adm_readmitted", "admitted", "không thể lớn hơn số kết nạp mới"},
	{"course_completed", "sympathisers", "không thể lớn hơn số đối tượng cảm tình Đảng"},
}

// MaxFigure bounds every figure of a report: no cell has more than this many members, let alone
// admits or loses them in a quarter. It keeps absurd numbers (a billion members) from passing as merely
// "unusual", and every figure well within the integer columns that hold them.
const MaxFigure = 100_000

// Check applies the hard rules: whole numbers from 0 to MaxFigure, the balance equation,
// full + probationary = closing, and no breakdown above its total. It returns a Vietnamese
// message per offending field, naming the field; an empty map means the figures hold.
func (f Figures) Check() map[string]string {
	errs := f.rangeErrors()
	for _, fl := range Fields {
		if f[fl.Key] > MaxFigure {
			return errs // the sums below mean nothing, and could overflow, with figures out of range
		}
	}
	if f["monthly_meetings"] > 3 {
		errs["monthly_meetings"] = "Số kỳ sinh hoạt thường kỳ trong quý nhiều nhất là 3."
	}
	if f["congress_held"] > 1 {
		errs["congress_held"] = "Đại hội chi bộ: ghi 1 nếu đã tổ chức, 0 nếu chưa."
	}
	if want := f.ExpectedClosing(); f["closing"] != want {
		errs["closing"] = fmt.Sprintf("Cuối quý phải bằng %d (đầu quý %d, cộng tăng, trừ giảm trong quý), đang ghi %d.", want, f["opening"], f["closing"])
	}
	if f["full_members"]+f["probationary"] != f["closing"] {
		errs["full_members"] = fmt.Sprintf("Đảng viên chính thức (%d) cộng dự bị (%d) phải bằng số cuối quý (%d).", f["full_members"], f["probationary"], f["closing"])
	}
	for _, p := range partOf {
		if _, done := errs[p.part]; !done && f[p.part] > f[p.whole] {
			errs[p.part] = fmt.Sprintf("%s (%d) %s (%d).", Label(p.part), f[p.part], p.why, f[p.whole])
		}
	}
	return errs
}

// rangeErrors names each figure below 0 or above MaxFigure: what even a draft may not hold.
func (f Figures) rangeErrors() map[string]string {
	errs := map[string]string{}
	for _, fl := range Fields {
		switch n := f[fl.Key]; {
		case n < 0:
			errs[fl.Key] = fmt.Sprintf("%s: không được âm.", fl.Label)
		case n > MaxFigure:
			errs[fl.Key] = fmt.Sprintf("%s: %s là quá lớn; một chi bộ không có quá %s đảng viên.", fl.Label, format.Int(int64(n)), format.Int(MaxFigure))
		}
	}
	return errs
}

// unusualKeys are the movements worth a second look when far above the cell's usual.
var unusualKeys = []string{"admitted", "transferred_in", "restored", "deceased", "expelled", "removed", "withdrew", "transferred_out"}

// unusualFloor is the smallest movement worth a warning: a cell that admits one person every
// few quarters is not unusual for admitting two.
const unusualFloor = 5

// Unusual compares f with the cell's previous reports (up to four) and warns, per field, of a
// movement of at least unusualFloor people and more than three times its average there.
// Warnings ask for confirmation; they do not refuse.
func (f Figures) Unusual(previous []Figures) map[string]string {
	warns := map[string]string{}
	if len(previous) == 0 {
		return warns
	}
	for _, k := range unusualKeys {
		sum := 0
		for _, p := range previous {
			sum += p[k]
		}
		avg := float64(sum) / float64(len(previous))
		if avg > 0 && f[k] >= unusualFloor && float64(f[k]) > 3*avg {
			warns[k] = fmt.Sprintf("%s: %d, hơn ba lần mức trung bình %s của %d quý trước. Xin kiểm tra lại; nếu đúng, đánh dấu xác nhận.",
				Label(k), f[k], strings.Replace(strconv.FormatFloat(avg, 'f', 1, 64), ".", ",", 1), len(previous))
		}
	}
	return warns
}

// NoMovement fills f for a quarter in which nothing changed: every movement 0, the closing
// equal to the opening, the stock as at the end of last quarter.
func NoMovement(opening int, last Figures) Figures {
	f := Figures{"opening": opening, "closing": opening}
	for _, k := range []string{"full_members", "probationary", "women", "exempt", "working_away", "youth_union", "religious", "ethnic_minority"} {
		f[k] = last[k]
	}
	return f
}

// NoMovementOf is r's figures for a quarter in which nothing changed (see NoMovement): the
// stock as at the end of the cell's latest stored report. It returns only database errors.
func NoMovementOf(ctx context.Context, q pg.Querier, r Report) (Figures, error) {
	prev, err := Previous(ctx, q, r.CellID, r.Period)
	if err != nil {
		return nil, err
	}
	var last Figures
	if len(prev) > 0 {
		last = prev[0]
	}
	return NoMovement(r.Figures["opening"], last), nil
}

// ReadFigures reads figures as typed into the form, value giving each field's text: empty is 0,
// dots group thousands ("1.234"). A field holding anything but a whole number from 0 to
// MaxFigure is left out of the figures and gets a message, naming it, in errs.
func ReadFigures(value func(key string) string) (figs Figures, errs map[string]string) {
	figs, errs = Figures{}, map[string]string{}
	for _, fl := range Fields {
		raw := strings.ReplaceAll(strings.TrimSpace(value(fl.Key)), ".", "")
		if raw == "" {
			continue
		}
		n, err := strconv.Atoi(raw)
		switch {
		case err != nil && !errors.Is(err, strconv.ErrRange) || n < 0:
			errs[fl.Key] = fl.Label + ": nhập số nguyên từ 0 trở lên."
		case err != nil || n > MaxFigure:
			errs[fl.Key] = fl.Label + ": số quá lớn; một chi bộ không có quá " + format.Int(MaxFigure) + " đảng viên."
		default:
			figs[fl.Key] = n
		}
	}
	return figs, errs
}
