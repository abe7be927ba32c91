package server

import (
	"net/http"

	"ptdang/internal/account"
	"ptdang/internal/format"
	"ptdang/internal/httpx"
	"ptdang/internal/register"
	"ptdang/web"
)

// home is public; a signed-in user sees their name and navigation, and one who enters reports
// the number of their register's tasks (Việc cần làm).
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	var c caller
	if u, ok, err := s.signedIn(r); err != nil {
		s.serverError(w, r, err)
		return
	} else if ok {
		c.User = u
	}
	v := web.HomeView{Today: format.Date(s.Now().In(format.Zone)), SignedIn: c.ID != 0}
	if c.ID != 0 && c.Can(account.EnterReports) {
		// One task read: the page needs only the counts.
		todo, err := register.Todo(r.Context(), s.ReadDB, c.User.Scope(account.EnterReports, httpx.ClientAddr(r)), s.today(), register.Page{Limit: 1})
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		v.Tasks = &web.HomeTasks{Count: todo.Total, Overdue: todo.Overdue}
	}
	s.render(w, r, http.StatusOK, web.Home(c.page("", "home"), v))
}
