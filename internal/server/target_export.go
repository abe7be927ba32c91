package server

import (
	"bytes"
	"net/http"

	"ptdang/internal/exchange"
	"ptdang/internal/httpx"
	"ptdang/internal/target"
)

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
	httpx.SendFile(w, "text/csv; charset=utf-8", target.FileName(code, year, "csv"), buf.Bytes())
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
