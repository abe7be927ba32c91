package dashboard

import (
	"math"
	"strconv"

	"ptdang/internal/quality"
)

// Kind is what an indicator's value is.
type Kind int

const (
	Count      Kind = iota // a whole number: people, hamlets, cells
	Percentage             // part / whole × 100, none without a denominator
)

// Indicator is one column of the dashboard (chỉ tiêu): the one definition the page, the JSON
// API, the CSV and xlsx exports and docs/api.md all follow.
type Indicator struct {
	Key     string // the API's key and the exports' column key; stable once published
	Label   string // the column header on the page and in the exports
	Formula string // how it is computed, in Vietnamese: the header's tooltip, "Cách tính"
	Kind    Kind
	// Judged: the page marks the cell with the row's target status (ahead, behind…).
	Judged bool
	// of is the value for a row: an int for a Count, a float64 for a Percentage (NaN without
	// a denominator), nil for nothing to show.
	of func(Row) any
}

// Value is ind's value for r as every way out of the dashboard shows it: an int for a count, a
// float64 rounded to two decimals for a percentage (91.58 for 91,58 %), nil for none (a
// percentage without a denominator, a target not set, a row without reports).
func (ind Indicator) Value(r Row) any {
	v := ind.of(r)
	if f, ok := v.(float64); ok {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil
		}
		return math.Round(f*100) / 100
	}
	return v
}

// Section is one table of the dashboard page and one sheet of its exports.
type Section struct {
	Title      string
	Indicators []Indicator
	// OfQualityYear: the section shows the ratings of the dashboard's QualityYear, which the
	// page says in its heading.
	OfQualityYear bool
}

// Heading is s's title on d's page.
func (d Dashboard) Heading(s Section) string {
	if s.OfQualityYear {
		return s.Title + " năm " + strconv.Itoa(d.QualityYear)
	}
	return s.Title
}

// Indicators are the indicators of every section, each key once, in the order of the page.
func Indicators() []Indicator {
	var out []Indicator
	seen := map[string]bool{}
	for _, s := range Sections {
		for _, ind := range s.Indicators {
			if !seen[ind.Key] {
				seen[ind.Key] = true
				out = append(out, ind)
			}
		}
	}
	return out
}

// Values are r's indicators by key (Indicator.Value), as the API gives them.
func Values(r Row) map[string]any {
	out := map[string]any{}
	for _, ind := range Indicators() {
		out[ind.Key] = ind.Value(r)
	}
	return out
}

func count(key, label, formula string, of func(Row) int) Indicator {
	return Indicator{Key: key, Label: label, Formula: formula, Kind: Count, of: func(r Row) any { return of(r) }}
}

func percent(key, label, formula string, of func(Row) float64) Indicator {
	return Indicator{Key: key, Label: label, Formula: formula, Kind: Percentage, of: func(r Row) any { return of(r) }}
}

// summed is a report field summed over the year; stock one at the end of the latest quarter.
func summed(key, label, formula, field string) Indicator {
	return count(key, label, formula, func(r Row) int { return r.Sum[field] })
}

func stock(key, label, formula, field string) Indicator {
	return count(key, label, formula, func(r Row) int { return r.Stock[field] })
}

func admittedIn(q int) func(Row) int { return func(r Row) int { return r.AdmittedByQuarter[q] } }

var (
	admitted    = count("admitted", "Đã kết nạp", "trong năm", func(r Row) int { return r.Admitted })
	targetValue = Indicator{Key: "target", Label: "Chỉ tiêu kết nạp", Formula: "chỉ tiêu năm do cấp trên giao", Kind: Count,
		of: func(r Row) any {
			if r.Target == 0 {
				return nil // no target set: shown as —, exported empty
			}
			return r.Target
		}}
	targetPct = Indicator{Key: "target_pct", Label: "% chỉ tiêu", Formula: "đã kết nạp / chỉ tiêu năm", Kind: Percentage, Judged: true,
		of: func(r Row) any { return r.Progress.Percent }}
	netGrowth = Indicator{Key: "net_growth", Label: "Tăng, giảm thực", Formula: "cuối kỳ − đầu năm", Kind: Count,
		of: func(r Row) any {
			if r.Stock["closing"] == 0 && r.MembersAtStart == 0 {
				return nil // no reports
			}
			return r.Stock["closing"] - r.MembersAtStart
		}}
)

