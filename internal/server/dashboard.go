package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"ptdang/internal/apperr"
	"ptdang/internal/dashboard"
	"ptdang/internal/exchange"
	"ptdang/internal/format"
	"ptdang/web"
)

// column is one indicator of the dashboard: its header, formula, and how a row shows it.
type column struct {
	header, formula string
	value           func(r dashboard.Row) any // int or float64 (a percentage; NaN for none)
}

var dashboardColumns = []column{
	{"Thôn, tổ có tổ chức đảng", "thôn, tổ dân phố có chi bộ (riêng hoặc sinh hoạt ghép)", func(r dashboard.Row) any { return r.Covered }},
	{"Tổng số thôn, tổ", "thôn, ấp, bản, tổ dân phố, khu phố còn hiệu lực", func(r dashboard.Row) any { return r.Hamlets }},
	{"Tỷ lệ có tổ chức đảng", "thôn có tổ chức đảng / tổng số thôn", func(r dashboard.Row) any { return r.Coverage() }},
	{"Tỷ lệ có chi ủy", "thôn có chi bộ riêng đã bầu chi ủy / tổng số thôn", func(r dashboard.Row) any { return r.CommitteeCoverage() }},
	{"Chỉ tiêu kết nạp", "chỉ tiêu năm do cấp trên giao", func(r dashboard.Row) any {
		if r.Target == 0 {
			return nil // no target set: shown as —, exported empty
		}
		return r.Target
	}},
	{"Đã kết nạp", "đảng viên kết nạp từ 1/1 đến ngày xem, theo báo cáo quý đã gửi", func(r dashboard.Row) any { return r.Admitted }},
	{"% chỉ tiêu", "đã kết nạp / chỉ tiêu năm", func(r dashboard.Row) any { return r.Progress.Percent }},
	{"% theo tiến độ", "phần chỉ tiêu lẽ ra đạt được đến ngày xem, theo các mốc quý của tỉnh", func(r dashboard.Row) any { return r.Progress.Expected }},
	{"Dự kiến cả năm", "đã kết nạp × 100 / % theo tiến độ", func(r dashboard.Row) any { return r.Progress.Projection }},
	{"Cùng kỳ năm trước", "kết nạp cùng kỳ năm trước", func(r dashboard.Row) any { return r.AdmittedLastYear }},
	{"Tăng, giảm so cùng kỳ", "(năm nay − năm trước) / năm trước", func(r dashboard.Row) any { return r.YearOverYear() }},
	{"Tạo nguồn", "quần chúng ưu tú được giới thiệu trong năm", func(r dashboard.Row) any { return r.Sources }},
	{"Tỷ lệ chuyển hóa", "đã kết nạp / tạo nguồn trong năm", func(r dashboard.Row) any { return r.Conversion() }},
	{"Kết nạp / đảng viên đầu năm", "đã kết nạp / số đảng viên đầu quý 1", func(r dashboard.Row) any { return r.AdmissionRate() }},
	{"Chi bộ đã gửi báo cáo", "chi bộ đã gửi báo cáo quý gần nhất", func(r dashboard.Row) any { return r.CellsSubmitted }},
	{"Chi bộ phải báo cáo", "chi bộ có trong cơ cấu", func(r dashboard.Row) any { return r.CellsExpected }},
	{"Gửi đúng hạn", "chi bộ gửi đúng hạn / chi bộ phải báo cáo", func(r dashboard.Row) any { return dashboard.Percent(r.CellsOnTime, r.CellsExpected) }},
}

