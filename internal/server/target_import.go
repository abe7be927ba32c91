package server

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"ptdang/internal/org"
	"ptdang/internal/target"
	"ptdang/web"
)

// targetImports is the import page of the unit and year the request names.
func (s *Server) targetImports(r *http.Request, c caller) (importPage, error) {
	unit, year, err := s.targetUnitYear(r, c.Scope, false, true)
	if err != nil {
		return importPage{}, err
	}
	u, err := org.GetPartyUnit(r.Context(), s.DB, c.Scope, unit, s.today())
	if err != nil {
		return importPage{}, err
	}
	back := web.Link{Label: "← Chỉ tiêu của " + u.Name, Href: targetHref("/targets", unit, year)}
	return importPage{title: "Nhập, xuất chỉ tiêu", nav: "targets", view: web.TargetImportView(strconv.FormatInt(unit, 10), strconv.Itoa(year),
		u.Name, back, targetHref("/targets/export.xlsx", unit, year), targetHref("/targets/export.csv", unit, year))}, nil
}

// targetImport imports an uploaded targets file.
func (s *Server) targetImport(_ *http.Request, c caller) importRun {
	return func(ctx context.Context, file io.Reader, name string, dryRun bool, _ url.Values) (*web.ImportResult, error) {
		rep, err := target.Import(ctx, s.DB, c.Scope, file, name, dryRun, s.today())
		return &web.ImportResult{Counts: web.TargetImportCounts(rep.Created, rep.Updated, rep.Removed, rep.Unchanged),
			Changes: rep.Changes, Problems: problemRows(rep.Problems)}, err
	}
}
