package web

import (
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"

	"ptdang/internal/format"
	"ptdang/internal/org"
)

// UnitRow is one unit in a list or a tree.
type UnitRow struct {
	Href     string
	Code     string
	Name     string
	Kind     string // the kind's or level's label
	Extra    string // e.g. "12 đảng viên · có chi ủy"
	Children int
	// ChildrenHref loads the children as a fragment (htmx); "" when there are none.
	ChildrenHref string
}

// Hit is one search result.
type Hit struct {
	Href, Code, Name, Kind, Parent string
}

// OrgBrowseView is the model of the structure browser: search and both trees' tops.
type OrgBrowseView struct {
	AsOf     string // yyyy-mm-dd, for the date input
	AsOfText string // dd/mm/yyyy
	Query    string
	Searched bool
	Hits     []Hit
	// PrevHref and NextHref page the hits; "" on the first and the last page.
	PrevHref, NextHref string
	Party              []UnitRow
	Admin              []UnitRow
	Actions            []Link
}

// Link is a labelled href.
type Link struct {
	Label, Href string
}

// Fact is one labelled value of a unit; Href makes the value a link.
type Fact struct {
	Label, Value, Href string
}

// HamletLinkRow is one period during which a cell served a hamlet.
type HamletLinkRow struct {
	HamletName, HamletHref string
	CellName, CellHref     string
	Mode                   string
	From, To               string
}

// VersionRow is one dated version of a unit.
type VersionRow struct {
	From, To string
	Name     string
	Detail   string // kind and parent at the time
	Event    string
}

// SuccessionRow is one reorganisation edge touching a unit.
type SuccessionRow struct {
	Date, Event, Note  string
	FromName, FromHref string
	ToName, ToHref     string
	Share              string
}

// UnitDetailView is the model of a unit's page, for either tree.
type UnitDetailView struct {
	Title, Subtitle string
	AsOf, AsOfText  string
	Notice          string // e.g. the unit was not valid on the as-of date
	Facts           []Fact
	ChildrenTitle   string
	Children        []UnitRow
	LinksTitle      string
	Links           []HamletLinkRow
	Versions        []VersionRow
	Successions     []SuccessionRow
	Actions         []Link
}

// FormField is one field of a FormView; Kind is text, date, number, select, textarea or unit
// (a Party unit code, with UnitPicker).
type FormField struct {
	Field
	Kind    string
	Options []Option
}

// FormView is the model of the structure forms (create, edit, close, rename, move, link,
// merge, split), which share one layout.
type FormView struct {
	Title    string
	Intro    string
	Action   string
	Hidden   []Field // the record's version and the like
	Fields   []FormField
	Submit   string
	Cancel   string
	Error    string // summary at the top
	Warnings []string
	After    templ.Component // shown below the form, e.g. the Web Push box of the notification settings
}

// InputDate is a date as a date input holds it; "" for none.
func InputDate(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return format.ISODate(*t)
}

// InputInt is a whole number as a number input holds it; "" for none.
func InputInt(n *int) string {
	if n == nil {
		return ""
	}
	return strconv.Itoa(*n)
}

// InputPercent is a share 0..1 as a percentage input holds it ("62,5"); "" for none.
func InputPercent(p *float64) string {
	if p == nil {
		return ""
	}
	return strings.TrimSuffix(format.Percent(*p*100), " %")
}

// SpanText shows a validity period, its half-open end as the last valid day.
func SpanText(from time.Time, to *time.Time) string {
	if to == nil {
		return "Từ " + format.Date(from) + " đến nay"
	}
	return "Từ " + format.Date(from) + " đến hết " + format.Date(to.AddDate(0, 0, -1))
}

// EndText shows a half-open end as the last valid day.
func EndText(to *time.Time) string {
	if to == nil {
		return "nay"
	}
	return format.Date(to.AddDate(0, 0, -1))
}

// LifeNotice warns that a unit living from from to to was not alive on asOf; "" when it was.
func LifeNotice(from time.Time, to *time.Time, asOf time.Time) string {
	switch {
	case asOf.Before(from):
		return "Vào ngày " + format.Date(asOf) + " đơn vị này chưa thành lập (thành lập " + format.Date(from) + "); thông tin dưới đây là khi thành lập."
	case to != nil && !asOf.Before(*to):
		return "Đơn vị này đã hết hiệu lực từ ngày " + format.Date(*to) + "; thông tin dưới đây là trước thời điểm đó."
	}
	return ""
}

// EventText names the event that opened a version, with its decision; "" for none.
func EventText(label, note string) string {
	if label == "" || note == "" {
		return label
	}
	return label + " (" + note + ")"
}

// The structure forms' fields, with the choices the domain offers; Fill puts in the values and
// the errors.

// options lists the choices of a select from values and their labels.
func options[T ~string](values []T, label func(T) string) []Option {
	opts := make([]Option, len(values))
	for i, v := range values {
		opts[i] = Option{Value: string(v), Label: label(v)}
	}
	return opts
}

