package server

import (
	"cmp"
	"context"
	"errors"
	"net/http"
	"time"

	"ptdang/internal/account"
	"ptdang/internal/apperr"
	"ptdang/internal/org"
	"ptdang/internal/report"
	"ptdang/web"
)

// unitView builds the page of one unit as of a date.
type unitView func(ctx context.Context, c caller, id int64, asOf time.Time) (web.UnitDetailView, error)

// unitPage shows a unit of either tree as of a date, with its children or hamlets and history.
func (s *Server) unitPage(view unitView) callerHandler {
	return func(w http.ResponseWriter, r *http.Request, c caller) {
		id, ok := idParam(r, "id")
		if !ok {
			s.notFound(w, r)
			return
		}
		v, err := view(r.Context(), c, id, s.asOf(r))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.render(w, r, http.StatusOK, web.UnitDetail(c.page(v.Title, "org"), v))
	}
}

// partyView is the page of a Party unit.
func (s *Server) partyView(ctx context.Context, c caller, id int64, asOf time.Time) (web.UnitDetailView, error) {
	scope := c.Scope
	u, err := org.GetPartyUnit(ctx, s.DB, scope, id, asOf)
	if err != nil {
		return web.UnitDetailView{}, err
	}
	p, errs := web.PartyUnitPage{Unit: u, AsOf: asOf, CanChange: c.Can(account.ManageStructure)}, make([]error, 4)
	p.Successions, errs[0] = org.Successions(ctx, s.DB, scope, org.PartyTree, id, s.today())
	p.MembersYear, p.Members, errs[1] = s.reportedMembers(ctx, scope, id, asOf)
	if u.Kind.IsCell() {
		p.Hamlets, errs[2] = org.CellHamlets(ctx, s.DB, scope, id, asOf)
	} else {
		p.Children, errs[2] = org.PartyChildren(ctx, s.DB, scope, id, asOf)
	}
	p.Versions, errs[3] = org.PartyVersions(ctx, s.DB, scope, id, s.today())
	return web.NewPartyUnitView(p), cmp.Or(errs...)
}

// reportedMembers are the dashboard's members of a unit: the full members at the end of each
// cell's latest quarter reported in the year of the last quarter ended, over its subtree; nil
// when the unit is not on the dashboards' database yet (a replica behind) or not alive on asOf.
func (s *Server) reportedMembers(ctx context.Context, scope org.Scope, id int64, asOf time.Time) (int, *int, error) {
	year := report.LastEnded(asOf).Year
	row, err := s.Dashboards.UnitRow(ctx, s.ReadDB, scope, id, year, asOf)
	if errors.Is(err, apperr.ErrNotFound) {
		return year, nil, nil
	} else if err != nil {
		return year, nil, err
	}
	n := row.Stock["full_members"]
	return year, &n, nil
}

// adminView is the page of an administrative unit.
func (s *Server) adminView(ctx context.Context, c caller, id int64, asOf time.Time) (web.UnitDetailView, error) {
	scope := c.Scope
	u, err := org.GetAdminUnit(ctx, s.DB, scope, id, asOf)
	if err != nil {
		return web.UnitDetailView{}, err
	}
	p, errs := web.AdminUnitPage{Unit: u, AsOf: asOf, CanChange: c.Can(account.ManageStructure)}, make([]error, 3)
	p.Successions, errs[0] = org.Successions(ctx, s.DB, scope, org.AdminTree, id, s.today())
	if u.Level == org.Hamlet {
		p.Links, errs[1] = org.HamletLinks(ctx, s.DB, scope, id, s.today())
	} else {
		p.Children, errs[1] = org.AdminChildren(ctx, s.DB, scope, id, asOf)
	}
	p.Versions, errs[2] = org.AdminVersions(ctx, s.DB, scope, id, s.today())
	return web.NewAdminUnitView(p), cmp.Or(errs...)
}
