package server

import (
	"bytes"
	"fmt"
	"net/http"
	"slices"

	"github.com/go-chi/chi/v5"

	"ptdang/internal/exchange"
	"ptdang/internal/format"
	"ptdang/internal/httpx"
	"ptdang/internal/org"
)

// orgExport writes the structure on the as-of date as one workbook.
func (s *Server) orgExport(w http.ResponseWriter, r *http.Request, c caller) {
	asOf := s.asOf(r)
	sheets, err := org.ExportStructure(r.Context(), s.DB, c.Scope, asOf)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.sendXLSX(w, r, fmt.Sprintf("co-cau-to-chuc-%s.xlsx", format.ISODate(asOf)), sheets...)
}

// orgExportCSV writes one structure table on the as-of date.
func (s *Server) orgExportCSV(w http.ResponseWriter, r *http.Request, c caller) {
	name, asOf := chi.URLParam(r, "table"), s.asOf(r)
	table, ok := structureTables[name]
	if !ok {
		s.notFound(w, r)
		return
	}
	sheets, err := org.ExportStructure(r.Context(), s.DB, c.Scope, asOf)
	i := slices.IndexFunc(sheets, func(sh exchange.Sheet) bool { return sh.Sheet == table.Sheet })
	var buf bytes.Buffer
	if err == nil && i >= 0 {
		err = exchange.WriteCSV(&buf, sheets[i])
	}
	switch {
	case err != nil:
		s.fail(w, r, err)
	case i < 0:
		s.notFound(w, r)
	default:
		httpx.SendFile(w, "text/csv; charset=utf-8", fmt.Sprintf("%s-%s.csv", name, format.ISODate(asOf)), buf.Bytes())
	}
}

// orgTemplate is the empty structure workbook, to fill in.
func (s *Server) orgTemplate(w http.ResponseWriter, r *http.Request, c caller) {
	var sheets []exchange.Sheet
	for _, t := range org.StructureTables {
		sheets = append(sheets, exchange.Sheet{Table: t})
	}
	s.sendXLSX(w, r, "mau-co-cau-to-chuc.xlsx", sheets...)
}
