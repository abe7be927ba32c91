package server

import (
	"bytes"
	"net/http"

	"ptdang/internal/exchange"
	"ptdang/internal/httpx"
)

// sendXLSX sends sheets as a workbook to download.
func (s *Server) sendXLSX(w http.ResponseWriter, r *http.Request, filename string, sheets ...exchange.Sheet) {
	var buf bytes.Buffer
	if err := exchange.WriteXLSX(&buf, sheets...); err != nil {
		s.fail(w, r, err)
		return
	}
	httpx.SendFile(w, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", filename, buf.Bytes())
}
