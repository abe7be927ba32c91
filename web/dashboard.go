package web

import (
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/go-analyze/charts"

	"ptdang/internal/dashboard"
	"ptdang/internal/format"
	"ptdang/internal/org"
)

// DashboardQuery is the query string of unit's dashboard for year on asOf.
func DashboardQuery(unit int64, year int, asOf time.Time) string {
	return url.Values{"unit": {strconv.FormatInt(unit, 10)}, "year": {strconv.Itoa(year)}, "date": {format.ISODate(asOf)}}.Encode()
}

// DashboardLinks are the page's links that depend on who looks: "" leaves a link out.
type DashboardLinks struct {
	Up         string // the dashboard one level up
	Incomplete string // the reporting status of the cells that have not reported
}

// NewDashboardView is the model of d's page, its tables already rendered.
func NewDashboardView(d dashboard.Dashboard, tables templ.Component, links DashboardLinks) DashboardView {
	q := DashboardQuery(d.Unit.ID, d.Year, d.AsOf)
	v := DashboardView{UnitName: d.Unit.Name, Year: strconv.Itoa(d.Year), AsOf: format.ISODate(d.AsOf), AsOfText: format.Date(d.AsOf),
		FiguresOnText: format.Date(d.FiguresOn()), Unit: strconv.FormatInt(d.Unit.ID, 10), Tables: tables, Chart: admissionsChart(d),
		XLSXHref: "/dashboard.xlsx?" + q, CSVHref: "/dashboard.csv?" + q, APIHref: "/api/v1/dashboard?" + q,
		TrendHref: "/dashboard/trend.svg?" + q, UpHref: links.Up}
	v.Headline, v.Attention = headlineOf(d), attentionOf(d)
	for i, sec := range dashboard.Sections {
		v.Menu = append(v.Menu, Link{Label: d.Heading(sec), Href: "#" + DashboardAnchor(i)})
	}
	v.Menu = append(v.Menu, Link{Label: "Biểu đồ", Href: "#bieu-do"})
	for _, ind := range dashboard.Sections[0].Indicators {
		v.Formulas = append(v.Formulas, Fact{Label: ind.Label, Value: ind.Formula})
	}
	if missing := d.Total.CellsExpected - d.Total.CellsSubmitted; missing > 0 {
		v.Incomplete = fmt.Sprintf("Chưa đủ số liệu: %s trong %s chi bộ chưa gửi báo cáo %s.",
			format.Int(int64(missing)), format.Int(int64(d.Total.CellsExpected)), d.Reporting)
		v.IncompleteHref = links.Incomplete
	}
	return v
}

// headlineOf are the figures the board asks first, of d's unit (its totals row, the same numbers
// as its row one level up), each with what the dashboard holds to compare it with.
func headlineOf(d dashboard.Dashboard) []Headline {
	t := d.Total
	n := func(v int) string { return format.Int(int64(v)) }
	admitted := Headline{Key: "admitted", Label: "Kết nạp đến " + format.Date(d.FiguresOn()), Value: n(t.Admitted),
		Note: "Cùng kỳ năm trước " + n(t.AdmittedLastYear)}
	if yoy := valueText("yoy_pct", t); yoy != "—" {
		admitted.Note += " (" + signed(yoy) + ")"
	}
	if t.Target > 0 {
		admitted.Value += " / " + n(t.Target)
		admitted.Label = "Kết nạp / chỉ tiêu"
		admitted.Class = string(t.Progress.Status)
		admitted.Status = fmt.Sprintf("%s, cần %s: %s", valueText("target_pct", t),
			valueText("expected_pct", t), t.Progress.Status.Label())
	}
	return []Headline{
		{Key: "coverage_pct", Label: "Thôn, tổ có tổ chức đảng", Value: valueText("coverage_pct", t),
			Note: fmt.Sprintf("%s / %s thôn, tổ", n(t.Covered), n(t.Hamlets))},
		{Key: "own_cell_pct", Label: "Thôn có chi bộ riêng", Value: valueText("own_cell_pct", t),
			Note: fmt.Sprintf("%s / %s thôn, tổ", n(t.OwnCell), n(t.Hamlets))},
		{Key: "committee_coverage_pct", Label: "Thôn có chi ủy", Value: valueText("committee_coverage_pct", t),
			Note: fmt.Sprintf("%s / %s thôn, tổ", n(t.WithCommittee), n(t.Hamlets))},
		admitted,
		{Key: "conversion_pct", Label: "Tỷ lệ chuyển hóa", Value: valueText("conversion_pct", t),
			Note: fmt.Sprintf("%s kết nạp / %s tạo nguồn", n(t.Admitted), n(t.Sources))},
		{Key: "reporting", Label: "Báo cáo " + d.Reporting.String(), Value: valueText("cells_submitted", t) + " / " + valueText("cells_expected", t),
			Note: fmt.Sprintf("chi bộ đã gửi; %s đúng hạn", valueText("on_time_pct", t))},
		{Key: "congress_pct", Label: "Đại hội chi bộ", Value: valueText("congress_pct", t),
			Note: fmt.Sprintf("%s / %s chi bộ phải đại hội", n(t.CongressHeld), n(t.CongressDue))},
	}
}

