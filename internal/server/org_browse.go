package server

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"time"

	"ptdang/internal/format"
	"ptdang/internal/org"
	"ptdang/web"
)

// orgBrowse shows the tops of both trees on the as-of date and, with q, the search results.
func (s *Server) orgBrowse(w http.ResponseWriter, r *http.Request, c caller) {
	ctx, scope, asOf := r.Context(), c.Scope, s.asOf(r)
	v := web.OrgBrowseView{AsOf: format.ISODate(asOf), AsOfText: format.Date(asOf), Query: r.URL.Query().Get("q")}
	if v.Query != "" {
		v.Searched = true
		hits, err := org.Search(ctx, s.DB, scope, v.Query, asOf, 50)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, h := range hits {
			v.Hits = append(v.Hits, web.Hit{Href: unitHref(h.Tree, h.ID, asOf), Code: h.Code, Name: h.Name, Kind: h.Kind, Parent: h.ParentName})
		}
	}
	var err1, err2 error
	v.Party, err1 = s.childRows(ctx, scope, org.PartyTree, 0, asOf)
	v.Admin, err2 = s.childRows(ctx, scope, org.AdminTree, 0, asOf)
	if err := cmp.Or(err1, err2); err != nil {
		s.fail(w, r, err)
		return
	}
	v.Actions = []web.Link{
		{Label: "Nhập, xuất Excel", Href: "/org/import"},
		{Label: "Sáp nhập tổ chức đảng", Href: "/org/party/merge"},
		{Label: "Sáp nhập đơn vị hành chính", Href: "/org/admin/merge"},
	}
	s.render(w, r, http.StatusOK, web.OrgBrowse(c.page("Cơ cấu tổ chức", "org"), v))
}

// orgChildren is the htmx fragment that expands a node of either tree.
func (s *Server) orgChildren(tree org.Tree) callerHandler {
	return func(w http.ResponseWriter, r *http.Request, c caller) {
		id, ok := idParam(r, "id")
		if !ok {
			s.notFound(w, r)
			return
		}
		rows, err := s.childRows(r.Context(), c.Scope, tree, id, s.asOf(r))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.render(w, r, http.StatusOK, web.UnitChildren(rows))
	}
}

// childRows lists the units of tree directly under parent on asOf; parent 0 lists the tops of
// the scope.
func (s *Server) childRows(ctx context.Context, scope org.Scope, tree org.Tree, parent int64, asOf time.Time) ([]web.UnitRow, error) {
	if tree == org.PartyTree {
		units, err := org.PartyChildren(ctx, s.DB, scope, parent, asOf)
		return partyRows(units, asOf), err
	}
	units, err := org.AdminChildren(ctx, s.DB, scope, parent, asOf)
	return adminRows(units, asOf), err
}

func unitHref(tree org.Tree, id int64, asOf time.Time) string {
	return fmt.Sprintf("/org/%s/%d?date=%s", tree, id, format.ISODate(asOf))
}

func childrenHref(tree org.Tree, id int64, n int, asOf time.Time) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("/org/%s/%d/children?date=%s", tree, id, format.ISODate(asOf))
}

func partyRows(units []org.PartyUnit, asOf time.Time) []web.UnitRow {
	rows := make([]web.UnitRow, len(units))
	for i, u := range units {
		extra := ""
		if u.Kind.IsCell() {
			extra = format.Int(int64(u.FullMembers)) + " đảng viên chính thức (khai báo)"
			if u.HasCommittee(asOf) {
				extra += " · có chi ủy"
			}
		}
		rows[i] = web.UnitRow{Href: unitHref(org.PartyTree, u.ID, asOf), Code: u.Code, Name: u.Name, Kind: u.Kind.Label(),
			Extra: extra, Children: u.Children, ChildrenHref: childrenHref(org.PartyTree, u.ID, u.Children, asOf)}
	}
	return rows
}

func adminRows(units []org.AdminUnit, asOf time.Time) []web.UnitRow {
	rows := make([]web.UnitRow, len(units))
	for i, u := range units {
		extra := ""
		if u.Population != nil {
			extra = format.Int(int64(*u.Population)) + " dân"
		}
		rows[i] = web.UnitRow{Href: unitHref(org.AdminTree, u.ID, asOf), Code: u.Code, Name: u.Name, Kind: localWordOr(u),
			Extra: extra, Children: u.Children, ChildrenHref: childrenHref(org.AdminTree, u.ID, u.Children, asOf)}
	}
	return rows
}

func localWordOr(u org.AdminUnit) string {
	if u.LocalWord != "" {
		return u.LocalWord
	}
	return u.Level.Label()
}
