package server

import (
	"bytes"
	"net/http"
	"strconv"

	"ptdang/internal/exchange"
)

// sendXLSX sends sheets as a workbook to download.
func (s *Server) sendXLSX(w http.ResponseWriter, r *http.Request, filename string, sheets ...exchange.Sheet) {
	var buf bytes.Buffer
	if err := exchange.WriteXLSX(&buf, sheets...); err != nil {
		s.fail(w, r, err)
		return
	}
	sendFile(w, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", filename, buf.Bytes())
}

// sendFile sends body as a file to download.
func sendFile(w http.ResponseWriter, contentType, filename string, body []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write(body)
}
