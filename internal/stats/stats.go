// Package stats makes the official Party statistics forms (biểu thống kê cơ bản, Hướng dẫn
// 11-HD/BTCTW, 2021) of a unit for a period, summed up from its cells' quarterly reports (or
// annual quality ratings) and restated across merges and splits as the dashboard restates them
// (org.OriginCTE). Biểu 1 (members gained and lost), Biểu 2 (new members), Biểu 3
// (members at the end of the period), Biểu 5 (organisations by type of unit, counted on the
// Party tree), Biểu 6 (quality ratings) and Biểu 7 (transfers and recognition) are made, and
// Biểu 2B (new members by ethnic group and religion, from the admission register of the cells
// that keep it for the report); Biểu 4 cannot be made from our data (docs/forms.md).
package stats

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"ptdang/internal/apperr"
	"ptdang/internal/org"
	"ptdang/internal/pg"
	"ptdang/internal/report"
)

// Line is one row of a form: its number (A, B, 1, …; "" for a "Trong đó" row), its label, and
// its figure in the period and in the same period last year.
type Line struct {
	No, Label string
	Key       string // the report field it sums (or takes at the end), gains/losses, or a rating or tree count
	Group     bool   // a lettered row (bold); with Key "" a heading without figures
	Of        bool   // a "Trong đó" row, part of the row above (indented)
	// NoData marks a row the quarterly reports cannot give (it needs per-person data): its
	// figures are not known, never 0 (Biểu 2's rows by age, education…).
	NoData bool
	// FromPeople marks a row counted from the admission register, one person at a time
	// (Biểu 2's rows by occupation, age, education; Biểu 2B): Partial (PartialLast) when some
	// cells admitted people over the period (last year's) but the register lacks them — the
	// figure is then the register's alone, marked "chưa đủ", never scaled.
	FromPeople, Partial, PartialLast bool
	// Tenths: This and Last are tenths (the mean age, written with one decimal).
	Tenths bool
	This   int
	Last   int
}

// Percent is This × 100 / Last, NaN when Last is 0 (written "-").
func (l Line) Percent() float64 {
	if l.Last == 0 {
		return math.NaN()
	}
	return float64(l.This) * 100 / float64(l.Last)
}

// Cell names a cell in a form's lists.
type Cell struct {
	ID         int64
	Code, Name string
}

// Missing is a cell of the unit that has not reported for some quarters of the period (neither
// it nor a unit it succeeded has a submitted or approved report for them).
type Missing struct {
	Cell
	Quarters []int
}

// Imbalance is a reporting cell whose period does not add up: opening + gains − losses ≠
// closing (or no opening: no report for the period's first quarter).
type Imbalance struct {
	Cell
	HasOpening                      bool
	Opening, Gains, Losses, Closing int
}

// Excess is a reporting cell whose breakdown row (Part) is above its total (Whole) in its own
// figures: Biểu 1's probationary members removed above the members removed, a Biểu 3 row above
// the members at the end, the people in the register above the members admitted (PeopleKey).
type Excess struct {
	Cell
	Part, Whole  string // the lines' keys
	Value, Total int
}

// Form is a statistics form of a unit for a period.
type Form struct {
	No            string // "1" … "7": the form's number, as the page's picker and the file name give it
	Number, Title string
	Unit          org.PartyUnit
	Period        Period
	AsOf          time.Time // the day the unit and its subtree are taken on
	Lines         []Line
	Missing       []Missing   // the form is incomplete while this is not empty
	Imbalanced    []Imbalance // cells whose opening + gains − losses ≠ closing
	Exceeds       []Excess    // cells with a breakdown row above its total
	// Annual: the form counts the year's quality ratings, not the quarterly reports; Missing
	// are then the cells not rated (without quarters).
	Annual bool
	// OverCap are the cells of an annual form whose members rated excellent are above the cap
	// (Value, Total the most allowed), Cap the rule in words.
	OverCap []Excess
	Cap     string
	// Tree: the form counts the Party tree's organisations on its structure date (Biểu 5).
	Tree bool
	// TotalsOnly are the cells that admitted members in the period (TotalsOnlyLast: in the
	// same period last year) but whose people the admission register lacks: they gave only
	// totals, so the rows counted from people (Line.FromPeople) are incomplete.
	TotalsOnly, TotalsOnlyLast []Cell
}

