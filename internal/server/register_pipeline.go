package server

import (
	"errors"
	"net/http"
	"strconv"

	"ptdang/internal/account"
	"ptdang/internal/apperr"
	"ptdang/internal/org"
	"ptdang/internal/register"
	"ptdang/web"
)

// registerPipeline shows the pipeline board of the unit the address names (?unit=, 0 for the
// nation), or of the caller's home unit; with a link up when the caller sees the unit above.
func (s *Server) registerPipeline(w http.ResponseWriter, r *http.Request, c caller) {
	today := s.today()
	unit, err := s.homeUnit(r, c, account.ReviewReports)
	if q := r.URL.Query().Get("unit"); q != "" {
		unit, err = strconv.ParseInt(q, 10, 64)
		if err != nil {
			err = apperr.ErrNotFound
		}
	}
	var b register.Board
	if err == nil {
		b, err = s.Boards.Pipeline(r.Context(), s.ReadDB, c.Scope, unit, today)
	}
	up := int64(-1)
	if err == nil && unit != org.Nation {
		up = b.Unit.ParentID
		if up == 0 && !c.Scope.All() {
			up = -1
		} else if up != 0 {
			_, err = org.GetPartyUnit(r.Context(), s.ReadDB, c.Scope, up, today)
			if errors.Is(err, apperr.ErrNotFound) {
				up, err = -1, nil
			}
		}
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, web.RegisterPipeline(c.page("Tiến độ tạo nguồn", "register"), web.NewPipelineView(b, up)))
}
