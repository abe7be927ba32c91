package server

import (
	"net/http"

	"ptdang/web"
)

// registerPrint shows a person's file summarised for A4 (docs/register.md); the read is
// audited as any read of a file.
func (s *Server) registerPrint(w http.ResponseWriter, r *http.Request, c caller, id int64) {
	today := s.today()
	f, err := s.Register.Get(r.Context(), s.DB, c.Scope, id, today)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, web.RegisterPrint(c.page("Tóm tắt hồ sơ", "register"), web.NewRegisterPrintView(f, today)))
}
