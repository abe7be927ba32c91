package server

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"ptdang/internal/account"
	"ptdang/internal/httpx"
	"ptdang/internal/org"
	"ptdang/internal/quality"
	"ptdang/internal/register"
)

// Routes is the whole URL space of the application. Every route but the public ones names
// the permission it needs (auth_test.go walks them all, for every role).
func (s *Server) Routes() http.Handler { return s.router() }

func (s *Server) router() chi.Router {
	root := chi.NewRouter()
	root.Use(middleware.RequestID, s.trustProxies, s.logRequests, s.recoverPanics, s.securityHeaders, s.crossOrigin, s.cleanText)
	root.NotFound(s.notFound)
	root.MethodNotAllowed(s.methodNotAllowed)

	// Probes and assets need no session: they answer while the database, which holds the
	// sessions, is gone.
	root.Get("/healthz", s.healthz)
	root.Get("/readyz", s.readyz)
	static := staticFiles()
	root.Get("/static/*", static.ServeHTTP)
	root.Get("/sw.js", serviceWorker())
	root.Get("/favicon.ico", func(w http.ResponseWriter, r *http.Request) { // asked for by browsers whatever the page says
		r.URL.Path = "/static/favicon.svg"
		static.ServeHTTP(w, r)
	})

	// Everything else may carry someone's data (even the home page names who is signed in): never
	// cached, so that a shared computer does not show it to the next person.
	r := root.With(httpx.NoStore, s.Sessions.LoadAndSave)
	// Public.
	r.Get("/", s.home)
	r.Get("/login", s.loginPage)
	r.Post("/login", s.login)
	r.Post("/logout", s.logout)

	// Any signed-in user.
	r.Get("/account/password", s.signedInOnly(s.passwordPage))
	r.Post("/account/password", s.signedInOnly(s.changePassword))
	r.Get("/imports/{id}", s.signedInOnly(s.importJobPage)) // only the job's owner sees it

	s.dashboardRoutes(r)
	s.orgRoutes(r)
	s.reportRoutes(r)
	s.adminRoutes(r)
	s.targetRoutes(r)
	s.statsRoutes(r)
	s.notifyRoutes(r)
	s.registerRoutes(r)
	return root
}

// can is need(p) for the handlers of an area.
func (s *Server) can(p account.Permission) func(callerHandler) http.HandlerFunc {
	return func(h callerHandler) http.HandlerFunc { return s.need(p, h) }
}

func (s *Server) dashboardRoutes(r chi.Router) {
	read := s.can(account.ReadStructure)
	r.Get("/dashboard", read(s.dashboardPage))
	r.Get("/dashboard.xlsx", read(s.download(s.dashboardFile("xlsx"))))
	r.Get("/dashboard.csv", read(s.download(s.dashboardFile("csv"))))
	r.Get("/dashboard/trend.svg", read(s.dashboardTrend))
	r.Get("/api/v1/dashboard", read(s.dashboardAPI))
}

func (s *Server) orgRoutes(r chi.Router) {
	read, manage := s.can(account.ReadStructure), s.can(account.ManageStructure)
	r.Get("/org", read(s.orgBrowse))
	r.Get("/org/export.xlsx", read(s.download(s.orgExport)))
	r.Get("/org/export/{table}.csv", read(s.download(s.orgExport)))
	r.Get("/org/template.xlsx", read(s.download(template("mau-co-cau-to-chuc.xlsx", org.StructureTables...))))
	both(r, "/org/import", manage(s.importer(s.orgImports, s.orgImport)))
	r.Route("/org/party", func(r chi.Router) {
		both(r, "/new", manage(s.unitNew(partyForm)))
		r.Get("/{id}", read(s.unitPage(s.partyView)))
		both(r, "/{id}/edit", manage(s.unitEdit(partyForm)))
		s.unitChanges(r, org.PartyTree, read, manage)
	})
	r.Route("/org/admin", func(r chi.Router) {
		both(r, "/new", manage(s.unitNew(adminForm)))
		r.Get("/{id}", read(s.unitPage(s.adminView)))
		both(r, "/{id}/edit", manage(s.unitEdit(adminForm)))
		both(r, "/{id}/link", manage(s.changeForm(org.AdminTree, linkChange)))
		s.unitChanges(r, org.AdminTree, read, manage)
	})
}

func (s *Server) reportRoutes(r chi.Router) {
	read, enter, review := s.can(account.ReadStructure), s.can(account.EnterReports), s.can(account.ReviewReports)
	r.Get("/reports", enter(s.reports))
	r.Get("/reports/status", review(s.reportStatus))
	r.Get("/reports/import", review(s.reportImportPage))
	r.Post("/reports/import", review(s.reportImport))
	r.Get("/reports/template.xlsx", review(s.reportTemplate))
	r.Get("/reports/export.xlsx", review(s.download(s.reportExport)))
	settings := s.can(account.AcceptReports)
	r.Get("/reports/settings", settings(s.reportSettingsPage))
	r.Post("/reports/settings", settings(s.settingsPost(false, s.saveReportSettings)))
	r.Post("/reports/settings/exception", settings(s.settingsPost(true, s.grantReportException)))
	r.Route("/reports/{cell}/{year}/{quarter}", func(r chi.Router) {
		r.Get("/", read(s.reportPage))
		r.Post("/", enter(s.reportSave))
		r.Post("/check", enter(s.reportCheck))
		r.Post("/autosave", enter(s.reportAutosave))
		r.Get("/history", read(s.reportHistory))
		r.Post("/return", review(s.reportStep("return")))
		r.Post("/return-extend", s.need(account.AcceptReports, s.reportReturnExtend)) // who extends (report.Permits.Extend)
		r.Post("/approve", review(s.reportStep("approve")))
		r.Post("/reopen", review(s.reportStep("reopen")))
		r.Post("/register-keep", review(s.registerKeep))
		r.Post("/accept", settings(s.reportStep("accept")))
		r.Post("/request-reopen", enter(s.reportStep("request-reopen")))
	})
	// Annual quality ratings (docs/import.md), kept by the staff who review the cells' reports.
	both(r, "/quality/import", review(s.importer(s.qualityImports, s.qualityImport)))
	r.Get("/quality/template.xlsx", review(s.download(template("mau-xep-loai-chat-luong.xlsx", quality.Table))))
	r.Get("/quality/export.xlsx", review(s.download(s.qualityExport)))
}

