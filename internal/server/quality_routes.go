package server

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"ptdang/internal/account"
)

// qualityRoutes routes the annual quality ratings (docs/import.md): their import from a file,
// for the staff who review the cells' reports, its template and the export it reads back.
func (s *Server) qualityRoutes(r chi.Router) {
	review := func(h callerHandler) http.HandlerFunc { return s.need(account.ReviewReports, h) }
	r.Get("/quality/import", review(s.qualityImportPage))
	r.Post("/quality/import", review(s.qualityImport))
	r.Get("/quality/template.xlsx", review(s.qualityTemplate))
	r.Get("/quality/export.xlsx", review(s.qualityExport))
}
