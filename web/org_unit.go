package web

import (
	"fmt"
	"net/url"
	"strconv"
	"time"

	"ptdang/internal/format"
	"ptdang/internal/org"
)

// The view models of the structure pages, built from what package org returns.

// UnitHref is the page of a unit of tree as of asOf.
func UnitHref(tree org.Tree, id int64, asOf time.Time) string {
	return fmt.Sprintf("/org/%s/%d?date=%s", tree, id, format.ISODate(asOf))
}

func childrenHref(tree org.Tree, id int64, n int, asOf time.Time) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("/org/%s/%d/children?date=%s", tree, id, format.ISODate(asOf))
}

// PartyRows lists Party units as rows of a tree on asOf.
func PartyRows(units []org.PartyUnit, asOf time.Time) []UnitRow {
	rows := make([]UnitRow, len(units))
	for i, u := range units {
		extra := ""
		if u.Kind.IsCell() {
			extra = format.Int(int64(u.FullMembers)) + " đảng viên chính thức (khai báo)"
			if u.HasCommittee(asOf) {
				extra += " · có chi ủy"
			}
		}
		rows[i] = UnitRow{Href: UnitHref(org.PartyTree, u.ID, asOf), Code: u.Code, Name: u.Name, Kind: u.Kind.Label(),
			Extra: extra, Children: u.Children, ChildrenHref: childrenHref(org.PartyTree, u.ID, u.Children, asOf)}
	}
	return rows
}

// AdminRows lists administrative units as rows of a tree on asOf.
func AdminRows(units []org.AdminUnit, asOf time.Time) []UnitRow {
	rows := make([]UnitRow, len(units))
	for i, u := range units {
		extra, kind := "", u.LocalWord
		if u.Population != nil {
			extra = format.Int(int64(*u.Population)) + " dân"
		}
		if kind == "" {
			kind = u.Level.Label()
		}
		rows[i] = UnitRow{Href: UnitHref(org.AdminTree, u.ID, asOf), Code: u.Code, Name: u.Name, Kind: kind,
			Extra: extra, Children: u.Children, ChildrenHref: childrenHref(org.AdminTree, u.ID, u.Children, asOf)}
	}
	return rows
}

// PartyUnitPage is what the page of a Party unit shows, as the server read it.
type PartyUnitPage struct {
	org.PartyDetail
	CanChange   bool // the person may change the structure: offer the changes
	AsOf        time.Time
	MembersYear int
	Members     *int // full members reported over the subtree; nil when not known
}

// AdminUnitPage is what the page of an administrative unit shows, as the server read it.
type AdminUnitPage struct {
	org.AdminDetail
	CanChange bool // the person may change the structure: offer the changes
	AsOf      time.Time
}

// unitLabels are the words a tree's page uses.
type unitLabels struct{ life, parent, move string }

// commonUnitView is the part of a unit's page both trees share: its identity, its parent, its
// reorganisations and, while it is open, the changes it allows.
func commonUnitView(u org.Unit, subtitle string, asOf time.Time, ss []org.Succession, l unitLabels, canChange bool) UnitDetailView {
	v := UnitDetailView{Title: u.Name, Subtitle: subtitle, AsOf: format.ISODate(asOf), AsOfText: format.Date(asOf),
		Notice: LifeNotice(u.Life.From, u.Life.To, asOf), Successions: successionRows(u.Tree, ss),
		Facts: []Fact{{Label: "Mã", Value: u.Code}, {Label: l.life, Value: SpanText(u.Life.From, u.Life.To)}}}
	if u.ParentID != 0 {
		v.Facts = append(v.Facts, Fact{Label: l.parent, Value: u.ParentName, Href: UnitHref(u.Tree, u.ParentID, asOf)})
	}
	if canChange && u.Life.Open() {
		base := fmt.Sprintf("/org/%s/%d", u.Tree, u.ID)
		v.Actions = []Link{{Label: "Sửa thông tin", Href: base + "/edit"}, {Label: "Đổi tên", Href: base + "/rename"},
			{Label: l.move, Href: base + "/move"}, {Label: "Chia tách", Href: base + "/split"}, {Label: "Giải thể", Href: base + "/close"}}
	}
	return v
}

