package web

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"ptdang/internal/apperr"
	"ptdang/internal/format"
	"ptdang/internal/report"
)

// ReportHref is the address of a cell's report for a quarter.
func ReportHref(cell int64, p report.Period) string {
	return fmt.Sprintf("/reports/%d/%d/%d", cell, p.Year, p.Quarter)
}

// ReportStatusHref is the address of the reporting status of unit (0: the user's own) for p.
func ReportStatusHref(unit int64, p report.Period) string {
	if unit == 0 {
		return fmt.Sprintf("/reports/status?year=%d&quarter=%d", p.Year, p.Quarter)
	}
	return fmt.Sprintf("/reports/status?unit=%d&year=%d&quarter=%d", unit, p.Year, p.Quarter)
}

// reportDone says what the step named by a report page's ?done= did.
var reportDone = map[string]string{
	"save":           "Đã lưu nháp. Đồng chí có thể nhập tiếp sau.",
	"submit":         "Đã gửi báo cáo lên Đảng ủy xã.",
	"return":         "Đã trả lại báo cáo cho chi bộ.",
	"approve":        "Đã duyệt báo cáo.",
	"accept":         "Tỉnh đã tiếp nhận báo cáo.",
	"reopen":         "Đã mở lại báo cáo để chi bộ sửa.",
	"request-reopen": "Đã gửi đề nghị mở lại.",
	"register-keep":  "Đã ghi cách lập báo cáo của chi bộ.",
}

// NewReportView is the report page's model of rep for a user who may do what may says on today.
// own: the user is the cell's own secretary; done: the step just taken (?done=); since: what
// changed since the report was returned.
func NewReportView(rep report.Report, may report.Permits, own bool, today time.Time, done string, since []report.Change) ReportView {
	v := ReportView{
		Action: ReportHref(rep.CellID, rep.Period), CellName: rep.CellName, Period: rep.Period.String(),
		State: rep.State.Label(), StateKey: string(rep.State), Deadline: format.Date(rep.Deadline),
		LocksOn: format.Date(rep.LocksOn), Late: rep.Late, Version: strconv.Itoa(rep.Version),
		Editable: may.Edit, CanReview: may.Review, CanAccept: may.Accept, CanAskReopen: may.AskReopen,
		ReopenRequest: rep.ReopenRequested, Message: reportDone[done], Notice: reportNotice(rep, today),
		SinceReturn: ChangeRows(since),
		Sections:    ReportSections(FigureValues(rep.Figures), nil, nil),
	}
	if rep.ID != 0 {
		v.HistoryHref = v.Action + "/history"
	}
	v.Return = newReturnForm(v.Action, rep, may, today)
	switch {
	case rep.Locked(today) && v.Return.Extend:
		v.LockedNotice = "Kỳ báo cáo này đã khóa sổ từ " + format.Date(rep.LocksOn) + ": trả lại kèm gia hạn để chi bộ sửa được; " +
			"nếu mở lại, gia hạn cho chi bộ ở trang Thời hạn báo cáo."
	case rep.Locked(today):
		v.LockedNotice = "Kỳ báo cáo này đã khóa sổ từ " + format.Date(rep.LocksOn) + ": nếu trả lại hoặc mở lại, chi bộ chỉ sửa được " +
			"khi Ban Tổ chức Tỉnh ủy gia hạn cho chi bộ (Thời hạn báo cáo → Gia hạn cho một chi bộ)."
	}
	if done == "return-extend" {
		v.Message = "Đã trả lại báo cáo và gia hạn: chi bộ sửa và gửi lại được đến hết ngày " + format.Date(rep.LocksOn.AddDate(0, 0, -1)) + "."
	}
	prev, next := rep.Period.Previous(), rep.Period.Next()
	v.Quarters = []Link{{Label: "‹ " + prev.String(), Href: ReportHref(rep.CellID, prev)}}
	if next.Ended(today) {
		v.Quarters = append(v.Quarters, Link{Label: next.String() + " ›", Href: ReportHref(rep.CellID, next)})
	}
	if !own {
		v.StatusHref = ReportStatusHref(0, rep.Period)
	}
	if rep.State.Editable() {
		v.ReturnedReason = rep.ReturnedReason
	}
	if v.Editable {
		v.Checks = ReportCheckList(rep.Figures)
	}
	return v
}