// rowHref is the dashboard of r's unit, "" for the unit itself (a cell's one row).
func rowHref(d dashboard.Dashboard, r dashboard.Row) string {
	if r.UnitID == d.Unit.ID || r.UnitID == org.Nation {
		return ""
	}
	return "/dashboard?" + DashboardQuery(r.UnitID, d.Year, d.AsOf)
}

// attentionOf are the lists of units that need attention (dashboard.Attention), empty ones left out.
func attentionOf(d dashboard.Dashboard) []AttentionList {
	a := d.Attention()
	list := func(key, title string, rows []dashboard.Row, detail func(dashboard.Row) string) AttentionList {
		l := AttentionList{Key: key, Title: title}
		for _, r := range rows {
			l.Items = append(l.Items, AttentionItem{Name: r.Name, Href: rowHref(d, r), Detail: detail(r)})
		}
		return l
	}
	n := func(v int) string { return format.Int(int64(v)) }
	lists := []AttentionList{
		list("behind", "Chậm nhất so với chỉ tiêu kết nạp", a.Behind, func(r dashboard.Row) string {
			return fmt.Sprintf("%s / %s, %s chỉ tiêu (tiến độ %s)", n(r.Admitted), n(r.Target), valueText("target_pct", r), valueText("expected_pct", r))
		}),
		list("not-reporting", "Chưa gửi đủ báo cáo "+d.Reporting.String(), a.NotReporting, func(r dashboard.Row) string {
			return fmt.Sprintf("%s / %s chi bộ chưa gửi", n(r.CellsExpected-r.CellsSubmitted), n(r.CellsExpected))
		}),
		list("no-member", "Có thôn, tổ chưa có đảng viên", a.NoMember, func(r dashboard.Row) string {
			return n(r.NoMember) + " thôn, tổ"
		}),
	}
	return slices.DeleteFunc(lists, func(l AttentionList) bool { return len(l.Items) == 0 })
}

// valueText is the indicator of key for r as the tables show it.
func valueText(key string, r dashboard.Row) string {
	for _, ind := range dashboard.Indicators() {
		if ind.Key == key {
			return indicatorText(ind.Value(r))
		}
	}
	panic("no indicator " + key)
}

// signed puts a plus before a rise: "+12,5 %".
func signed(percent string) string {
	if strings.HasPrefix(percent, "−") || strings.HasPrefix(percent, "-") {
		return percent
	}
	return "+" + percent
}

// DashboardAnchor is the id of the i-th table's heading, which the section menu links to.
func DashboardAnchor(i int) string { return "bang-" + strconv.Itoa(i+1) }

// DashboardTablesOf are d's tables on its page, one per section: a row per unit, linked to its
// own dashboard, and the totals. They depend on the figures alone, not on who looks.
func DashboardTablesOf(d dashboard.Dashboard) []DashboardTable {
	tables := make([]DashboardTable, 0, len(dashboard.Sections))
	q := DashboardQuery(d.Unit.ID, d.Year, d.AsOf) // d.Version names them: the tables may carry it
	for i, sec := range dashboard.Sections {
		t := DashboardTable{Title: d.Heading(sec), CSVHref: "/dashboard.csv?" + q + "&section=" + strconv.Itoa(i)}
		for _, ind := range sec.Indicators {
			t.Headers = append(t.Headers, DashboardCell{Text: ind.Label, Title: ind.Formula})
		}
		for _, r := range d.Rows {
			t.Rows = append(t.Rows, dashboardRow(sec, r, rowHref(d, r)))
		}
		t.Total = dashboardRow(sec, d.Total, "")
		t.Total.Name = "Tổng cộng"
		tables = append(tables, t)
	}
	return tables
}

