package server

import (
	"context"
	"io"
	"net/http"
	"net/url"

	"ptdang/internal/account"
	"ptdang/internal/exchange"
	"ptdang/web"
)

// registerImports is the register's import page (docs/import.md).
func (s *Server) registerImports(_ *http.Request, c caller) (importPage, error) {
	return importPage{title: "Nhập hồ sơ phát triển đảng viên", nav: "register", view: web.RegisterImportView(c.Can(account.AcceptReports))}, nil
}

// registerImport imports an uploaded file of candidates' files and steps.
func (s *Server) registerImport(_ *http.Request, c caller) importRun {
	return func(ctx context.Context, file io.Reader, name string, dryRun bool, _ url.Values) (*web.ImportResult, error) {
		res, err := s.Register.Import(ctx, s.DB, c.Scope, file, name, dryRun, s.today())
		return &web.ImportResult{Counts: web.RegisterImportCounts(res.Created, res.Steps, res.Unchanged), Problems: problemRows(res.Problems)}, err
	}
}

// registerExport is every file in the caller's scope, for the province's staff only: personal
// data, the national ID masked; the export is audited.
func (s *Server) registerExport(r *http.Request, c caller) (string, []exchange.Sheet, error) {
	sheets, err := s.Register.Export(r.Context(), s.DB, c.Scope, s.today())
	return "ho-so-phat-trien-dang-vien.xlsx", sheets, err
}
