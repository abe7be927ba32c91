package server

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"ptdang/internal/account"
	"ptdang/internal/apperr"
	"ptdang/internal/format"
	"ptdang/internal/org"
	"ptdang/internal/report"
	"ptdang/web"
)

// periodParams reads {cell}, {year} and {quarter}.
func periodParams(r *http.Request) (int64, report.Period, bool) {
	cell, ok := idParam(r, "cell")
	year, err1 := strconv.Atoi(chi.URLParam(r, "year"))
	quarter, err2 := strconv.Atoi(chi.URLParam(r, "quarter"))
	p := report.Period{Year: year, Quarter: quarter}
	return cell, p, ok && err1 == nil && err2 == nil && p.Valid()
}

// reportOf reads the report the URL names, within the caller's scope; it answers the request
// itself (404, or the error page) when it cannot.
func (s *Server) reportOf(w http.ResponseWriter, r *http.Request, c caller) (report.Report, bool) {
	cell, p, ok := periodParams(r)
	if !ok {
		s.notFound(w, r)
		return report.Report{}, false
	}
	rep, err := report.Get(r.Context(), s.DB, c.Scope, cell, p)
	if err != nil {
		s.fail(w, r, err)
		return report.Report{}, false
	}
	return rep, true
}

func reportHref(cell int64, p report.Period) string {
	return fmt.Sprintf("/reports/%d/%d/%d", cell, p.Year, p.Quarter)
}

// reports sends a user to what they report on: a cell secretary to their cell's latest
// quarter, others to the status of their unit.
func (s *Server) reports(w http.ResponseWriter, r *http.Request, c caller) {
	p := report.LastEnded(s.today())
	for _, g := range c.Grants {
		if g.Role == account.CellSecretary {
			http.Redirect(w, r, reportHref(g.UnitID, p), http.StatusSeeOther)
			return
		}
	}
	unit, err := s.homeUnit(r, c, account.ReviewReports)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/reports/status?unit=%d&year=%d&quarter=%d", unit, p.Year, p.Quarter), http.StatusSeeOther)
}

// reportPage shows a cell's report for a quarter.
func (s *Server) reportPage(w http.ResponseWriter, r *http.Request, c caller) {
	rep, ok := s.reportOf(w, r, c)
	if !ok {
		return
	}
	v, err := s.reportView(r, c, rep)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	switch r.URL.Query().Get("done") {
	case "save":
		v.Message = "Đã lưu nháp. Đồng chí có thể nhập tiếp sau."
	case "submit":
		v.Message = "Đã gửi báo cáo lên Đảng ủy xã."
	case "return":
		v.Message = "Đã trả lại báo cáo cho chi bộ."
	case "approve":
		v.Message = "Đã duyệt báo cáo."
	case "accept":
		v.Message = "Tỉnh đã tiếp nhận báo cáo."
	case "reopen":
		v.Message = "Đã mở lại báo cáo để chi bộ sửa."
	case "request-reopen":
		v.Message = "Đã gửi đề nghị mở lại."
	}
	s.render(w, r, http.StatusOK, web.Report(c.page(v.Period, "reports"), v))
}

