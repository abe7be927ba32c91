package web

import (
	"net/url"
	"strconv"

	"ptdang/internal/format"
	"ptdang/internal/org"
	"ptdang/internal/stats"
)

// StatsView is the model of the statistics forms page: the pickers and the form.
type StatsView struct {
	Form     stats.Form
	Units    []Choice // the units the caller may pick
	Forms    []Choice // the forms made
	Year     string
	Kinds    []Choice // the periods of a year
	XLSXHref string
	Lines    []StatsLine
}

// Choice is an option of a select, and whether it is the one chosen.
type Choice struct {
	Value, Label string
	Selected     bool
}

// StatsLine is one line of the form, its figures written.
type StatsLine struct {
	stats.Line
	ThisText, LastText, PercentText string
}

// periodKinds are the periods the picker offers, by their parameter.
var periodKinds = []Choice{{Value: stats.KindHalf, Label: "6 tháng đầu năm"}, {Value: stats.KindYear, Label: "Cả năm"},
	{Value: "q1", Label: "Quý 1"}, {Value: "q2", Label: "Quý 2"}, {Value: "q3", Label: "Quý 3"}, {Value: "q4", Label: "Quý 4"}}

// StatsQuery is the query string of f.
func StatsQuery(f stats.Form) string {
	return url.Values{"unit": {strconv.FormatInt(f.Unit.ID, 10)}, "form": {f.No}, "year": {strconv.Itoa(f.Period.Year)}, "period": {f.Period.Kind()}}.Encode()
}

// NewStatsView is the page of f, with units to pick from (f's unit among them).
func NewStatsView(f stats.Form, units []org.PartyUnit) StatsView {
	v := StatsView{Form: f, Year: strconv.Itoa(f.Period.Year), XLSXHref: "/stats.xlsx?" + StatsQuery(f)}
	for _, n := range stats.Forms() {
		v.Forms = append(v.Forms, Choice{Value: n[0], Label: n[1], Selected: n[0] == f.No})
	}
	seen := false
	for _, u := range units {
		seen = seen || u.ID == f.Unit.ID
		v.Units = append(v.Units, Choice{Value: strconv.FormatInt(u.ID, 10), Label: u.Name, Selected: u.ID == f.Unit.ID})
	}
	if !seen {
		v.Units = append([]Choice{{Value: strconv.FormatInt(f.Unit.ID, 10), Label: f.Unit.Name, Selected: true}}, v.Units...)
	}
	for _, k := range periodKinds {
		k.Selected = k.Value == f.Period.Kind()
		v.Kinds = append(v.Kinds, k)
	}
	for _, l := range f.Lines {
		switch {
		case l.Heading():
			v.Lines = append(v.Lines, StatsLine{Line: l})
		case l.NoData:
			v.Lines = append(v.Lines, StatsLine{Line: l, ThisText: stats.NoDataText, LastText: stats.NoDataText, PercentText: stats.NoDataText})
		default:
			v.Lines = append(v.Lines, StatsLine{Line: l, ThisText: l.Figure(l.This), LastText: l.Figure(l.Last), PercentText: l.PercentText()})
		}
	}
	return v
}

// lineClass is the class of a line of the form: a lettered line is bold, a "Trong đó" line
// indented further.
func lineClass(l stats.Line) string {
	switch {
	case l.Group:
		return "group"
	case l.Of:
		return "of"
	}
	return "item"
}

// statsColumns are the column numbers of the form.
func statsColumns() []string {
	out := make([]string, len(stats.Columns))
	for i, c := range stats.Columns {
		out[i] = c.No
	}
	return out
}

// excessText writes how a cell's breakdown row exceeds its total.
func excessText(f stats.Form, e stats.Excess) string {
	n := func(v int) string { return format.Int(int64(v)) }
	return e.Code + " " + e.Name + ": " + f.LabelOf(e.Part) + " " + n(e.Value) + " > " + f.LabelOf(e.Whole) + " " + n(e.Total)
}

// imbalanceText writes how a cell's period fails to add up.
func imbalanceText(c stats.Imbalance) string {
	n := func(v int) string { return format.Int(int64(v)) }
	return n(c.Opening) + " + " + n(c.Gains) + " − " + n(c.Losses) + " = " + n(c.Opening+c.Gains-c.Losses) + ", báo cáo cuối kỳ " + n(c.Closing)
}

// overCapText writes how many of a cell's members are rated excellent, and the most allowed.
func overCapText(e stats.Excess) string {
	return e.Code + " " + e.Name + ": " + format.Int(int64(e.Value)) + " đảng viên, tối đa " + format.Int(int64(e.Total))
}
