package server

import (
	"context"
	"io"
	"net/http"
	"net/url"

	"ptdang/internal/quality"
	"ptdang/web"
)

// qualityCapRule is the cap on "excellent" in force this year, in words.
func (s *Server) qualityCapRule(r *http.Request) (string, error) {
	rule, err := quality.CapRuleFor(r.Context(), s.DB, s.today().Year())
	return rule.Describe(), err
}

func qualityImports(capRule string) importPage {
	return importPage{title: "Nhập xếp loại chất lượng", nav: "reports", view: web.QualityImportView(capRule)}
}

func (s *Server) qualityImportPage(w http.ResponseWriter, r *http.Request, c caller) {
	rule, err := s.qualityCapRule(r)
	s.showImport(w, r, c, qualityImports(rule), err)
}

// qualityImport imports an uploaded file of many cells' annual ratings.
func (s *Server) qualityImport(w http.ResponseWriter, r *http.Request, c caller) {
	rule, ruleErr := s.qualityCapRule(r)
	s.startImport(w, r, c, func() (importPage, error) { return qualityImports(rule), ruleErr },
		func(ctx context.Context, file io.Reader, name string, dryRun bool, _ url.Values) (*web.ImportResult, error) {
			res, err := quality.Import(ctx, s.DB, c.Scope, file, name, dryRun)
			out := &web.ImportResult{Counts: web.QualityImportCounts(res.Created, res.Updated, res.Unchanged), Problems: problemRows(res.Problems)}
			if len(res.OverCap) > 0 {
				out.Notice = web.QualityOverCap(rule, res.OverCap)
			}
			return out, err
		})
}
