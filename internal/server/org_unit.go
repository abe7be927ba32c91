package server

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"ptdang/internal/apperr"
	"ptdang/internal/format"
	"ptdang/internal/org"
	"ptdang/internal/report"
	"ptdang/web"
)

// unitView builds the page of one unit as of a date.
type unitView func(ctx context.Context, scope org.Scope, id int64, asOf time.Time) (web.UnitDetailView, error)

// unitPage shows a unit of either tree as of a date, with its children or hamlets and history.
func (s *Server) unitPage(view unitView) callerHandler {
	return func(w http.ResponseWriter, r *http.Request, c caller) {
		id, ok := idParam(r, "id")
		if !ok {
			s.notFound(w, r)
			return
		}
		v, err := view(r.Context(), c.Scope, id, s.asOf(r))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.render(w, r, http.StatusOK, web.UnitDetail(c.page(v.Title, "org"), v))
	}
}

// unitLabels are the words a tree's page uses.
type unitLabels struct{ life, parent, move string }

// commonView is the part of a unit's page both trees share: its identity, its parent, its
// reorganisations and, while it is open, the changes it allows.
func (s *Server) commonView(ctx context.Context, scope org.Scope, u org.Unit, subtitle string, asOf time.Time, l unitLabels) (web.UnitDetailView, error) {
	successions, err := org.Successions(ctx, s.DB, scope, u.Tree, u.ID, s.today())
	v := web.UnitDetailView{Title: u.Name, Subtitle: subtitle, AsOf: format.ISODate(asOf), AsOfText: format.Date(asOf),
		Notice: web.LifeNotice(u.Life.From, u.Life.To, asOf), Successions: successionRows(u.Tree, successions),
		Facts: []web.Fact{{Label: "Mã", Value: u.Code}, {Label: l.life, Value: web.SpanText(u.Life.From, u.Life.To)}}}
	if u.ParentID != 0 {
		v.Facts = append(v.Facts, web.Fact{Label: l.parent, Value: u.ParentName, Href: unitHref(u.Tree, u.ParentID, asOf)})
	}
	if u.Life.Open() {
		base := fmt.Sprintf("/org/%s/%d", u.Tree, u.ID)
		v.Actions = []web.Link{{Label: "Sửa thông tin", Href: base + "/edit"}, {Label: "Đổi tên", Href: base + "/rename"},
			{Label: l.move, Href: base + "/move"}, {Label: "Chia tách", Href: base + "/split"}, {Label: "Giải thể", Href: base + "/close"}}
	}
	return v, err
}

// partyView is the page of a Party unit.
func (s *Server) partyView(ctx context.Context, scope org.Scope, id int64, asOf time.Time) (web.UnitDetailView, error) {
	u, err := org.GetPartyUnit(ctx, s.DB, scope, id, asOf)
	if err != nil {
		return web.UnitDetailView{}, err
	}
	v, err := s.commonView(ctx, scope, u.Unit(), u.Kind.Label()+" · "+u.OrgType.Label(), asOf,
		unitLabels{life: "Thời gian hoạt động", parent: "Trực thuộc", move: "Chuyển trực thuộc"})
	if err != nil {
		return v, err
	}
	members, err := s.reportedMembers(ctx, scope, id, asOf)
	v.Facts = append(v.Facts, members)
	if u.Kind.IsCell() {
		committee := "Chưa có chi ủy"
		if u.CommitteeSince != nil {
			committee = "Có chi ủy từ " + format.Date(*u.CommitteeSince)
		}
		v.Facts = append(v.Facts, web.Fact{Label: "Số đảng viên chính thức (khai báo khi lập, sửa chi bộ)", Value: format.Int(int64(u.FullMembers))},
			web.Fact{Label: "Nhiệm kỳ đại hội", Value: strconv.Itoa(u.TermMonths) + " tháng"}, web.Fact{Label: "Chi ủy", Value: committee})
		links, err2 := org.CellHamlets(ctx, s.DB, scope, id, asOf)
		v.LinksTitle, v.Links, err = "Thôn, tổ dân phố chi bộ phụ trách", linkRows(links, asOf), cmp.Or(err, err2)
	} else {
		v.Facts = append(v.Facts, web.Fact{Label: "Nhiệm kỳ đại hội", Value: strconv.Itoa(u.TermMonths) + " tháng"})
		children, err2 := org.PartyChildren(ctx, s.DB, scope, id, asOf)
		v.ChildrenTitle, v.Children, err = "Tổ chức trực thuộc", partyRows(children, asOf), cmp.Or(err, err2)
		if u.Life.Open() {
			v.Actions = append(v.Actions, web.Link{Label: "Thêm tổ chức trực thuộc", Href: fmt.Sprintf("/org/party/new?parent=%d", id)})
		}
	}
	versions, err2 := org.PartyVersions(ctx, s.DB, scope, id, s.today())
	for _, ver := range versions {
		v.Versions = append(v.Versions, versionRow(ver.Span, ver.Name, ver.Kind.Label(), "trực thuộc", ver.ParentName, ver.EventKind, ver.EventNote))
	}
	return v, cmp.Or(err, err2)
}