// Complete reports whether every cell reported for every quarter of the period.
func (f Form) Complete() bool { return len(f.Missing) == 0 }

// LabelOf is the label of the form's line of key, or of PeopleKey.
func (f Form) LabelOf(key string) string {
	if key == PeopleKey {
		return "Số người trong sổ theo dõi phát triển đảng viên"
	}
	return f.Line(key).Label
}

// Line returns the form's line of key.
func (f Form) Line(key string) Line {
	i := slices.IndexFunc(f.Lines, func(l Line) bool { return l.Key == key })
	if i < 0 {
		return Line{}
	}
	return f.Lines[i]
}

// gainKeys and lossKeys are the report fields that add to and take from the members.
var (
	gainKeys = []string{"admitted", "transferred_in", "restored"}
	lossKeys = []string{"deceased", "expelled", "removed", "withdrew", "transferred_out"}
	// flowKeys are the fields summed over the period's quarters, in the order of the query.
	flowKeys = []string{"admitted", "transferred_in", "restored", "deceased", "expelled", "removed", "removed_probationary", "withdrew", "transferred_out",
		"adm_women", "adm_youth_union", "adm_ethnic_minority", "adm_religious", "adm_workers", "adm_private_owners", "adm_students", "adm_readmitted",
		"recognised", "not_recognised"}
	// latestKeys are the fields taken at the end of the period: each cell's latest quarter in it.
	latestKeys = []string{"closing", "full_members", "probationary", "women", "exempt", "working_away", "youth_union", "religious", "ethnic_minority"}
)

// layout is what makes a form of the others: its number, title and lines, and what it counts:
// the quarterly reports, the annual quality ratings (annual: made for a year) or the Party
// tree's organisations (tree).
type layout struct {
	no, number, title, pick string
	lines                   []Line
	annual, tree            bool
	// people: rows are counted from the admission register (Biểu 2, 2B); groups: the rows are
	// the ethnic groups and religions of the people admitted (Biểu 2B).
	people, groups bool
}

// layouts are the forms made, in the picker's order.
var layouts = []layout{
	{no: "1", number: "Biểu số 1-BTCTW", title: "THỐNG KÊ TĂNG, GIẢM ĐẢNG VIÊN", pick: "Biểu 1: Tăng, giảm đảng viên", lines: biểu1Lines},
	{no: "2", number: "Biểu số 2-BTCTW", title: "THỐNG KÊ ĐẢNG VIÊN MỚI KẾT NẠP", pick: "Biểu 2: Đảng viên mới kết nạp", lines: biểu2Lines, people: true},
	{no: "2b", number: "Biểu số 2B-BTCTW", title: "THỐNG KÊ ĐẢNG VIÊN MỚI KẾT NẠP THEO DÂN TỘC, TÔN GIÁO",
		pick: "Biểu 2B: Kết nạp theo dân tộc, tôn giáo", lines: biểu2BLines, people: true, groups: true},
	{no: "3", number: "Biểu số 3-BTCTW", title: "THỐNG KÊ ĐỘI NGŨ ĐẢNG VIÊN", pick: "Biểu 3: Đội ngũ đảng viên cuối kỳ", lines: biểu3Lines},
	{no: "5", number: "Biểu số 5-BTCTW", title: "THỐNG KÊ TỔ CHỨC ĐẢNG TRONG CÁC LOẠI HÌNH CƠ SỞ", pick: "Biểu 5: Tổ chức đảng theo loại hình",
		lines: biểu5Lines, tree: true},
	{no: "6", number: "Biểu số 6-BTCTW", title: "THỐNG KÊ KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG TỔ CHỨC ĐẢNG VÀ ĐẢNG VIÊN",
		pick: "Biểu 6: Xếp loại chất lượng (năm)", lines: biểu6Lines, annual: true},
	{no: "7", number: "Biểu số 7-BTCTW", title: "THỐNG KÊ NGHIỆP VỤ CÔNG TÁC ĐẢNG VIÊN", pick: "Biểu 7: Nghiệp vụ công tác đảng viên", lines: biểu7Lines},
}

