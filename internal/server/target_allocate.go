package server

import (
	"maps"
	"net/http"

	"ptdang/internal/account"
	"ptdang/internal/target"
	"ptdang/web"
)

// saveAllocation saves the allocation page: all of it or nothing. "Tính lại tổng" (action
// preview) only recomputes the sum and the difference, for browsers without JavaScript.
func (s *Server) saveAllocation(r *http.Request, c caller, f *form, unit int64, year int) (bool, error) {
	g := target.ReadGrid(unit, year, maps.Keys(f.values), f.text)
	return !g.Preview, orFormErr(f, func() error { return target.SaveGrid(r.Context(), s.DB, c.Scope, g, s.today()) })
}

// showAllocation renders a unit's target for a year and its allocation to the units below it,
// editable where c may set them; after a preview or a failed save (f not nil) with what was
// typed, f's field messages, and on a conflict the values saved meanwhile.
func (s *Server) showAllocation(w http.ResponseWriter, r *http.Request, c caller, unit int64, year int, f *form, status int, msg string) {
	p, err := target.GetPage(r.Context(), s.DB, c.Scope, manageScope(r, c), unit, year, s.today())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var g *target.Grid
	var errs map[string]string
	if f != nil {
		typed := target.ReadGrid(unit, year, maps.Keys(f.values), f.text)
		if g = &typed; status == http.StatusConflict {
			for field, note := range p.Stale(typed) {
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