func field(kind, name, label, hint string, options ...Option) FormField {
	return FormField{Kind: kind, Options: options, Field: Field{Name: name, Label: label, Hint: hint}}
}

// Fill puts each field's value from vals and its error from errs into fields.
func Fill(fields []FormField, vals, errs map[string]string) []FormField {
	for i := range fields {
		fields[i].Value, fields[i].Error = vals[fields[i].Name], errs[fields[i].Name]
	}
	return fields
}

// PartyUnitFields are the fields of a Party unit's create (creating) or edit form.
func PartyUnitFields(creating bool) []FormField {
	kinds, orgTypes := options(org.Kinds, org.Kind.Label), options(org.OrgTypes, org.OrgType.Label)
	var fs []FormField
	if creating {
		fs = append(fs, field("text", "code", "Mã đơn vị", "Chữ không dấu, số, dấu chấm hoặc gạch ngang; không đổi về sau. Ví dụ: TU.X05.A03"))
	}
	fs = append(fs, field("text", "name", "Tên tổ chức", "Ví dụ: Chi bộ ấp Bàu Cạn"),
		field("select", "kind", "Cấp, loại tổ chức", "", kinds...), field("select", "org_type", "Loại hình", "", orgTypes...))
	if creating {
		fs = append(fs, field("text", "parent_code", "Mã tổ chức cấp trên", ""), field("date", "from", "Ngày thành lập", ""))
	}
	return append(fs, field("number", "full_members", "Số đảng viên chính thức hiện nay", ""),
		field("date", "committee_since", "Có chi ủy từ ngày", "Để trống nếu chi bộ chưa bầu chi ủy (cần từ 9 đảng viên chính thức)."),
		field("number", "term_months", "Nhiệm kỳ đại hội (tháng)", "30 hoặc 60 tháng."),
		field("text", "territory_code", "Mã đơn vị hành chính lãnh đạo", "Chỉ với đảng bộ tỉnh, xã, phường: mã của tỉnh, xã, phường đó."))
}

// AdminUnitFields are the fields of an administrative unit's create (creating) or edit form.
func AdminUnitFields(creating bool) []FormField {
	levels := options(org.Levels, org.Level.Label)
	var fs []FormField
	if creating {
		fs = append(fs, field("text", "code", "Mã đơn vị", "Chữ không dấu, số, dấu chấm hoặc gạch ngang; không đổi về sau."))
	}
	fs = append(fs, field("text", "name", "Tên", "Ví dụ: Ấp Bàu Cạn"))
	if creating {
		fs = append(fs, field("select", "level", "Cấp hành chính", "", levels...))
	}
	fs = append(fs, field("text", "local_word", "Gọi là", "Ví dụ: thôn, ấp, bản, tổ dân phố, khu phố, xã, phường"))
	if creating {
		fs = append(fs, field("text", "parent_code", "Mã đơn vị cấp trên", ""), field("date", "from", "Ngày bắt đầu hiệu lực", ""))
	}
	return append(fs, field("number", "population", "Số dân", "Không bắt buộc."), field("number", "households", "Số hộ", "Không bắt buộc."),
		field("text", "religious_share", "Tỷ lệ đồng bào có đạo (%)", "Không bắt buộc. Ví dụ: 62,5"),
		field("text", "ethnic_minority_share", "Tỷ lệ đồng bào dân tộc thiểu số (%)", "Không bắt buộc."))
}

func effectiveAndNote() []FormField {
	return []FormField{field("date", "effective", "Ngày có hiệu lực", ""),
		field("text", "note", "Căn cứ (số quyết định, nghị quyết)", "Ví dụ: Quyết định số 1234-QĐ/TU ngày 20/6/2025")}
}

// MergeForm is the form that merges units of tree into a new one, filled with vals and errs.
func MergeForm(tree org.Tree, vals, errs map[string]string, msg string) FormView {
	party := tree == org.PartyTree
	kinds, orgTypes, levels := options(org.Kinds, org.Kind.Label), options(org.OrgTypes, org.OrgType.Label), options(org.Levels, org.Level.Label)
	fs := append([]FormField{field("textarea", "predecessors", "Mã các đơn vị được sáp nhập",
		"Mỗi mã một dòng. Các đơn vị này hết hiệu lực từ ngày sáp nhập; đơn vị trực thuộc của chúng chuyển sang đơn vị mới.")},
		effectiveAndNote()...)
	fs = append(fs, field("text", "code", "Mã đơn vị mới", ""), field("text", "name", "Tên đơn vị mới", ""))
	title := "Sáp nhập đơn vị hành chính"
	if party {
		title = "Sáp nhập tổ chức đảng"
		fs = append(fs, field("select", "kind", "Cấp, loại tổ chức của đơn vị mới", "", kinds...), field("select", "org_type", "Loại hình", "", orgTypes...))
	} else {
		fs = append(fs, field("select", "level", "Cấp hành chính của đơn vị mới", "", levels...),
			field("text", "local_word", "Gọi là", "Ví dụ: xã, phường, ấp, khu phố"))
	}
	fs = append(fs, field("text", "parent_code", "Mã đơn vị cấp trên của đơn vị mới", ""))
	return FormView{Title: title, Submit: "Sáp nhập", Cancel: "/org", Fields: Fill(fs, vals, errs), Error: msg,
		Intro: "Số liệu của các đơn vị cũ được quy về đơn vị mới khi so sánh qua các năm."}
}