// annual reports whether form no counts the annual ratings: it is made for a whole year only.
func annual(no string) bool {
	return slices.ContainsFunc(layouts, func(l layout) bool { return l.no == no && l.annual })
}

// Forms are the forms made, as the page's picker offers them: number and name.
func Forms() [][2]string {
	var out [][2]string
	for _, l := range layouts {
		out = append(out, [2]string{l.no, l.pick})
	}
	return out
}

// biểu1Lines is the layout of Biểu 1 (docs/forms.md): number, label, key.
var biểu1Lines = []Line{
	{No: "A", Label: "Đảng viên đầu kỳ (cuối kỳ trước chuyển sang)", Key: "opening", Group: true},
	{No: "B", Label: "Đảng viên tăng trong kỳ", Key: "gains", Group: true},
	{No: "1", Label: "Kết nạp", Key: "admitted"},
	{No: "2", Label: "Chuyển đến", Key: "transferred_in"},
	{No: "3", Label: "Phục hồi đảng tịch", Key: "restored"},
	{No: "C", Label: "Đảng viên giảm trong kỳ", Key: "losses", Group: true},
	{No: "1", Label: "Từ trần", Key: "deceased"},
	{No: "2", Label: "Khai trừ", Key: "expelled"},
	{No: "3", Label: "Xóa tên", Key: "removed"},
	{Label: "Trong đó: đảng viên dự bị", Key: "removed_probationary", Of: true},
	{No: "4", Label: "Xin ra khỏi Đảng", Key: "withdrew"},
	{No: "5", Label: "Chuyển đi", Key: "transferred_out"},
	{No: "D", Label: "Đảng viên cuối kỳ báo cáo", Key: "closing", Group: true},
}

// biểu2Lines is the layout of Biểu 2 (docs/forms.md; the official row list is unconfirmed): the
// members admitted and the breakdowns the quarterly report has, the grassroots organisations
// that admitted someone, then the analysis by person, whose rows the quarterly report lacks are
// NoData (keyed by section and row: "age_9" is the mean age).
var biểu2Lines = func() []Line {
	lines := []Line{
		{No: "I", Label: "Tổng số đảng viên mới kết nạp", Key: "admitted", Group: true},
		{No: "1", Label: "Trong đó: nữ", Key: "adm_women"},
		{No: "2", Label: "Dân tộc thiểu số", Key: "adm_ethnic_minority"},
		{No: "3", Label: "Đoàn viên Đoàn TNCS Hồ Chí Minh", Key: "adm_youth_union"},
		{No: "4", Label: "Người theo tôn giáo", Key: "adm_religious"},
		{No: "5", Label: "Chủ doanh nghiệp tư nhân", Key: "adm_private_owners"},
		{No: "6", Label: "Kết nạp lại", Key: "adm_readmitted"},
		{No: "7", Label: "Có quan hệ hôn nhân với người nước ngoài", Key: "of_7", NoData: true},
		{No: "II", Label: "Tổ chức cơ sở đảng có kết nạp đảng viên (tổ chức)", Key: grassrootsKey, Group: true},
	}
	// section adds a heading and its rows: a label with a report field's key after "=" has figures,
	// a row whose key personKeys gives is counted from the register, the others are NoData.
	section := func(no, heading, key string, rows ...string) {
		lines = append(lines, Line{No: no, Label: heading, Group: true})
		for i, r := range rows {
			l := Line{No: strconv.Itoa(i + 1), Label: r, Key: fmt.Sprintf("%s_%d", key, i+1), NoData: true}
			if label, field, ok := strings.Cut(r, "="); ok {
				l.Label, l.Key, l.NoData = label, field, false
			}
			if personKeys[l.Key] {
				l.NoData, l.FromPeople, l.Tenths = false, true, l.Key == meanAgeKey
			}
			lines = append(lines, l)
		}
	}
	section("III", "Nghề nghiệp", "occupation",
		"Cán bộ, công chức cơ quan nhà nước",
		"Cán bộ, công chức cơ quan Đảng, Mặt trận Tổ quốc, đoàn thể chính trị - xã hội",
		"Cán bộ, công chức, người hoạt động không chuyên trách ở xã, phường, đặc khu",
		"Người hoạt động không chuyên trách ở thôn, tổ dân phố",
		"Viên chức trong các đơn vị sự nghiệp công lập",
		"Người lao động trong các đơn vị sự nghiệp ngoài công lập",
		"Người lãnh đạo, quản lý doanh nghiệp",
		"Công nhân, người lao động trong doanh nghiệp=adm_workers",
		"Người làm nông, lâm, ngư nghiệp",
		"Sĩ quan, chiến sĩ quân đội và công an",
		"Học sinh, sinh viên=adm_students",
		"Khác (lao động hợp đồng, tự do…)",
		"Cán bộ, công chức, viên chức (sổ theo dõi không tách theo các dòng 1, 2, 3, 5)")
	section("IV", "Tuổi đời (tính đến ngày kết nạp)", "age", "Từ 18 đến 30 tuổi", "Từ 31 đến 35 tuổi", "Từ 36 đến 40 tuổi", "Từ 41 đến 45 tuổi",
		"Từ 46 đến 50 tuổi", "Từ 51 đến 55 tuổi", "Từ 56 đến 60 tuổi", "Trên 60 tuổi", "Tuổi bình quân (năm)")
	section("V", "Trình độ giáo dục phổ thông", "school", "Biết đọc, biết viết chữ quốc ngữ", "Tiểu học", "Trung học cơ sở", "Trung học phổ thông",
		"Chưa rõ (trình độ trung cấp; sổ theo dõi không ghi học vấn phổ thông)")
	section("VI", "Trình độ chuyên môn nghiệp vụ", "profession", "Công nhân kỹ thuật, nhân viên nghiệp vụ, sơ cấp",
		"Trung cấp", "Cao đẳng", "Đại học", "Thạc sĩ", "Tiến sĩ", "Sau đại học (sổ theo dõi không tách thạc sĩ, tiến sĩ)")
	return lines
}()

