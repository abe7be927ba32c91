package web

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"ptdang/internal/format"
	"ptdang/internal/org"
	"ptdang/internal/target"
)

// TargetHref is the address of the target page at path for unit and year.
func TargetHref(path string, unit int64, year int) string {
	return path + "?unit=" + strconv.FormatInt(unit, 10) + "&year=" + strconv.Itoa(year)
}

// allocationBuilder builds the allocation page of p, showing what was typed (when not nil)
// in place of the recorded targets.
type allocationBuilder struct {
	p            target.Page
	typed        *target.Grid
	errs         map[string]string
	keepVersions bool // show the versions typed over, not the current ones
}

// NewTargetAllocationView builds the allocation page of p. typed, when not nil (a preview or a
// failed save), is what the user typed, shown with the versions it was typed over when
// keepVersions; errs are the field messages. manager: the user sets targets somewhere.
func NewTargetAllocationView(p target.Page, typed *target.Grid, errs map[string]string, keepVersions, manager bool, today time.Time) TargetAllocationView {
	b := allocationBuilder{p: p, typed: typed, errs: errs, keepVersions: keepVersions}
	unit, year := p.Unit.ID, p.Year
	v := TargetAllocationView{UnitID: strconv.FormatInt(unit, 10), Year: strconv.Itoa(year),
		Title:    fmt.Sprintf("Chỉ tiêu kết nạp năm %d: %s", year, p.Unit.Name),
		Subtitle: p.Unit.Kind.Label() + " · cơ cấu tại ngày " + format.Date(p.AsOf),
		PrevYear: Link{Label: strconv.Itoa(year - 1), Href: TargetHref("/targets", unit, year-1)},
		NextYear: Link{Label: strconv.Itoa(year + 1), Href: TargetHref("/targets", unit, year+1)},
		Reason:   Field{Name: "reason", Label: "Lý do điều chỉnh", Error: errs["reason"]}, ReasonRequired: p.Rights.Reason,
		CanSave: p.Rights.Total || (p.Rights.Children && len(p.Children) > 0),
		Rules:   targetRules(p, today), ShareHint: shareHint(p.Members),
		Actions: []Link{{Label: "Tải tệp Excel", Href: TargetHref("/targets/export.xlsx", unit, year)},
			{Label: "Tải tệp CSV", Href: TargetHref("/targets/export.csv", unit, year)}}}
	if p.ParentShown {
		v.Up = &Link{Label: "← Chỉ tiêu của " + p.Unit.ParentName, Href: TargetHref("/targets", p.Unit.ParentID, year)}
	}
	if manager {
		v.Notice = p.LockNotice()
		v.Actions = append(v.Actions, Link{Label: "Nhập từ tệp", Href: TargetHref("/targets/import", unit, year)})
	}
	if p.RulesEditable {
		v.RulesHref = TargetHref("/targets/settings", unit, year)
	}
	b.entries(&v)
	v.BasisOptions = []Option{{Value: string(target.ShareOfYear), Label: "đầu năm"}, {Value: string(target.ShareOfTerm), Label: "đầu nhiệm kỳ"}}
	if typed == nil {
		v.Mismatch = p.MismatchMessage()
	} else {
		v.Reason.Value = typed.Reason
		if typed.Basis.IsShare() {
			v.Basis = string(typed.Basis)
		}
	}
	return v
}

// entries fills in the unit's own entry, the children's, the running sum and the basis.
func (b allocationBuilder) entries(v *TargetAllocationView) {
	p := b.p
	var totalSet bool
	var total int
	v.Total, totalSet, total = b.entry("total", p.Unit, p.Total, p.Members, p.Rights.Total)
	if !p.Rights.Total {
		v.TotalValue = v.Total.Number
	}
	sum, allocated := 0, 0
	basis := target.ShareOfYear
	if p.Total.Basis.IsShare() {
		basis = p.Total.Basis
	}
	for _, c := range p.Children {
		e, set, n := b.entry(target.UnitField(c.Unit.ID), c.Unit, c.Target, c.Members, p.Rights.Children)
		v.Rows = append(v.Rows, e)
		if set {
			sum += n
			allocated++
		}
		if c.Target.Basis.IsShare() {
			basis = c.Target.Basis
		}
	}
	if !p.Unit.Kind.IsCell() {
		v.ChildrenTitle = fmt.Sprintf("Giao cho các đơn vị trực thuộc (%d)", len(p.Children))
	}
	v.Basis = string(basis)
	v.SumText, v.DiffText, v.NoteText, v.Warn = allocationSummary(totalSet, total, sum, allocated)
}

