package server

import (
	"fmt"
	"net/http"
	"strconv"

	"ptdang/internal/report"
)

// reportExport writes the submitted and approved reports of ?year=&quarter= (default: the last
// quarter ended) of the cells in the caller's scope, in the layout the import reads back
// unchanged.
func (s *Server) reportExport(w http.ResponseWriter, r *http.Request, c caller) {
	p := report.LastEnded(s.today())
	if q := r.URL.Query(); q.Get("year") != "" || q.Get("quarter") != "" {
		year, err1 := strconv.Atoi(q.Get("year"))
		quarter, err2 := strconv.Atoi(q.Get("quarter"))
		p = report.Period{Year: year, Quarter: quarter}
		if err1 != nil || err2 != nil || !p.Valid() {
			s.notFound(w, r)
			return
		}
	}
	sheet, err := report.ExportFigures(r.Context(), s.DB, c.Scope, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.sendXLSX(w, r, fmt.Sprintf("bao-cao-quy-%d-%d.xlsx", p.Quarter, p.Year), sheet)
}
