// Package quality is the annual quality rating (đánh giá, xếp loại chất lượng hằng năm) of Party
// members and of Party cells: each cell's members counted per category, the cell's own category
// as an organisation, the dated cap on "excellent", the import of a year's ratings from a file,
// and the sums over a unit's subtree that the dashboard shows.
//
// Ratings are judgements of one cell in one year. They are not restated across merges and
// splits as quarterly figures are: a summary counts the cells of a subtree on its as-of date,
// so a year before a reorganisation is seen as it was by choosing an as-of date in that year
// (31 December, when the ratings are made).
package quality

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"ptdang/internal/apperr"
	"ptdang/internal/format"
	"ptdang/internal/org"
	"ptdang/internal/pg"
)

// Category is a level of the annual quality rating, for members and for organisations alike.
type Category string

// The categories in use since 2018 (Quy định 132-QĐ/TW and the regulations after it), best first.
const (
	Excellent      Category = "excellent"      // hoàn thành xuất sắc nhiệm vụ
	Good           Category = "good"           // hoàn thành tốt nhiệm vụ
	Satisfactory   Category = "satisfactory"   // hoàn thành nhiệm vụ
	Unsatisfactory Category = "unsatisfactory" // không hoàn thành nhiệm vụ
)

// Categories lists every category, best first.
var Categories = []Category{Excellent, Good, Satisfactory, Unsatisfactory}

var categoryLabels = map[Category]string{
	Excellent:      "Hoàn thành xuất sắc nhiệm vụ",
	Good:           "Hoàn thành tốt nhiệm vụ",
	Satisfactory:   "Hoàn thành nhiệm vụ",
	Unsatisfactory: "Không hoàn thành nhiệm vụ",
}

// Label is the category's Vietnamese name.
func (c Category) Label() string { return categoryLabels[c] }

// Valid reports whether c is one of Categories.
func (c Category) Valid() bool { _, ok := categoryLabels[c]; return ok }

// FirstYear and LastYear bound the years a rating may be stored for. Years before 2018 used
// other category names (đủ tư cách, hoàn thành tốt nhiệm vụ; …) and are not taken.
const (
	FirstYear = 2018
	LastYear  = 2100
)

// yearEnd is the day a year's ratings are made and judged on: 31 December.
func yearEnd(year int) time.Time { return time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC) }

// Members are a cell's (or a subtree's) members counted by their rating for a year.
type Members struct {
	Excellent, Good, Satisfactory, Unsatisfactory int
	// Exempt are members exempt from activities (miễn sinh hoạt): they are not rated.
	Exempt int
	// UnsatisfactoryTwoYears are the unsatisfactory members who were unsatisfactory the year
	// before too: a ground for removal (xóa tên).
	UnsatisfactoryTwoYears int
}

// Rated is the number of members rated: every category, the exempt left out.
func (m Members) Rated() int { return m.Excellent + m.Good + m.Satisfactory + m.Unsatisfactory }

// SatisfactoryOrBetter is the number of members rated satisfactory, good or excellent.
func (m Members) SatisfactoryOrBetter() int { return m.Excellent + m.Good + m.Satisfactory }

// ShareSatisfactoryOrBetter is the quality indicator: members rated satisfactory or better over
// members rated, in percent (99.36 for 99,36 %); NaN when nobody was rated.
//
// Formula (DOMAIN.md): members rated satisfactory or better / members rated — Agencies bloc:
// above 99 %, e.g. 1.242 / 1.250 = 99,36 %.
func (m Members) ShareSatisfactoryOrBetter() float64 {
	if m.Rated() == 0 {
		return math.NaN()
	}
	return float64(m.SatisfactoryOrBetter()) / float64(m.Rated()) * 100
}

// Check applies the hard rules to one cell's counts: whole numbers of 0 or more, and no more
// members unsatisfactory two years running than unsatisfactory this year. It returns a
// Vietnamese message per offending field (the column keys of Table), naming the field; an
// empty map means the counts hold.
func (m Members) Check() map[string]string {
	errs := map[string]string{}
	for _, f := range memberFields {
		if *f.of(&m) < 0 {
			errs[f.key] = fmt.Sprintf("%s: không được âm.", f.label)
		}
	}
	if _, bad := errs["unsatisfactory_two_years"]; !bad && m.UnsatisfactoryTwoYears > m.Unsatisfactory {
		errs["unsatisfactory_two_years"] = fmt.Sprintf("Số đảng viên hai năm liền không hoàn thành nhiệm vụ (%d) không thể lớn hơn số không hoàn thành nhiệm vụ năm nay (%d).",
			m.UnsatisfactoryTwoYears, m.Unsatisfactory)
	}
	return errs
}

// memberField is one count of Members: its column key (also its SQL column) and label.
type memberField struct {
	key, label string
	of         func(*Members) *int
}

// memberFields are the counts in file and column order. Keys are column names of
// quality_rating: the only identifiers interpolated into SQL come from here.
var memberFields = []memberField{
	{"excellent", "Hoàn thành xuất sắc nhiệm vụ", func(m *Members) *int { return &m.Excellent }},
	{"good", "Hoàn thành tốt nhiệm vụ", func(m *Members) *int { return &m.Good }},
	{"satisfactory", "Hoàn thành nhiệm vụ", func(m *Members) *int { return &m.Satisfactory }},
	{"unsatisfactory", "Không hoàn thành nhiệm vụ", func(m *Members) *int { return &m.Unsatisfactory }},
	{"exempt", "Miễn sinh hoạt, không xếp loại", func(m *Members) *int { return &m.Exempt }},
	{"unsatisfactory_two_years", "Hai năm liền không hoàn thành nhiệm vụ", func(m *Members) *int { return &m.UnsatisfactoryTwoYears }},
}

