package server

import (
	"net/http"

	"ptdang/internal/audit"
	"ptdang/web"
)

// auditFilter reads the page's filters (audit.ParseFilter), scoped to the caller's subtree.
func (s *Server) auditFilter(r *http.Request, c caller) audit.Filter {
	q := r.URL.Query()
	f := audit.ParseFilter(q.Get("label"), q.Get("by"), q.Get("from"), q.Get("to"))
	f.All, f.Roots = c.Scope.All(), c.Scope.SQLRoots()
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
