package server

import (
	"net/http"
	"time"

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

// registerKeep records the committee's choice to fill a cell's reports from its register from
// the quarter the address names (keep=1), or to stop (keep=0), over the choice it read (was).
func (s *Server) registerKeep(w http.ResponseWriter, r *http.Request, c caller) {
	cell, p, f, ok := s.reportForm(w, r)
	if !ok {
		return
	}
	was, from := f.date("was"), time.Time{}
	if f.text("keep") == "1" {
		from = p.Start()
	}
	err := f.inv.Err()
	if err == nil {
		err = register.Keep(r.Context(), s.DB, c.Scope, cell, was, from, s.today())
	}
	s.reportAnswer(w, r, c, cell, p, f, "register-keep", err, func(v *web.ReportView, _ report.Report, msg string) { v.Error = msg })
}