// CapBase is what the cap on "excellent" is a share of.
type CapBase string

// The bases of the cap.
const (
	// GoodOrBetter: those rated "hoàn thành tốt nhiệm vụ trở lên", the excellent included.
	GoodOrBetter CapBase = "good_or_better"
	// GoodOnly: those rated "hoàn thành tốt nhiệm vụ" alone, the literal text of the guidance.
	GoodOnly CapBase = "good"
)

// CapRule is the cap on "excellent" in force for a year's ratings (quality_rule): the number
// rated excellent may not exceed Percent % of Base. Today (from 2018): 20 % of those rated good
// or better, that is excellent × 100 ≤ 20 × (excellent + good): a cell with 15 members rated
// good or better may have 3 excellent, not 4.
type CapRule struct {
	From    time.Time
	Percent float64
	Base    CapBase
}

// DefaultCapRule applies to years before the first stored rule.
var DefaultCapRule = CapRule{From: time.Date(2018, 1, 1, 0, 0, 0, 0, time.UTC), Percent: 20, Base: GoodOrBetter}

// hundredths is the cap in hundredths of a percent (20 % → 2000), for exact integer comparison.
func (r CapRule) hundredths() int64 { return int64(math.Round(r.Percent * 100)) }

// base is the number of members the cap is a share of.
func (r CapRule) base(m Members) int {
	if r.Base == GoodOnly {
		return m.Good
	}
	return m.Excellent + m.Good
}

// Exceeded reports whether a cell's excellent count is above the cap: excellent × 100 >
// Percent × base. Exactly at the cap is within it.
func (r CapRule) Exceeded(m Members) bool {
	return int64(m.Excellent)*10000 > r.hundredths()*int64(r.base(m))
}

// Allowed is the most members the cap lets be rated excellent, given the others' ratings
// (with base GoodOrBetter, the largest e with e × 100 ≤ Percent × (e + good)).
func (r CapRule) Allowed(m Members) int {
	p := r.hundredths()
	if r.Base == GoodOnly {
		return int(p * int64(m.Good) / 10000)
	}
	if p >= 10000 {
		return math.MaxInt32
	}
	return int(p * int64(m.Good) / (10000 - p))
}

// Describe states the rule in Vietnamese: "20 % số hoàn thành tốt nhiệm vụ trở lên".
func (r CapRule) Describe() string {
	pct := strings.TrimSuffix(strings.TrimSuffix(format.Percent(r.Percent), " %"), ",00")
	if r.Base == GoodOnly {
		return pct + " % số hoàn thành tốt nhiệm vụ"
	}
	return pct + " % số hoàn thành tốt nhiệm vụ trở lên"
}

// CapRuleFor returns the cap rule in force for year's ratings: the latest rule whose first
// day is on or before 31 December of year, DefaultCapRule when none is. It returns only
// database errors.
func CapRuleFor(ctx context.Context, q pg.Querier, year int) (CapRule, error) {
	var r CapRule
	err := q.QueryRow(ctx, `
		SELECT valid_from, excellent_cap_percent::float8, excellent_cap_base
		FROM quality_rule WHERE valid_from <= $1 ORDER BY valid_from DESC LIMIT 1`, yearEnd(year)).
		Scan(&r.From, &r.Percent, &r.Base)
	if errors.Is(err, pgx.ErrNoRows) {
		return DefaultCapRule, nil
	}
	return r, err
}

// Rating is a cell's rating for one year.
type Rating struct {
	ID     int64
	CellID int64
	Year   int
	Members
	Own       Category // the cell's own rating as an organisation; "" when not rated
	Version   int
	UpdatedAt time.Time
}

// Get returns the rating of cell (a cell in scope) for year, or apperr.ErrNotFound when the
// cell is out of scope or has no rating for that year.
func Get(ctx context.Context, q pg.Querier, scope org.Scope, cell int64, year int) (Rating, error) {
	if year < FirstYear || year > LastYear {
		return Rating{}, apperr.ErrNotFound
	}
	if _, err := org.GetPartyUnit(ctx, q, scope, cell, yearEnd(year)); err != nil {
		return Rating{}, err
	}
	r, err := getRating(ctx, q, cell, year, false)
	if errors.Is(err, pgx.ErrNoRows) {
		return Rating{}, apperr.ErrNotFound
	}
	return r, err
}

// getRating reads the stored rating of cell for year, locking it when forUpdate; the caller
// has checked the scope. pgx.ErrNoRows when there is none.
func getRating(ctx context.Context, q pg.Querier, cell int64, year int, forUpdate bool) (Rating, error) {
	lock := ""
	if forUpdate {
		lock = " FOR UPDATE"
	}
	r := Rating{CellID: cell, Year: year}
	var own *string
	err := q.QueryRow(ctx, `
		SELECT id, excellent, good, satisfactory, unsatisfactory, exempt, unsatisfactory_two_years, own_rating, version, updated_at
		FROM quality_rating WHERE cell_id = $1 AND year = $2`+lock, cell, year).
		Scan(&r.ID, &r.Excellent, &r.Good, &r.Satisfactory, &r.Unsatisfactory, &r.Exempt, &r.UnsatisfactoryTwoYears, &own, &r.Version, &r.UpdatedAt)
	if own != nil {
		r.Own = Category(*own)
	}
	return r, err
}