// reportedMembers are the dashboard's members of a unit: the full members at the end of each
// cell's latest quarter reported in the year of the last quarter ended, over its subtree.
func (s *Server) reportedMembers(ctx context.Context, scope org.Scope, id int64, asOf time.Time) (web.Fact, error) {
	year := report.LastEnded(asOf).Year
	f := web.Fact{Label: fmt.Sprintf("Số đảng viên chính thức (theo báo cáo quý gần nhất năm %d)", year), Value: "—"}
	row, err := s.Dashboards.UnitRow(ctx, s.ReadDB, scope, id, year, asOf)
	switch {
	case err == nil:
		f.Value = format.Int(int64(row.Stock["full_members"]))
	case errors.Is(err, apperr.ErrNotFound):
		err = nil // not on the dashboards' database yet (a replica behind), or not alive on asOf
	}
	return f, err
}

func versionRow(span org.Span, name, what, under, parent string, kind org.EventKind, note string) web.VersionRow {
	if parent != "" {
		what += " · " + under + " " + parent
	}
	return web.VersionRow{From: format.Date(span.From), To: web.EndText(span.To), Name: name, Detail: what, Event: web.EventText(kind.Label(), note)}
}

// adminView is the page of an administrative unit: its children, or for a hamlet the cells
// that served it.
func (s *Server) adminView(ctx context.Context, scope org.Scope, id int64, asOf time.Time) (web.UnitDetailView, error) {
	u, err := org.GetAdminUnit(ctx, s.DB, scope, id, asOf)
	if err != nil {
		return web.UnitDetailView{}, err
	}
	v, err := s.commonView(ctx, scope, u.Unit(), u.Level.Label(), asOf,
		unitLabels{life: "Thời gian hiệu lực", parent: "Thuộc", move: "Chuyển đơn vị cấp trên"})
	v.Facts = append(v.Facts, web.HamletFacts(u.Population, u.Households, u.ReligiousShare, u.EthnicMinorityShare)...)
	if u.Level == org.Hamlet {
		links, err2 := org.HamletLinks(ctx, s.DB, scope, id, s.today())
		served := web.Fact{Label: "Chi bộ phụ trách", Value: "Chưa có đảng viên (trắng đảng viên)"}
		for _, l := range links {
			if l.Span.Contains(asOf) {
				served.Value, served.Href = l.Mode.Label()+": "+l.CellName, unitHref(org.PartyTree, l.CellID, asOf)
			}
		}
		v.Facts = append(v.Facts, served)
		v.LinksTitle, v.Links, err = "Các chi bộ đã phụ trách", linkRows(links, asOf), cmp.Or(err, err2)
		if u.Life.Open() {
			v.Actions = append([]web.Link{{Label: "Đổi chi bộ phụ trách", Href: fmt.Sprintf("/org/admin/%d/link", id)}}, v.Actions...)
		}
	} else {
		children, err2 := org.AdminChildren(ctx, s.DB, scope, id, asOf)
		v.ChildrenTitle, v.Children, err = "Đơn vị trực thuộc", adminRows(children, asOf), cmp.Or(err, err2)
		if u.Life.Open() {
			v.Actions = append(v.Actions, web.Link{Label: "Thêm đơn vị trực thuộc", Href: fmt.Sprintf("/org/admin/new?parent=%d", id)})
		}
	}
	versions, err2 := org.AdminVersions(ctx, s.DB, scope, id, s.today())
	for _, ver := range versions {
		v.Versions = append(v.Versions, versionRow(ver.Span, ver.Name, ver.LocalWord, "thuộc", ver.ParentName, ver.EventKind, ver.EventNote))
	}
	return v, cmp.Or(err, err2)
}

func linkRows(links []org.Link, asOf time.Time) []web.HamletLinkRow {
	rows := make([]web.HamletLinkRow, len(links))
	for i, l := range links {
		rows[i] = web.HamletLinkRow{
			HamletName: l.HamletName, HamletHref: unitHref(org.AdminTree, l.HamletID, asOf),
			CellName: l.CellName, CellHref: unitHref(org.PartyTree, l.CellID, asOf),
			Mode: l.Mode.Label(), From: format.Date(l.Span.From), To: web.EndText(l.Span.To),
		}
	}
	return rows
}

func successionRows(tree org.Tree, ss []org.Succession) []web.SuccessionRow {
	rows := make([]web.SuccessionRow, len(ss))
	for i, s := range ss {
		rows[i] = web.SuccessionRow{
			Date: format.Date(s.Effective), Event: s.EventKind.Label(), Note: s.Note,
			FromName: s.PredecessorName, FromHref: unitHref(tree, s.PredecessorID, s.Effective.AddDate(0, 0, -1)),
			ToName: s.SuccessorName, ToHref: unitHref(tree, s.SuccessorID, s.Effective),
			Share: format.Percent(s.Share * 100),
		}
	}
	return rows
}
