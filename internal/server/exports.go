package server

import (
	"bytes"
	"fmt"
	"net/http"
	"path"
	"slices"
	"strings"

	"github.com/go-chi/chi/v5"

	"ptdang/internal/apperr"
	"ptdang/internal/audit"
	"ptdang/internal/exchange"
	"ptdang/internal/format"
	"ptdang/internal/httpx"
	"ptdang/internal/org"
	"ptdang/internal/quality"
	"ptdang/internal/report"
	"ptdang/internal/target"
	"ptdang/web"
)

// export makes a file to download: its name, whose extension says its format (sendSheets), and
// its sheets.
type export func(r *http.Request, c caller) (filename string, sheets []exchange.Sheet, err error)

// download answers with the file ex makes, or with the page of its error.
func (s *Server) download(ex export) callerHandler {
	return func(w http.ResponseWriter, r *http.Request, c caller) {
		name, sheets, err := ex(r, c)
		s.sendSheets(w, r, name, err, sheets...)
	}
}

// sendSheets sends sheets as a file to download: for a .csv name the first sheet as CSV, else a
// workbook. A non-nil err is answered instead.
func (s *Server) sendSheets(w http.ResponseWriter, r *http.Request, filename string, err error, sheets ...exchange.Sheet) {
	var buf bytes.Buffer
	contentType := "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	switch {
	case err != nil:
	case strings.HasSuffix(filename, ".csv"):
		contentType, err = "text/csv; charset=utf-8", exchange.WriteCSV(&buf, sheets[0])
	default:
		err = exchange.WriteXLSX(&buf, sheets...)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.SendFile(w, contentType, filename, buf.Bytes())
}

// sendXLSX sends sheets as a workbook to download.
func (s *Server) sendXLSX(w http.ResponseWriter, r *http.Request, filename string, sheets ...exchange.Sheet) {
	s.sendSheets(w, r, filename, nil, sheets...)
}

// template is the empty workbook of tables, to fill in.
func template(filename string, tables ...exchange.Table) export {
	return func(*http.Request, caller) (string, []exchange.Sheet, error) {
		sheets := make([]exchange.Sheet, len(tables))
		for i, t := range tables {
			sheets[i] = exchange.Sheet{Table: t}
		}
		return filename, sheets, nil
	}
}

// reportExport is the submitted and approved reports of ?year=&quarter= (default: the last
// quarter ended) of the cells in the caller's scope, in the layout the import reads back
// unchanged.
func (s *Server) reportExport(r *http.Request, c caller) (string, []exchange.Sheet, error) {
	p, ok := periodQuery(r, s.today())
	if !ok {
		return "", nil, apperr.ErrNotFound
	}
	sheet, err := report.ExportFigures(r.Context(), s.DB, c.Scope, p)
	return fmt.Sprintf("bao-cao-quy-%d-%d.xlsx", p.Quarter, p.Year), []exchange.Sheet{sheet}, err
}

// qualityExport is the ratings of ?year= (default: last year) of the cells in the caller's
// scope, in the layout the import reads back unchanged.
func (s *Server) qualityExport(r *http.Request, c caller) (string, []exchange.Sheet, error) {
	year, ok := quality.ParseYear(r.URL.Query().Get("year"), s.today().Year()-1)
	if !ok {
		return "", nil, apperr.ErrNotFound
	}
	sheet, err := quality.Export(r.Context(), s.DB, c.Scope, year)
	return fmt.Sprintf("xep-loai-chat-luong-%d.xlsx", year), []exchange.Sheet{sheet}, err
}

// targetExport is the targets of a unit and the units below it, as the address's extension asks
// (.xlsx or .csv).
func (s *Server) targetExport(r *http.Request, c caller) (string, []exchange.Sheet, error) {
	unit, year, err := s.targetUnitYear(r, c.Scope, false, false)
	if err != nil {
		return "", nil, err
	}
	sheet, err := target.Export(r.Context(), s.DB, c.Scope, unit, year)
	code := "don-vi"
	if len(sheet.Rows) > 0 {
		code, _ = sheet.Rows[0][0].(string)
	}
	return target.FileName(code, year, strings.TrimPrefix(path.Ext(r.URL.Path), ".")), []exchange.Sheet{sheet}, err
}

// structureTables maps the table names of URLs and forms to the structure tables.
var structureTables = map[string]exchange.Table{"admin": org.AdminTable, "party": org.PartyTable, "links": org.LinkTable}

// orgExport is the structure on the as-of date: all of it as a workbook, or the one table the
// address names ({table}) as CSV.
func (s *Server) orgExport(r *http.Request, c caller) (string, []exchange.Sheet, error) {
	name, asOf := chi.URLParam(r, "table"), s.asOf(r)
	table, ok := structureTables[name]
	if name != "" && !ok {
		return "", nil, apperr.ErrNotFound
	}
	sheets, err := org.ExportStructure(r.Context(), s.DB, c.Scope, asOf)
	if name == "" || err != nil {
		return fmt.Sprintf("co-cau-to-chuc-%s.xlsx", format.ISODate(asOf)), sheets, err
	}
	i := slices.IndexFunc(sheets, func(sh exchange.Sheet) bool { return sh.Sheet == table.Sheet })
	if i < 0 {
		return "", nil, apperr.ErrNotFound
	}
	return fmt.Sprintf("%s-%s.csv", name, format.ISODate(asOf)), sheets[i : i+1], nil
}

// auditExport is the change log the page's filters select, as CSV.
func (s *Server) auditExport(r *http.Request, c caller) (string, []exchange.Sheet, error) {
	f := s.auditFilter(r, c)
	f.Limit = 100_000
	rows, err := audit.List(r.Context(), s.DB, f)
	return "nhat-ky-thay-doi.csv", []exchange.Sheet{web.AuditSheet(rows)}, err
}