// entry is the view of unit's target cur, or of what was typed for it under key, with whether
// it holds a target and the number it stands for in the running sum.
func (b allocationBuilder) entry(key string, u org.PartyUnit, cur target.Target, members int, editable bool) (TargetEntryView, bool, int) {
	e := TargetEntryView{Key: key, Name: u.Name, Kind: u.Kind.Label(), Editable: editable,
		Href: TargetHref("/targets", u.ID, b.p.Year), DefaultBase: strconv.Itoa(members),
		Version: strconv.Itoa(cur.Version), Text: cur.Describe(), Error: b.errs[key]}
	set, n := cur.Set(), cur.Number
	if set {
		e.Number = format.Int(int64(cur.Number))
		if cur.Basis.IsShare() {
			e.Share, e.Base, e.ShareApplied = cur.Share.Input(), format.Int(int64(cur.Base)), true
		}
	}
	if b.typed != nil && editable {
		if typed, ok := b.typed.Entries[key]; ok {
			e.Number, e.Share, e.Base, e.ShareApplied = typed.Number, typed.Share, typed.Base, false
			if b.keepVersions {
				e.Version = typed.Version
			}
			var fromShare bool
			if set, n, fromShare = typed.Value(members); fromShare {
				e.Number, e.ShareApplied = format.Int(int64(n)), true
			}
		}
	}
	if !editable && e.Share != "" {
		e.Share += " %"
	}
	return e, set, n
}

// allocationSummary writes the sum, the difference from the total and what it means, in the
// words static/targets.js uses.
func allocationSummary(totalSet bool, total, sum, allocated int) (sumText, diffText, note string, warn bool) {
	diff := sum - total
	switch {
	case diff > 0:
		diffText = "+" + format.Int(int64(diff))
	case diff < 0:
		diffText = "-" + format.Int(int64(-diff))
	default:
		diffText = "0"
	}
	switch {
	case !totalSet:
		note = "Đơn vị chưa có chỉ tiêu"
	case diff == 0:
		note = "Khớp với chỉ tiêu"
	case diff < 0:
		note = "Còn thiếu " + format.Int(int64(-diff)) + " so với chỉ tiêu"
	default:
		note = "Vượt " + format.Int(int64(diff)) + " so với chỉ tiêu"
	}
	return format.Int(int64(sum)), diffText, note, allocated > 0 && (!totalSet || diff != 0)
}

// shareHint explains the rounding of a share with 3 % of the unit's own members.
func shareHint(members int) string {
	const rule = "Chỉ tiêu theo tỷ lệ là mức tối thiểu nên được làm tròn lên"
	if members <= 0 {
		return rule + "."
	}
	exact := members * 3 // hundredths of a person
	of := fmt.Sprintf("3 %% của %s đảng viên là %s", format.Int(int64(members)), format.Int(int64(exact/100)))
	if exact%100 == 0 {
		return rule + ": " + of + "."
	}
	return fmt.Sprintf("%s: %s,%02d, chỉ tiêu là %s.", rule, of, exact%100, format.Int(int64(target.FromShare(300, members))))
}

// DecimalText writes a number of points or percent without needless decimals: 5, 2,5.
func DecimalText(x float64) string {
	return strings.Replace(strconv.FormatFloat(x, 'f', -1, 64), ".", ",", 1)
}

