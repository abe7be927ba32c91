package web

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"ptdang/internal/format"
	"ptdang/internal/register"
)

// RegisterListView is the model of the register (sổ theo dõi): the tasks on top, then the files.
type RegisterListView struct {
	Tasks                []RegisterTask
	TaskTotal, Overdue   int
	TaskPager, FilePager Pager
	Files                []RegisterRow
	FileTotal            int
	Name                 string // the files are those whose name holds it; "" for all
	CanImport            bool   // the reader may import files (the commune's and the province's staff)
	// CanSetRetention: the reader sets how long removed persons' files are kept (the province's staff)
	CanSetRetention bool
}

// RegisterTask is one line of the Việc cần làm list.
type RegisterTask struct {
	Href, Name, Cell, What, Due, Left string
	Overdue                           bool
}

// RegisterRow is one file in the list.
type RegisterRow struct {
	Href, Name, Cell, Stage string
	Closed                  bool
}

// RegisterFileHref is the address of a file: its number, never a name.
func RegisterFileHref(id int64) string { return "/register/" + strconv.FormatInt(id, 10) }

// RegisterPageSize is how many tasks, and how many files, a page of the register shows.
const RegisterPageSize = 50

// Pager links the pages of a long list: "Trang 2/7" with the pages before and after.
type Pager struct {
	Text               string // "" when the list fits on one page
	PrevHref, NextHref string // "" on the first and the last page
}

// NewPager pages total rows, size a page, on page (from 1); href gives a page's address.
func NewPager(page, size, total int, href func(page int) string) Pager {
	pages := (total + size - 1) / size
	if pages <= 1 {
		return Pager{}
	}
	p := Pager{Text: fmt.Sprintf("Trang %s/%s", format.Int(int64(page)), format.Int(int64(pages)))}
	if page > 1 {
		p.PrevHref = href(page - 1)
	}
	if page < pages {
		p.NextHref = href(page + 1)
	}
	return p
}

// NewRegisterListView builds the list from a page of the files and one of the tasks, on pages
// taskPage and filePage (from 1).
func NewRegisterListView(files register.Files, todo register.Tasks, taskPage, filePage int, name string) RegisterListView {
	v := RegisterListView{TaskTotal: todo.Total, Overdue: todo.Overdue, FileTotal: files.Total, Name: name}
	href := func(tasks, files int) string {
		h := fmt.Sprintf("/register?viec=%d&trang=%d", tasks, files)
		if name != "" {
			h += "&ten=" + url.QueryEscape(name)
		}
		return h
	}
	v.TaskPager = NewPager(taskPage, RegisterPageSize, todo.Total, func(p int) string { return href(p, filePage) + "#todo" })
	v.FilePager = NewPager(filePage, RegisterPageSize, files.Total, func(p int) string { return href(taskPage, p) + "#files" })
	for _, t := range todo.Tasks {
		left := fmt.Sprintf("còn %d ngày làm việc", t.DaysLeft)
		switch {
		case t.Overdue:
			left = fmt.Sprintf("quá hạn %d ngày làm việc", -t.DaysLeft)
		case t.DaysLeft == 0:
			left = "hạn cuối hôm nay"
		}
		v.Tasks = append(v.Tasks, RegisterTask{Href: RegisterFileHref(t.File.ID), Name: t.File.Name, Cell: t.File.CellName,
			What: t.Clock.Kind.Label(), Due: format.Date(t.Clock.Due), Left: left, Overdue: t.Overdue})
	}
	for _, r := range files.Rows {
		stage := "Mới lập hồ sơ"
		if r.Stage != "" {
			stage = r.Stage.Label() + " (" + format.Date(r.StageOn) + ")"
		}
		v.Files = append(v.Files, RegisterRow{Href: RegisterFileHref(r.ID), Name: r.Name, Cell: r.CellName, Stage: stage, Closed: r.Closed})
	}
	return v
}

// RegisterPersonFields are the fields of the form that adds a person, choosing among cells and
// hamlets.
func RegisterPersonFields(cells, hamlets []register.Place) []FormField {
	codes := func(os []register.Option) []Option {
		out := make([]Option, len(os))
		for i, o := range os {
			out[i] = Option{Value: o.Code, Label: o.Label}
		}
		return out
	}
	yesNo := []Option{{"0", "Không"}, {"1", "Có"}}
	return []FormField{
		field("select", "cell", "Chi bộ", "", placeOptions(cells)...),
		field("text", "name", "Họ và tên", ""),
		field("date", "birth_date", "Ngày sinh", ""),
		field("select", "sex", "Giới tính", "", codes(register.Sexes)...),
		field("select", "ethnicity", "Dân tộc", "", names(register.Ethnicities)...),
		field("select", "religion", "Tôn giáo", "", names(append([]string{register.NoReligion}, register.Religions...))...),
		field("select", "occupation", "Nghề nghiệp", "", codes(register.Occupations)...),
		field("select", "education", "Trình độ học vấn", "", codes(register.Educations)...),
		field("select", "youth_union", "Đoàn viên thanh niên", "", yesNo...),
		field("select", "hamlet", "Ấp, khu phố nơi cư trú", "Hoặc ghi nơi làm việc ở ô dưới.", placeOptions(hamlets)...),
		field("text", "workplace", "Nơi làm việc", ""),
		field("text", "national_id", "Số định danh cá nhân (không bắt buộc)", "12 chữ số; được mã hóa khi lưu."),
		field("select", "readmission", "Kết nạp lại", "", yesNo...),
	}
}