// biểu7Lines is the layout of Biểu 7 (docs/forms.md; the official row list is unconfirmed): the
// transfers and the recognition of probationary members the quarterly report has; the cards and
// badges it has not (NoData).
var biểu7Lines = []Line{
	{No: "I", Label: "Chuyển sinh hoạt đảng chính thức", Group: true},
	{No: "1", Label: "Đảng viên chuyển đến", Key: "transferred_in"},
	{No: "2", Label: "Đảng viên chuyển đi", Key: "transferred_out"},
	{No: "3", Label: "Chuyển sinh hoạt đảng tạm thời", Key: "transfer_temporary", NoData: true},
	{No: "II", Label: "Xét công nhận đảng viên chính thức", Group: true},
	{No: "1", Label: "Đảng viên dự bị được công nhận chính thức", Key: "recognised"},
	{No: "2", Label: "Đảng viên dự bị không được công nhận chính thức", Key: "not_recognised"},
	{No: "III", Label: "Thẻ đảng viên", Group: true},
	{No: "1", Label: "Phát thẻ đảng viên", Key: "card_issued", NoData: true},
	{No: "2", Label: "Đổi, cấp lại thẻ đảng viên", Key: "card_replaced", NoData: true},
	{No: "IV", Label: "Trao tặng Huy hiệu Đảng", Key: "badges", NoData: true, Group: true},
}

// grassrootsKey is the key of Biểu 2's grassroots organisations that admitted someone.
const grassrootsKey = "grassroots_admitting"