// reportNotice explains why rep can or cannot be changed on today, and who entered it.
func reportNotice(rep report.Report, today time.Time) string {
	var n string
	switch {
	case !rep.Held:
		n = "Chi bộ nay thuộc đơn vị khác: đồng chí chỉ xem được báo cáo của quý chi bộ còn trực thuộc; đơn vị cấp trên hiện nay của chi bộ nhập, duyệt và mở lại báo cáo."
	case !rep.Ended(today):
		n = report.NotEndedError{Period: rep.Period}.Message()
	case rep.State.Editable() && rep.Locked(today):
		n = "Đã quá thời hạn nhập báo cáo quý này. Nếu cần nhập, xin Ban Tổ chức gia hạn cho chi bộ."
	case rep.State == report.Submitted:
		n = "Báo cáo đã gửi, đang chờ Đảng ủy xã duyệt."
	case rep.State == report.Approved || rep.State == report.Accepted:
		n = "Báo cáo đã được duyệt nên không sửa được. Nếu cần sửa, chi bộ gửi đề nghị mở lại."
	}
	if rep.OnBehalf && rep.State != report.NotStarted {
		n = strings.TrimSpace(n + " Báo cáo do Đảng ủy xã nhập thay chi bộ.")
	}
	return n
}

// ReportSections is the form's fieldsets holding values, with each field's error and warning;
// the first field in error takes the cursor.
func ReportSections(values, errs, warns map[string]string) []ReportSection {
	out := make([]ReportSection, len(report.Sections))
	focused := false
	for i, s := range report.Sections {
		out[i].Title = s.Title
		for _, f := range s.Fields {
			field := ReportField{Key: f.Key, Label: f.Label, Hint: f.Hint, YesNo: f.YesNo,
				Value: values[f.Key], Error: errs[f.Key], Warning: warns[f.Key]}
			if field.Error != "" && !focused {
				field.Focus, focused = true, true
			}
			out[i].Fields = append(out[i].Fields, field)
		}
	}
	return out
}

// ReportFieldKeys are the report's fields, in form order.
func ReportFieldKeys() []string {
	keys := make([]string, len(report.Fields))
	for i, f := range report.Fields {
		keys[i] = f.Key
	}
	return keys
}

// ReportLiveErrors are the errors the live check puts beside the fields: the rules the figures
// break, and the fields that could not be read.
func ReportLiveErrors(figs report.Figures, unread map[string]string) map[string]string {
	errs := figs.Check()
	if errs == nil {
		errs = map[string]string{}
	}
	for k, msg := range unread {
		errs[k] = msg
	}
	return errs
}

// YesNoText is how a yes/no figure reads: "Có" for 1, "Chưa" for 0 (or empty).
func YesNoText(v string) string {
	if v == "1" {
		return "Có"
	}
	return "Chưa"
}

// ReportCheckList is the live check panel's list: the hard rules f breaks, in form order.
func ReportCheckList(f report.Figures) []string {
	errs := f.Check()
	var out []string
	for _, fl := range report.Fields {
		if msg, ok := errs[fl.Key]; ok {
			out = append(out, msg)
		}
	}
	return out
}

// ChangeRows shows changes with Vietnamese numbers.
func ChangeRows(cs []report.Change) []ChangeRow {
	rows := make([]ChangeRow, len(cs))
	for i, ch := range cs {
		rows[i] = ChangeRow{Label: ch.Label, Old: format.Int(int64(ch.Old)), New: format.Int(int64(ch.New))}
	}
	return rows
}

// FigureValues turns figures into the form's values, zeros shown.
func FigureValues(f report.Figures) map[string]string {
	vals := map[string]string{}
	for _, fl := range report.Fields {
		vals[fl.Key] = strconv.Itoa(f[fl.Key])
	}
	return vals
}

