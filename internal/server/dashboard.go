package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/a-h/templ"

	"ptdang/internal/account"
	"ptdang/internal/dashboard"
	"ptdang/internal/exchange"
	"ptdang/internal/format"
	"ptdang/internal/org"
	"ptdang/web"
)

// buildDashboard is the dashboard the request asks for (dashboard.Choose). Errors: those of
// dashboard.Choose and of dashboard.Cache.Build (ErrNotFound out of scope).
func (s *Server) buildDashboard(r *http.Request, c caller) (dashboard.Dashboard, error) {
	q := r.URL.Query()
	unit, year, asOf, err := dashboard.Choose(r.Context(), s.ReadDB, c.Scope, dashboard.Query{Unit: q.Get("unit"), Year: q.Get("year"), Date: q.Get("date")},
		s.today(), func() (int64, error) { return s.homeUnit(r, c, account.ReadStructure) })
	if err != nil {
		return dashboard.Dashboard{}, err
	}
	return s.Dashboards.Build(r.Context(), s.ReadDB, c.Scope, unit, year, asOf)
}

// dashboardPage shows the dashboard with its tables, charts and the way to the levels around.
func (s *Server) dashboardPage(w http.ResponseWriter, r *http.Request, c caller) {
	d, err := s.buildDashboard(r, c)
	var tables templ.Component
	if err == nil {
		tables, err = s.dashboardTables(r.Context(), d)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var links web.DashboardLinks
	if up, ok := s.dashboardAbove(r, c, d); ok {
		links.Up = "/dashboard?" + web.DashboardQuery(up, d.Year, d.AsOf)
	}
	if c.Can(account.ReviewReports) && d.Unit.ID != org.Nation {
		links.Incomplete = fmt.Sprintf("/reports/status?unit=%d&year=%d&quarter=%d", d.Unit.ID, d.Reporting.Year, d.Reporting.Quarter)
	}
	v := web.NewDashboardView(d, tables, links)
	v.PrintedText = format.Date(s.today())
	s.render(w, r, http.StatusOK, web.Dashboard(c.page("Chỉ số", "dashboard"), v))
}

// dashboardAbove is the dashboard one level up, if the caller may open it: the unit's parent's,
// or the nation's above a top unit.
func (s *Server) dashboardAbove(r *http.Request, c caller, d dashboard.Dashboard) (int64, bool) {
	switch {
	case d.Unit.ID == org.Nation:
		return 0, false
	case d.Unit.ParentID == 0:
		return org.Nation, c.Scope.All()
	case c.Scope.All(): // whoever sees everything sees the parent: no query for it
		return d.Unit.ParentID, true
	}
	_, err := org.GetPartyUnit(r.Context(), s.ReadDB, c.Scope, d.Unit.ParentID, d.AsOf)
	return d.Unit.ParentID, err == nil
}

// dashboardTables renders the page's tables, or reuses those rendered for a dashboard of the
// same version: they depend on the figures alone, not on who asks (a drill-down link out of
// the caller's scope answers 404).
func (s *Server) dashboardTables(ctx context.Context, d dashboard.Dashboard) (templ.Component, error) {
	if d.Version != "" {
		s.pagesMu.Lock()
		html, ok := s.pages.Get(d.Version)
		s.pagesMu.Unlock()
		if ok {
			return templ.Raw(html), nil
		}
	}
	var buf bytes.Buffer
	if err := web.DashboardTables(web.DashboardTablesOf(d)).Render(ctx, &buf); err != nil {
		return nil, err
	}
	html := buf.String()
	if d.Version != "" {
		s.pagesMu.Lock()
		s.pages.Put(d.Version, html)
		s.pagesMu.Unlock()
	}
	return templ.Raw(html), nil
}

// dashboardFile is the dashboard as a workbook, or as CSV its section ?section= (from 0).
func (s *Server) dashboardFile(ext string) export {
	return func(r *http.Request, c caller) (string, []exchange.Sheet, error) {
		d, err := s.buildDashboard(r, c)
		switch {
		case err != nil:
			return "", nil, err
		case ext != "csv":
			return d.Filename(ext), d.Sheets(), nil
		}
		section, _ := strconv.Atoi(r.URL.Query().Get("section"))
		return d.Filename(ext), []exchange.Sheet{d.Sheet(section)}, nil
	}
}

func (s *Server) dashboardAPI(w http.ResponseWriter, r *http.Request, c caller) {
	d, err := s.buildDashboard(r, c)
	if err != nil {
		s.apiFail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(d.API())
}

// dashboardTrend draws the unit's admissions by quarter, this year against last year.
func (s *Server) dashboardTrend(w http.ResponseWriter, r *http.Request, c caller) {
	d, err := s.buildDashboard(r, c)
	var svg []byte
	if err == nil {
		svg, err = web.TrendSVG(d)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	_, _ = w.Write(svg)
}