// dashboardRow is r in sec's table. The formula is the column header's title; a cell's own
// title says only what its number alone does not (a page of a hundred rows stays light).
func dashboardRow(sec dashboard.Section, r dashboard.Row, href string) DashboardRow {
	out := DashboardRow{Name: r.Name, Href: href, Cells: make([]DashboardCell, 0, len(sec.Indicators))}
	for _, ind := range sec.Indicators {
		cell := DashboardCell{Text: indicatorText(ind.Value(r)), Label: ind.Label}
		if ind.Judged {
			cell.Class, cell.Title = string(r.Progress.Status), r.Progress.Status.Label()
		}
		out.Cells = append(out.Cells, cell)
	}
	return out
}

// indicatorText writes an indicator's value (dashboard.Indicator.Value) as the page shows it.
func indicatorText(v any) string {
	switch v := v.(type) {
	case int:
		return format.Int(int64(v))
	case float64:
		return format.Percent(v)
	}
	return "—"
}

// admissionsChart ranks the rows by admissions, with their targets, as horizontal bars.
func admissionsChart(d dashboard.Dashboard) BarChart {
	rows := slices.Clone(d.Rows)
	slices.SortStableFunc(rows, func(a, b dashboard.Row) int { return b.Admitted - a.Admitted })
	rows = rows[:min(len(rows), 20)]
	most := 1
	for _, r := range rows {
		most = max(most, r.Admitted, r.Target)
	}
	chart := BarChart{Title: fmt.Sprintf("Kết nạp năm %d đến %s, so với chỉ tiêu", d.Year, format.Date(d.FiguresOn()))}
	for _, r := range rows {
		bar := Bar{Label: r.Name, Value: format.Int(int64(r.Admitted)), Width: float64(r.Admitted) / float64(most) * 100}
		if r.Target > 0 {
			bar.Value += " / " + format.Int(int64(r.Target))
			bar.Target = float64(r.Target) / float64(most) * 100
		}
		chart.Bars = append(chart.Bars, bar)
	}
	return chart
}

// TrendSVG draws d's admissions by quarter, this year against last year, as an SVG line chart
// (go-analyze/charts), shown on the page as an image.
func TrendSVG(d dashboard.Dashboard) ([]byte, error) {
	this, last := make([]float64, 4), make([]float64, 4)
	for i := range 4 {
		this[i], last[i] = float64(d.Total.AdmittedByQuarter[i]), float64(d.Total.LastYearByQuarter[i])
		if i >= d.Quarters {
			this[i] = charts.GetNullValue() // the line stops where the figures stop (Dashboard.FiguresOn)
		}
	}
	// Drawn 480 wide so that, shrunk to a 360-px phone, its 18-px text still reads.
	font := func(size float64) charts.FontStyle { return charts.NewFontStyleWithSize(size) }
	p, err := charts.LineRender([][]float64{this, last},
		charts.SVGOutputOptionFunc(),
		charts.DimensionsOptionFunc(480, 320),
		func(o *charts.ChartOption) {
			o.Legend = charts.LegendOption{SeriesNames: []string{strconv.Itoa(d.Year), strconv.Itoa(d.Year - 1)}, FontStyle: font(18)}
			o.XAxis = charts.XAxisOption{Labels: []string{"Quý 1", "Quý 2", "Quý 3", "Quý 4"}, LabelFontStyle: font(18)}
			y := charts.YAxisOption{Min: charts.Ptr(0.0), LabelFontStyle: font(18), ValueFormatter: wholePeople}
			top := 0.0
			for i := range 4 {
				top = max(top, float64(d.Total.LastYearByQuarter[i]))
				if i < d.Quarters {
					top = max(top, float64(d.Total.AdmittedByQuarter[i]))
				}
			}
			step := niceStep(top)
			y.Max = charts.Ptr(max(math.Ceil(top/step), 1) * step)
			y.LabelCount = int(*y.Max/step) + 1
			o.YAxis = []charts.YAxisOption{y}
		},
	)
	if err != nil {
		return nil, err
	}
	return p.Bytes()
}

// niceStep is the axis step for values up to top: whole people, 1, 2 or 5 times a power of ten,
// about five steps in all.
func niceStep(top float64) float64 {
	for step := 1.0; ; step *= 10 {
		for _, m := range []float64{1, 2, 5} {
			if top <= 5*m*step {
				return m * step
			}
		}
	}
}

// wholePeople writes an axis value the Vietnamese way (1.827), and none between whole people.
func wholePeople(v float64) string {
	if v != math.Trunc(v) {
		return ""
	}
	return format.Int(int64(v))
}
