package dashboard

import (
	"fmt"

	"ptdang/internal/exchange"
	"ptdang/internal/format"
)

// APIUnit is the dashboard's unit in the JSON API.
type APIUnit struct {
	ID   int64  `json:"id"`
	Code string `json:"code"`
	Name string `json:"name"`
}

// APIRow is one unit (or the totals) in the JSON API: its indicators by key (Values).
type APIRow struct {
	UnitID int64          `json:"unit_id"`
	Code   string         `json:"code"`
	Name   string         `json:"name"`
	Values map[string]any `json:"values"`
	Status string         `json:"target_status"`
}

// API is a dashboard as the JSON API gives it (docs/api.md).
type API struct {
	Unit             APIUnit  `json:"unit"`
	Year             int      `json:"year"`
	AsOf             string   `json:"as_of"`
	FiguresOn        string   `json:"figures_on"`
	ReportingQuarter string   `json:"reporting_quarter"`
	Total            APIRow   `json:"total"`
	Rows             []APIRow `json:"rows"`
}

// API is d as the JSON API gives it.
func (d Dashboard) API() API {
	row := func(r Row) APIRow {
		return APIRow{UnitID: r.UnitID, Code: r.Code, Name: r.Name, Values: Values(r), Status: string(r.Progress.Status)}
	}
	out := API{Unit: APIUnit{ID: d.Unit.ID, Code: d.Unit.Code, Name: d.Unit.Name}, Year: d.Year,
		AsOf: format.ISODate(d.AsOf), FiguresOn: format.ISODate(d.FiguresOn()), ReportingQuarter: d.Reporting.String(),
		Total: row(d.Total), Rows: make([]APIRow, 0, len(d.Rows))}
	for _, r := range d.Rows {
		out.Rows = append(out.Rows, row(r))
	}
	return out
}

// Sheets are d's tables as exported, one sheet per section: code, name, then the section's
// indicators (Indicator.Value: the numbers of the page, empty where it shows —), a row per
// unit and the totals.
func (d Dashboard) Sheets() []exchange.Sheet {
	sheets := make([]exchange.Sheet, 0, len(Sections))
	for _, sec := range Sections {
		sheets = append(sheets, d.sheet(sec))
	}
	return sheets
}

// Sheet is the sheet of section i alone (Sheets), of the first section for an i out of range.
func (d Dashboard) Sheet(i int) exchange.Sheet {
	if i < 0 || i >= len(Sections) {
		i = 0
	}
	return d.sheet(Sections[i])
}

func (d Dashboard) sheet(sec Section) exchange.Sheet {
	t := exchange.Table{Sheet: sec.Title, Columns: []exchange.Column{{Key: "code", Header: "Mã"}, {Key: "name", Header: "Đơn vị"}}}
	for _, ind := range sec.Indicators {
		t.Columns = append(t.Columns, exchange.Column{Key: ind.Key, Header: ind.Label, Percent: ind.Kind == Percentage})
	}
	sheet := exchange.Sheet{Table: t, Title: d.exportTitle(sec)}
	for _, r := range append(d.Rows[:len(d.Rows):len(d.Rows)], d.Total) {
		row := []any{r.Code, r.Name}
		for _, ind := range sec.Indicators {
			row = append(row, ind.Value(r))
		}
		sheet.Rows = append(sheet.Rows, row)
	}
	return sheet
}

// exportTitle heads an exported section: what, whose, and the two days the page also states.
func (d Dashboard) exportTitle(sec Section) []string {
	return []string{
		fmt.Sprintf("Chỉ số năm %d: %s — %s", d.Year, d.Unit.Name, sec.Title),
		fmt.Sprintf("Cơ cấu tổ chức tại ngày %s; số liệu đến %s", format.Date(d.AsOf), format.Date(d.FiguresOn())),
	}
}

// Filename is the name of d's export with extension ext ("xlsx", "csv").
func (d Dashboard) Filename(ext string) string {
	return fmt.Sprintf("chi-so-%s-%d.%s", d.Unit.Code, d.Year, ext)
}
