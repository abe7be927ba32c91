package server

import (
	"errors"
	"net/http"
	"strconv"

	"ptdang/internal/account"
	"ptdang/internal/apperr"
	"ptdang/internal/httpx"
	"ptdang/internal/org"
	"ptdang/internal/stats"
	"ptdang/web"
)

// statsForm is the form the request asks for: ?unit= (default the caller's own), ?year= and
// ?period= (default the half-year or year ended last). Only Biểu 1 is made so far.
func (s *Server) statsForm(r *http.Request, c caller) (stats.Form, error) {
	q := r.URL.Query()
	p := stats.Latest(s.today())
	if q.Get("year") != "" || q.Get("period") != "" {
		year, err := strconv.Atoi(q.Get("year"))
		var ok bool
		if p, ok = stats.ParsePeriod(year, q.Get("period")); err != nil || !ok {
			const msg = "Năm và kỳ báo cáo không hợp lệ: năm từ 2000 đến 2100; kỳ là 6 tháng đầu năm, cả năm hoặc một quý."
			inv := &apperr.Invalid{}
			inv.Add("year", msg)
			return stats.Form{}, apperr.Refuse(inv, msg)
		}
	}
	if f := q.Get("form"); f != "" && f != "1" {
		return stats.Form{}, apperr.ErrNotFound
	}
	unit, err := strconv.ParseInt(q.Get("unit"), 10, 64)
	if q.Get("unit") == "" {
		unit, err = s.homeUnit(r, c, account.ReviewReports)
	}
	if err != nil {
		return stats.Form{}, apperr.ErrNotFound
	}
	return stats.Form1(r.Context(), s.ReadDB, c.Scope, unit, p, s.today())
}

// statsPage shows the form, with the units the caller may pick: their own and those below it.
func (s *Server) statsPage(w http.ResponseWriter, r *http.Request, c caller) {
	f, err := s.statsForm(r, c)
	var units []org.PartyUnit
	if err == nil {
		units, err = s.statsUnits(r, c, f)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, web.Stats(c.page("Báo cáo thống kê", "stats"), web.NewStatsView(f, units)))
}

// statsUnits are the units the picker offers: the caller's own unit and the committees under it.
func (s *Server) statsUnits(r *http.Request, c caller, f stats.Form) ([]org.PartyUnit, error) {
	home, err := s.homeUnit(r, c, account.ReviewReports)
	if err != nil {
		return nil, err
	}
	own, err := org.GetPartyUnit(r.Context(), s.ReadDB, c.Scope, home, f.AsOf)
	if errors.Is(err, apperr.ErrNotFound) {
		return nil, nil // the caller's unit did not exist then: the form's unit alone
	} else if err != nil {
		return nil, err
	}
	children, err := org.PartyChildren(r.Context(), s.ReadDB, c.Scope, home, f.AsOf)
	units := []org.PartyUnit{own}
	for _, u := range children {
		if !u.Kind.IsCell() {
			units = append(units, u)
		}
	}
	return units, err
}

// statsXLSX sends the form as a workbook in the official layout.
func (s *Server) statsXLSX(w http.ResponseWriter, r *http.Request, c caller) {
	f, err := s.statsForm(r, c)
	var data []byte
	if err == nil {
		data, err = f.XLSX()
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.SendFile(w, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", f.Filename(), data)
}
