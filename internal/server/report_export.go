package server

import (
	"fmt"
	"net/http"

	"ptdang/internal/report"
)

// reportExport writes the submitted and approved reports of ?year=&quarter= (default: the last
// quarter ended) of the cells in the caller's scope, in the layout the import reads back
// unchanged.
func (s *Server) reportExport(w http.ResponseWriter, r *http.Request, c caller) {
	p, ok := periodQuery(r, s.today())
	if !ok {
		s.notFound(w, r)
		return
	}
	sheet, err := report.ExportFigures(r.Context(), s.DB, c.Scope, p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.sendXLSX(w, r, fmt.Sprintf("bao-cao-quy-%d-%d.xlsx", p.Quarter, p.Year), sheet)
}