// reportView builds the page's model from a stored report.
func (s *Server) reportView(r *http.Request, c caller, rep report.Report) (web.ReportView, error) {
	today := s.today()
	v := web.ReportView{
		Action: reportHref(rep.CellID, rep.Period), CellName: rep.CellName, Period: rep.Period.String(),
		State: rep.State.Label(), StateKey: string(rep.State), Deadline: format.Date(rep.Deadline),
		LocksOn: format.Date(rep.LocksOn), Late: rep.Late, Version: strconv.Itoa(rep.Version),
		Editable:      rep.Held && rep.State.Editable() && !rep.Locked(today) && rep.Ended(today) && c.Can(account.EnterReports),
		CanReview:     rep.Held && c.Can(account.ReviewReports) && !isSecretaryOf(c, rep.CellID),
		CanAccept:     rep.Held && c.Can(account.AcceptReports) && rep.TwoStep,
		CanAskReopen:  rep.Held && isSecretaryOf(c, rep.CellID),
		ReopenRequest: rep.ReopenRequested,
	}
	if rep.ID != 0 {
		v.HistoryHref = reportHref(rep.CellID, rep.Period) + "/history"
	}
	if !isSecretaryOf(c, rep.CellID) {
		v.StatusHref = fmt.Sprintf("/reports/status?year=%d&quarter=%d", rep.Year, rep.Quarter)
	}
	switch {
	case !rep.Held:
		v.Notice = "Chi bộ nay thuộc đơn vị khác: đồng chí chỉ xem được báo cáo của quý chi bộ còn trực thuộc; đơn vị cấp trên hiện nay của chi bộ nhập, duyệt và mở lại báo cáo."
	case !rep.Ended(today):
		v.Notice = report.NotEndedError{Period: rep.Period}.Message()
	case rep.State.Editable() && rep.Locked(today):
		v.Notice = "Đã quá thời hạn nhập báo cáo quý này. Nếu cần nhập, xin Ban Tổ chức gia hạn cho chi bộ."
	case rep.State == report.Submitted:
		v.Notice = "Báo cáo đã gửi, đang chờ Đảng ủy xã duyệt."
	case rep.State == report.Approved || rep.State == report.Accepted:
		v.Notice = "Báo cáo đã được duyệt nên không sửa được. Nếu cần sửa, chi bộ gửi đề nghị mở lại."
	}
	if rep.OnBehalf && rep.State != report.NotStarted {
		v.Notice = strings.TrimSpace(v.Notice + " Báo cáo do Đảng ủy xã nhập thay chi bộ.")
	}
	if rep.ReturnedReason != "" && rep.State.Editable() {
		v.ReturnedReason = rep.ReturnedReason
		history, err := report.Revisions(r.Context(), s.DB, c.Scope, rep.CellID, rep.Period)
		if err != nil {
			return v, err
		}
		for i := len(history) - 1; i >= 0; i-- {
			if history[i].Action == "return" || history[i].Action == "reopen" {
				v.SinceReturn = changeRows(report.Diff(history[i].Figures, rep.Figures))
				break
			}
		}
	}
	v.Sections = sectionsOf(figureValues(rep.Figures), nil, nil)
	if v.Editable {
		v.Checks = checkList(rep.Figures)
	}
	return v, nil
}

// isSecretaryOf reports whether c is the cell's own secretary: entries by anyone else are on
// the cell's behalf.
func isSecretaryOf(c caller, cell int64) bool {
	return slices.ContainsFunc(c.Grants, func(g account.Grant) bool { return g.Role == account.CellSecretary && g.UnitID == cell })
}

func sectionsOf(values map[string]string, errs, warns map[string]string) []web.ReportSection {
	out := make([]web.ReportSection, len(report.Sections))
	for i, s := range report.Sections {
		out[i].Title = s.Title
		for _, f := range s.Fields {
			out[i].Fields = append(out[i].Fields, web.ReportField{Key: f.Key, Label: f.Label, Hint: f.Hint,
				Value: values[f.Key], Error: errs[f.Key], Warning: warns[f.Key]})
		}
	}
	return out
}

func checkList(f report.Figures) []string {
	errs := f.Check()
	var out []string
	for _, fl := range report.Fields {
		if msg, ok := errs[fl.Key]; ok {
			out = append(out, msg)
		}
	}
	return out
}

func changeRows(cs []report.Change) []web.ChangeRow {
	rows := make([]web.ChangeRow, len(cs))
	for i, ch := range cs {
		rows[i] = web.ChangeRow{Label: ch.Label, Old: format.Int(int64(ch.Old)), New: format.Int(int64(ch.New))}
	}
	return rows
}

// readFigures reads the form's figures: empty is 0; anything but a whole number from 0 to
// report.MaxFigure is an error on its field.
func readFigures(f *form) (report.Figures, map[string]string) {
	figs, errs := report.Figures{}, map[string]string{}
	for _, fl := range report.Fields {
		if msg, dirty := f.inv.Fields[fl.Key]; dirty {
			errs[fl.Key] = fl.Label + ": " + msg
			continue
		}
		raw := strings.ReplaceAll(strings.TrimSpace(f.values.Get(fl.Key)), ".", "")
		if raw == "" {
			continue
		}
		n, err := strconv.Atoi(raw)
		if err != nil && !errors.Is(err, strconv.ErrRange) || n < 0 {
			errs[fl.Key] = fl.Label + ": nhập số nguyên từ 0 trở lên."
			continue
		}
		if err != nil || n > report.MaxFigure {
			errs[fl.Key] = fl.Label + ": số quá lớn; một chi bộ không có quá " + format.Int(report.MaxFigure) + " đảng viên."
			continue
		}
		figs[fl.Key] = n
	}
	return figs, errs
}

// figureValues turns figures into the form's values, zeros shown.
func figureValues(f report.Figures) map[string]string {
	vals := map[string]string{}
	for _, fl := range report.Fields {
		vals[fl.Key] = strconv.Itoa(f[fl.Key])
	}
	return vals
}

