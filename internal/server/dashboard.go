package server

import (
	"bytes"
	"context"

	"encoding/json"
	"errors"
	"fmt"
	"github.com/a-h/templ"
	"github.com/go-analyze/charts"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"ptdang/internal/account"
	"ptdang/internal/apperr"
	"ptdang/internal/dashboard"
	"ptdang/internal/exchange"
	"ptdang/internal/format"
	"ptdang/internal/org"
	"ptdang/internal/quality"
	"ptdang/web"
)

// column is one indicator of the dashboard: its API key, header, formula, and its value for a
// row: an int, a float64 percentage (NaN: no denominator), or nil (nothing to show).
type column struct {
	key, header, formula string
	value                func(r dashboard.Row) any
}

// section is one table of the dashboard page and one sheet of its workbook.
type section struct {
	title   string
	columns []column
}

func sum(key string) func(dashboard.Row) any { return func(r dashboard.Row) any { return r.Sum[key] } }
func stock(key string) func(dashboard.Row) any {
	return func(r dashboard.Row) any { return r.Stock[key] }
}

var dashboardSections = []section{
	{"Tổng quan", []column{
		{"hamlets_covered", "Thôn, tổ có tổ chức đảng", "thôn, tổ dân phố có chi bộ (riêng hoặc sinh hoạt ghép)", func(r dashboard.Row) any { return r.Covered }},
		{"hamlets", "Tổng số thôn, tổ", "thôn, ấp, bản, tổ dân phố, khu phố còn hiệu lực", func(r dashboard.Row) any { return r.Hamlets }},
		{"coverage_pct", "Tỷ lệ có tổ chức đảng", "thôn có tổ chức đảng / tổng số thôn", func(r dashboard.Row) any { return r.Coverage() }},
		{"own_cell_hamlets", "Thôn có chi bộ riêng", "thôn, tổ dân phố có chi bộ của riêng mình", func(r dashboard.Row) any { return r.OwnCell }},
		{"own_cell_pct", "Tỷ lệ có chi bộ riêng", "thôn có chi bộ riêng / tổng số thôn", func(r dashboard.Row) any { return r.OwnCellCoverage() }},
		{"combined_hamlets", "Thôn sinh hoạt ghép", "thôn, tổ dân phố chưa có chi bộ riêng, đảng viên sinh hoạt ghép với chi bộ thôn khác", func(r dashboard.Row) any { return r.Combined }},
		{"no_member_hamlets", "Thôn chưa có đảng viên", "thôn, tổ dân phố không có chi bộ phụ trách", func(r dashboard.Row) any { return r.NoMember }},
		{"committee_hamlets", "Thôn có chi ủy", "thôn có chi bộ riêng đã bầu chi ủy", func(r dashboard.Row) any { return r.WithCommittee }},
		{"committee_coverage_pct", "Tỷ lệ có chi ủy", "thôn có chi bộ riêng đã bầu chi ủy / tổng số thôn", func(r dashboard.Row) any { return r.CommitteeCoverage() }},
		{"committee_own_cell_pct", "Tỷ lệ có chi ủy trên thôn có chi bộ riêng", "thôn có chi bộ riêng đã bầu chi ủy / thôn có chi bộ riêng", func(r dashboard.Row) any { return r.CommitteeOfOwnCells() }},
		{"target", "Chỉ tiêu kết nạp", "chỉ tiêu năm do cấp trên giao", func(r dashboard.Row) any {
			if r.Target == 0 {
				return nil // no target set: shown as —, exported empty
			}
			return r.Target
		}},
		{"admitted", "Đã kết nạp", "đảng viên kết nạp từ 1/1 đến hết quý gần nhất đã kết thúc, theo báo cáo quý đã gửi", func(r dashboard.Row) any { return r.Admitted }},
		{"target_pct", "% chỉ tiêu", "đã kết nạp / chỉ tiêu năm", func(r dashboard.Row) any { return r.Progress.Percent }},
		{"expected_pct", "% theo tiến độ", "phần chỉ tiêu lẽ ra đạt được đến ngày số liệu (hết quý gần nhất đã kết thúc), theo các mốc quý của tỉnh", func(r dashboard.Row) any { return r.Progress.Expected }},
		{"projection", "Dự kiến cả năm", "đã kết nạp × 100 / % theo tiến độ", func(r dashboard.Row) any { return r.Progress.Projection }},
		{"admitted_last_year", "Cùng kỳ năm trước", "kết nạp cùng kỳ năm trước", func(r dashboard.Row) any { return r.AdmittedLastYear }},
		{"yoy_pct", "Tăng, giảm so cùng kỳ", "(năm nay − năm trước) / năm trước", func(r dashboard.Row) any { return r.YearOverYear() }},
		{"admission_rate_pct", "Kết nạp / đảng viên đầu năm", "đã kết nạp / số đảng viên đầu quý 1", func(r dashboard.Row) any { return r.AdmissionRate() }},
		{"cells_submitted", "Chi bộ đã gửi báo cáo", "chi bộ đã gửi báo cáo quý gần nhất", func(r dashboard.Row) any { return r.CellsSubmitted }},
		{"cells_expected", "Chi bộ phải báo cáo", "chi bộ có trong cơ cấu", func(r dashboard.Row) any { return r.CellsExpected }},
		{"on_time_pct", "Gửi đúng hạn", "chi bộ gửi đúng hạn / chi bộ phải báo cáo", func(r dashboard.Row) any { return dashboard.Percent(r.CellsOnTime, r.CellsExpected) }},
		{"cells_approved", "Đã được duyệt", "chi bộ có báo cáo quý gần nhất đã được duyệt", func(r dashboard.Row) any { return r.CellsApproved }},
	}},
	{"Tạo nguồn, chuyển hóa", []column{
		{"sources", "Quần chúng ưu tú (tạo nguồn)", "quần chúng ưu tú được giới thiệu trong năm", sum("outstanding")},
		{"sympathisers", "Đối tượng cảm tình Đảng", "số đối tượng cuối quý gần nhất", stock("sympathisers")},
		{"course_completed", "Học xong lớp nhận thức", "trong năm", sum("course_completed")},
		{"admitted", "Đã kết nạp", "trong năm", func(r dashboard.Row) any { return r.Admitted }},
		{"conversion_pct", "Tỷ lệ chuyển hóa", "đã kết nạp / tạo nguồn trong năm", func(r dashboard.Row) any { return r.Conversion() }},
		{"recognised", "Dự bị được công nhận chính thức", "trong năm", sum("recognised")},
		{"not_recognised", "Dự bị không được công nhận", "trong năm", sum("not_recognised")},
	}},
	{"Biến động đảng viên", []column{
		{"members_at_start", "Đầu năm", "đảng viên đầu quý 1", func(r dashboard.Row) any { return r.MembersAtStart }},
		{"admitted", "Kết nạp", "trong năm", func(r dashboard.Row) any { return r.Admitted }},
		{"transferred_in", "Chuyển đến", "trong năm", sum("transferred_in")},
		{"restored", "Phục hồi", "trong năm", sum("restored")},
		{"deceased", "Từ trần", "trong năm", sum("deceased")},
		{"expelled", "Khai trừ", "trong năm", sum("expelled")},
		{"removed", "Xóa tên", "trong năm", sum("removed")},
		{"withdrew", "Xin ra khỏi Đảng", "trong năm", sum("withdrew")},
		{"transferred_out", "Chuyển đi", "trong năm", sum("transferred_out")},
		{"members_now", "Cuối kỳ", "đảng viên cuối quý gần nhất", stock("closing")},
		{"net_growth", "Tăng, giảm thực", "cuối kỳ − đầu năm", func(r dashboard.Row) any {
			if r.Stock["closing"] == 0 && r.MembersAtStart == 0 {
				return nil
			}
			return r.Stock["closing"] - r.MembersAtStart
		}},
		{"working_away", "Đi làm ăn xa", "cuối quý gần nhất", stock("working_away")},
		{"exempt", "Miễn sinh hoạt", "cuối quý gần nhất", stock("exempt")},
	}},
	{"Cơ cấu đảng viên mới kết nạp", []column{
		{"admitted", "Đã kết nạp", "trong năm", func(r dashboard.Row) any { return r.Admitted }},
		{"adm_women", "Nữ", "trong năm", sum("adm_women")},
		{"adm_women_pct", "Tỷ lệ nữ", "nữ / đã kết nạp", func(r dashboard.Row) any { return dashboard.Percent(r.Sum["adm_women"], r.Admitted) }},
		{"adm_youth_union", "Đoàn viên", "trong năm", sum("adm_youth_union")},
		{"adm_ethnic_minority", "Dân tộc thiểu số", "trong năm", sum("adm_ethnic_minority")},
		{"adm_religious", "Có đạo", "trong năm", sum("adm_religious")},
		{"adm_workers", "Công nhân doanh nghiệp", "trong năm", sum("adm_workers")},
		{"adm_private_owners", "Chủ doanh nghiệp tư nhân", "trong năm", sum("adm_private_owners")},
		{"adm_students", "Học sinh, sinh viên", "trong năm", sum("adm_students")},
		{"adm_readmitted", "Kết nạp lại", "trong năm", sum("adm_readmitted")},
	}},
	{"Kết nạp theo quý", []column{
		{"admitted_q1", "Quý 1", "kết nạp trong quý", func(r dashboard.Row) any { return r.AdmittedByQuarter[0] }},
		{"admitted_q2", "Quý 2", "kết nạp trong quý", func(r dashboard.Row) any { return r.AdmittedByQuarter[1] }},
		{"admitted_q3", "Quý 3", "kết nạp trong quý", func(r dashboard.Row) any { return r.AdmittedByQuarter[2] }},
		{"admitted_q4", "Quý 4", "kết nạp trong quý", func(r dashboard.Row) any { return r.AdmittedByQuarter[3] }},
		{"admitted", "Cả năm đến nay", "tổng các quý", func(r dashboard.Row) any { return r.Admitted }},
	}},
	{"Xếp loại chất lượng", []column{
		{"rated", "Đảng viên được xếp loại", "không tính đảng viên miễn sinh hoạt", func(r dashboard.Row) any { return r.Quality.Rated() }},
		{"rated_excellent", "Hoàn thành xuất sắc", "số đảng viên", func(r dashboard.Row) any { return r.Quality.Excellent }},
		{"rated_good", "Hoàn thành tốt", "số đảng viên", func(r dashboard.Row) any { return r.Quality.Good }},
		{"rated_satisfactory", "Hoàn thành", "số đảng viên", func(r dashboard.Row) any { return r.Quality.Satisfactory }},
		{"rated_unsatisfactory", "Không hoàn thành", "số đảng viên", func(r dashboard.Row) any { return r.Quality.Unsatisfactory }},
		{"satisfactory_or_better_pct", "Hoàn thành nhiệm vụ trở lên", "đảng viên hoàn thành nhiệm vụ trở lên / đảng viên được xếp loại", func(r dashboard.Row) any { return r.Quality.ShareSatisfactoryOrBetter() }},
		{"unsatisfactory_two_years", "Không hoàn thành 2 năm liền", "đảng viên không hoàn thành nhiệm vụ năm nay và năm trước", func(r dashboard.Row) any { return r.Quality.UnsatisfactoryTwoYears }},
		{"cells_over_cap", "Chi bộ vượt tỷ lệ xuất sắc", "chi bộ có số hoàn thành xuất sắc vượt mức quy định (20 % số hoàn thành tốt trở lên)", func(r dashboard.Row) any { return r.Quality.CellsOverCap }},
		{"organisations_excellent", "Tổ chức đảng hoàn thành xuất sắc", "chi bộ tự xếp loại", func(r dashboard.Row) any { return r.Quality.Organisations[quality.Excellent] }},
		{"cells_rated", "Chi bộ đã xếp loại", "chi bộ có số liệu xếp loại", func(r dashboard.Row) any { return r.Quality.Cells }},
	}},
	{"Đại hội chi bộ", []column{
		{"congress_held", "Đã đại hội", "chi bộ báo cáo đã tổ chức đại hội trong năm", func(r dashboard.Row) any { return r.CongressHeld }},
		{"congress_due", "Phải đại hội", "chi bộ hết nhiệm kỳ trong năm (tính từ lần đại hội gần nhất có báo cáo), hoặc chưa có lần nào", func(r dashboard.Row) any { return r.CongressDue }},
		{"congress_pct", "Tỷ lệ", "đã đại hội / phải đại hội", func(r dashboard.Row) any { return r.CongressProgress() }},
	}},
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
	if q.Get("unit") != "" {
		unit, err := strconv.ParseInt(q.Get("unit"), 10, 64)
		return unit, year, asOf, err == nil // unit=0 is the nation (dashboard.Nation)
	}
	// One who sees everything lands on the nation, unless the tree has a single top.
	if c.Scope.All() {
		tops, err := org.PartyChildren(r.Context(), s.ReadDB, c.Scope, 0, asOf)
		if err != nil || len(tops) == 0 {
			return 0, 0, asOf, false
		}
		if len(tops) > 1 {
			return dashboard.Nation, year, asOf, true
		}
		return tops[0].ID, year, asOf, true
	}
	unit, err := s.homeUnit(r, c, account.ReadStructure)
	return unit, year, asOf, err == nil
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
	d, err := s.Dashboards.Build(r.Context(), s.ReadDB, c.Scope, unit, year, asOf)
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
		FiguresOnText: format.Date(d.FiguresOn()), Unit: strconv.FormatInt(d.Unit.ID, 10)}
	q := dashboardQuery(d.Unit.ID, d.Year, d.AsOf)
	v.XLSXHref, v.CSVHref, v.APIHref = "/dashboard.xlsx?"+q, "/dashboard.csv?"+q, "/api/v1/dashboard?"+q
	if up, ok := s.dashboardAbove(r, c, d); ok {
		v.UpHref = "/dashboard?" + dashboardQuery(up, d.Year, d.AsOf)
	}
	tables, err := s.dashboardTables(r.Context(), d)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.Tables = tables
	for _, col := range dashboardSections[0].columns {
		v.Formulas = append(v.Formulas, web.Fact{Label: col.header, Value: col.formula})
	}
	v.Chart = admissionsChart(d)
	v.TrendHref = "/dashboard/trend.svg?" + q
	if missing := d.Total.CellsExpected - d.Total.CellsSubmitted; missing > 0 {
		v.Incomplete = fmt.Sprintf("Chưa đủ số liệu: %s trong %s chi bộ chưa gửi báo cáo %s.",
			format.Int(int64(missing)), format.Int(int64(d.Total.CellsExpected)), d.Reporting)
		if c.Can(account.ReviewReports) && d.Unit.ID != dashboard.Nation {
			v.IncompleteHref = fmt.Sprintf("/reports/status?unit=%d&year=%d&quarter=%d", d.Unit.ID, d.Reporting.Year, d.Reporting.Quarter)
		}
	}
	s.render(w, r, http.StatusOK, web.Dashboard(c.page("Chỉ số", "dashboard"), v))
}

