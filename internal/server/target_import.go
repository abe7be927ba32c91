package server

import (
	"bytes"
	"net/http"
	"strconv"

	"ptdang/internal/exchange"
	"ptdang/internal/org"
	"ptdang/internal/target"
	"ptdang/web"
)

// targetImportView is the import page of unit and year.
func (s *Server) targetImportView(r *http.Request, scope org.Scope, unit int64, year int) (web.TargetImportView, error) {
	u, err := org.GetPartyUnit(r.Context(), s.DB, scope, unit, s.today())
	if err != nil {
		return web.TargetImportView{}, err
	}
	return web.TargetImportView{UnitID: strconv.FormatInt(unit, 10), Year: strconv.Itoa(year), UnitName: u.Name,
		Back:       web.Link{Label: "← Chỉ tiêu của " + u.Name, Href: targetHref("/targets", unit, year)},
		ExportXLSX: targetHref("/targets/export.xlsx", unit, year), ExportCSV: targetHref("/targets/export.csv", unit, year)}, nil
}

func (s *Server) targetImportPage(w http.ResponseWriter, r *http.Request, c caller) {
	unit, year, err := s.targetUnitYear(r, c.Scope, false, true)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.targetImportView(r, c.Scope, unit, year)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, web.TargetImport(c.page("Nhập, xuất chỉ tiêu", "targets"), v))
}

// targetImport takes an uploaded targets file; it writes nothing unless the whole file is right
// and the user did not ask for a dry run.
func (s *Server) targetImport(w http.ResponseWriter, r *http.Request, c caller) {
	r.Body = http.MaxBytesReader(w, r.Body, target.MaxImportBytes+1<<20)
	file, header, fileErr := r.FormFile("file")
	unit, year, err := s.targetUnitYear(r, c.Scope, false, true)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.targetImportView(r, c.Scope, unit, year)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page := c.page("Nhập, xuất chỉ tiêu", "targets")
	if fileErr != nil {
		v.Error = "Chọn một tệp .xlsx hoặc .csv (tối đa 20 MB) để tải lên."
		s.render(w, r, http.StatusUnprocessableEntity, web.TargetImport(page, v))
		return
	}
	defer file.Close()
	rep, err := target.Import(r.Context(), s.DB, c.Scope, file, header.Filename, r.FormValue("dry_run") != "", s.today())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	res := &web.TargetImportResult{DryRun: rep.DryRun, FileName: header.Filename, Created: rep.Created, Updated: rep.Updated,
		Removed: rep.Removed, Unchanged: rep.Unchanged, Changes: rep.Changes}
	res.Problems = problemRows(rep.Problems)
	v.Result = res
	status := http.StatusOK
	if len(res.Problems) > 0 {
		status = http.StatusUnprocessableEntity
	}
	s.render(w, r, status, web.TargetImport(page, v))
}

// targetExport writes the targets of a unit and the units below it as a workbook.
func (s *Server) targetExport(w http.ResponseWriter, r *http.Request, c caller) {
	sheet, code, year, ok := s.targetSheet(w, r, c)
	if ok {
		s.sendXLSX(w, r, target.FileName(code, year, "xlsx"), sheet)
	}
}

// targetExportCSV writes the same as targetExport as CSV.
func (s *Server) targetExportCSV(w http.ResponseWriter, r *http.Request, c caller) {
	sheet, code, year, ok := s.targetSheet(w, r, c)
	if !ok {
		return
	}
	var buf bytes.Buffer
	if err := exchange.WriteCSV(&buf, sheet); err != nil {
		s.fail(w, r, err)
		return
	}
	sendFile(w, "text/csv; charset=utf-8", target.FileName(code, year, "csv"), buf.Bytes())
}

func (s *Server) targetSheet(w http.ResponseWriter, r *http.Request, c caller) (exchange.Sheet, string, int, bool) {
	unit, year, err := s.targetUnitYear(r, c.Scope, false, false)
	if err != nil {
		s.fail(w, r, err)
		return exchange.Sheet{}, "", 0, false
	}
	sheet, err := target.Export(r.Context(), s.DB, c.Scope, unit, year)
	if err != nil {
		s.fail(w, r, err)
		return exchange.Sheet{}, "", 0, false
	}
	code := "don-vi"
	if len(sheet.Rows) > 0 {
		code, _ = sheet.Rows[0][0].(string)
	}
	return sheet, code, year, true
}
