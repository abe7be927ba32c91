package server

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"ptdang/internal/org"
)

// Routes is the whole URL space of the application.
func (s *Server) Routes() http.Handler {
	r := chi.NewRouter()
	r.Use(middleware.RequestID, s.logRequests, s.recoverPanics, securityHeaders)
	r.NotFound(s.notFound)
	r.MethodNotAllowed(s.methodNotAllowed)

	r.Get("/healthz", s.healthz)
	r.Get("/readyz", s.readyz)
	r.Handle("/static/*", staticFiles())

	r.Get("/", s.home)

	r.Get("/org", s.orgBrowse)
	r.Get("/org/import", s.orgImportPage)
	r.Post("/org/import", s.orgImport)
	r.Get("/org/export.xlsx", s.orgExport)
	r.Get("/org/export/{table}.csv", s.orgExportCSV)
	r.Get("/org/template.xlsx", s.orgTemplate)
	r.Route("/org/party", func(r chi.Router) {
		r.Get("/new", s.partyNew)
		r.Post("/new", s.partyCreate)
		r.Get("/{id}", s.partyUnit)
		r.Get("/{id}/edit", s.partyEdit)
		r.Post("/{id}/edit", s.partyUpdate)
		s.unitChanges(r, org.PartyTree)
	})
	r.Route("/org/admin", func(r chi.Router) {
		r.Get("/new", s.adminNew)
		r.Post("/new", s.adminCreate)
		r.Get("/{id}", s.adminUnit)
		r.Get("/{id}/edit", s.adminEdit)
		r.Post("/{id}/edit", s.adminUpdate)
		both(r, "/{id}/link", s.changeForm(org.AdminTree, linkChange))
		s.unitChanges(r, org.AdminTree)
	})
	return http.NewCrossOriginProtection().Handler(r)
}

// unitChanges routes the pages both trees share.
func (s *Server) unitChanges(r chi.Router, tree org.Tree) {
	r.Get("/{id}/children", s.orgChildren(tree))
	both(r, "/merge", s.mergeForm(tree))
	both(r, "/{id}/close", s.changeForm(tree, closeChange(tree)))
	both(r, "/{id}/rename", s.changeForm(tree, renameChange(tree)))
	both(r, "/{id}/move", s.changeForm(tree, moveChange(tree)))
}

// both routes GET (show the form) and POST (submit it) to one handler.
func both(r chi.Router, pattern string, h http.HandlerFunc) {
	r.Get(pattern, h)
	r.Post(pattern, h)
}