func (s *Server) adminRoutes(r chi.Router) {
	users, readAudit := s.can(account.ManageUsers), s.can(account.ReadAudit)
	r.Get("/admin/users", users(s.userList))
	both(r, "/admin/users/new", users(s.userNew))
	r.Get("/admin/users/units", users(s.unitOptions)) // the unit code pickers of the forms above
	r.Get("/admin/users/{id}", users(s.userDetail))
	r.Post("/admin/users/{id}/grants", users(s.userAction(s.userAddGrant)))
	r.Post("/admin/users/{id}/grants/{grant}/revoke", users(s.userAction(s.userRevokeGrant)))
	r.Post("/admin/users/{id}/password", users(s.userAction(s.userResetPassword)))
	r.Post("/admin/users/{id}/disabled", users(s.userAction(s.userSetDisabled)))
	r.Get("/admin/audit", readAudit(s.auditPage))
	r.Get("/admin/audit.csv", readAudit(s.download(s.auditExport)))
}

// targetRoutes are the admission targets' (docs/targets.md): the unit and the year travel as
// parameters (unit, year) so that every page of a unit and year links to the others alike.
func (s *Server) targetRoutes(r chi.Router) {
	read, targets := s.can(account.ReadStructure), s.can(account.ManageTargets)
	r.Get("/targets", read(s.targetGet(s.showAllocation)))
	r.Post("/targets", targets(s.targetPost("/targets", s.saveAllocation, s.showAllocation)))
	r.Get("/targets/export.xlsx", read(s.download(s.targetExport)))
	r.Get("/targets/export.csv", read(s.download(s.targetExport)))
	both(r, "/targets/import", targets(s.importer(s.targetImports, s.targetImport)))
	r.Get("/targets/settings", targets(s.targetGet(s.showSettings)))
	r.Post("/targets/settings", targets(s.targetPost("/targets/settings", s.saveSettings, s.showSettings)))
}

// unitChanges routes the pages both trees share.
func (s *Server) unitChanges(r chi.Router, tree org.Tree, read, manage func(callerHandler) http.HandlerFunc) {
	r.Get("/{id}/children", read(s.orgChildren(tree)))
	both(r, "/merge", manage(s.mergeForm(tree)))
	both(r, "/{id}/close", manage(s.changeForm(tree, closeChange)))
	both(r, "/{id}/rename", manage(s.changeForm(tree, renameChange(tree))))
	both(r, "/{id}/move", manage(s.changeForm(tree, moveChange)))
	both(r, "/{id}/split", manage(s.changeForm(tree, splitChange)))
}

// both routes GET (show the form) and POST (submit it) to one handler.
func both(r chi.Router, pattern string, h http.HandlerFunc) {
	r.Get(pattern, h)
	r.Post(pattern, h)
}

// statsRoutes are the official statistics forms' (docs/forms.md), for the staff who review the
// cells' reports: the commune's and the province's.
func (s *Server) statsRoutes(r chi.Router) {
	review := s.can(account.ReviewReports)
	r.Get("/stats", review(s.statsPage))
	r.Get("/stats.xlsx", review(s.statsXLSX))
	r.Get("/stats/coverage", review(s.statsCoveragePage))
	r.Get("/stats/coverage.xlsx", review(s.statsCoverageXLSX))
}

// registerRoutes are the admission register's (docs/register.md), for those who enter the
// cells' reports: the cell's secretary, the commune's and the province's staff.
func (s *Server) registerRoutes(r chi.Router) {
	enter := s.can(account.EnterReports)
	r.Get("/register", enter(s.registerList))
	r.Get("/register/pipeline", s.can(account.ReviewReports)(s.registerPipeline))
	r.Get("/register/rules", enter(s.registerRuleSets))
	both(r, "/register/rules/new", s.can(account.ManageRules)(s.registerRuleSetNew))
	both(r, "/register/new", enter(s.registerNew))
	r.Get("/register/{id}", enter(s.withID(s.registerFile)))
	r.Post("/register/{id}/step", enter(s.withID(s.registerStep)))
	both(r, "/register/{id}/edit", enter(s.withID(s.registerEdit)))
	r.Get("/register/{id}/print", enter(s.withID(s.registerPrint)))
	both(r, "/register/{id}/readmission", enter(s.withID(s.registerReadmission)))
	both(r, "/register/{id}/sponsor-ceased", enter(s.withID(s.registerSponsorCeased)))
	review, province := s.can(account.ReviewReports), s.can(account.AcceptReports)
	both(r, "/register/import", review(s.importer(s.registerImports, s.registerImport)))
	r.Get("/register/template.xlsx", review(s.download(template("mau-ho-so-phat-trien-dang-vien.xlsx", register.Tables...))))
	r.Get("/register/export.xlsx", province(s.download(s.registerExport)))
	both(r, "/register/retention", province(s.registerRetention))
	r.Get("/reports/{cell}/{year}/{quarter}/register/{key}", enter(s.registerFigure))
}