// reportSave handles the form's buttons: save a draft, submit, or fill "no movement".
func (s *Server) reportSave(w http.ResponseWriter, r *http.Request, c caller) {
	cur, ok := s.reportOf(w, r, c)
	if !ok {
		return
	}
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	ctx, cell, p := r.Context(), cur.CellID, cur.Period
	figs, fieldErrs := readFigures(f)
	action := f.text("action")
	if action == "no_movement" {
		prev, err := report.Previous(ctx, s.DB, cell, p)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		var last report.Figures
		if len(prev) > 0 {
			last = prev[0]
		}
		figs = report.NoMovement(cur.Figures["opening"], last)
		v, err := s.reportView(r, c, cur)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v.Sections = sectionsOf(figureValues(figs), nil, nil)
		v.Checks = checkList(figs)
		v.Message = "Đã điền: không có biến động, số cuối quý bằng đầu quý. Xin kiểm tra phần đảng viên cuối quý rồi bấm Gửi."
		s.render(w, r, http.StatusOK, web.Report(c.page(v.Period, "reports"), v))
		return
	}
	entry := report.Entry{Version: f.int("version"), Figures: figs, OnBehalf: !isSecretaryOf(c, cell), Confirm: f.text("confirm") != ""}
	var err error
	if len(fieldErrs) == 0 {
		if action == "submit" {
			_, err = report.Submit(ctx, s.DB, c.Scope, cell, p, entry, s.today())
		} else {
			action = "save"
			_, err = report.SaveDraft(ctx, s.DB, c.Scope, cell, p, entry, s.today())
		}
		if err == nil {
			http.Redirect(w, r, reportHref(cell, p)+"?done="+action, http.StatusSeeOther)
			return
		}
	}
	// Show the form again with what was typed, and why it was not taken.
	v, verr := s.reportView(r, c, cur)
	if verr != nil {
		s.fail(w, r, verr)
		return
	}
	values := map[string]string{}
	for _, fl := range report.Fields {
		values[fl.Key] = f.text(fl.Key)
	}
	var (
		inv      *apperr.Invalid
		warnings report.Warnings
		warns    map[string]string
		notEnded report.NotEndedError
	)
	status := http.StatusUnprocessableEntity
	switch {
	case len(fieldErrs) > 0:
		v.Error = msgFixErrors
	case errors.As(err, &inv):
		fieldErrs = inv.Fields
		v.Error = "Chưa gửi được: số liệu chưa khớp. Xin sửa các ô được đánh dấu đỏ."
	case errors.As(err, &warnings):
		warns = warnings
		v.NeedConfirm = true
		v.Error = "Có số liệu khác thường (đánh dấu vàng). Xin kiểm tra; nếu đúng, đánh dấu ô xác nhận ở cuối rồi bấm Gửi lần nữa."
	case errors.Is(err, apperr.ErrConflict):
		// Show what is stored now (read after the failed save: cur may predate the other save),
		// beside what the user typed, which the form keeps.
		stored, gerr := report.Get(ctx, s.DB, c.Scope, cell, p)
		if gerr != nil {
			s.fail(w, r, gerr)
			return
		}
		if v, verr = s.reportView(r, c, stored); verr != nil {
			s.fail(w, r, verr)
			return
		}
		status = http.StatusConflict
		v.Error = "Báo cáo vừa được người khác lưu. Số đồng chí nhập vẫn còn trên trang; bảng dưới so với số đã lưu."
		v.Conflict = changeRows(report.Diff(figs, stored.Figures)) // v.Version is stored's: a second save overwrites, knowingly
	case errors.As(err, &notEnded):
		v.Error = notEnded.Message()
	case errors.Is(err, report.ErrLocked):
		v.Error = "Đã quá thời hạn nhập báo cáo quý này."
	case errors.Is(err, apperr.ErrForbidden):
		v.Error = "Báo cáo đã được gửi hoặc duyệt nên không sửa được nữa."
	default:
		s.fail(w, r, err)
		return
	}
	v.Sections = sectionsOf(values, fieldErrs, warns)
	v.Checks = checkList(figs)
	s.render(w, r, status, web.Report(c.page(v.Period, "reports"), v))
}

// reportCheck is the live check htmx asks for as the user types; it saves nothing.
func (s *Server) reportCheck(w http.ResponseWriter, r *http.Request, c caller) {
	rep, ok := s.reportOf(w, r, c)
	if !ok {
		return
	}
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	figs, errs := readFigures(f)
	checks := checkList(figs)
	if err := report.CheckEnded(rep.Period, s.today()); err != nil {
		checks = append([]string{err.(report.NotEndedError).Message()}, checks...)
	}
	for _, fl := range report.Fields {
		if msg, ok := errs[fl.Key]; ok {
			checks = append(checks, msg)
		}
	}
	s.render(w, r, http.StatusOK, web.ReportChecks(checks))
}