// biểu3Lines is the layout of Biểu 3 (docs/forms.md; the official row list is unconfirmed): the
// members at the end of the period and, of them, each stock field of the quarterly report — first
// the rows of the public layout found, then ours it lacks.
var biểu3Lines = []Line{
	{No: "I", Label: "Đảng viên trong danh sách có đến cuối kỳ báo cáo", Key: "closing", Group: true},
	{No: "1", Label: "Trong đó: nữ", Key: "women"},
	{No: "2", Label: "Dự bị", Key: "probationary"},
	{No: "3", Label: "Dân tộc thiểu số", Key: "ethnic_minority"},
	{No: "4", Label: "Người theo tôn giáo", Key: "religious"},
	{No: "5", Label: "Đoàn viên Đoàn TNCS Hồ Chí Minh", Key: "youth_union"},
	{No: "6", Label: "Chính thức", Key: "full_members"},
	{No: "7", Label: "Được miễn sinh hoạt đảng", Key: "exempt"},
	{No: "8", Label: "Đi làm ăn xa", Key: "working_away"},
}

// Form1 is Biểu 1 (tăng, giảm đảng viên) of unit for p (Make).
func Form1(ctx context.Context, q pg.Querier, scope org.Scope, unit int64, p Period, today time.Time) (Form, error) {
	return Make(ctx, q, scope, "1", unit, p, today)
}

// Form2 is Biểu 2 (đảng viên mới kết nạp) of unit for p (Make).
func Form2(ctx context.Context, q pg.Querier, scope org.Scope, unit int64, p Period, today time.Time) (Form, error) {
	return Make(ctx, q, scope, "2", unit, p, today)
}

// Form3 is Biểu 3 (đội ngũ đảng viên: the members at the end of p) of unit for p (Make).
func Form3(ctx context.Context, q pg.Querier, scope org.Scope, unit int64, p Period, today time.Time) (Form, error) {
	return Make(ctx, q, scope, "3", unit, p, today)
}

// Make is form no ("1", "2", "2b", "3", "5", "6" or "7") of unit (in scope) for p and the same
// period last year, from the same sums (so Biểu 1's closing is Biểu 3's total, its admitted Biểu
// 2's), with Biểu 2's and 2B's rows by person counted from the admission register
// (register.AdmittedIn, the subtree's cells); an annual form (Biểu 6, the quality ratings) is made for p's
// whole year; Biểu 5 counts the tree. The unit and its cells are taken on p's last day, or
// today while p runs; last year's reports are restated on them. Errors:
// apperr.ErrNotFound for a form not made, or when the unit is out of scope or did not exist on
// that day; any other is the database's.
func Make(ctx context.Context, q pg.Querier, scope org.Scope, no string, unit int64, p Period, today time.Time) (Form, error) {
	i := slices.IndexFunc(layouts, func(l layout) bool { return l.no == no })
	if i < 0 {
		return Form{}, apperr.ErrNotFound
	}
	lay := layouts[i]
	if lay.annual {
		p = Period{p.Year, 1, 4}
	}
	asOf := p.LastDay()
	if today.Before(asOf) {
		asOf = today
	}
	u, err := org.GetPartyUnit(ctx, q, scope, unit, asOf)
	if err != nil {
		return Form{}, err
	}
	f := Form{No: lay.no, Number: lay.number, Title: lay.title, Unit: u, Period: p, AsOf: asOf, Annual: lay.annual, Tree: lay.tree}
	switch {
	case lay.annual:
		return f.rated(ctx, q, lay.lines)
	case lay.tree:
		return f.counted(ctx, q, lay.lines)
	}
	this, cells, err := sums(ctx, q, unit, asOf, p)
	if err != nil {
		return Form{}, err
	}
	last, lastCells, err := sums(ctx, q, unit, asOf, p.LastYear())
	if err != nil {
		return Form{}, err
	}
	if slices.ContainsFunc(lay.lines, func(l Line) bool { return l.Key == grassrootsKey }) {
		if this[grassrootsKey], err = admittingGrassroots(ctx, q, unit, asOf, p); err != nil {
			return Form{}, err
		}
		if last[grassrootsKey], err = admittingGrassroots(ctx, q, unit, asOf, p.LastYear()); err != nil {
			return Form{}, err
		}
	}
	lines := lay.lines
	if lay.people {
		people, short, over, err := admitted(ctx, q, unit, asOf, p, cells)
		if err != nil {
			return Form{}, err
		}
		lastPeople, lastShort, _, err := admitted(ctx, q, unit, asOf, p.LastYear(), lastCells)
		if err != nil {
			return Form{}, err
		}
		f.Exceeds = over
		f.TotalsOnly, f.TotalsOnlyLast = short, lastShort
		maps.Copy(this, countPeople(people))
		maps.Copy(last, countPeople(lastPeople))
		if lay.groups {
			lines = groupLines(lines, people, lastPeople)
		}
	}
	for _, l := range lines {
		if !l.NoData {
			l.This, l.Last = this[l.Key], last[l.Key]
		}
		if l.FromPeople {
			l.Partial, l.PartialLast = len(f.TotalsOnly) > 0, len(f.TotalsOnlyLast) > 0
		}
		f.Lines = append(f.Lines, l)
	}
	imbalanced, exceeds := check(cells, lay.lines)
	f.Imbalanced, f.Exceeds = imbalanced, append(exceeds, f.Exceeds...)
	f.Missing, err = missing(ctx, q, unit, asOf, p)
	return f, err
}