// dashboardAbove is the dashboard one level up, if the caller may open it: the unit's parent's,
// or the nation's above a top unit.
func (s *Server) dashboardAbove(r *http.Request, c caller, d dashboard.Dashboard) (int64, bool) {
	switch {
	case d.Unit.ID == dashboard.Nation:
		return 0, false
	case d.Unit.ParentID == 0:
		return dashboard.Nation, c.Scope.All()
	case c.Scope.All(): // whoever sees everything sees the parent: no query for it
		return d.Unit.ParentID, true
	}
	_, err := org.GetPartyUnit(r.Context(), s.ReadDB, c.Scope, d.Unit.ParentID, d.AsOf)
	return d.Unit.ParentID, err == nil
}

// dashboardTables renders the page's tables, or reuses those rendered for a dashboard of the
// same version: they depend on the figures alone, not on who asks (a drill-down link out of
// the caller's scope answers 404).
func (s *Server) dashboardTables(ctx context.Context, d dashboard.Dashboard) (templ.Component, error) {
	if d.Version != "" {
		s.pagesMu.Lock()
		html, ok := s.pages.Get(d.Version)
		s.pagesMu.Unlock()
		if ok {
			return templ.Raw(html), nil
		}
	}
	var buf bytes.Buffer
	if err := web.DashboardTables(dashboardTableViews(d)).Render(ctx, &buf); err != nil {
		return nil, err
	}
	html := buf.String()
	if d.Version != "" {
		s.pagesMu.Lock()
		s.pages.Put(d.Version, html)
		s.pagesMu.Unlock()
	}
	return templ.Raw(html), nil
}