// RegisterFileView is the model of a person's file: the person, the steps, the deadlines and
// the form of the next step.
type RegisterFileView struct {
	Name      string
	EditHref  string
	PrintHref string // the file summarised for A4
	// ReadmissionHref, SponsorCeasedHref: the forms of a readmission's facts and of a sponsor who
	// ceased to qualify, "" when they do not apply
	ReadmissionHref, SponsorCeasedHref string
	Facts                              []Fact
	Steps                              []RegisterStepRow
	Clocks                             []RegisterClock
	FullFrom                           string
	Closed                             bool
	Waiting                            string // the next step is the committee's, and the reader is the cell
	Form                               RegisterStepForm
	Recorded                           bool // a step was just recorded
}

// RegisterStepRow is a recorded step.
type RegisterStepRow struct {
	Label, On, Document, Detail, By string
}

// RegisterClock is a deadline with its state.
type RegisterClock struct {
	Label, Due, State string
	Late              bool
}

// RegisterStepForm is the form of one step: only the fields that step needs.
type RegisterStepForm struct {
	Action  string
	Kind    string
	Label   string
	Version string
	Fields  []FormField
	Error   string
	Others  []Link // the other steps that may be recorded
}

// NewRegisterFileView builds a file's page; kind is the step its form records ("" for the
// next one), vals and errs what was typed and refused, cells where the file may be transferred.
func NewRegisterFileView(f register.File, kind register.Kind, today time.Time, vals, errs map[string]string, cells []register.Place) RegisterFileView {
	yes := func(b bool) string {
		if b {
			return "Có"
		}
		return "Không"
	}
	v := RegisterFileView{Name: f.Name, EditHref: RegisterFileHref(f.ID) + "/edit", PrintHref: RegisterFileHref(f.ID) + "/print", Closed: f.Closed()}
	place := f.HamletName
	if f.Workplace != "" {
		place = joinNonEmpty(place, f.Workplace)
	}
	v.Facts = []Fact{{Label: "Chi bộ", Value: f.CellName}, {Label: "Ngày sinh", Value: format.Date(f.BirthDate)},
		{Label: "Giới tính", Value: register.LabelOf(register.Sexes, f.Sex)}, {Label: "Dân tộc", Value: f.Ethnicity},
		{Label: "Tôn giáo", Value: orNone(f.Religion)}, {Label: "Nghề nghiệp", Value: register.LabelOf(register.Occupations, f.Occupation)},
		{Label: "Học vấn", Value: register.LabelOf(register.Educations, f.Education)}, {Label: "Đoàn viên", Value: yes(f.YouthUnion)},
		{Label: "Nơi cư trú, làm việc", Value: place}, {Label: "Số định danh", Value: orNone(f.NationalID)}}
	if f.Readmission {
		v.Facts = append(v.Facts, Fact{Label: "Kết nạp lại", Value: "Có"})
	}
	for _, s := range f.Steps {
		v.Steps = append(v.Steps, RegisterStepRow{Label: s.Kind.Label(), On: format.Date(s.On), Document: s.Document, Detail: stepDetail(s), By: s.By})
	}
	for _, c := range f.Clocks {
		rc := RegisterClock{Label: c.Kind.Label(), Due: format.Date(c.Due), Late: c.Late(today)}
		switch {
		case c.Kind == register.ProbationClock:
			rc.State, rc.Late = "", false
		case !c.Open() && rc.Late:
			rc.State = "Trễ hạn (" + format.Date(c.Met) + ")"
		case !c.Open():
			rc.State = "Đúng hạn (" + format.Date(c.Met) + ")"
		case rc.Late:
			rc.State = "Quá hạn"
		default:
			rc.State = "Đang chờ"
		}
		v.Clocks = append(v.Clocks, rc)
	}
	if !f.FullFrom.IsZero() {
		v.FullFrom = format.Date(f.FullFrom)
	}
	if v.Closed {
		return v
	}
	if f.Readmission {
		v.ReadmissionHref = RegisterFileHref(f.ID) + "/readmission"
	}
	if len(f.StillSponsoring()) > 0 { // a sponsor who may yet cease to qualify
		v.SponsorCeasedHref = RegisterFileHref(f.ID) + "/sponsor-ceased"
	}
	if kind == "" {
		kind = f.Next()
	}
	for _, k := range register.Kinds {
		if k != kind && (f.Committee || !k.ByCommittee()) {
			v.Form.Others = append(v.Form.Others, Link{Label: k.Label(), Href: RegisterFileHref(f.ID) + "?step=" + string(k)})
		}
	}
	if kind == "" || (kind.ByCommittee() && !f.Committee) {
		if kind != "" {
			v.Waiting = "Bước tiếp theo: " + kind.Label() + ". Bước này do Đảng ủy cấp trên của chi bộ ghi."
		}
		return v
	}
	v.Form = RegisterStepForm{Others: v.Form.Others, Action: RegisterFileHref(f.ID) + "/step", Kind: string(kind), Label: kind.Label(), Version: strconv.Itoa(f.Version)}
	fields := []FormField{field("date", "on", "Ngày", "")}
	if kind.NeedsDocument() {
		fields = append(fields, field("text", "document", "Số văn bản", "Ví dụ: 05-NQ/CB"))
	} else {
		fields = append(fields, field("text", "document", "Số văn bản (nếu có)", ""))
	}
	for _, n := range kind.Needs() {
		fl := stepFields[n]
		switch {
		case n == register.FieldToCell:
			fl.Options = placeOptions(cells)
		case n == register.FieldHelper && kind == register.Sponsors:
			fields = append(fields, sponsorFields()...)
			continue
		}
		fields = append(fields, fl)
	}
	if vals == nil {
		vals = map[string]string{"on": format.ISODate(today), register.SponsorField(0, "kind"): "member", register.SponsorField(1, "kind"): "member"}
	}
	v.Form.Fields = Fill(fields, vals, errs)
	return v
}

