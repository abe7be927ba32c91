package server

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"ptdang/internal/exchange"
	"ptdang/internal/format"
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
	name := chi.URLParam(r, "table")
	table, ok := structureTables[name]
	if !ok {
		s.notFound(w, r)
		return
	}
	asOf := s.asOf(r)
	sheets, err := org.ExportStructure(r.Context(), s.DB, c.Scope, asOf)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, sh := range sheets {
		if sh.Sheet == table.Sheet {
			var buf bytes.Buffer
			if err := exchange.WriteCSV(&buf, sh); err != nil {
				s.fail(w, r, err)
				return
			}
			sendFile(w, "text/csv; charset=utf-8", fmt.Sprintf("%s-%s.csv", name, format.ISODate(asOf)), buf.Bytes())
			return
		}
	}
	s.notFound(w, r)
}

// orgTemplate is the empty structure workbook, to fill in.
func (s *Server) orgTemplate(w http.ResponseWriter, r *http.Request, c caller) {
	var sheets []exchange.Sheet
	for _, t := range org.StructureTables {
		sheets = append(sheets, exchange.Sheet{Table: t})
	}
	s.sendXLSX(w, r, "mau-co-cau-to-chuc.xlsx", sheets...)
}

func (s *Server) sendXLSX(w http.ResponseWriter, r *http.Request, filename string, sheets ...exchange.Sheet) {
	var buf bytes.Buffer
	if err := exchange.WriteXLSX(&buf, sheets...); err != nil {
		s.fail(w, r, err)
		return
	}
	sendFile(w, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", filename, buf.Bytes())
}

func sendFile(w http.ResponseWriter, contentType, filename string, body []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write(body)
}