// dashboardTableViews are the page's tables: one per section, a row per unit and the totals.
func dashboardTableViews(d dashboard.Dashboard) []web.DashboardTable {
	// Each row links to its own dashboard, in every table.
	hrefs := make(map[int64]string, len(d.Rows))
	for _, dr := range d.Rows {
		if dr.UnitID != d.Unit.ID && dr.UnitID != dashboard.Nation {
			hrefs[dr.UnitID] = "/dashboard?" + dashboardQuery(dr.UnitID, d.Year, d.AsOf)
		}
	}
	var tables []web.DashboardTable
	for _, sec := range dashboardSections {
		ts := web.DashboardTable{Title: sec.title}
		if sec.title == "Xếp loại chất lượng" {
			ts.Title += " năm " + strconv.Itoa(d.QualityYear)
		}
		for _, col := range sec.columns {
			ts.Headers = append(ts.Headers, web.DashboardCell{Text: col.header, Title: col.formula})
		}
		row := func(dr dashboard.Row) web.DashboardRow {
			out := web.DashboardRow{Name: dr.Name, Href: hrefs[dr.UnitID]}
			for _, col := range sec.columns {
				// The formula is the column header's title; a cell's own title says only what
				// its number alone does not (a page of a hundred rows stays light).
				cell := web.DashboardCell{Text: cellText(col.value(dr))}
				if col.key == "target_pct" {
					cell.Class, cell.Title = string(dr.Progress.Status), dr.Progress.Status.Label()
				}
				out.Cells = append(out.Cells, cell)
			}
			return out
		}
		for _, dr := range d.Rows {
			ts.Rows = append(ts.Rows, row(dr))
		}
		ts.Total = row(d.Total)
		ts.Total.Name = "Tổng cộng"
		tables = append(tables, ts)
	}
	return tables
}

