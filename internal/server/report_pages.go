package server

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"ptdang/internal/account"
	"ptdang/internal/apperr"
	"ptdang/internal/format"
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

// periodQuery reads ?year= and ?quarter=, each defaulting to that of the last quarter ended; ok is
// false for a malformed or impossible quarter.
func periodQuery(r *http.Request, today time.Time) (p report.Period, ok bool) {
	p, q := report.LastEnded(today), r.URL.Query()
	var err1, err2 error
	if v := q.Get("year"); v != "" {
		p.Year, err1 = strconv.Atoi(v)
	}
	if v := q.Get("quarter"); v != "" {
		p.Quarter, err2 = strconv.Atoi(v)
	}
	return p, err1 == nil && err2 == nil && p.Valid()
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

// reports sends a user to what they report on: a cell secretary to their cell's latest
// quarter, others to the status of their unit.
func (s *Server) reports(w http.ResponseWriter, r *http.Request, c caller) {
	p := report.LastEnded(s.today())
	if cell, ok := report.SecretaryCell(c.User); ok {
		http.Redirect(w, r, web.ReportHref(cell, p), http.StatusSeeOther)
		return
	}
	unit, err := s.homeUnit(r, c, account.ReviewReports)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, web.ReportStatusHref(unit, p), http.StatusSeeOther)
}

// reportPage shows a cell's report for a quarter.
func (s *Server) reportPage(w http.ResponseWriter, r *http.Request, c caller) {
	rep, ok := s.reportOf(w, r, c)
	if !ok {
		return
	}
	s.showReport(w, r, c, http.StatusOK, rep, r.URL.Query().Get("done"), nil)
}

// showReport renders rep's page for c; edit, when not nil, changes the model first (the form
// as typed, an error).
func (s *Server) showReport(w http.ResponseWriter, r *http.Request, c caller, status int, rep report.Report, done string, edit func(*web.ReportView)) {
	since, err := report.SinceReturn(r.Context(), s.DB, c.Scope, rep)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	today := s.today()
	v := web.NewReportView(rep, rep.PermitsFor(c.User, today), report.OwnSecretary(c.User, rep.CellID), today, done, since)
	if edit != nil {
		edit(&v)
	}
	s.render(w, r, status, web.Report(c.page(v.Period, "reports"), v))
}

// readFigures reads the form's figures: empty is 0; anything but a whole number from 0 to
// report.MaxFigure is an error on its field in f, named by the field's label.
func readFigures(f *form) report.Figures {
	figs := report.Figures{}
	for _, fl := range report.Fields {
		if msg, dirty := f.inv.Fields[fl.Key]; dirty {
			f.inv.Fields[fl.Key] = fl.Label + ": " + msg
			continue
		}
		raw := strings.ReplaceAll(f.text(fl.Key), ".", "")
		if raw == "" {
			continue
		}
		n, err := strconv.Atoi(raw)
		switch {
		case err != nil && !errors.Is(err, strconv.ErrRange) || n < 0:
			f.inv.Add(fl.Key, fl.Label+": nhập số nguyên từ 0 trở lên.")
		case err != nil || n > report.MaxFigure:
			f.inv.Add(fl.Key, fl.Label+": số quá lớn; một chi bộ không có quá "+format.Int(report.MaxFigure)+" đảng viên.")
		default:
			figs[fl.Key] = n
		}
	}
	return figs
}

