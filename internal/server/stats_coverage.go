package server

import (
	"errors"
	"net/http"

	"ptdang/internal/account"
	"ptdang/internal/apperr"
	"ptdang/internal/httpx"
	"ptdang/internal/org"
	"ptdang/internal/stats"
	"ptdang/web"
)

// coverageReport is the hamlet coverage report the request asks for (stats.ChosenCoverage).
func (s *Server) coverageReport(r *http.Request, c caller) (stats.Coverage, error) {
	home, err := s.homeUnit(r, c, account.ReviewReports)
	if err != nil {
		return stats.Coverage{}, err
	}
	q := r.URL.Query()
	return stats.ChosenCoverage(r.Context(), s.ReadDB, c.Scope, stats.CoverageQuery{Unit: q.Get("unit"), Date: q.Get("date")}, s.today(), home)
}

// statsCoveragePage shows the report, with a link up to the unit above when the caller sees it.
func (s *Server) statsCoveragePage(w http.ResponseWriter, r *http.Request, c caller) {
	rep, err := s.coverageReport(r, c)
	var up int64
	if err == nil && rep.Unit.ParentID != 0 {
		_, err = org.GetPartyUnit(r.Context(), s.ReadDB, c.Scope, rep.Unit.ParentID, rep.AsOf)
		switch {
		case err == nil:
			up = rep.Unit.ParentID
		case errors.Is(err, apperr.ErrNotFound):
			err = nil
		}
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, web.StatsCoverage(c.page("Báo cáo địa bàn", "stats"), web.NewCoverageView(rep, up, s.today())))
}

// statsCoverageXLSX sends the report as a workbook.
func (s *Server) statsCoverageXLSX(w http.ResponseWriter, r *http.Request, c caller) {
	rep, err := s.coverageReport(r, c)
	var data []byte
	if err == nil {
		data, err = rep.XLSX()
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.SendFile(w, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", rep.Filename(), data)
}