// dashboardSheets are the tables as exported, one sheet per section: the numbers of the page,
// percentages rounded to two decimals, empty where the page shows —.
func dashboardSheets(d dashboard.Dashboard) []exchange.Sheet {
	var sheets []exchange.Sheet
	for _, sec := range dashboardSections {
		t := exchange.Table{Sheet: sec.title, Columns: []exchange.Column{{Key: "code", Header: "Mã"}, {Key: "name", Header: "Đơn vị"}}}
		for _, col := range sec.columns {
			t.Columns = append(t.Columns, exchange.Column{Key: col.key, Header: col.header})
		}
		sheet := exchange.Sheet{Table: t, Title: dashboardTitle(d, sec.title)}
		add := func(code string, r dashboard.Row) {
			row := []any{code, r.Name}
			for _, col := range sec.columns {
				row = append(row, exportValue(col.value(r)))
			}
			sheet.Rows = append(sheet.Rows, row)
		}
		for _, r := range d.Rows {
			add(r.Code, r)
		}
		add("", d.Total)
		sheets = append(sheets, sheet)
	}
	return sheets
}

// dashboardTitle heads an exported section: what, whose, and the two days the page also states.
func dashboardTitle(d dashboard.Dashboard, section string) []string {
	return []string{
		fmt.Sprintf("Chỉ số năm %d: %s — %s", d.Year, d.Unit.Name, section),
		fmt.Sprintf("Cơ cấu tổ chức tại ngày %s; số liệu đến %s", format.Date(d.AsOf), format.Date(d.FiguresOn())),
	}
}