// stepFields are the form fields of a step's details, by name.
var stepFields = map[string]FormField{
	register.FieldHelper:      field("text", register.FieldHelper, "Đảng viên được phân công giúp đỡ", ""),
	register.FieldIssuer:      field("text", register.FieldIssuer, "Nơi cấp giấy chứng nhận", ""),
	register.FieldVotesFor:    field("number", register.FieldVotesFor, "Số đảng viên chính thức tán thành", ""),
	register.FieldFullMembers: field("number", register.FieldFullMembers, "Tổng số đảng viên chính thức của chi bộ", ""),
	register.FieldConsent:     field("text", register.FieldConsent, "Văn bản đồng ý của Ban Thường vụ Tỉnh ủy", "Chỉ khi người vào Đảng trên 60 tuổi."),
	register.FieldExtended:    field("select", register.FieldExtended, "Trong thời gian gia hạn", "", Option{"0", "Không"}, Option{"1", "Có"}),
	register.FieldToCell:      field("select", register.FieldToCell, "Chi bộ nhận hồ sơ", ""),
}

// sponsorFields are the two sponsors' inputs of a sponsors step.
func sponsorFields() []FormField {
	var fs []FormField
	for i := range 2 {
		who := fmt.Sprintf("Người giới thiệu %d", i+1)
		fs = append(fs, field("text", register.SponsorField(i, "name"), who+": họ và tên", ""),
			field("select", register.SponsorField(i, "kind"), who+" là", "",
				Option{"member", "Đảng viên chính thức"}, Option{"youth_union", "Ban Chấp hành Đoàn"}),
			field("date", register.SponsorField(i, "member_since"), who+": đảng viên chính thức từ ngày", "Bỏ trống nếu là Ban Chấp hành Đoàn."),
			field("date", register.SponsorField(i, "known_since"), who+": cùng công tác, học tập hoặc cư trú từ ngày", "Bỏ trống nếu là Ban Chấp hành Đoàn."))
	}
	return fs
}

// sponsorsDetail is a sponsors step's sponsors in one line, with their dates.
func sponsorsDetail(list []register.Sponsor) string {
	var parts []string
	for _, p := range list {
		d := p.Name
		if !p.YouthUnion {
			d += fmt.Sprintf(" (đảng viên chính thức từ %s, cùng công tác, học tập, cư trú từ %s)", format.Date(p.MemberSince), format.Date(p.KnownSince))
		}
		if !p.CeasedOn.IsZero() {
			d += " — không còn đủ điều kiện từ " + format.Date(p.CeasedOn)
		}
		parts = append(parts, d)
	}
	return strings.Join(parts, "; ")
}

// stepDetail is a step's details in one line.
func stepDetail(s register.Step) string {
	switch {
	case len(s.Sponsors) > 0:
		return sponsorsDetail(s.Sponsors)
	case s.FullMembers > 0:
		d := fmt.Sprintf("%d/%d đảng viên chính thức tán thành", s.VotesFor, s.FullMembers)
		if s.Consent != "" {
			d += "; " + s.Consent
		}
		return d
	case s.Helper != "":
		return s.Helper
	case s.Issuer != "":
		return "Cấp tại " + s.Issuer
	case s.Extended:
		return "Trong thời gian gia hạn"
	}
	return ""
}

// names are a select's options whose values are their labels.
func names(ns []string) []Option {
	out := make([]Option, len(ns))
	for i, n := range ns {
		out[i] = Option{Value: n, Label: n}
	}
	return out
}

// placeOptions are cells or hamlets as a select's options.
func placeOptions(ps []register.Place) []Option {
	os := make([]Option, len(ps))
	for i, p := range ps {
		os[i] = Option{Value: strconv.FormatInt(p.ID, 10), Label: p.Name}
	}
	return os
}

func orNone(s string) string {
	if s == "" {
		return "Không"
	}
	return s
}

func joinNonEmpty(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}