// Sections are the dashboard's indicators, by table. An indicator may appear in several
// sections (admitted), always under its one key.
var Sections = []Section{
	{Title: "Tổng quan", Indicators: []Indicator{
		count("hamlets_covered", "Thôn, tổ có tổ chức đảng", "thôn, tổ dân phố có chi bộ (riêng hoặc sinh hoạt ghép)", func(r Row) int { return r.Covered }),
		count("hamlets", "Tổng số thôn, tổ", "thôn, ấp, bản, tổ dân phố, khu phố còn hiệu lực", func(r Row) int { return r.Hamlets }),
		percent("coverage_pct", "Tỷ lệ có tổ chức đảng", "thôn có tổ chức đảng / tổng số thôn", Row.Coverage),
		count("own_cell_hamlets", "Thôn có chi bộ riêng", "thôn, tổ dân phố có chi bộ của riêng mình", func(r Row) int { return r.OwnCell }),
		percent("own_cell_pct", "Tỷ lệ có chi bộ riêng", "thôn có chi bộ riêng / tổng số thôn", Row.OwnCellCoverage),
		count("combined_hamlets", "Thôn sinh hoạt ghép", "thôn, tổ dân phố chưa có chi bộ riêng, đảng viên sinh hoạt ghép với chi bộ thôn khác", func(r Row) int { return r.Combined }),
		count("no_member_hamlets", "Thôn chưa có đảng viên", "thôn, tổ dân phố không có chi bộ phụ trách", func(r Row) int { return r.NoMember }),
		count("committee_hamlets", "Thôn có chi ủy", "thôn có chi bộ riêng đã bầu chi ủy", func(r Row) int { return r.WithCommittee }),
		percent("committee_coverage_pct", "Tỷ lệ có chi ủy", "thôn có chi bộ riêng đã bầu chi ủy / tổng số thôn", Row.CommitteeCoverage),
		percent("committee_own_cell_pct", "Tỷ lệ có chi ủy trên thôn có chi bộ riêng", "thôn có chi bộ riêng đã bầu chi ủy / thôn có chi bộ riêng", Row.CommitteeOfOwnCells),
		targetValue,
		withFormula(admitted, "đảng viên kết nạp từ 1/1 đến hết quý gần nhất đã kết thúc, theo báo cáo quý đã gửi"),
		targetPct,
		percent("expected_pct", "% theo tiến độ", "phần chỉ tiêu lẽ ra đạt được đến ngày số liệu (hết quý gần nhất đã kết thúc), theo các mốc quý của tỉnh", func(r Row) float64 { return r.Progress.Expected }),
		count("projection", "Dự kiến cả năm", "đã kết nạp × 100 / % theo tiến độ", func(r Row) int { return r.Progress.Projection }),
		count("admitted_last_year", "Cùng kỳ năm trước", "kết nạp cùng kỳ năm trước", func(r Row) int { return r.AdmittedLastYear }),
		percent("yoy_pct", "Tăng, giảm so cùng kỳ", "(năm nay − năm trước) / năm trước", Row.YearOverYear),
		percent("admission_rate_pct", "Kết nạp / đảng viên đầu năm", "đã kết nạp / số đảng viên đầu quý 1", Row.AdmissionRate),
		count("cells_submitted", "Chi bộ đã gửi báo cáo", "chi bộ đã gửi báo cáo quý gần nhất", func(r Row) int { return r.CellsSubmitted }),
		count("cells_expected", "Chi bộ phải báo cáo", "chi bộ có trong cơ cấu", func(r Row) int { return r.CellsExpected }),
		percent("on_time_pct", "Gửi đúng hạn", "chi bộ gửi đúng hạn / chi bộ phải báo cáo", func(r Row) float64 { return Percent(r.CellsOnTime, r.CellsExpected) }),
		count("cells_approved", "Đã được duyệt", "chi bộ có báo cáo quý gần nhất đã được duyệt", func(r Row) int { return r.CellsApproved }),
	}},
	{Title: "Tạo nguồn, chuyển hóa", Indicators: []Indicator{
		summed("sources", "Quần chúng ưu tú (tạo nguồn)", "quần chúng ưu tú được giới thiệu trong năm", "outstanding"),
		stock("sympathisers", "Đối tượng cảm tình Đảng", "số đối tượng cuối quý gần nhất", "sympathisers"),
		summed("course_completed", "Học xong lớp nhận thức", "trong năm", "course_completed"),
		admitted,
		percent("conversion_pct", "Tỷ lệ chuyển hóa", "đã kết nạp / tạo nguồn trong năm", Row.Conversion),
		summed("recognised", "Dự bị được công nhận chính thức", "trong năm", "recognised"),
		summed("not_recognised", "Dự bị không được công nhận", "trong năm", "not_recognised"),
	}},
	{Title: "Biến động đảng viên", Indicators: []Indicator{
		count("members_at_start", "Đầu năm", "đảng viên đầu quý 1", func(r Row) int { return r.MembersAtStart }),
		withLabel(admitted, "Kết nạp"),
		summed("transferred_in", "Chuyển đến", "trong năm", "transferred_in"),
		summed("restored", "Phục hồi", "trong năm", "restored"),
		summed("deceased", "Từ trần", "trong năm", "deceased"),
		summed("expelled", "Khai trừ", "trong năm", "expelled"),
		summed("removed", "Xóa tên", "trong năm", "removed"),
		summed("withdrew", "Xin ra khỏi Đảng", "trong năm", "withdrew"),
		summed("transferred_out", "Chuyển đi", "trong năm", "transferred_out"),
		stock("members_now", "Cuối kỳ", "đảng viên cuối quý gần nhất", "closing"),
		netGrowth,
		stock("working_away", "Đi làm ăn xa", "cuối quý gần nhất", "working_away"),
		stock("exempt", "Miễn sinh hoạt", "cuối quý gần nhất", "exempt"),
	}},
	{Title: "Cơ cấu đảng viên mới kết nạp", Indicators: []Indicator{
		admitted,
		summed("adm_women", "Nữ", "trong năm", "adm_women"),
		percent("adm_women_pct", "Tỷ lệ nữ", "nữ / đã kết nạp", func(r Row) float64 { return Percent(r.Sum["adm_women"], r.Admitted) }),
		summed("adm_youth_union", "Đoàn viên", "trong năm", "adm_youth_union"),
		summed("adm_ethnic_minority", "Dân tộc thiểu số", "trong năm", "adm_ethnic_minority"),
		summed("adm_religious", "Có đạo", "trong năm", "adm_religious"),
		summed("adm_workers", "Công nhân doanh nghiệp", "trong năm", "adm_workers"),
		summed("adm_private_owners", "Chủ doanh nghiệp tư nhân", "trong năm", "adm_private_owners"),
		summed("adm_students", "Học sinh, sinh viên", "trong năm", "adm_students"),
		summed("adm_readmitted", "Kết nạp lại", "trong năm", "adm_readmitted"),
	}},
	{Title: "Kết nạp theo quý", Indicators: []Indicator{
		count("admitted_q1", "Quý 1", "kết nạp trong quý", admittedIn(0)),
		count("admitted_q2", "Quý 2", "kết nạp trong quý", admittedIn(1)),
		count("admitted_q3", "Quý 3", "kết nạp trong quý", admittedIn(2)),
		count("admitted_q4", "Quý 4", "kết nạp trong quý", admittedIn(3)),
		withFormula(withLabel(admitted, "Cả năm đến nay"), "tổng các quý"),
	}},
	{Title: "Xếp loại chất lượng", OfQualityYear: true, Indicators: []Indicator{
		count("rated", "Đảng viên được xếp loại", "không tính đảng viên miễn sinh hoạt", func(r Row) int { return r.Quality.Rated() }),
		count("rated_excellent", "Hoàn thành xuất sắc", "số đảng viên", func(r Row) int { return r.Quality.Excellent }),
		count("rated_good", "Hoàn thành tốt", "số đảng viên", func(r Row) int { return r.Quality.Good }),
		count("rated_satisfactory", "Hoàn thành", "số đảng viên", func(r Row) int { return r.Quality.Satisfactory }),
		count("rated_unsatisfactory", "Không hoàn thành", "số đảng viên", func(r Row) int { return r.Quality.Unsatisfactory }),
		percent("satisfactory_or_better_pct", "Hoàn thành nhiệm vụ trở lên", "đảng viên hoàn thành nhiệm vụ trở lên / đảng viên được xếp loại", func(r Row) float64 { return r.Quality.ShareSatisfactoryOrBetter() }),
		count("unsatisfactory_two_years", "Không hoàn thành 2 năm liền", "đảng viên không hoàn thành nhiệm vụ năm nay và năm trước", func(r Row) int { return r.Quality.UnsatisfactoryTwoYears }),
		count("cells_over_cap", "Chi bộ vượt tỷ lệ xuất sắc", "chi bộ có số hoàn thành xuất sắc vượt mức quy định (20 % số hoàn thành tốt trở lên)", func(r Row) int { return r.Quality.CellsOverCap }),
		count("organisations_excellent", "Tổ chức đảng hoàn thành xuất sắc", "chi bộ tự xếp loại", func(r Row) int { return r.Quality.Organisations[quality.Excellent] }),
		count("cells_rated", "Chi bộ đã xếp loại", "chi bộ có số liệu xếp loại", func(r Row) int { return r.Quality.Cells }),
	}},
	{Title: "Đại hội chi bộ", Indicators: []Indicator{
		count("congress_held", "Đã đại hội", "chi bộ báo cáo đã tổ chức đại hội trong năm", func(r Row) int { return r.CongressHeld }),
		count("congress_due", "Phải đại hội", "chi bộ hết nhiệm kỳ trong năm (tính từ lần đại hội gần nhất có báo cáo), hoặc chưa có lần nào", func(r Row) int { return r.CongressDue }),
		percent("congress_pct", "Tỷ lệ", "đã đại hội / phải đại hội", Row.CongressProgress),
	}},
}

// withLabel and withFormula are ind under another header or explanation, same key and value.
func withLabel(ind Indicator, label string) Indicator     { ind.Label = label; return ind }
func withFormula(ind Indicator, formula string) Indicator { ind.Formula = formula; return ind }
