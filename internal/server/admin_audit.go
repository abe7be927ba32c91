package server

import (
	"net/http"
	"time"

	"ptdang/internal/audit"
	"ptdang/internal/format"
	"ptdang/web"
)

// auditFilter reads the page's filters, scoped to the caller's subtree.
func (s *Server) auditFilter(r *http.Request, c caller) audit.Filter {
	q := r.URL.Query()
	f := audit.Filter{All: c.Scope.All(), Roots: c.Scope.SQLRoots(), Label: q.Get("label"), Login: q.Get("by")}
	if d, err := format.ParseDate(q.Get("from")); err == nil {
		f.From = d.Add(-7 * time.Hour) // midnight in Vietnam
	}
	if d, err := format.ParseDate(q.Get("to")); err == nil {
		f.To = d.Add(-7 * time.Hour)
	}
	return f
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request, c caller) {
	f := s.auditFilter(r, c)
	f.Limit = 500
	rows, err := audit.List(r.Context(), s.DB, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := web.NewAuditView(r.URL.Query(), rows, len(rows) == f.Limit)
	s.render(w, r, http.StatusOK, web.Audit(c.page("Nhật ký thay đổi", "audit"), v))
}
