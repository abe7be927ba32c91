package server

import (
	"net/http"

	"ptdang/internal/format"
	"ptdang/web"
)

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	v := web.HomeView{Today: format.Date(s.Now().In(format.Zone))}
	s.render(w, r, http.StatusOK, web.Home(web.Page{Nav: "home"}, v))
}
