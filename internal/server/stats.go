package server

import (
	"net/http"

	"ptdang/internal/account"
	"ptdang/internal/httpx"
	"ptdang/internal/org"
	"ptdang/internal/stats"
	"ptdang/web"
)

// statsForm is the form the request asks for (stats.Chosen), and the caller's own unit.
func (s *Server) statsForm(r *http.Request, c caller) (stats.Form, int64, error) {
	home, err := s.homeUnit(r, c, account.ReviewReports)
	if err != nil {
		return stats.Form{}, 0, err
	}
	q := r.URL.Query()
	f, err := stats.Chosen(r.Context(), s.ReadDB, c.Scope, stats.Query{Unit: q.Get("unit"), Form: q.Get("form"), Year: q.Get("year"), Period: q.Get("period")},
		s.today(), home)
	return f, home, err
}

// statsPage shows the form, with the units the caller may pick (stats.Units).
func (s *Server) statsPage(w http.ResponseWriter, r *http.Request, c caller) {
	f, home, err := s.statsForm(r, c)
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
	f, _, err := s.statsForm(r, c)
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
