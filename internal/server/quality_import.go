package server

import (
	"net/http"

	"ptdang/internal/exchange"
	"ptdang/internal/quality"
	"ptdang/web"
)

const qualityImportTitle = "Nhập xếp loại chất lượng"

// qualityImportView is the page's model before any upload, with the cap on "excellent" in
// force this year.
func (s *Server) qualityImportView(r *http.Request) (web.QualityImportView, error) {
	rule, err := quality.CapRuleFor(r.Context(), s.DB, s.today().Year())
	if err != nil {
		return web.QualityImportView{}, err
	}
	return web.QualityImportView{CapRule: rule.Describe()}, nil
}

func (s *Server) qualityImportPage(w http.ResponseWriter, r *http.Request, c caller) {
	v, err := s.qualityImportView(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, web.QualityImport(c.page(qualityImportTitle, "reports"), v))
}

// qualityImport takes a file of many cells' annual ratings; nothing is written unless every
// row holds and the user did not ask for a dry run.
func (s *Server) qualityImport(w http.ResponseWriter, r *http.Request, c caller) {
	page := c.page(qualityImportTitle, "reports")
	r.Body = http.MaxBytesReader(w, r.Body, quality.MaxImportBytes+1<<20)
	file, header, fileErr := r.FormFile("file")
	v, err := s.qualityImportView(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if fileErr != nil {
		v.Error = "Chọn một tệp .xlsx hoặc .csv (tối đa 20 MB) để tải lên."
		s.render(w, r, http.StatusUnprocessableEntity, web.QualityImport(page, v))
		return
	}
	defer file.Close()
	res, err := quality.Import(r.Context(), s.DB, c.Scope, file, header.Filename, r.FormValue("dry_run") != "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.Done, v.FileName, v.DryRun = true, header.Filename, res.DryRun
	v.Created, v.Updated, v.Unchanged, v.OverCap = res.Created, res.Updated, res.Unchanged, res.OverCap
	v.Problems = problemRows(res.Problems)
	status := http.StatusOK
	if len(v.Problems) > 0 {
		status = http.StatusUnprocessableEntity
	}
	s.render(w, r, status, web.QualityImport(page, v))
}

// qualityTemplate is the empty ratings workbook, to fill in.
func (s *Server) qualityTemplate(w http.ResponseWriter, r *http.Request, c caller) {
	s.sendXLSX(w, r, "mau-xep-loai-chat-luong.xlsx", exchange.Sheet{Table: quality.Table})
}