// NewReportHistoryView lists rep's revisions with what changed at each.
func NewReportHistoryView(rep report.Report, revs []report.Revision) ReportHistoryView {
	v := ReportHistoryView{CellName: rep.CellName, Period: rep.Period.String(), BackHref: ReportHref(rep.CellID, rep.Period)}
	prev := report.Figures{}
	for _, rv := range revs {
		v.Revisions = append(v.Revisions, RevisionView{At: format.DateTime(rv.At.In(format.Zone)), By: rv.By,
			Action: report.ActionLabel(rv.Action), State: rv.State.Label(), Reason: rv.Reason, OnBehalf: rv.OnBehalf,
			Changes: ChangeRows(report.Diff(prev, rv.Figures))})
		prev = rv.Figures
	}
	return v
}

// NewReportStatusView is the status page's model of where unit's cells stand for p: counts by
// state, the cells still to send, and links to the quarters around p, to the imports, and to the
// deadlines when settings (the user sets them).
func NewReportStatusView(st report.UnitStatus, unit int64, p report.Period, settings bool) ReportStatusView {
	v := ReportStatusView{UnitName: st.UnitName, Period: p.String(), Unit: strconv.FormatInt(unit, 10),
		Deadline: format.Date(st.Deadline), Prev: ReportStatusHref(unit, p.Previous()), Next: ReportStatusHref(unit, p.Next()),
		Actions: []Link{{Label: "Nhập báo cáo từ tệp", Href: "/reports/import"}, {Label: "Nhập xếp loại chất lượng", Href: "/quality/import"},
			{Label: "Chỉ số", Href: fmt.Sprintf("/dashboard?unit=%d&year=%d", unit, p.Year)}}}
	if settings {
		v.Actions = append(v.Actions, Link{Label: "Thời hạn báo cáo", Href: "/reports/settings"})
	}
	counts, late := map[report.State]int{}, 0
	for _, c := range st.Cells {
		counts[c.State]++
		if c.Late {
			late++
		}
		row := CellStatusRow{Href: ReportHref(c.CellID, p), Name: c.CellName, Parent: c.ParentName,
			State: c.State.Label(), StateKey: string(c.State), Late: c.Late, OnBehalf: c.OnBehalf}
		if c.SubmittedAt != nil {
			row.Submitted = format.DateTime(c.SubmittedAt.In(format.Zone))
		}
		v.Rows = append(v.Rows, row)
		if c.State.Missing() {
			v.Missing = append(v.Missing, row)
		}
	}
	v.Counts = append(v.Counts, Fact{Label: "Số chi bộ phải báo cáo", Value: format.Int(int64(len(st.Cells)))})
	for _, s := range report.States {
		v.Counts = append(v.Counts, Fact{Label: s.Label(), Value: format.Int(int64(counts[s]))})
	}
	v.Counts = append(v.Counts, Fact{Label: "Trong đó nộp muộn", Value: format.Int(int64(late))})
	return v
}

// ReportLiveChecks is the live check panel's list as the user types: first why the quarter
// cannot be entered yet (notEnded, "" when it can), then the hard rules figs break, then the
// fields that hold no figure (errs), in form order.
func ReportLiveChecks(notEnded string, figs report.Figures, errs map[string]string) []string {
	var out []string
	if notEnded != "" {
		out = append(out, notEnded)
	}
	out = append(out, ReportCheckList(figs)...)
	for _, fl := range report.Fields {
		if msg, ok := errs[fl.Key]; ok {
			out = append(out, msg)
		}
	}
	return out
}