// dashboardParams reads unit, year and date; the unit defaults to the caller's first grant.
func (s *Server) dashboardParams(r *http.Request, c caller) (unit int64, year int, asOf time.Time, ok bool) {
	q := r.URL.Query()
	asOf = s.asOf(r)
	year = asOf.Year()
	if y, err := strconv.Atoi(q.Get("year")); err == nil && y >= 2000 && y <= 2100 {
		year = y
		if q.Get("date") == "" || asOf.Year() != y {
			asOf = minTime(s.today(), time.Date(y, 12, 31, 0, 0, 0, 0, time.UTC))
		}
	}
	unit, _ = strconv.ParseInt(q.Get("unit"), 10, 64)
	if unit == 0 {
		for _, g := range c.Grants {
			if g.UnitID != 0 {
				unit = g.UnitID
				break
			}
		}
	}
	if unit == 0 {
		if err := s.DB.QueryRow(r.Context(), `SELECT unit_id FROM party_unit_version WHERE parent_id IS NULL AND valid_to IS NULL ORDER BY unit_id LIMIT 1`).Scan(&unit); err != nil {
			return 0, 0, asOf, false
		}
	}
	return unit, year, asOf, true
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func (s *Server) buildDashboard(w http.ResponseWriter, r *http.Request, c caller) (dashboard.Dashboard, bool) {
	unit, year, asOf, ok := s.dashboardParams(r, c)
	if !ok {
		s.notFound(w, r)
		return dashboard.Dashboard{}, false
	}
	d, err := dashboard.Build(r.Context(), s.DB, c.Scope, unit, year, asOf)
	if err != nil {
		s.fail(w, r, err)
		return dashboard.Dashboard{}, false
	}
	return d, true
}

func dashboardQuery(unit int64, year int, asOf time.Time) string {
	return url.Values{"unit": {strconv.FormatInt(unit, 10)}, "year": {strconv.Itoa(year)}, "date": {format.ISODate(asOf)}}.Encode()
}

func cellText(v any) string {
	switch v := v.(type) {
	case int:
		return format.Int(int64(v))
	case float64:
		return format.Percent(v)
	}
	return "—"
}

func (s *Server) dashboardPage(w http.ResponseWriter, r *http.Request, c caller) {
	d, ok := s.buildDashboard(w, r, c)
	if !ok {
		return
	}
	v := web.DashboardView{UnitName: d.Unit.Name, Year: strconv.Itoa(d.Year), AsOf: format.ISODate(d.AsOf), AsOfText: format.Date(d.AsOf),
		Unit: strconv.FormatInt(d.Unit.ID, 10)}
	q := dashboardQuery(d.Unit.ID, d.Year, d.AsOf)
	v.XLSXHref, v.CSVHref, v.APIHref = "/dashboard.xlsx?"+q, "/dashboard.csv?"+q, "/api/v1/dashboard?"+q
	if d.Unit.ParentID != 0 {
		if _, err := dashboard.Build(r.Context(), s.DB, c.Scope, d.Unit.ParentID, d.Year, d.AsOf); err == nil {
			v.UpHref = "/dashboard?" + dashboardQuery(d.Unit.ParentID, d.Year, d.AsOf)
		}
	}
	for _, col := range dashboardColumns {
		v.Headers = append(v.Headers, web.DashboardCell{Text: col.header, Title: col.formula})
		v.Formulas = append(v.Formulas, web.Fact{Label: col.header, Value: col.formula})
	}
	row := func(dr dashboard.Row) web.DashboardRow {
		out := web.DashboardRow{Name: dr.Name}
		if dr.UnitID != d.Unit.ID {
			out.Href = "/dashboard?" + dashboardQuery(dr.UnitID, d.Year, d.AsOf)
		}
		for _, col := range dashboardColumns {
			cell := web.DashboardCell{Text: cellText(col.value(dr)), Title: col.formula}
			if col.header == "% chỉ tiêu" {
				cell.Class = string(dr.Progress.Status)
				cell.Title += " · " + dr.Progress.Status.Label()
			}
			out.Cells = append(out.Cells, cell)
		}
		return out
	}
	for _, dr := range d.Rows {
		v.Rows = append(v.Rows, row(dr))
	}
	v.Total = row(d.Total)
	v.Total.Name = "Tổng cộng"
	if missing := d.Total.CellsExpected - d.Total.CellsSubmitted; missing > 0 {
		v.Incomplete = fmt.Sprintf("Chưa đủ số liệu: %s trong %s chi bộ chưa gửi báo cáo %s.",
			format.Int(int64(missing)), format.Int(int64(d.Total.CellsExpected)), d.Reporting)
	}
	s.render(w, r, http.StatusOK, web.Dashboard(c.page("Chỉ số", "dashboard"), v))
}

// dashboardSheet is the table as exported: the same numbers as the page, unformatted.
func dashboardSheet(d dashboard.Dashboard) exchange.Sheet {
	t := exchange.Table{Sheet: "Chỉ số " + strconv.Itoa(d.Year), Columns: []exchange.Column{{Key: "code", Header: "Mã"}, {Key: "name", Header: "Đơn vị"}}}
	for i, col := range dashboardColumns {
		t.Columns = append(t.Columns, exchange.Column{Key: "c" + strconv.Itoa(i), Header: col.header})
	}
	sheet := exchange.Sheet{Table: t}
	add := func(code string, r dashboard.Row) {
		row := []any{code, r.Name}
		for _, col := range dashboardColumns {
			v := col.value(r)
			if f, ok := v.(float64); ok {
				if math.IsNaN(f) {
					v = nil
				} else {
					v = math.Round(f*100) / 100
				}
			}
			row = append(row, v)
		}
		sheet.Rows = append(sheet.Rows, row)
	}
	for _, r := range d.Rows {
		add(r.Code, r)
	}
	add("", d.Total)
	return sheet
}

func (s *Server) dashboardXLSX(w http.ResponseWriter, r *http.Request, c caller) {
	d, ok := s.buildDashboard(w, r, c)
	if ok {
		s.sendXLSX(w, r, fmt.Sprintf("chi-so-%s-%d.xlsx", d.Unit.Code, d.Year), dashboardSheet(d))
	}
}

func (s *Server) dashboardCSV(w http.ResponseWriter, r *http.Request, c caller) {
	d, ok := s.buildDashboard(w, r, c)
	if !ok {
		return
	}
	var buf bytes.Buffer
	if err := exchange.WriteCSV(&buf, dashboardSheet(d)); err != nil {
		s.fail(w, r, err)
		return
	}
	sendFile(w, "text/csv; charset=utf-8", fmt.Sprintf("chi-so-%s-%d.csv", d.Unit.Code, d.Year), buf.Bytes())
}

// apiRow is one unit in the JSON API: the page's numbers, percentages rounded to two decimals
// (null when the denominator is 0).
type apiRow struct {
	UnitID int64          `json:"unit_id"`
	Code   string         `json:"code"`
	Name   string         `json:"name"`
	Values map[string]any `json:"values"`
	Status string         `json:"target_status"`
}

func (s *Server) dashboardAPI(w http.ResponseWriter, r *http.Request, c caller) {
	unit, year, asOf, ok := s.dashboardParams(r, c)
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "not found"})
		return
	}
	d, err := dashboard.Build(r.Context(), s.DB, c.Scope, unit, year, asOf)
	if err != nil {
		if errors.Is(err, apperr.ErrNotFound) {
			writeJSON(w, http.StatusNotFound, map[string]string{"error": "not found"})
			return
		}
		s.serverError(w, r, err)
		return
	}
	keys := []string{"hamlets_covered", "hamlets", "coverage_pct", "committee_coverage_pct", "target", "admitted", "target_pct",
		"expected_pct", "projection", "admitted_last_year", "yoy_pct", "sources", "conversion_pct", "admission_rate_pct",
		"cells_submitted", "cells_expected", "on_time_pct"}
	conv := func(dr dashboard.Row) apiRow {
		out := apiRow{UnitID: dr.UnitID, Code: dr.Code, Name: dr.Name, Values: map[string]any{}, Status: string(dr.Progress.Status)}
		for i, col := range dashboardColumns {
			v := col.value(dr)
			if f, ok := v.(float64); ok {
				if math.IsNaN(f) {
					v = nil
				} else {
					v = math.Round(f*100) / 100
				}
			}
			out.Values[keys[i]] = v
		}
		return out
	}
	body := map[string]any{"unit": map[string]any{"id": d.Unit.ID, "code": d.Unit.Code, "name": d.Unit.Name},
		"year": d.Year, "as_of": format.ISODate(d.AsOf), "reporting_quarter": d.Reporting.String(), "total": conv(d.Total)}
	rows := []apiRow{}
	for _, dr := range d.Rows {
		rows = append(rows, conv(dr))
	}
	body["rows"] = rows
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(body)
}