// reportStep runs one workflow step (return, approve, accept, reopen, request reopen).
func (s *Server) reportStep(step string) callerHandler {
	return func(w http.ResponseWriter, r *http.Request, c caller) {
		cell, p, ok := periodParams(r)
		if !ok {
			s.notFound(w, r)
			return
		}
		f, ok := s.parseForm(w, r)
		if !ok {
			return
		}
		ctx, version, reason := r.Context(), f.int("version"), f.text("reason")
		err := f.inv.Err()
		switch {
		case err != nil: // a malformed field (see parseForm): no step is taken
		case step == "return":
			_, err = report.Return(ctx, s.DB, c.Scope, cell, p, version, reason)
		case step == "approve":
			_, err = report.Approve(ctx, s.DB, c.Scope, cell, p, version)
		case step == "accept":
			_, err = report.Accept(ctx, s.DB, c.Scope, cell, p, version)
		case step == "reopen":
			_, err = report.Reopen(ctx, s.DB, c.Scope, cell, p, version, reason)
		case step == "request-reopen":
			if !isSecretaryOf(c, cell) {
				err = apperr.ErrForbidden
			} else {
				_, err = report.RequestReopen(ctx, s.DB, c.Scope, cell, p, version, reason)
			}
		}
		if err == nil {
			http.Redirect(w, r, reportHref(cell, p)+"?done="+step, http.StatusSeeOther)
			return
		}
		cur, gerr := report.Get(ctx, s.DB, c.Scope, cell, p)
		if gerr != nil {
			s.fail(w, r, gerr)
			return
		}
		v, verr := s.reportView(r, c, cur)
		if verr != nil {
			s.fail(w, r, verr)
			return
		}
		var inv *apperr.Invalid
		status := http.StatusUnprocessableEntity
		switch {
		case errors.As(err, &inv):
			v.Error = inv.Fields["reason"]
			if v.Error == "" {
				v.Error = inv.Fields["version"]
			}
		case errors.Is(err, apperr.ErrConflict):
			status = http.StatusConflict
			v.Error = "Báo cáo vừa được người khác thay đổi (trạng thái hiện nay: " + cur.State.Label() + "); xin xem lại rồi thao tác lần nữa."
		case errors.Is(err, apperr.ErrForbidden):
			v.Error = "Báo cáo đang ở trạng thái không cho phép thao tác này."
		default:
			s.fail(w, r, err)
			return
		}
		s.render(w, r, status, web.Report(c.page(v.Period, "reports"), v))
	}
}

// reportHistory lists a report's revisions with what changed at each.
func (s *Server) reportHistory(w http.ResponseWriter, r *http.Request, c caller) {
	rep, ok := s.reportOf(w, r, c)
	if !ok {
		return
	}
	revs, err := report.Revisions(r.Context(), s.DB, c.Scope, rep.CellID, rep.Period)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := web.ReportHistoryView{CellName: rep.CellName, Period: rep.Period.String(), BackHref: reportHref(rep.CellID, rep.Period)}
	prev := report.Figures{}
	for _, rv := range revs {
		v.Revisions = append(v.Revisions, web.RevisionView{At: format.DateTime(rv.At.In(format.Zone)), By: rv.By,
			Action: report.ActionLabel(rv.Action), State: rv.State.Label(), Reason: rv.Reason, OnBehalf: rv.OnBehalf,
			Changes: changeRows(report.Diff(prev, rv.Figures))})
		prev = rv.Figures
	}
	s.render(w, r, http.StatusOK, web.ReportHistory(c.page("Lịch sử báo cáo", "reports"), v))
}

