package server

import (
	"net/http"

	"ptdang/internal/format"
	"ptdang/web"
)

// home is public; a signed-in user sees their name and navigation.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	var c caller
	if u, ok, err := s.signedIn(r); err != nil {
		s.serverError(w, r, err)
		return
	} else if ok {
		c.User = u
	}
	v := web.HomeView{Today: format.Date(s.Now().In(format.Zone)), SignedIn: c.ID != 0}
	s.render(w, r, http.StatusOK, web.Home(c.page("", "home"), v))
}