// reportSave handles the form's buttons: save a draft, submit, or fill "no movement".
func (s *Server) reportSave(w http.ResponseWriter, r *http.Request, c caller) {
	cell, p, ok := periodParams(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	action := f.text("action")
	if action == "no_movement" {
		s.reportNoMovement(w, r, c)
		return
	}
	save := report.SaveDraft
	if action == "submit" {
		save = report.Submit
	} else {
		action = "save"
	}
	entry := report.Entry{Version: f.int("version"), Figures: readFigures(f), OnBehalf: report.OnBehalf(c.User, cell), Confirm: f.text("confirm") != ""}
	err := f.inv.Err()
	if err == nil {
		if _, err = save(r.Context(), s.DB, c.Scope, cell, p, entry, s.today()); err == nil {
			http.Redirect(w, r, web.ReportHref(cell, p)+"?done="+action, http.StatusSeeOther)
			return
		}
	}
	s.reportRefused(w, r, c, cell, p, f, entry.Figures, err)
}

// reportRefused shows the form again with what was typed and why err did not take it. A
// conflict shows the stored figures beside the typed ones; the form then carries the stored
// version, so that saving again overwrites them knowingly.
func (s *Server) reportRefused(w http.ResponseWriter, r *http.Request, c caller, cell int64, p report.Period, f *form, typed report.Figures, err error) {
	msg, status, ok := f.refused(err)
	if !ok {
		s.fail(w, r, err)
		return
	}
	// Read after the failed save: another save may have come since the form was opened.
	stored, gerr := report.Get(r.Context(), s.DB, c.Scope, cell, p)
	if gerr != nil {
		s.fail(w, r, gerr)
		return
	}
	var warns apperr.Warnings
	errors.As(err, &warns)
	values := map[string]string{}
	for _, fl := range report.Fields {
		values[fl.Key] = f.text(fl.Key)
	}
	s.showReport(w, r, c, status, stored, "", func(v *web.ReportView) {
		v.Error, v.NeedConfirm = msg, len(warns) > 0
		v.Sections, v.Checks = web.ReportSections(values, f.inv.Fields, warns), web.ReportCheckList(typed)
		if errors.Is(err, apperr.ErrConflict) {
			v.Conflict = web.ChangeRows(report.Diff(typed, stored.Figures))
		}
	})
}

// reportNoMovement fills the form for a quarter in which nothing changed; it saves nothing.
func (s *Server) reportNoMovement(w http.ResponseWriter, r *http.Request, c caller) {
	rep, ok := s.reportOf(w, r, c)
	if !ok {
		return
	}
	figs, err := report.NoMovementOf(r.Context(), s.DB, rep)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.showReport(w, r, c, http.StatusOK, rep, "", func(v *web.ReportView) {
		v.Sections, v.Checks = web.ReportSections(web.FigureValues(figs), nil, nil), web.ReportCheckList(figs)
		v.Message = "Đã điền: không có biến động, số cuối quý bằng đầu quý. Xin kiểm tra phần đảng viên cuối quý rồi bấm Gửi."
	})
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
	var checks []string
	if err := report.CheckEnded(rep.Period, s.today()); err != nil {
		checks = append(checks, apperr.Message(err))
	}
	checks = append(checks, web.ReportCheckList(readFigures(f))...)
	for _, fl := range report.Fields {
		if msg, ok := f.inv.Fields[fl.Key]; ok {
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
		err := f.inv.Err() // a malformed field (see parseForm): no step is taken
		if err == nil {
			_, err = map[string]func() (report.Report, error){
				"return":         func() (report.Report, error) { return report.Return(ctx, s.DB, c.Scope, cell, p, version, reason) },
				"approve":        func() (report.Report, error) { return report.Approve(ctx, s.DB, c.Scope, cell, p, version) },
				"accept":         func() (report.Report, error) { return report.Accept(ctx, s.DB, c.Scope, cell, p, version) },
				"reopen":         func() (report.Report, error) { return report.Reopen(ctx, s.DB, c.Scope, cell, p, version, reason) },
				"request-reopen": func() (report.Report, error) { return report.RequestReopen(ctx, s.DB, c.Scope, c.User, cell, p, version, reason) },
			}[step]()
		}
		if err == nil {
			http.Redirect(w, r, web.ReportHref(cell, p)+"?done="+step, http.StatusSeeOther)
			return
		}
		msg, status, ok := f.refused(err)
		if !ok {
			s.fail(w, r, err)
			return
		}
		cur, err := report.Get(ctx, s.DB, c.Scope, cell, p)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.showReport(w, r, c, status, cur, "", func(v *web.ReportView) {
			v.Error = cmp.Or(f.inv.Fields["reason"], f.inv.Fields["version"], msg)
		})
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
	s.render(w, r, http.StatusOK, web.ReportHistory(c.page("Lịch sử báo cáo", "reports"), web.NewReportHistoryView(rep, revs)))
}

// reportStatus shows, for a unit and a quarter, where each cell's report stands.
func (s *Server) reportStatus(w http.ResponseWriter, r *http.Request, c caller) {
	p, ok := periodQuery(r, s.today())
	if !ok {
		s.notFound(w, r)
		return
	}
	unit, _ := strconv.ParseInt(r.URL.Query().Get("unit"), 10, 64)
	if unit == 0 {
		var err error
		if unit, err = s.homeUnit(r, c, account.ReviewReports); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	st, err := report.PeriodStatus(r.Context(), s.DB, c.Scope, unit, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	actions := []web.Link{{Label: "Nhập báo cáo từ tệp", Href: "/reports/import"}, {Label: "Nhập xếp loại chất lượng", Href: "/quality/import"},
		{Label: "Chỉ số", Href: fmt.Sprintf("/dashboard?unit=%d&year=%d", unit, p.Year)}}
	if c.Can(account.AcceptReports) {
		actions = append(actions, web.Link{Label: "Thời hạn báo cáo", Href: "/reports/settings"})
	}
	s.render(w, r, http.StatusOK, web.ReportStatus(c.page("Tình hình báo cáo", "reports"), web.NewReportStatusView(st, unit, p, actions)))
}

// reportAutosave saves the draft as the user types (htmx, on each change). It never shows an
// error page but a 404: the status line says what happened.
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
	entry := report.Entry{Version: f.int("version"), Figures: readFigures(f), OnBehalf: report.OnBehalf(c.User, cell)}
	if f.inv.Err() != nil {
		s.render(w, r, http.StatusOK, web.AutosaveStatus("Chưa tự lưu: có ô chưa phải là số nguyên từ 0 đến "+format.Int(report.MaxFigure)+".", ""))
		return
	}
	rep, err := report.SaveDraft(r.Context(), s.DB, c.Scope, cell, p, entry, s.today())
	if err == nil {
		s.render(w, r, http.StatusOK, web.AutosaveStatus("Đã tự lưu nháp lúc "+s.Now().In(format.Zone).Format("15:04")+".", strconv.Itoa(rep.Version)))
		return
	}
	msg := "Chưa tự lưu được; số liệu vẫn còn trên trang, bấm “Lưu nháp” để lưu."
	switch pr, ok := problemOf(err); {
	case !ok:
		s.Log.Error("autosave", "err", err)
	case pr.Status == http.StatusNotFound:
		s.notFound(w, r)
		return
	default:
		msg = "Chưa tự lưu: " + pr.Message
	}
	s.render(w, r, http.StatusOK, web.AutosaveStatus(msg, ""))
}
