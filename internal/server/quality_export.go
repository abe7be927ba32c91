package server

import (
	"fmt"
	"net/http"
	"strconv"

	"ptdang/internal/quality"
)

// qualityExport writes the ratings of ?year= (default: last year) of the cells in the caller's
// scope, in the layout the import reads back unchanged.
func (s *Server) qualityExport(w http.ResponseWriter, r *http.Request, c caller) {
	year := s.today().Year() - 1
	if v := r.URL.Query().Get("year"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < quality.FirstYear || n > quality.LastYear {
			s.notFound(w, r)
			return
		}
		year = n
	}
	sheet, err := quality.Export(r.Context(), s.DB, c.Scope, year)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.sendXLSX(w, r, fmt.Sprintf("xep-loai-chat-luong-%d.xlsx", year), sheet)
}