// CloseForm closes a unit.
func CloseForm() FormView {
	return FormView{Title: "Giải thể", Submit: "Giải thể",
		Intro:  "Đơn vị không còn hiệu lực từ ngày được chọn; lịch sử và số liệu cũ của đơn vị vẫn được giữ.",
		Fields: []FormField{field("date", "on", "Không còn hiệu lực từ ngày", "")}}
}

// RenameForm renames a unit; an administrative unit (admin) may change what it is called too.
func RenameForm(admin bool) FormView {
	fs := []FormField{field("text", "name", "Tên mới", "")}
	if admin {
		fs = append(fs, field("text", "local_word", "Gọi là (nếu đổi)", "Ví dụ xã thành thị trấn, ấp thành khu phố; để trống nếu không đổi."))
	}
	return FormView{Title: "Đổi tên", Submit: "Đổi tên", Fields: append(fs, effectiveAndNote()...),
		Intro: "Đơn vị vẫn là đơn vị cũ, chỉ mang tên mới từ ngày có hiệu lực; tên cũ được giữ trong lịch sử."}
}

// MoveForm puts a unit under a new parent.
func MoveForm() FormView {
	return FormView{Title: "Chuyển trực thuộc", Submit: "Chuyển",
		Intro:  "Đơn vị cùng các đơn vị trực thuộc nó chuyển sang cấp trên mới từ ngày có hiệu lực.",
		Fields: append([]FormField{field("text", "parent_code", "Mã đơn vị cấp trên mới", "")}, effectiveAndNote()...)}
}

// LinkForm changes the cell that serves a hamlet.
func LinkForm() FormView {
	modes := []Option{{Value: string(org.OwnCell), Label: org.OwnCell.Label()},
		{Value: string(org.CombinedCell), Label: org.CombinedCell.Label() + " với chi bộ thôn khác"},
		{Value: "none", Label: "Chưa có đảng viên (trắng đảng viên)"}}
	return FormView{Title: "Đổi chi bộ phụ trách", Submit: "Lưu",
		Intro: "Từ ngày được chọn, thôn, tổ dân phố này do chi bộ dưới đây phụ trách. Chi bộ trước đó vẫn được ghi trong lịch sử.",
		Fields: []FormField{field("select", "mode", "Hình thức", "", modes...),
			field("text", "cell_code", "Mã chi bộ", "Để trống nếu thôn chưa có đảng viên."),
			field("select", "secretary_is_head", "Bí thư chi bộ kiêm trưởng thôn, tổ trưởng", "",
				Option{Value: "", Label: "Không"}, Option{Value: "1", Label: "Có"}),
			field("date", "from", "Từ ngày", "")}}
}

// SplitForm splits a unit into up to parts new ones.
func SplitForm(parts int) FormView {
	fs := effectiveAndNote()
	for i := 1; i <= parts; i++ {
		n := strconv.Itoa(i)
		fs = append(fs, field("text", "code_"+n, "Đơn vị mới "+n+": mã", ""), field("text", "name_"+n, "Đơn vị mới "+n+": tên", ""),
			field("text", "share_"+n, "Đơn vị mới "+n+": tỷ lệ số liệu (%)", ""))
	}
	return FormView{Title: "Chia tách", Submit: "Chia tách", Fields: fs,
		Intro: "Đơn vị hết hiệu lực từ ngày chia tách; các đơn vị mới cùng cấp, cùng cấp trên, mỗi đơn vị nhận một phần số liệu cũ theo tỷ lệ (tổng 100 %). Điền ít nhất hai đơn vị mới. Nếu đơn vị còn đơn vị trực thuộc, chuyển chúng trước."}
}

// HamletFacts shows the figures kept about a unit, those it has.
func HamletFacts(population, households *int, religious, ethnicMinority *float64) []Fact {
	var facts []Fact
	if population != nil {
		facts = append(facts, Fact{Label: "Số dân", Value: format.Int(int64(*population))})
	}
	if households != nil {
		facts = append(facts, Fact{Label: "Số hộ", Value: format.Int(int64(*households))})
	}
	if religious != nil {
		facts = append(facts, Fact{Label: "Tỷ lệ đồng bào có đạo", Value: format.Percent(*religious * 100)})
	}
	if ethnicMinority != nil {
		facts = append(facts, Fact{Label: "Tỷ lệ đồng bào dân tộc thiểu số", Value: format.Percent(*ethnicMinority * 100)})
	}
	return facts
}
