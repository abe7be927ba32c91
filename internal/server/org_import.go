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
	"ptdang/web"
)

// structureTables maps the table names of URLs and forms to the structure tables.
var structureTables = map[string]exchange.Table{"admin": org.AdminTable, "party": org.PartyTable, "links": org.LinkTable}

func (s *Server) orgImportPage(w http.ResponseWriter, r *http.Request, c caller) {
	s.render(w, r, http.StatusOK, web.OrgImport(web.Page{Title: "Nhập, xuất cơ cấu tổ chức", Nav: "org"},
		web.OrgImportView{AsOf: format.ISODate(s.asOf(r))}))
}

// orgImport takes an uploaded structure file; it writes nothing unless the whole file is right
// and the user did not ask for a dry run.
func (s *Server) orgImport(w http.ResponseWriter, r *http.Request, c caller) {
	page := web.Page{Title: "Nhập, xuất cơ cấu tổ chức", Nav: "org"}
	v := web.OrgImportView{AsOf: format.ISODate(s.today())}
	r.Body = http.MaxBytesReader(w, r.Body, org.MaxImportBytes+1<<20)
	file, header, err := r.FormFile("file")
	if err != nil {
		v.Error = "Chọn một tệp .xlsx hoặc .csv (tối đa 20 MB) để tải lên."
		s.render(w, r, http.StatusUnprocessableEntity, web.OrgImport(page, v))
		return
	}
	defer file.Close()
	table, ok := structureTables[r.FormValue("table")]
	if !ok {
		table = org.PartyTable
	}
	rep, err := org.ImportStructure(r.Context(), s.DB, c.Scope, file, header.Filename, table, r.FormValue("dry_run") != "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	res := &web.ImportResult{DryRun: rep.DryRun, FileName: header.Filename, Created: rep.Created, Updated: rep.Updated,
		Unchanged: rep.Unchanged, Closed: rep.Closed, Changes: rep.Changes}
	res.Problems = problemRows(rep.Problems)
	v.Result = res
	status := http.StatusOK
	if len(res.Problems) > 0 {
		status = http.StatusUnprocessableEntity
	}
	s.render(w, r, status, web.OrgImport(page, v))
}

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

// problemRows shows a refused file's problems, row numbers as Excel shows them.
func problemRows(ps exchange.Problems) []web.ProblemRow {
	rows := make([]web.ProblemRow, len(ps))
	for i, p := range ps {
		rows[i] = web.ProblemRow{Sheet: p.Sheet, Column: p.Column, Message: p.Message}
		if p.Row > 0 {
			rows[i].Row = strconv.Itoa(p.Row)
		}
	}
	return rows
}
