package server

import (
	"maps"
	"net/http"

	"ptdang/internal/account"
	"ptdang/internal/org"
	"ptdang/internal/target"
	"ptdang/web"
)

// targetPage shows a unit's target for a year and its allocation to the units below it,
// editable where the user may set them.
func (s *Server) targetPage(w http.ResponseWriter, r *http.Request, c caller) {
	unit, year, err := s.targetUnitYear(r, c.Scope, false, true)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.showAllocation(w, r, c, manageScope(r, c), unit, year, nil, nil, http.StatusOK, "")
}

// targetSave saves the allocation page: all of it or nothing. "Tính lại tổng" (action
// preview) only recomputes the sum and the difference, for browsers without JavaScript.
func (s *Server) targetSave(w http.ResponseWriter, r *http.Request, c caller) {
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	unit, year, err := s.targetUnitYear(r, c.Scope, true, false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	g := target.ReadGrid(unit, year, maps.Keys(f.values), f.text)
	if err = f.inv.Err(); err == nil {
		err = target.SaveGrid(r.Context(), s.DB, c.Scope, g, s.today())
	}
	if err == nil && !g.Preview {
		http.Redirect(w, r, targetHref("/targets", unit, year)+"&saved=1", http.StatusSeeOther)
		return
	}
	status, msg := http.StatusOK, ""
	if err != nil {
		if msg, status, ok = f.refused(err); !ok {
			s.fail(w, r, err)
			return
		}
	}
	s.showAllocation(w, r, c, c.Scope, unit, year, &g, f, status, msg)
}

// showAllocation renders the allocation page of unit and year, the rights of manage on it;
// after a preview or a failed save (g and f not nil) with what was typed, f's field messages,
// and on a conflict the values saved meanwhile.
func (s *Server) showAllocation(w http.ResponseWriter, r *http.Request, c caller, manage org.Scope, unit int64, year int,
	g *target.Grid, f *form, status int, msg string) {
	p, err := target.GetPage(r.Context(), s.DB, c.Scope, manage, unit, year, s.today())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var errs map[string]string
	if f != nil {
		if status == http.StatusConflict {
			for field, note := range p.Stale(*g) {
				f.inv.Add(field, note)
			}
		}
		errs = f.inv.Fields
	}
	v := web.NewTargetAllocationView(p, g, errs, status != http.StatusConflict, c.Can(account.ManageTargets), s.today())
	v.Error = msg
	if f == nil && r.URL.Query().Get("saved") != "" {
		v.Message = "Đã lưu chỉ tiêu."
	}
	s.render(w, r, status, web.TargetAllocation(c.page("Chỉ tiêu kết nạp", "targets"), v))
}