// exportValue rounds a percentage to two decimals, as the page shows it, and turns "none" into nil.
func exportValue(v any) any {
	if f, ok := v.(float64); ok {
		if math.IsNaN(f) {
			return nil
		}
		return math.Round(f*100) / 100
	}
	return v
}

func (s *Server) dashboardXLSX(w http.ResponseWriter, r *http.Request, c caller) {
	d, ok := s.buildDashboard(w, r, c)
	if ok {
		s.sendXLSX(w, r, fmt.Sprintf("chi-so-%s-%d.xlsx", d.Unit.Code, d.Year), dashboardSheets(d)...)
	}
}

func (s *Server) dashboardCSV(w http.ResponseWriter, r *http.Request, c caller) {
	d, ok := s.buildDashboard(w, r, c)
	if !ok {
		return
	}
	sheets := dashboardSheets(d)
	i, _ := strconv.Atoi(r.URL.Query().Get("section"))
	if i < 0 || i >= len(sheets) {
		i = 0
	}
	var buf bytes.Buffer
	if err := exchange.WriteCSV(&buf, sheets[i]); err != nil {
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
	d, err := s.Dashboards.Build(r.Context(), s.ReadDB, c.Scope, unit, year, asOf)
	if err != nil {
		if errors.Is(err, apperr.ErrNotFound) {
			writeJSON(w, http.StatusNotFound, map[string]string{"error": "not found"})
			return
		}
		s.serverError(w, r, err)
		return
	}
	conv := func(dr dashboard.Row) apiRow {
		out := apiRow{UnitID: dr.UnitID, Code: dr.Code, Name: dr.Name, Values: map[string]any{}, Status: string(dr.Progress.Status)}
		for _, sec := range dashboardSections {
			for _, col := range sec.columns {
				out.Values[col.key] = exportValue(col.value(dr))
			}
		}
		return out
	}
	body := map[string]any{"unit": map[string]any{"id": d.Unit.ID, "code": d.Unit.Code, "name": d.Unit.Name},
		"year": d.Year, "as_of": format.ISODate(d.AsOf), "figures_on": format.ISODate(d.FiguresOn()), "reporting_quarter": d.Reporting.String(), "total": conv(d.Total)}
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

// admissionsChart ranks the rows by admissions, with their targets, as horizontal bars.
func admissionsChart(d dashboard.Dashboard) web.BarChart {
	rows := slices.Clone(d.Rows)
	slices.SortStableFunc(rows, func(a, b dashboard.Row) int { return b.Admitted - a.Admitted })
	if len(rows) > 20 {
		rows = rows[:20]
	}
	most := 1
	for _, r := range rows {
		most = max(most, r.Admitted, r.Target)
	}
	chart := web.BarChart{Title: fmt.Sprintf("Kết nạp năm %d đến %s, so với chỉ tiêu", d.Year, format.Date(d.FiguresOn()))}
	for _, r := range rows {
		bar := web.Bar{Label: r.Name, Value: format.Int(int64(r.Admitted)), Width: float64(r.Admitted) / float64(most) * 100}
		if r.Target > 0 {
			bar.Value += " / " + format.Int(int64(r.Target))
			bar.Target = float64(r.Target) / float64(most) * 100
		}
		chart.Bars = append(chart.Bars, bar)
	}
	return chart
}

// dashboardTrend draws the unit's admissions by quarter, this year against last year, as an
// SVG line chart (go-analyze/charts), shown on the page as an image.
func (s *Server) dashboardTrend(w http.ResponseWriter, r *http.Request, c caller) {
	d, ok := s.buildDashboard(w, r, c)
	if !ok {
		return
	}
	this, last := make([]float64, 4), make([]float64, 4)
	for i := range 4 {
		this[i], last[i] = float64(d.Total.AdmittedByQuarter[i]), float64(d.Total.LastYearByQuarter[i])
	}
	p, err := charts.LineRender([][]float64{this, last},
		charts.SVGOutputOptionFunc(),
		charts.DimensionsOptionFunc(720, 300),
		charts.TitleTextOptionFunc("Kết nạp theo quý: "+d.Unit.Name),
		charts.XAxisLabelsOptionFunc([]string{"Quý 1", "Quý 2", "Quý 3", "Quý 4"}),
		charts.LegendLabelsOptionFunc([]string{strconv.Itoa(d.Year), strconv.Itoa(d.Year - 1)}),
	)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	svg, err := p.Bytes()
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	_, _ = w.Write(svg)
}