// reportStatus shows, for a unit and a quarter, where each cell's report stands.
func (s *Server) reportStatus(w http.ResponseWriter, r *http.Request, c caller) {
	q := r.URL.Query()
	p := report.LastEnded(s.today())
	if y, err := strconv.Atoi(q.Get("year")); err == nil {
		p.Year = y
	}
	if qq, err := strconv.Atoi(q.Get("quarter")); err == nil {
		p.Quarter = qq
	}
	unit, _ := strconv.ParseInt(q.Get("unit"), 10, 64)
	if unit == 0 {
		var err error
		if unit, err = s.homeUnit(r, c, account.ReviewReports); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if !p.Valid() {
		s.notFound(w, r)
		return
	}
	rows, err := report.PeriodStatus(r.Context(), s.DB, c.Scope, unit, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u, err := org.GetPartyUnit(r.Context(), s.DB, c.Scope, unit, p.End().AddDate(0, 0, -1))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := web.ReportStatusView{UnitName: u.Name, Period: p.String(), Unit: strconv.FormatInt(unit, 10),
		Prev: fmt.Sprintf("/reports/status?unit=%d&year=%d&quarter=%d", unit, p.Previous().Year, p.Previous().Quarter)}
	next := report.Period{Year: p.Year, Quarter: p.Quarter + 1}
	if next.Quarter == 5 {
		next = report.Period{Year: p.Year + 1, Quarter: 1}
	}
	v.Next = fmt.Sprintf("/reports/status?unit=%d&year=%d&quarter=%d", unit, next.Year, next.Quarter)
	v.Actions = []web.Link{{Label: "Nhập báo cáo từ tệp", Href: "/reports/import"}, {Label: "Nhập xếp loại chất lượng", Href: "/quality/import"},
		{Label: "Chỉ số", Href: fmt.Sprintf("/dashboard?unit=%d&year=%d", unit, p.Year)}}
	if c.Can(account.AcceptReports) {
		v.Actions = append(v.Actions, web.Link{Label: "Thời hạn báo cáo", Href: "/reports/settings"})
	}
	counts := map[report.State]int{}
	late := 0
	for _, row := range rows {
		counts[row.State]++
		if row.Late {
			late++
		}
		cr := web.CellStatusRow{Href: reportHref(row.CellID, p), Name: row.CellName, Parent: row.ParentName,
			State: row.State.Label(), StateKey: string(row.State), Late: row.Late, OnBehalf: row.OnBehalf}
		if row.SubmittedAt != nil {
			cr.Submitted = format.DateTime(row.SubmittedAt.In(format.Zone))
		}
		v.Rows = append(v.Rows, cr)
		if row.State == report.NotStarted || row.State == report.Draft || row.State == report.Returned {
			v.Missing = append(v.Missing, cr)
		}
	}
	v.Counts = append(v.Counts, web.Fact{Label: "Số chi bộ phải báo cáo", Value: format.Int(int64(len(rows)))})
	for _, st := range []report.State{report.NotStarted, report.Draft, report.Returned, report.Submitted, report.Approved, report.Accepted} {
		v.Counts = append(v.Counts, web.Fact{Label: st.Label(), Value: format.Int(int64(counts[st]))})
	}
	v.Counts = append(v.Counts, web.Fact{Label: "Trong đó nộp muộn", Value: format.Int(int64(late))})
	if len(rows) > 0 {
		if rep, err := report.Get(r.Context(), s.DB, c.Scope, rows[0].CellID, p); err == nil {
			v.Deadline = format.Date(rep.Deadline)
		}
	}
	s.render(w, r, http.StatusOK, web.ReportStatus(c.page("Tình hình báo cáo", "reports"), v))
}

// reportAutosave saves the draft as the user types (htmx, on each change). It never shows an
// error page: the status line says what happened.
func (s *Server) reportAutosave(w http.ResponseWriter, r *http.Request, c caller) {
	cell, p, ok := periodParams(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	figs, fieldErrs := readFigures(f)
	msg, version := "", ""
	var notEnded report.NotEndedError
	if len(fieldErrs) > 0 {
		msg = "Chưa tự lưu: có ô chưa phải là số nguyên từ 0 đến " + format.Int(report.MaxFigure) + "."
	} else {
		rep, err := report.SaveDraft(r.Context(), s.DB, c.Scope, cell, p,
			report.Entry{Version: f.int("version"), Figures: figs, OnBehalf: !isSecretaryOf(c, cell)}, s.today())
		switch {
		case err == nil:
			msg, version = "Đã tự lưu nháp lúc "+s.Now().In(format.Zone).Format("15:04")+".", strconv.Itoa(rep.Version)
		case errors.Is(err, apperr.ErrConflict):
			msg = "Chưa tự lưu: người khác vừa lưu báo cáo này. Bấm “Lưu nháp” để xem hai bản."
		case errors.Is(err, report.ErrLocked), errors.Is(err, apperr.ErrForbidden):
			msg = "Không lưu được: báo cáo đã khóa hoặc đã gửi."
		case errors.As(err, &notEnded):
			msg = "Không lưu được: " + notEnded.Message()
		case errors.Is(err, apperr.ErrNotFound):
			s.notFound(w, r)
			return
		default:
			s.Log.Error("autosave", "err", err)
			msg = "Chưa tự lưu được; số liệu vẫn còn trên trang, bấm “Lưu nháp” để lưu."
		}
	}
	s.render(w, r, http.StatusOK, web.AutosaveStatus(msg, version))
}
