package server

import (
	"context"
	"io"
	"net/http"
	"net/url"

	"ptdang/internal/quality"
	"ptdang/web"
)

// qualityImports is the ratings' import page, which states the cap on "excellent" in force
// this year.
func (s *Server) qualityImports(r *http.Request, _ caller) (importPage, error) {
	rule, err := s.qualityCapRule(r)
	return importPage{title: "Nhập xếp loại chất lượng", nav: "reports", view: web.QualityImportView(rule)}, err
}

// qualityCapRule is the cap on "excellent" in force this year, in words.
func (s *Server) qualityCapRule(r *http.Request) (string, error) {
	rule, err := quality.CapRuleFor(r.Context(), s.DB, s.today().Year())
	return rule.Describe(), err
}

// qualityImport imports an uploaded file of many cells' annual ratings.
func (s *Server) qualityImport(r *http.Request, c caller) importRun {
	rule, ruleErr := s.qualityCapRule(r) // the upload's page reads it too, and fails first
	return func(ctx context.Context, file io.Reader, name string, dryRun bool, _ url.Values) (*web.ImportResult, error) {
		if ruleErr != nil {
			return nil, ruleErr
		}
		res, err := quality.Import(ctx, s.DB, c.Scope, file, name, dryRun)
		out := &web.ImportResult{Counts: web.QualityImportCounts(res.Created, res.Updated, res.Unchanged), Problems: problemRows(res.Problems)}
		if len(res.OverCap) > 0 {
			out.Notice = web.QualityOverCap(rule, res.OverCap)
		}
		return out, err
	}
}
