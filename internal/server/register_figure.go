package server

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"ptdang/internal/register"
	"ptdang/internal/report"
	"ptdang/web"
)

// registerFigure lists the people behind one figure a cell's register gives its quarterly
// report (docs/register.md); the read is audited.
func (s *Server) registerFigure(w http.ResponseWriter, r *http.Request, c caller) {
	cell, p, ok := s.reportAddress(w, r)
	if !ok {
		return
	}
	key := chi.URLParam(r, "key")
	rows, err := register.People(r.Context(), s.DB, c.Scope, cell, key, p.Start(), p.LastDay(), s.today())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := web.NewRegisterFigureView(web.ReportHref(cell, p), p, report.FullLabel(key), rows)
	s.render(w, r, http.StatusOK, web.RegisterFigure(c.page(v.Title, "reports"), v))
}
