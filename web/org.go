package web

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