// targetRules lists the province's rules for p's year and, in the current year, the pace the
// milestones expect by today.
func targetRules(p target.Page, today time.Time) []Fact {
	st := p.Settings
	lock := "Chưa đặt"
	if st.LockDate != nil {
		lock = format.Date(*st.LockDate)
	}
	strict := "Được lệch; hệ thống cảnh báo khi tổng giao xuống khác chỉ tiêu"
	if st.Strict {
		strict = "Tổng giao xuống phải bằng chỉ tiêu của đơn vị"
	}
	profile := make([]string, len(st.Profile))
	for i, m := range st.Profile {
		profile[i] = fmt.Sprintf("quý %s: %s %%", []string{"I", "II", "III", "IV"}[i], DecimalText(m))
	}
	th := st.Thresholds
	facts := []Fact{
		{Label: "Tỉnh", Value: st.ProvinceName},
		{Label: "Ngày khóa chỉ tiêu", Value: lock},
		{Label: "Giao chỉ tiêu xuống", Value: strict},
		{Label: "Tiến độ dự kiến (cộng dồn)", Value: strings.Join(profile, " · ")},
		{Label: "Đánh giá tiến độ", Value: fmt.Sprintf("vượt: từ %s điểm trên tiến độ; đúng: đến %s điểm dưới; chậm: đến %s điểm dưới; thấp hơn: chậm nhiều",
			DecimalText(th.Ahead), DecimalText(th.OnTrack), DecimalText(th.Behind))},
	}
	if today.Year() == p.Year {
		e := st.Profile.Expected(today)
		value := "cần đạt " + format.Percent(e) + " chỉ tiêu"
		if p.Total.Set() {
			value += fmt.Sprintf(" (%s người)", format.Int(int64(target.ExpectedPeople(e, p.Total.Number))))
		}
		facts = append(facts, Fact{Label: "Theo tiến độ, đến ngày " + format.Date(today), Value: value})
	}
	return facts
}

var (
	thresholdFields = []struct{ name, label string }{
		{"ahead", "Vượt tiến độ khi cao hơn tiến độ dự kiến từ"},
		{"on_track", "Đúng tiến độ khi thấp hơn tiến độ dự kiến không quá"},
		{"behind", "Chậm tiến độ khi thấp hơn không quá (thấp hơn nữa: chậm nhiều)"},
	}
	// MilestoneFields name the milestones typed on the rules form: the fourth is always 100 %.
	MilestoneFields = []string{"q1", "q2", "q3"}
	milestoneLabels = []string{"Hết quý I", "Hết quý II", "Hết quý III"}
)

// NewTargetSettingsView is the rules form of unit's province for st's year, showing what was
// typed (typed not nil: a failed save) in place of st, and errs.
func NewTargetSettingsView(unit int64, st target.Settings, typed func(name string) string, errs map[string]string) TargetSettingsView {
	v := TargetSettingsView{UnitID: strconv.FormatInt(unit, 10), Year: strconv.Itoa(st.Year),
		Title:  fmt.Sprintf("Quy định về chỉ tiêu của %s", st.ProvinceName),
		Back:   Link{Label: "← Chỉ tiêu năm " + strconv.Itoa(st.Year), Href: TargetHref("/targets", unit, st.Year)},
		Strict: st.Strict, ThresholdsError: errs["thresholds"], ProfileError: errs["profile"]}
	values := map[string]string{"ahead": DecimalText(st.Thresholds.Ahead), "on_track": DecimalText(st.Thresholds.OnTrack),
		"behind": DecimalText(st.Thresholds.Behind), "lock_date": "",
		"version": strconv.Itoa(st.Version), "year_version": strconv.Itoa(st.YearVersion)}
	if st.LockDate != nil {
		values["lock_date"] = format.ISODate(*st.LockDate)
	}
	for i, name := range MilestoneFields {
		values[name] = DecimalText(st.Profile[i])
	}
	if typed != nil {
		v.Strict = typed("strict") != ""
		for k := range values {
			values[k] = typed(k)
		}
	}
	field := func(name, label string) Field {
		return Field{Name: name, Label: label, Value: values[name], Error: errs[name]}
	}
	v.Hidden = []Field{field("version", ""), field("year_version", "")}
	for _, t := range thresholdFields {
		v.Thresholds = append(v.Thresholds, field(t.name, t.label))
	}
	for i, name := range MilestoneFields {
		v.Milestones = append(v.Milestones, field(name, milestoneLabels[i]))
	}
	v.LockDate = field("lock_date", "Ngày khóa chỉ tiêu năm "+strconv.Itoa(st.Year))
	v.LockDate.Hint = "Từ ngày này, chỉ tiêu của năm chỉ Ban Tổ chức Tỉnh ủy được điều chỉnh và phải ghi lý do. Để trống: không khóa."
	return v
}
