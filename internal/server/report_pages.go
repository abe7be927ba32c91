package server

import (
	"cmp"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"ptdang/internal/account"
	"ptdang/internal/apperr"
	"ptdang/internal/quarter"
	"ptdang/internal/register"
	"ptdang/internal/report"
	"ptdang/web"
)

// reportAddress reads the cell and quarter the address names ({cell}, {year}, {quarter}); it
// answers the request itself (404) when they are malformed.
func (s *Server) reportAddress(w http.ResponseWriter, r *http.Request) (int64, report.Period, bool) {
	cell, ok := idParam(r, "cell")
	p, valid := report.ParsePeriod(chi.URLParam(r, "year"), chi.URLParam(r, "quarter"), report.Period{})
	if !ok || !valid {
		s.notFound(w, r)
	}
	return cell, p, ok && valid
}

// periodQuery reads ?year= and ?quarter=, each defaulting to that of the last quarter ended; ok is
// false for a malformed or impossible quarter.
func periodQuery(r *http.Request, today time.Time) (report.Period, bool) {
	return report.ParsePeriod(r.URL.Query().Get("year"), r.URL.Query().Get("quarter"), quarter.LastEnded(today))
}

// reportOf reads the report the address names, within the caller's scope; it answers the
// request itself when it cannot.
func (s *Server) reportOf(w http.ResponseWriter, r *http.Request, c caller) (report.Report, bool) {
	cell, p, ok := s.reportAddress(w, r)
	if !ok {
		return report.Report{}, false
	}
	rep, err := report.Get(r.Context(), s.DB, c.Scope, cell, p)
	if err != nil {
		s.fail(w, r, err)
	}
	return rep, err == nil
}

