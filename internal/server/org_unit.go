package server

import (
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

// partyUnit shows a Party unit as of a date, with its children, hamlets and history.
func (s *Server) partyUnit(w http.ResponseWriter, r *http.Request, c caller) {
	id, ok := idParam(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	ctx, scope, asOf := r.Context(), c.Scope, s.asOf(r)
	u, err := org.GetPartyUnit(ctx, s.DB, scope, id, asOf)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	versions, err := org.PartyVersions(ctx, s.DB, scope, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	successions, err := org.Successions(ctx, s.DB, scope, org.PartyTree, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := web.UnitDetailView{
		Title: u.Name, Subtitle: u.Kind.Label() + " · " + u.OrgType.Label(),
		AsOf: format.ISODate(asOf), AsOfText: format.Date(asOf),
		Notice:      lifeNotice(u.Life, asOf),
		Successions: successionRows(org.PartyTree, successions),
	}
	v.Facts = append(v.Facts, web.Fact{Label: "Mã", Value: u.Code}, web.Fact{Label: "Thời gian hoạt động", Value: spanText(u.Life)})
	if u.ParentID != 0 {
		v.Facts = append(v.Facts, web.Fact{Label: "Trực thuộc", Value: u.ParentName, Href: unitHref(org.PartyTree, u.ParentID, asOf)})
	}
	// The members are the dashboard's: the full members at the end of each cell's latest
	// quarter reported in the year of the last quarter ended, over the unit's subtree.
	year := report.LastEnded(asOf).Year
	members := "—" // not on the dashboards' database yet (a replica behind), or not alive on asOf
	row, err := s.Dashboards.UnitRow(ctx, s.ReadDB, scope, id, year, asOf)
	switch {
	case err == nil:
		members = format.Int(int64(row.Stock["full_members"]))
	case !errors.Is(err, apperr.ErrNotFound):
		s.fail(w, r, err)
		return
	}
	v.Facts = append(v.Facts, web.Fact{Label: fmt.Sprintf("Số đảng viên chính thức (theo báo cáo quý gần nhất năm %d)", year), Value: members})
	if u.Kind.IsCell() {
		v.Facts = append(v.Facts, web.Fact{Label: "Số đảng viên chính thức (khai báo khi lập, sửa chi bộ)", Value: format.Int(int64(u.FullMembers))})
	}
	v.Facts = append(v.Facts, web.Fact{Label: "Nhiệm kỳ đại hội", Value: strconv.Itoa(u.TermMonths) + " tháng"})
	if u.Kind.IsCell() {
		committee := "Chưa có chi ủy"
		if u.CommitteeSince != nil {
			committee = "Có chi ủy từ " + format.Date(*u.CommitteeSince)
		}
		v.Facts = append(v.Facts, web.Fact{Label: "Chi ủy", Value: committee})
		links, err := org.CellHamlets(ctx, s.DB, scope, id, asOf)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v.LinksTitle = "Thôn, tổ dân phố chi bộ phụ trách"
		v.Links = linkRows(links, asOf)
	} else {
		children, err := org.PartyChildren(ctx, s.DB, scope, id, asOf)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v.ChildrenTitle, v.Children = "Tổ chức trực thuộc", partyRows(children, asOf)
	}
	for _, ver := range versions {
		detail := ver.Kind.Label()
		if ver.ParentName != "" {
			detail += " · trực thuộc " + ver.ParentName
		}
		v.Versions = append(v.Versions, web.VersionRow{From: format.Date(ver.Span.From), To: endText(ver.Span.To),
			Name: ver.Name, Detail: detail, Event: eventText(ver.EventKind, ver.EventNote)})
	}
	base := fmt.Sprintf("/org/party/%d", id)
	if u.Life.Open() {
		v.Actions = []web.Link{{Label: "Sửa thông tin", Href: base + "/edit"}, {Label: "Đổi tên", Href: base + "/rename"},
			{Label: "Chuyển trực thuộc", Href: base + "/move"}, {Label: "Chia tách", Href: base + "/split"}, {Label: "Giải thể", Href: base + "/close"}}
		if !u.Kind.IsCell() {
			v.Actions = append(v.Actions, web.Link{Label: "Thêm tổ chức trực thuộc", Href: fmt.Sprintf("/org/party/new?parent=%d", id)})
		}
	}
	s.render(w, r, http.StatusOK, web.UnitDetail(c.page(u.Name, "org"), v))
}

// adminUnit shows an administrative unit as of a date: its children, or for a hamlet the
// cells that served it, and its history.
func (s *Server) adminUnit(w http.ResponseWriter, r *http.Request, c caller) {
	id, ok := idParam(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	ctx, scope, asOf := r.Context(), c.Scope, s.asOf(r)
	u, err := org.GetAdminUnit(ctx, s.DB, scope, id, asOf)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	versions, err := org.AdminVersions(ctx, s.DB, scope, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	successions, err := org.Successions(ctx, s.DB, scope, org.AdminTree, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := web.UnitDetailView{
		Title: u.Name, Subtitle: u.Level.Label(),
		AsOf: format.ISODate(asOf), AsOfText: format.Date(asOf),
		Notice:      lifeNotice(u.Life, asOf),
		Successions: successionRows(org.AdminTree, successions),
	}
	v.Facts = append(v.Facts, web.Fact{Label: "Mã", Value: u.Code}, web.Fact{Label: "Thời gian hiệu lực", Value: spanText(u.Life)})
	if u.ParentID != 0 {
		v.Facts = append(v.Facts, web.Fact{Label: "Thuộc", Value: u.ParentName, Href: unitHref(org.AdminTree, u.ParentID, asOf)})
	}
	if u.Population != nil {
		v.Facts = append(v.Facts, web.Fact{Label: "Số dân", Value: format.Int(int64(*u.Population))})
	}
	if u.Households != nil {
		v.Facts = append(v.Facts, web.Fact{Label: "Số hộ", Value: format.Int(int64(*u.Households))})
	}
	if u.ReligiousShare != nil {
		v.Facts = append(v.Facts, web.Fact{Label: "Tỷ lệ đồng bào có đạo", Value: format.Percent(*u.ReligiousShare * 100)})
	}
	if u.EthnicMinorityShare != nil {
		v.Facts = append(v.Facts, web.Fact{Label: "Tỷ lệ đồng bào dân tộc thiểu số", Value: format.Percent(*u.EthnicMinorityShare * 100)})
	}
	base := fmt.Sprintf("/org/admin/%d", id)
	if u.Level == org.Hamlet {
		links, err := org.HamletLinks(ctx, s.DB, scope, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		served := web.Fact{Label: "Chi bộ phụ trách", Value: "Chưa có đảng viên (trắng đảng viên)"}
		for _, l := range links {
			if l.Span.Contains(asOf) {
				served.Value, served.Href = l.Mode.Label()+": "+l.CellName, unitHref(org.PartyTree, l.CellID, asOf)
			}
		}
		v.Facts = append(v.Facts, served)
		v.LinksTitle, v.Links = "Các chi bộ đã phụ trách", linkRows(links, asOf)
	} else {
		children, err := org.AdminChildren(ctx, s.DB, scope, id, asOf)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v.ChildrenTitle, v.Children = "Đơn vị trực thuộc", adminRows(children, asOf)
	}
	for _, ver := range versions {
		detail := ver.LocalWord
		if ver.ParentName != "" {
			detail += " · thuộc " + ver.ParentName
		}
		v.Versions = append(v.Versions, web.VersionRow{From: format.Date(ver.Span.From), To: endText(ver.Span.To),
			Name: ver.Name, Detail: detail, Event: eventText(ver.EventKind, ver.EventNote)})
	}
	if u.Life.Open() {
		v.Actions = []web.Link{{Label: "Sửa thông tin", Href: base + "/edit"}, {Label: "Đổi tên", Href: base + "/rename"},
			{Label: "Chuyển đơn vị cấp trên", Href: base + "/move"}, {Label: "Chia tách", Href: base + "/split"}, {Label: "Giải thể", Href: base + "/close"}}
		if u.Level == org.Hamlet {
			v.Actions = append([]web.Link{{Label: "Đổi chi bộ phụ trách", Href: base + "/link"}}, v.Actions...)
		} else {
			v.Actions = append(v.Actions, web.Link{Label: "Thêm đơn vị trực thuộc", Href: fmt.Sprintf("/org/admin/new?parent=%d", id)})
		}
	}
	s.render(w, r, http.StatusOK, web.UnitDetail(c.page(u.Name, "org"), v))
}

func lifeNotice(life org.Span, asOf time.Time) string {
	switch {
	case asOf.Before(life.From):
		return fmt.Sprintf("Vào ngày %s đơn vị này chưa thành lập (thành lập %s); thông tin dưới đây là khi thành lập.", format.Date(asOf), format.Date(life.From))
	case !life.Contains(asOf):
		return fmt.Sprintf("Đơn vị này đã hết hiệu lực từ ngày %s; thông tin dưới đây là trước thời điểm đó.", format.Date(*life.To))
	}
	return ""
}

func spanText(s org.Span) string {
	if s.To == nil {
		return "Từ " + format.Date(s.From) + " đến nay"
	}
	return "Từ " + format.Date(s.From) + " đến hết " + format.Date(s.To.AddDate(0, 0, -1))
}

// endText shows a half-open end as the last valid day.
func endText(to *time.Time) string {
	if to == nil {
		return "nay"
	}
	return format.Date(to.AddDate(0, 0, -1))
}

func eventText(kind org.EventKind, note string) string {
	if kind == "" {
		return ""
	}
	if note != "" {
		return kind.Label() + " (" + note + ")"
	}
	return kind.Label()
}

func linkRows(links []org.Link, asOf time.Time) []web.HamletLinkRow {
	rows := make([]web.HamletLinkRow, len(links))
	for i, l := range links {
		rows[i] = web.HamletLinkRow{
			HamletName: l.HamletName, HamletHref: unitHref(org.AdminTree, l.HamletID, asOf),
			CellName: l.CellName, CellHref: unitHref(org.PartyTree, l.CellID, asOf),
			Mode: l.Mode.Label(), From: format.Date(l.Span.From), To: endText(l.Span.To),
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
