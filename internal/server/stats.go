package server

import (
	"net/http"

	"ptdang/internal/account"
	"ptdang/internal/httpx"
	"ptdang/internal/org"
	"ptdang/internal/stats"
	"ptdang/web"
)

// statsForm is the form the request asks for (stats.Chosen).
func (s *Server) statsForm(r *http.Request, c caller) (stats.Form, error) {
	q := r.URL.Query()
	return stats.Chosen(r.Context(), s.ReadDB, c.Scope, stats.Query{Unit: q.Get("unit"), Form: q.Get("form"), Year: q.Get("year"), Period: q.Get("period")},
		s.today(), func() (int64, error) { return s.homeUnit(r, c, account.ReviewReports) })
}

// statsPage shows the form, with the units the caller may pick (stats.Units).
func (s *Server) statsPage(w http.ResponseWriter, r *http.Request, c caller) {
	f, err := s.statsForm(r, c)
	home := int64(0)
	if err == nil {
		home, err = s.homeUnit(r, c, account.ReviewReports)
	}
	var units []org.PartyUnit
	if err == nil {
		units, err = stats.Units(r.Context(), s.ReadDB, c.Scope, home, f)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, web.Stats(c.page("Báo cáo thống kê", "stats"), web.NewStatsView(f, units)))
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
