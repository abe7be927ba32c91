package web

import (
	"strconv"
	"strings"
	"time"

	"ptdang/internal/format"
)

// UnitRow is one unit in a list or a tree.
type UnitRow struct {
	Href     string
	Code     string
	Name     string
	Kind     string // the kind's or level's label
	Extra    string // e.g. "12 đảng viên · có chi ủy"
	Children int
	// ChildrenHref loads the children as a fragment (htmx); "" when there are none.
	ChildrenHref string
}

// Hit is one search result.
type Hit struct {
	Href, Code, Name, Kind, Parent string
}

// OrgBrowseView is the model of the structure browser: search and both trees' tops.
type OrgBrowseView struct {
	AsOf     string // yyyy-mm-dd, for the date input
	AsOfText string // dd/mm/yyyy
	Query    string
	Searched bool
	Hits     []Hit
	Party    []UnitRow
	Admin    []UnitRow
	Actions  []Link
}

// Link is a labelled href.
type Link struct {
	Label, Href string
}

// Fact is one labelled value of a unit; Href makes the value a link.
type Fact struct {
	Label, Value, Href string
}

// HamletLinkRow is one period during which a cell served a hamlet.
type HamletLinkRow struct {
	HamletName, HamletHref string
	CellName, CellHref     string
	Mode                   string
	From, To               string
}

// VersionRow is one dated version of a unit.
type VersionRow struct {
	From, To string
	Name     string
	Detail   string // kind and parent at the time
	Event    string
}

// SuccessionRow is one reorganisation edge touching a unit.
type SuccessionRow struct {
	Date, Event, Note  string
	FromName, FromHref string
	ToName, ToHref     string
	Share              string
}

// UnitDetailView is the model of a unit's page, for either tree.
type UnitDetailView struct {
	Title, Subtitle string
	AsOf, AsOfText  string
	Notice          string // e.g. the unit was not valid on the as-of date
	Facts           []Fact
	ChildrenTitle   string
	Children        []UnitRow
	LinksTitle      string
	Links           []HamletLinkRow
	Versions        []VersionRow
	Successions     []SuccessionRow
	Actions         []Link
}

// FormField is one field of a FormView; Kind is text, date, number, select or textarea.
type FormField struct {
	Field
	Kind    string
	Options []Option
}

// FormView is the model of the structure forms (create, edit, close, rename, move, link,
// merge, split), which share one layout.
type FormView struct {
	Title    string
	Intro    string
	Action   string
	Hidden   []Field // the record's version and the like
	Fields   []FormField
	Submit   string
	Cancel   string
	Error    string // summary at the top
	Warnings []string
}

// InputDate is a date as a date input holds it; "" for none.
func InputDate(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return format.ISODate(*t)
}

// InputInt is a whole number as a number input holds it; "" for none.
func InputInt(n *int) string {
	if n == nil {
		return ""
	}
	return strconv.Itoa(*n)
}

// InputPercent is a share 0..1 as a percentage input holds it ("62,5"); "" for none.
func InputPercent(p *float64) string {
	if p == nil {
		return ""
	}
	return strings.TrimSuffix(format.Percent(*p*100), " %")
}

// SpanText shows a validity period, its half-open end as the last valid day.
func SpanText(from time.Time, to *time.Time) string {
	if to == nil {
		return "Từ " + format.Date(from) + " đến nay"
	}
	return "Từ " + format.Date(from) + " đến hết " + format.Date(to.AddDate(0, 0, -1))
}

// EndText shows a half-open end as the last valid day.
func EndText(to *time.Time) string {
	if to == nil {
		return "nay"
	}
	return format.Date(to.AddDate(0, 0, -1))
}

// LifeNotice warns that a unit living from from to to was not alive on asOf; "" when it was.
func LifeNotice(from time.Time, to *time.Time, asOf time.Time) string {
	switch {
	case asOf.Before(from):
		return "Vào ngày " + format.Date(asOf) + " đơn vị này chưa thành lập (thành lập " + format.Date(from) + "); thông tin dưới đây là khi thành lập."
	case to != nil && !asOf.Before(*to):
		return "Đơn vị này đã hết hiệu lực từ ngày " + format.Date(*to) + "; thông tin dưới đây là trước thời điểm đó."
	}
	return ""
}

// EventText names the event that opened a version, with its decision; "" for none.
func EventText(label, note string) string {
	if label == "" || note == "" {
		return label
	}
	return label + " (" + note + ")"
}
