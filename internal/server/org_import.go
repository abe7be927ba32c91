package server

import (
	"context"
	"io"
	"net/http"
	"net/url"

	"ptdang/internal/format"
	"ptdang/internal/org"
	"ptdang/web"
)

func (s *Server) orgImports(r *http.Request, _ caller) (importPage, error) {
	return importPage{title: "Nhập, xuất cơ cấu tổ chức", nav: "org", view: web.OrgImportView(format.ISODate(s.asOf(r)))}, nil
}

// orgImport imports an uploaded structure file, of the table chosen when it is a CSV file.
func (s *Server) orgImport(_ *http.Request, c caller) importRun {
	return func(ctx context.Context, file io.Reader, name string, dryRun bool, form url.Values) (*web.ImportResult, error) {
		table, ok := structureTables[form.Get("table")]
		if !ok {
			table = org.PartyTable
		}
		rep, err := org.ImportStructure(ctx, s.DB, c.Scope, file, name, table, dryRun)
		return &web.ImportResult{Counts: web.OrgImportCounts(rep.Created, rep.Updated, rep.Closed, rep.Unchanged),
			Changes: rep.Changes, Problems: problemRows(rep.Problems)}, err
	}
}