// NewReportSettingsView is the settings page's model: the province's rules in the main form, and
// the extension form. posted, when not nil, is the form (the extension's when exception) shown
// again as sent, with errs by field and msg above it.
func NewReportSettingsView(province string, set report.Settings, posted, errs map[string]string, exception bool, msg string) ReportSettingsView {
	main := map[string]string{"deadline_days": strconv.Itoa(set.DeadlineDays), "grace_days": strconv.Itoa(set.GraceDays),
		"two_step": strconv.FormatBool(set.TwoStep)}
	exc, mainErrs, excErrs := map[string]string{}, map[string]string{}, map[string]string{}
	switch {
	case posted != nil && exception:
		exc, excErrs = posted, errs
	case posted != nil:
		main, mainErrs = posted, errs
	}
	field := func(vals, errs map[string]string, kind, name, label, hint string, opts ...Option) FormField {
		return FormField{Kind: kind, Options: opts, Field: Field{Name: name, Label: label, Value: vals[name], Error: errs[name], Hint: hint}}
	}
	v := ReportSettingsView{ProvinceName: province,
		Form: FormView{Title: "Thời hạn chung", Action: "/reports/settings", Submit: "Lưu",
			Hidden: []Field{{Name: "version", Value: strconv.Itoa(set.Version)}},
			Fields: []FormField{
				field(main, mainErrs, "number", "deadline_days", "Hạn gửi: số ngày sau khi hết quý", "Ví dụ 10: báo cáo quý 2 hạn ngày 10/7."),
				field(main, mainErrs, "number", "grace_days", "Khóa sổ: số ngày sau hạn gửi", "Sau thời gian này chi bộ không nhập được nữa, trừ khi được gia hạn."),
				field(main, mainErrs, "select", "two_step", "Tỉnh tiếp nhận sau khi xã duyệt", "",
					Option{Value: "false", Label: "Không: xã duyệt là xong"}, Option{Value: "true", Label: "Có: tỉnh tiếp nhận sau khi xã duyệt"}),
			}},
		Exception: FormView{Title: "Gia hạn cho một chi bộ", Action: "/reports/settings/exception", Submit: "Gia hạn",
			Intro: "Cho một chi bộ nhập báo cáo của một quý đã khóa sổ.",
			Fields: []FormField{
				field(exc, excErrs, "text", "cell_code", "Mã chi bộ", ""),
				field(exc, excErrs, "number", "year", "Năm", ""),
				field(exc, excErrs, "number", "quarter", "Quý", ""),
				field(exc, excErrs, "date", "until", "Được nhập đến hết ngày", ""),
			}}}
	if exception {
		v.Exception.Error = msg
	} else {
		v.Form.Error = msg
	}
	return v
}

// Refused shows the form again as typed (values; the figures read from them, typed) with why err
// refused it: msg above, errs and the unusual values to confirm by field; when the report changed
// meanwhile, the stored figures that differ from the typed ones (the page now carries the stored
// version: saving again overwrites it, knowingly).
func (v *ReportView) Refused(msg string, values, errs map[string]string, typed, stored report.Figures, err error) {
	var warns apperr.Warnings
	errors.As(err, &warns)
	v.Error, v.NeedConfirm = msg, len(warns) > 0
	v.Sections, v.Checks = ReportSections(values, errs, warns), ReportCheckList(typed)
	if errors.Is(err, apperr.ErrConflict) {
		v.Conflict = ChangeRows(report.Diff(typed, stored))
	}
}

// NoMovement fills the form with figs, the figures of a quarter in which nothing changed.
func (v *ReportView) NoMovement(figs report.Figures) {
	v.Sections, v.Checks = ReportSections(FigureValues(figs), nil, nil), ReportCheckList(figs)
	v.Message = "Đã điền: không có biến động, số cuối quý bằng đầu quý. Xin kiểm tra phần đảng viên cuối quý rồi bấm Gửi."
}

// AutosaveText is the autosave status line and the version saved: rep, saved at now, or not,
// because of figures that are not whole numbers (badFigures) or of problem ("" when unknown).
func AutosaveText(rep report.Report, now time.Time, saved, badFigures bool, problem string) (msg, version string) {
	switch {
	case saved:
		return "Đã tự lưu nháp lúc " + now.In(format.Zone).Format("15:04") + ".", strconv.Itoa(rep.Version)
	case badFigures:
		return "Chưa tự lưu: có ô chưa phải là số nguyên từ 0 đến " + format.Int(report.MaxFigure) + ".", ""
	case problem != "":
		return "Chưa tự lưu: " + problem, ""
	}
	return "Chưa tự lưu được; số liệu vẫn còn trên trang, bấm “Lưu nháp” để lưu.", ""
}
