package server

import (
	"cmp"
	"net/http"
	"strconv"

	"ptdang/internal/account"
	"ptdang/internal/org"
	"ptdang/web"
)

// orgBrowse shows the tops of both trees on the as-of date and, with q, the search results.
func (s *Server) orgBrowse(w http.ResponseWriter, r *http.Request, c caller) {
	ctx, asOf, query := r.Context(), s.asOf(r), r.URL.Query().Get("q")
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	page = max(1, page)
	hits, err1 := org.SearchPage(ctx, s.DB, c.Scope, query, asOf, web.HitsPerPage+1, (page-1)*web.HitsPerPage)
	party, err2 := org.PartyChildren(ctx, s.DB, c.Scope, 0, asOf)
	admin, err3 := org.AdminChildren(ctx, s.DB, c.Scope, 0, asOf)
	if err := cmp.Or(err1, err2, err3); err != nil {
		s.fail(w, r, err)
		return
	}
	v := web.NewOrgBrowseView(query, page, asOf, hits, party, admin, c.Can(account.ManageStructure))
	s.render(w, r, http.StatusOK, web.OrgBrowse(c.page("Cơ cấu tổ chức", "org"), v))
}

// orgChildren is the htmx fragment that expands a node of either tree.
func (s *Server) orgChildren(tree org.Tree) callerHandler {
	return s.withID(func(w http.ResponseWriter, r *http.Request, c caller, id int64) {
		var rows []web.UnitRow
		var err error
		if asOf := s.asOf(r); tree == org.PartyTree {
			units, e := org.PartyChildren(r.Context(), s.DB, c.Scope, id, asOf)
			rows, err = web.PartyRows(units, asOf), e
		} else {
			units, e := org.AdminChildren(r.Context(), s.DB, c.Scope, id, asOf)
			rows, err = web.AdminRows(units, asOf), e
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.render(w, r, http.StatusOK, web.UnitChildren(rows))
	})
}
