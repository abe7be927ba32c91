package server

import (
	"context"
	"net/http"
	"time"

	"ptdang/internal/account"
	"ptdang/internal/org"
	"ptdang/web"
)

// unitView builds the page of one unit as of a date.
type unitView func(ctx context.Context, c caller, id int64, asOf time.Time) (web.UnitDetailView, error)

// unitPage shows a unit of either tree as of a date, with its children or hamlets and history.
func (s *Server) unitPage(view unitView) callerHandler {
	return s.withID(func(w http.ResponseWriter, r *http.Request, c caller, id int64) {
		v, err := view(r.Context(), c, id, s.asOf(r))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.render(w, r, http.StatusOK, web.UnitDetail(c.page(v.Title, "org"), v))
	})
}

// partyView is the page of a Party unit.
func (s *Server) partyView(ctx context.Context, c caller, id int64, asOf time.Time) (web.UnitDetailView, error) {
	d, err := org.GetPartyDetail(ctx, s.DB, c.Scope, id, asOf, s.today())
	if err != nil {
		return web.UnitDetailView{}, err
	}
	p := web.PartyUnitPage{PartyDetail: d, AsOf: asOf, CanChange: c.Can(account.ManageStructure)}
	p.MembersYear, p.Members, err = s.Dashboards.ReportedMembers(ctx, s.ReadDB, c.Scope, id, asOf)
	return web.NewPartyUnitView(p), err
}

// adminView is the page of an administrative unit.
func (s *Server) adminView(ctx context.Context, c caller, id int64, asOf time.Time) (web.UnitDetailView, error) {
	d, err := org.GetAdminDetail(ctx, s.DB, c.Scope, id, asOf, s.today())
	if err != nil {
		return web.UnitDetailView{}, err
	}
	return web.NewAdminUnitView(web.AdminUnitPage{AdminDetail: d, AsOf: asOf, CanChange: c.Can(account.ManageStructure)}), nil
}
