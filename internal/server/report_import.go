package server

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"ptdang/internal/account"
	"ptdang/internal/report"
	"ptdang/web"
)

var reportImports = importPage{title: "Nhập báo cáo quý", nav: "reports", view: web.ReportImportView()}

func (s *Server) reportImportPage(w http.ResponseWriter, r *http.Request, c caller) {
	s.showImport(w, r, c, reportImports, nil)
}

// reportImport imports an uploaded file of many cells' figures; province staff (who accept
// reports) may load locked quarters as history.
func (s *Server) reportImport(w http.ResponseWriter, r *http.Request, c caller) {
	s.startImport(w, r, c, func() (importPage, error) { return reportImports, nil },
		func(ctx context.Context, file io.Reader, name string, dryRun bool, _ url.Values) (*web.ImportResult, error) {
			res, err := report.ImportFigures(ctx, s.DB, c.Scope, file, name, dryRun, c.Can(account.AcceptReports), s.today())
			return &web.ImportResult{Counts: web.ReportImportCounts(res.Submitted, res.Unchanged, res.Skipped), Problems: problemRows(res.Problems)}, err
		})
}

// reportTemplate sends the sample file of ?year=&quarter= (default: the last quarter ended): the
// caller's cells, to fill in and upload.
func (s *Server) reportTemplate(w http.ResponseWriter, r *http.Request, c caller) {
	p, ok := periodQuery(r, s.today())
	if !ok {
		s.notFound(w, r)
		return
	}
	s.sendXLSX(w, r, fmt.Sprintf("mau-bao-cao-quy-%d-%d.xlsx", p.Quarter, p.Year), report.ImportSample(r.Context(), s.DB, c.Scope, p))
}