// NewPartyUnitView is the page of a Party unit: its facts, its cells' hamlets or its children,
// and its history.
func NewPartyUnitView(p PartyUnitPage) UnitDetailView {
	u := p.Unit
	v := commonUnitView(u.Unit(), u.Kind.Label()+" · "+u.OrgType.Label(), p.AsOf, p.Successions,
		unitLabels{life: "Thời gian hoạt động", parent: "Trực thuộc", move: "Chuyển trực thuộc"}, p.CanChange)
	members := Fact{Label: fmt.Sprintf("Số đảng viên chính thức (theo báo cáo quý gần nhất năm %d)", p.MembersYear), Value: "—"}
	if p.Members != nil {
		members.Value = format.Int(int64(*p.Members))
	}
	term := Fact{Label: "Nhiệm kỳ đại hội", Value: strconv.Itoa(u.TermMonths) + " tháng"}
	if u.Kind.IsCell() {
		committee := "Chưa có chi ủy"
		if u.CommitteeSince != nil {
			committee = "Có chi ủy từ " + format.Date(*u.CommitteeSince)
		}
		v.Facts = append(v.Facts, members, Fact{Label: "Số đảng viên chính thức (khai báo khi lập, sửa chi bộ)", Value: format.Int(int64(u.FullMembers))},
			term, Fact{Label: "Chi ủy", Value: committee})
		v.LinksTitle, v.Links = "Thôn, tổ dân phố chi bộ phụ trách", linkRows(p.Hamlets, p.AsOf)
	} else {
		v.Facts = append(v.Facts, members, term)
		v.ChildrenTitle, v.Children = "Tổ chức trực thuộc", PartyRows(p.Children, p.AsOf)
		if p.CanChange && u.Life.Open() {
			v.Actions = append(v.Actions, Link{Label: "Thêm tổ chức trực thuộc", Href: fmt.Sprintf("/org/party/new?parent=%d", u.ID)})
		}
	}
	for _, ver := range p.Versions {
		v.Versions = append(v.Versions, versionRow(ver.Span, ver.Name, ver.Kind.Label(), "trực thuộc", ver.ParentName, ver.EventKind, ver.EventNote))
	}
	return v
}

// NewAdminUnitView is the page of an administrative unit: its facts, its children or for a
// hamlet the cells that served it, and its history.
func NewAdminUnitView(p AdminUnitPage) UnitDetailView {
	u := p.Unit
	v := commonUnitView(u.Unit(), u.Level.Label(), p.AsOf, p.Successions,
		unitLabels{life: "Thời gian hiệu lực", parent: "Thuộc", move: "Chuyển đơn vị cấp trên"}, p.CanChange)
	v.Facts = append(v.Facts, HamletFacts(u.Population, u.Households, u.ReligiousShare, u.EthnicMinorityShare)...)
	if u.Level == org.Hamlet {
		served := Fact{Label: "Chi bộ phụ trách", Value: "Chưa có đảng viên (trắng đảng viên)"}
		for _, l := range p.Links {
			if l.Span.Contains(p.AsOf) {
				served.Value, served.Href = l.Mode.Label()+": "+l.CellName, UnitHref(org.PartyTree, l.CellID, p.AsOf)
			}
		}
		v.Facts = append(v.Facts, served)
		v.LinksTitle, v.Links = "Các chi bộ đã phụ trách", linkRows(p.Links, p.AsOf)
		if p.CanChange && u.Life.Open() {
			v.Actions = append([]Link{{Label: "Đổi chi bộ phụ trách", Href: fmt.Sprintf("/org/admin/%d/link", u.ID)}}, v.Actions...)
		}
	} else {
		v.ChildrenTitle, v.Children = "Đơn vị trực thuộc", AdminRows(p.Children, p.AsOf)
		if p.CanChange && u.Life.Open() {
			v.Actions = append(v.Actions, Link{Label: "Thêm đơn vị trực thuộc", Href: fmt.Sprintf("/org/admin/new?parent=%d", u.ID)})
		}
	}
	for _, ver := range p.Versions {
		v.Versions = append(v.Versions, versionRow(ver.Span, ver.Name, ver.LocalWord, "thuộc", ver.ParentName, ver.EventKind, ver.EventNote))
	}
	return v
}

func versionRow(span org.Span, name, what, under, parent string, kind org.EventKind, note string) VersionRow {
	if parent != "" {
		what += " · " + under + " " + parent
	}
	return VersionRow{From: format.Date(span.From), To: EndText(span.To), Name: name, Detail: what, Event: EventText(kind.Label(), note)}
}

func linkRows(links []org.Link, asOf time.Time) []HamletLinkRow {
	rows := make([]HamletLinkRow, len(links))
	for i, l := range links {
		mode := l.Mode.Label()
		if l.SecretaryIsHead {
			mode += "; bí thư kiêm trưởng thôn"
		}
		rows[i] = HamletLinkRow{
			HamletName: l.HamletName, HamletHref: UnitHref(org.AdminTree, l.HamletID, asOf),
			CellName: l.CellName, CellHref: UnitHref(org.PartyTree, l.CellID, asOf),
			Mode: mode, From: format.Date(l.Span.From), To: EndText(l.Span.To),
		}
	}
	return rows
}

func successionRows(tree org.Tree, ss []org.Succession) []SuccessionRow {
	rows := make([]SuccessionRow, len(ss))
	for i, s := range ss {
		rows[i] = SuccessionRow{
			Date: format.Date(s.Effective), Event: s.EventKind.Label(), Note: s.Note,
			FromName: s.PredecessorName, FromHref: UnitHref(tree, s.PredecessorID, s.Effective.AddDate(0, 0, -1)),
			ToName: s.SuccessorName, ToHref: UnitHref(tree, s.SuccessorID, s.Effective),
			Share: format.Percent(s.Share * 100),
		}
	}
	return rows
}

// HitsPerPage is how many hits of each tree a page of search results shows.
const HitsPerPage = 50