// cellSums are one reporting cell's own figures over a period.
type cellSums struct {
	Cell
	opening *int
	flows   map[string]int
	latest  map[string]int // latestKeys at the cell's latest quarter
}

// sums reads the figures of unit's subtree on asOf over p, restated by share (the unit's
// totals, with gains and losses), and each reporting cell's own figures. Opening is the
// opening of p's first quarter, the latestKeys (closing and the stock) those of each cell's
// latest quarter in p (in the totals, not of a cell succeeded by p's end: org.StockCounts),
// flows the sums over p, all read in one lookup per cell; a cell counts when it has a report in p that is not a draft.
func sums(ctx context.Context, q pg.Querier, unit int64, asOf time.Time, p Period) (map[string]int, []cellSums, error) {
	var own, total, cols []string
	for _, k := range flowKeys {
		own = append(own, fmt.Sprintf("sum(%s) AS %s", k, k))
		total = append(total, fmt.Sprintf("round(sum(c.%s * c.share) OVER ())::int", k))
	}
	for _, k := range latestKeys {
		latest := fmt.Sprintf("(array_agg(%s ORDER BY quarter DESC))[1]", k)
		// the members counted at the end: not those of a cell succeeded by then (in its successor's)
		own = append(own, fmt.Sprintf("%s AS %s, CASE WHEN %s THEN %s END AS stock_%s", latest, k, org.StockCounts("$3", "$5::int"), latest, k))
		total = append(total, fmt.Sprintf("round(sum(c.stock_%s * c.share) OVER ())::int", k))
	}
	cols = append(append(cols, flowKeys...), latestKeys...)
	rows, err := q.Query(ctx, `
		WITH RECURSIVE `+org.SubtreeCTE+`,`+org.OriginCTE("sub")+`,
		c AS (
			SELECT o.cell_id, o.share, a.*
			FROM origin o
			CROSS JOIN LATERAL (
				SELECT count(*) AS reports, `+strings.Join(own, ", ")+`,
					sum(opening) FILTER (WHERE quarter = $4) AS opening
				FROM quarterly_report
				-- by the key (cell, year, quarter): the planner, misled by the subtree's estimate, would
				-- otherwise walk the period index and filter a whole quarter's reports for each cell
				WHERE cell_id = o.cell_id AND (year, quarter) BETWEEN ($3, $4) AND ($3, $5) AND state <> 'draft'
			) a
			WHERE a.reports > 0
		)
		SELECT c.cell_id, u.code, (SELECT name FROM party_version_at(c.cell_id, $2)),
			c.opening, c.`+strings.Join(cols, ", c.")+`,
			round(sum(c.opening * c.share) OVER ())::int,
			`+strings.Join(total, ", ")+`
		FROM c JOIN party_unit u ON u.id = c.cell_id
		ORDER BY u.code`, []int64{unit}, asOf, p.Year, p.From, p.To)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	totals := map[string]int{}
	var cells []cellSums
	seen := map[int64]bool{}
	for rows.Next() {
		c := cellSums{flows: map[string]int{}, latest: map[string]int{}}
		var tOpening *int
		own := make([]*int, len(cols))
		tot := make([]*int, len(cols))
		dest := []any{&c.ID, &c.Code, &c.Name, &c.opening}
		for i := range own {
			dest = append(dest, &own[i])
		}
		dest = append(dest, &tOpening)
		for i := range tot {
			dest = append(dest, &tot[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, nil, err
		}
		totals["opening"] = deref(tOpening)
		for i, k := range cols {
			totals[k] = deref(tot[i])
			if i < len(flowKeys) {
				c.flows[k] = deref(own[i])
			} else {
				c.latest[k] = deref(own[i])
			}
		}
		if !seen[c.ID] { // a cell reached by two paths (split, then merged) is listed once
			seen[c.ID] = true
			cells = append(cells, c)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	for _, k := range gainKeys {
		totals["gains"] += totals[k]
	}
	for _, k := range lossKeys {
		totals["losses"] += totals[k]
	}
	return totals, cells, nil
}

// check finds the cells whose own figures do not add up over the period, and those with a
// breakdown row among lines above its total (report.Whole), the total being a line too.
func check(cells []cellSums, lines []Line) (imbalanced []Imbalance, exceeds []Excess) {
	for _, c := range cells {
		im := Imbalance{Cell: c.Cell, HasOpening: c.opening != nil, Opening: deref(c.opening), Closing: c.latest["closing"]}
		for _, k := range gainKeys {
			im.Gains += c.flows[k]
		}
		for _, k := range lossKeys {
			im.Losses += c.flows[k]
		}
		if !im.HasOpening || im.Opening+im.Gains-im.Losses != im.Closing {
			imbalanced = append(imbalanced, im)
		}
		own := func(k string) int { return c.flows[k] + c.latest[k] } // a key is a flow or a latest, never both
		for _, l := range lines {
			whole := report.Whole(l.Key)
			if whole == "" || !slices.ContainsFunc(lines, func(w Line) bool { return w.Key == whole }) {
				continue
			}
			if v, w := own(l.Key), own(whole); v > w {
				exceeds = append(exceeds, Excess{Cell: c.Cell, Part: l.Key, Whole: whole, Value: v, Total: w})
			}
		}
	}
	return imbalanced, exceeds
}

// missing lists the cells of unit's subtree on asOf that have not reported for every quarter
// of p, with the quarters they lack: a quarter counts as reported when the cell or a unit it
// succeeded (by asOf) has a report for it that is not a draft.
func missing(ctx context.Context, q pg.Querier, unit int64, asOf time.Time, p Period) ([]Missing, error) {
	rows, err := q.Query(ctx, `
		WITH RECURSIVE `+org.SubtreeCTE+`,
		cells AS (SELECT id AS top, id FROM sub WHERE kind IN `+org.CellKindsSQL+`),`+org.OriginCTE("cells")+`,
		reported AS (
			SELECT DISTINCT o.top, r.quarter FROM origin o
			JOIN quarterly_report r ON r.cell_id = o.cell_id AND r.year = $3 AND r.quarter BETWEEN $4 AND $5 AND r.state <> 'draft'
		)
		SELECT cells.id, u.code, (SELECT name FROM party_version_at(cells.id, $2)), array_agg(g ORDER BY g)
		FROM cells
		JOIN party_unit u ON u.id = cells.id
		CROSS JOIN generate_series($4::int, $5::int) g
		WHERE NOT EXISTS (SELECT 1 FROM reported WHERE reported.top = cells.id AND reported.quarter = g)
		GROUP BY cells.id, u.code
		ORDER BY u.code`, []int64{unit}, asOf, p.Year, p.From, p.To)
	return readMissing(rows, err)
}

// readMissing reads rows of (cell id, code, name, quarters lacking), the result of a query
// that failed with err or not.
func readMissing(rows pgx.Rows, err error) ([]Missing, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Missing
	for rows.Next() {
		var m Missing
		var qs []int32
		if err := rows.Scan(&m.ID, &m.Code, &m.Name, &qs); err != nil {
			return nil, err
		}
		for _, q := range qs {
			m.Quarters = append(m.Quarters, int(q))
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

func deref(n *int) int {
	if n == nil {
		return 0
	}
	return *n
}