// reports sends a user to what they report on: a cell secretary to their cell's latest
// quarter, others to the status of their unit.
func (s *Server) reports(w http.ResponseWriter, r *http.Request, c caller) {
	next := "/reports/status" // the caller's unit and the last quarter ended
	if cell, ok := report.SecretaryCell(c.User); ok {
		next = web.ReportHref(cell, quarter.LastEnded(s.today()))
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
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
	v.DraftKey = strconv.FormatInt(c.User.ID, 10) + " " + v.Action
	if edit != nil {
		edit(&v)
	}
	t, err := report.FromRegister(r.Context(), s.DB, rep.CellID, rep.Period)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.WithRegister(rep.CellID, rep.Period, t)
	kept, _, err := register.KeptFrom(r.Context(), s.DB, rep.CellID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.KeepChoice(kept)
	s.render(w, r, status, web.Report(c.page(v.Period, "reports"), v))
}

// readReportEntry reads what c typed into cell's form (report.ReadFigures). A field that holds no
// figure, or that parseForm found dirty, is an error in f named by the field's label.
func readReportEntry(f *form, c caller, cell int64) report.Entry {
	for k, msg := range f.inv.Fields {
		if label := report.Label(k); label != "" {
			f.inv.Fields[k] = label + ": " + msg
		}
	}
	figs, errs := report.ReadFigures(f.text)
	f.addAll(errs)
	return report.Entry{Version: f.int("version"), Figures: figs, OnBehalf: report.OnBehalf(c.User, cell), Confirm: f.text("confirm") != ""}
}

// reportForm reads the report the address names and the form posted to it; it answers the
// request itself when it cannot.
func (s *Server) reportForm(w http.ResponseWriter, r *http.Request) (int64, report.Period, *form, bool) {
	cell, p, ok := s.reportAddress(w, r)
	if !ok {
		return 0, p, nil, false
	}
	f, ok := s.parseForm(w, r)
	return cell, p, f, ok
}

// reportSave handles the form's buttons: save a draft, submit, or fill "no movement".
func (s *Server) reportSave(w http.ResponseWriter, r *http.Request, c caller) {
	cell, p, f, ok := s.reportForm(w, r)
	if !ok {
		return
	}
	action, save := f.text("action"), report.SaveDraft
	switch action {
	case "no_movement":
		s.reportNoMovement(w, r, c)
		return
	case "submit":
		save = report.Submit
	default:
		action = "save"
	}
	entry := readReportEntry(f, c, cell)
	err := f.inv.Err()
	if err == nil {
		_, err = save(r.Context(), s.DB, c.Scope, cell, p, entry, s.today())
	}
	s.reportAnswer(w, r, c, cell, p, f, action, err, func(v *web.ReportView, stored report.Report, msg string) {
		v.Refused(msg, valuesOf(f), f.inv.Fields, entry.Figures, stored.Figures, err)
	})
}

// reportAnswer answers a step taken on cell's report for p: the report's page saying it is done,
// or, when err refused it, the page again as stored now (read after the refusal: another save
// may have come since the form was opened), on which show puts the form and the refusal's message.
func (s *Server) reportAnswer(w http.ResponseWriter, r *http.Request, c caller, cell int64, p report.Period, f *form, step string, err error,
	show func(v *web.ReportView, stored report.Report, msg string)) {
	if err == nil {
		http.Redirect(w, r, web.ReportHref(cell, p)+"?done="+step, http.StatusSeeOther)
		return
	}
	msg, status, ok := f.refused(err)
	if !ok {
		s.fail(w, r, err)
		return
	}
	stored, err := report.Get(r.Context(), s.DB, c.Scope, cell, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.showReport(w, r, c, status, stored, "", func(v *web.ReportView) { show(v, stored, msg) })
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
	s.showReport(w, r, c, http.StatusOK, rep, "", func(v *web.ReportView) { v.NoMovement(figs) })
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
	figs, notEnded := readReportEntry(f, c, rep.CellID).Figures, report.CheckEnded(rep.Period, s.today())
	s.render(w, r, http.StatusOK, web.ReportLive(web.ReportLiveChecks(apperr.Message(notEnded), figs, f.inv.Fields),
		web.ReportLiveErrors(figs, f.inv.Fields)))
}

// reportStep takes one workflow step (return, approve, accept, reopen, request reopen).
func (s *Server) reportStep(step string) callerHandler {
	return func(w http.ResponseWriter, r *http.Request, c caller) {
		cell, p, f, ok := s.reportForm(w, r)
		if !ok {
			return
		}
		version := f.int("version")
		err := f.inv.Err() // a malformed field (see parseForm): no step is taken
		if err == nil {
			_, err = report.Take(r.Context(), s.DB, c.Scope, c.User, step, cell, p, version, f.text("reason"))
		}
		s.reportAnswer(w, r, c, cell, p, f, step, err, func(v *web.ReportView, _ report.Report, msg string) {
			if step == "return" {
				v.ReturnRefused(msg, valuesOf(f), f.inv.Fields) // the reason's error beside the reason
				return
			}
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
	unit, err := strconv.ParseInt(r.URL.Query().Get("unit"), 10, 64)
	if err != nil || unit == 0 {
		unit, err = s.homeUnit(r, c, account.ReviewReports)
	}
	var st report.UnitStatus
	if err == nil {
		st, err = report.PeriodStatus(r.Context(), s.DB, c.Scope, unit, p)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, web.ReportStatus(c.page("Tình hình báo cáo", "reports"), web.NewReportStatusView(st, unit, p, c.Can(account.AcceptReports))))
}

// reportAutosave saves the draft as the user types (htmx, on each change). It never shows an
// error page but a 404: the status line says what happened.
func (s *Server) reportAutosave(w http.ResponseWriter, r *http.Request, c caller) {
	cell, p, f, ok := s.reportForm(w, r)
	if !ok {
		return
	}
	entry, rep := readReportEntry(f, c, cell), report.Report{}
	err := f.inv.Err()
	if err == nil {
		rep, err = report.SaveDraft(r.Context(), s.DB, c.Scope, cell, p, entry, s.today())
	}
	pr, known := apperr.ProblemOf(err)
	switch {
	case known && pr.Status == http.StatusNotFound:
		s.notFound(w, r)
		return
	case err != nil && !known:
		s.Log.Error("autosave", "err", err)
	}
	s.render(w, r, http.StatusOK, web.AutosaveStatus(web.AutosaveText(rep, s.Now(), err == nil, len(pr.Fields) > 0, pr.Message)))
}