// NewOrgBrowseView is the structure browser: the tops of both trees on asOf and, for a query,
// page (from 1) of its hits, read with one more of each tree than a page shows; the changes
// only when the person may make them (canChange).
func NewOrgBrowseView(query string, page int, asOf time.Time, hits []org.Hit, party []org.PartyUnit, admin []org.AdminUnit, canChange bool) OrgBrowseView {
	v := OrgBrowseView{AsOf: format.ISODate(asOf), AsOfText: format.Date(asOf), Query: query, Searched: query != "",
		Party: PartyRows(party, asOf), Admin: AdminRows(admin, asOf)}
	v.Actions = []Link{{Label: "Tải cơ cấu (Excel)", Href: "/org/export.xlsx?date=" + v.AsOf}} // whoever reads may export
	if canChange {
		v.Actions = []Link{{Label: "Nhập, xuất Excel", Href: "/org/import"},
			{Label: "Sáp nhập tổ chức đảng", Href: "/org/party/merge"}, {Label: "Sáp nhập đơn vị hành chính", Href: "/org/admin/merge"}}
	}
	pageHref := func(n int) string {
		return "/org?" + url.Values{"q": {query}, "date": {v.AsOf}, "page": {strconv.Itoa(n)}}.Encode()
	}
	if page > 1 {
		v.PrevHref = pageHref(page - 1)
	}
	seen := map[org.Tree]int{}
	for _, h := range hits {
		if seen[h.Tree]++; seen[h.Tree] > HitsPerPage {
			v.NextHref = pageHref(page + 1)
			continue
		}
		v.Hits = append(v.Hits, Hit{Href: UnitHref(h.Tree, h.ID, asOf), Code: h.Code, Name: h.Name, Kind: h.Kind, Parent: h.ParentName})
	}
	return v
}

func unitFields(tree org.Tree, creating bool) []FormField {
	if tree == org.PartyTree {
		return PartyUnitFields(creating)
	}
	return AdminUnitFields(creating)
}

// NewUnitForm is the form that creates a unit of tree.
func NewUnitForm(tree org.Tree, vals, errs map[string]string, msg string) FormView {
	v := FormView{Title: "Thêm đơn vị hành chính", Action: fmt.Sprintf("/org/%s/new", tree), Submit: "Lưu", Cancel: "/org",
		Error: msg, Fields: Fill(unitFields(tree, true), vals, errs)}
	if tree == org.PartyTree {
		v.Title = "Thêm tổ chức đảng"
	}
	return v
}

// EditUnitForm is the form that corrects u.
func EditUnitForm(u org.Unit, today time.Time, vals, errs map[string]string, msg string) FormView {
	v := ChangeForm(FormView{Title: "Sửa thông tin", Submit: "Lưu", Fields: unitFields(u.Tree, false)}, u, today, vals, errs, msg)
	v.Action = fmt.Sprintf("/org/%s/%d/edit", u.Tree, u.ID)
	if u.Tree == org.PartyTree {
		v.Intro = "Sửa để chữa thông tin sai. Nếu đơn vị đổi tên hay chuyển trực thuộc theo quyết định, dùng “Đổi tên” hoặc “Chuyển trực thuộc” để giữ lịch sử."
	}
	return v
}

// ChangeForm is the form v of a change to u, filled with vals and errs.
func ChangeForm(v FormView, u org.Unit, today time.Time, vals, errs map[string]string, msg string) FormView {
	v.Title += ": " + u.Name
	v.Error, v.Cancel = msg, UnitHref(u.Tree, u.ID, today)
	v.Hidden = []Field{{Name: "version", Value: strconv.Itoa(u.Version)}}
	v.Fields = Fill(v.Fields, vals, errs)
	return v
}

// NewUnitValues fill the form of a new unit from today, under the unit whose edit form parent
// fills (nil for none): of its org type, a hamlet under a commune.
func NewUnitValues(parent map[string]string, today time.Time) map[string]string {
	vals := map[string]string{"from": format.ISODate(today), "term_months": "60", // the term: Party units only
		"parent_code": parent["code"], "org_type": parent["org_type"]}
	if parent["level"] == string(org.Commune) {
		vals["level"] = string(org.Hamlet)
	}
	return vals
}

// PartyUnitValues fill the edit form of u (and name its code and org type).
func PartyUnitValues(u org.PartyUnit) map[string]string {
	return map[string]string{"code": u.Code, "name": u.Name, "kind": string(u.Kind), "org_type": string(u.OrgType),
		"full_members": strconv.Itoa(u.FullMembers), "committee_since": InputDate(u.CommitteeSince),
		"term_months": strconv.Itoa(u.TermMonths), "territory_code": u.TerritoryCode}
}

// AdminUnitValues fill the edit form of u (and name its code and level).
func AdminUnitValues(u org.AdminUnit) map[string]string {
	return map[string]string{"code": u.Code, "level": string(u.Level), "name": u.Name, "local_word": u.LocalWord, "population": InputInt(u.Population),
		"households": InputInt(u.Households), "religious_share": InputPercent(u.ReligiousShare),
		"ethnic_minority_share": InputPercent(u.EthnicMinorityShare)}
}
