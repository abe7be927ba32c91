// Package dashboard computes the indicators (chỉ tiêu tổng hợp) the provincial organisation
// board follows, live from the structure and the quarterly reports: one row per unit directly
// below the chosen one, and a totals row. Figures of units that merged or split since are
// restated on the units of the as-of date through the recorded successions.
package dashboard

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/sync/errgroup"

	"ptdang/internal/apperr"
	"ptdang/internal/org"
	"ptdang/internal/pg"
	"ptdang/internal/quality"
	"ptdang/internal/report"
	"ptdang/internal/target"
)

// Row holds one unit's indicators for a year, up to the as-of date.
type Row struct {
	UnitID   int64
	Code     string
	Name     string
	Children int // child units, for drill-down

	// Coverage of hamlets on the as-of date: the hamlets of the territories led by a unit of
	// the subtree, and those its cells serve (a hamlet cell's row counts the hamlets it
	// serves). Covered = OwnCell + Combined: hamlets served by their own cell (chi bộ riêng),
	// or meeting with a neighbouring hamlet's cell (sinh hoạt ghép); NoMember the others
	// (trắng đảng viên). WithCommittee: hamlets whose own cell has a chi ủy.
	Hamlets, Covered, OwnCell, Combined, WithCommittee, NoMember int

	// Admissions from 1 January to the as-of date, and the same period last year.
	Admitted, AdmittedLastYear int
	// Sources: outstanding non-members identified in the year (tạo nguồn).
	Sources int
	// Members at the start of the year: the opening of the first quarter's reports.
	MembersAtStart int
	// Sums over the year's reports (quarters ended by the as-of date), by report field key:
	// movements, pipeline and the breakdown of the admitted.
	Sum map[string]int
	// Stock at the end of each cell's latest quarter reported in the year, by report field key.
	Stock map[string]int
	// AdmittedByQuarter are the admissions of each quarter of the year, and of last year.
	AdmittedByQuarter, LastYearByQuarter [4]int
	// Congresses held in the year's reports, and cells due to hold one (see congresses).
	CongressHeld, CongressDue int

	// Reporting for the last quarter ended by the as-of date.
	CellsExpected, CellsSubmitted, CellsOnTime, CellsApproved int

	// Target is the year's admission target (0: none set); Progress judges Admitted against it.
	Target   int
	Progress target.Progress

	// Quality sums the annual quality ratings of the cells of the subtree (of QualityYear).
	Quality quality.Summary
}

// Dashboard is the table of a unit's children for a year, with the totals.
type Dashboard struct {
	Unit      org.PartyUnit
	Year      int
	AsOf      time.Time
	Quarters  int           // quarters of the year ended by the as-of date, whose reports count
	Reporting report.Period // the quarter whose reporting is shown
	// QualityYear is the year whose quality ratings are shown: the dashboard's year once it has
	// ended, the year before while it runs (ratings are made at the end of a year).
	QualityYear int
	Rows        []Row
	Total       Row
	// Version names the data the dashboard was made from, when it came through a Cache: two
	// dashboards of the same version are the same, so what is made from one (a rendered page)
	// serves for the other. Empty without a cache.
	Version string
}

// Percent is part/whole × 100, NaN when whole is 0 (shown as "—").
func Percent(part, whole int) float64 {
	if whole == 0 {
		return math.NaN()
	}
	return float64(part) / float64(whole) * 100
}

// Change is (this − last)/last × 100, the year-over-year change; NaN when last is 0.
func Change(this, last int) float64 {
	if last == 0 {
		return math.NaN()
	}
	return float64(this-last) / float64(last) * 100
}

// Coverage is the share of hamlets with a Party organisation (own cell or combined).
func (r Row) Coverage() float64 { return Percent(r.Covered, r.Hamlets) }

// CommitteeCoverage is the share of hamlets whose own cell has a committee (chi ủy).
func (r Row) CommitteeCoverage() float64 { return Percent(r.WithCommittee, r.Hamlets) }

// OwnCellCoverage is the share of hamlets served by their own cell (thôn có chi bộ riêng).
func (r Row) OwnCellCoverage() float64 { return Percent(r.OwnCell, r.Hamlets) }

// CommitteeOfOwnCells is the share of hamlets with their own cell whose cell has a committee:
// the committee coverage some provinces publish over hamlets with their own cell.
func (r Row) CommitteeOfOwnCells() float64 { return Percent(r.WithCommittee, r.OwnCell) }

// Conversion is admitted in the year over sources created in the year.
func (r Row) Conversion() float64 { return Percent(r.Admitted, r.Sources) }

// YearOverYear is the change of admissions against the same period last year.
func (r Row) YearOverYear() float64 { return Change(r.Admitted, r.AdmittedLastYear) }

// AdmissionRate is admitted in the year over members at the start of the year.
func (r Row) AdmissionRate() float64 { return Percent(r.Admitted, r.MembersAtStart) }

// FiguresOn is the day the year's figures stand on: the last day of the last quarter whose
// reports they count (31/12 of the year before when none has ended). Admissions and their pace
// are both judged on it, whatever the as-of date.
func (d Dashboard) FiguresOn() time.Time {
	if d.Quarters == 0 {
		return time.Date(d.Year-1, 12, 31, 0, 0, 0, 0, time.UTC)
	}
	return report.Period{Year: d.Year, Quarter: d.Quarters}.End().AddDate(0, 0, -1)
}

// quartersEnded is how many quarters of year have ended by asOf.
func quartersEnded(year int, asOf time.Time) int {
	for q := 4; q >= 1; q-- {
		if !asOf.Before(report.Period{Year: year, Quarter: q}.End().AddDate(0, 0, -1)) {
			return q
		}
	}
	return 0
}

// unitOf returns unit (in scope) on asOf, or the nation.
func unitOf(ctx context.Context, q pg.Querier, scope org.Scope, unit int64, asOf time.Time) (org.PartyUnit, error) {
	if unit != org.Nation {
		return org.GetPartyUnit(ctx, q, scope, unit, asOf)
	}
	if !scope.All() {
		return org.PartyUnit{}, apperr.ErrNotFound
	}
	return org.NationUnit, nil
}

// Build computes the dashboard of unit (in scope; org.Nation for the whole tree) for year as of
// asOf, every row from the database. Cache.Build gives the same, faster. Errors: those of
// Cache.Build.
func Build(ctx context.Context, q pg.Querier, scope org.Scope, unit int64, year int, asOf time.Time) (Dashboard, error) {
	return (*Cache)(nil).Build(ctx, q, scope, unit, year, asOf)
}

// start reads unit (in scope; org.Nation for the whole tree) on asOf, and the generations c
// checks its rows against: the dashboard of unit for year as of asOf, before its rows.
func (c *Cache) start(ctx context.Context, q pg.Querier, scope org.Scope, unit int64, year int, asOf time.Time) (Dashboard, generations, error) {
	u, err := unitOf(ctx, q, scope, unit, asOf)
	if err != nil {
		return Dashboard{}, generations{}, err
	}
	gens, err := c.generations(ctx, q, unit)
	return newDashboard(u, year, asOf), gens, err
}

// newDashboard is the dashboard of u for year as of asOf, before its rows.
func newDashboard(u org.PartyUnit, year int, asOf time.Time) Dashboard {
	d := Dashboard{Unit: u, Year: year, AsOf: asOf, Quarters: quartersEnded(year, asOf)}
	d.Reporting = report.Period{Year: year, Quarter: max(d.Quarters, 1)}
	if d.Quarters == 0 {
		d.Reporting = report.Period{Year: year - 1, Quarter: 4}
	}
	d.QualityYear = year
	if asOf.Before(time.Date(year, 12, 31, 0, 0, 0, 0, time.UTC)) {
		d.QualityYear = year - 1
	}
	return d
}

// UnitRow returns the row of unit (in scope) for year as of asOf: the totals of its own
// dashboard and its row in its parent's, from the same cache, without computing its
// children's rows. Its target and progress are not judged. ErrNotFound when the unit is out
// of scope or did not exist on asOf.
func (c *Cache) UnitRow(ctx context.Context, q pg.Querier, scope org.Scope, unit int64, year int, asOf time.Time) (Row, error) {
	if unit == org.Nation {
		return Row{}, apperr.ErrNotFound
	}
	d, gens, err := c.start(ctx, q, scope, unit, year, asOf)
	if err != nil {
		return Row{}, err
	}
	rows, err := c.rows(ctx, q, []org.PartyUnit{d.Unit}, &d, gens)
	if err != nil {
		return Row{}, err
	}
	return rows[0], nil
}

// Build is the package's Build, reusing the rows c computed before whose data has not changed
// since. A nil Cache computes every row. Errors: apperr.ErrNotFound when unit is out of scope
// or did not exist on asOf, and org.Nation for one who does not see the whole tree; any other is
// the database's.
func (c *Cache) Build(ctx context.Context, q pg.Querier, scope org.Scope, unit int64, year int, asOf time.Time) (Dashboard, error) {
	d, gens, err := c.start(ctx, q, scope, unit, year, asOf)
	if err != nil {
		return Dashboard{}, err
	}
	u := d.Unit
	// The unit is in scope, so are the units under it: they are listed (and remembered) for all.
	children, err := c.children(ctx, q, unit, asOf, gens)
	if err != nil {
		return Dashboard{}, err
	}
	if len(children) == 0 || u.Kind.IsCell() {
		children = []org.PartyUnit{u}
	}
	// The totals are the unit's own row, as its parent's dashboard shows it (its territory
	// once, its reports once, and the same cached row): a sum of the child rows would miss
	// what the unit leads itself, such as a commune's territory above its hamlet cells. The
	// nation, which is no unit, sums its rows.
	units := children
	ownRow := unit != org.Nation && children[0].ID != u.ID
	if ownRow {
		units = append(slices.Clip(children), u)
	}
	rows, err := c.rows(ctx, q, units, &d, gens)
	if err != nil {
		return Dashboard{}, err
	}
	switch {
	case ownRow:
		d.Rows, d.Total = rows[:len(children)], rows[len(children)]
	case unit != org.Nation:
		d.Rows, d.Total = rows, rows[0]
	default:
		d.Rows, d.Total = rows, sumRows(rows)
	}
	d.Total.UnitID, d.Total.Code, d.Total.Children = 0, "", 0
	d.Total.Name = "Tổng cộng"
	p, err := c.pace(ctx, q, &d, gens)
	if err != nil {
		return Dashboard{}, err
	}
	p.judge(&d)
	return d, nil
}

// sumRows adds up rows: the nation's totals.
func sumRows(rows []Row) Row {
	var t Row
	for _, r := range rows {
		t.Hamlets += r.Hamlets
		t.Covered += r.Covered
		t.OwnCell += r.OwnCell
		t.Combined += r.Combined
		t.WithCommittee += r.WithCommittee
		t.NoMember += r.NoMember
		t.Admitted += r.Admitted
		t.AdmittedLastYear += r.AdmittedLastYear
		t.Sources += r.Sources
		t.MembersAtStart += r.MembersAtStart
		t.CellsExpected += r.CellsExpected
		t.CellsSubmitted += r.CellsSubmitted
		t.CellsOnTime += r.CellsOnTime
		t.CellsApproved += r.CellsApproved
		t.CongressHeld += r.CongressHeld
		t.CongressDue += r.CongressDue
		for i := range 4 {
			t.AdmittedByQuarter[i] += r.AdmittedByQuarter[i]
			t.LastYearByQuarter[i] += r.LastYearByQuarter[i]
		}
		t.Sum, t.Stock = addInto(t.Sum, r.Sum), addInto(t.Stock, r.Stock)
		t.Quality = addQuality(t.Quality, r.Quality)
	}
	return t
}

// compute fills the figures of rows (by unit id) for the dashboard d. On a pool its five
// queries run at once, each on its own connection; each fills its own fields of the rows.
func compute(ctx context.Context, q pg.Querier, rows map[int64]*Row, d *Dashboard) error {
	ids := make([]int64, 0, len(rows))
	for id := range rows {
		ids = append(ids, id)
	}
	var ratings map[int64]quality.Summary
	parts := []func(context.Context) error{
		func(ctx context.Context) error { return coverage(ctx, q, ids, d.AsOf, rows) },
		func(ctx context.Context) error { return figures(ctx, q, ids, d.Year, d.Quarters, d.AsOf, rows) },
		func(ctx context.Context) error { return reporting(ctx, q, ids, d.Reporting, d.AsOf, rows) },
		func(ctx context.Context) error { return congresses(ctx, q, ids, d.Year, d.AsOf, rows) },
		func(ctx context.Context) (err error) {
			ratings, err = quality.Summarise(ctx, q, org.Everything(), ids, d.QualityYear, d.AsOf)
			return err
		},
	}
	if _, pool := q.(*pgxpool.Pool); pool {
		g, ctx := errgroup.WithContext(ctx)
		for _, part := range parts {
			g.Go(func() error { return part(ctx) })
		}
		if err := g.Wait(); err != nil {
			return err
		}
	} else {
		for _, part := range parts {
			if err := part(ctx); err != nil {
				return err
			}
		}
	}
	for id, r := range rows {
		r.Quality = ratings[id]
	}
	return nil
}

// judge sets each row's target and judges its admissions against it, with the province's
// milestones and thresholds; the totals row uses the unit's own target.
//
// Formula (DOMAIN.md): admitted since 1 January / annual target — Đồng Tháp, 30/6/2022:
// 934 / 1.300 = 71,85 %.
func (p pace) judge(d *Dashboard) {
	judge := func(r *Row, s target.Settings) {
		last := r.AdmittedLastYear
		r.Progress = target.Compute(target.ProgressInput{Target: r.Target, Admitted: r.Admitted, Quarters: d.Quarters,
			Profile: s.Profile, Thresholds: s.Thresholds, LastYear: &last})
	}
	for i := range d.Rows {
		r := &d.Rows[i]
		r.Target = p.targets[r.UnitID]
		judge(r, p.settings[r.UnitID])
	}
	d.Total.Target = p.targets[d.Unit.ID]
	judge(&d.Total, p.settings[d.Unit.ID])
}

// pace is what judging the rows' progress takes: the targets of the year, by unit, and the
// settings (the province's milestones and thresholds) each row and the unit are judged by.
type pace struct {
	targets  map[int64]int
	settings map[int64]target.Settings
}

// paceOf reads the pace of d's unit and rows. A unit and the units under it are judged by
// their province's settings; the nation's rows, the top units, each by their own, and the
// nation's target is theirs summed, judged by the default settings.
func paceOf(ctx context.Context, q pg.Querier, d *Dashboard) (pace, error) {
	p := pace{targets: map[int64]int{}, settings: map[int64]target.Settings{}}
	if d.Unit.ID == org.Nation {
		for _, r := range d.Rows {
			targets, s, err := target.Targets(ctx, q, []int64{r.UnitID}, d.Year)
			if err != nil {
				return pace{}, err
			}
			p.targets[r.UnitID], p.settings[r.UnitID] = targets[r.UnitID], s
			p.targets[org.Nation] += targets[r.UnitID]
		}
		p.settings[org.Nation] = target.Settings{Profile: target.DefaultProfile, Thresholds: target.DefaultThresholds}
		return p, nil
	}
	units := []int64{d.Unit.ID}
	for _, r := range d.Rows {
		units = append(units, r.UnitID)
	}
	targets, s, err := target.Targets(ctx, q, units, d.Year)
	if err != nil {
		return pace{}, err
	}
	p.targets = targets
	for _, u := range units {
		p.settings[u] = s
	}
	return p, nil
}

// coverage counts, for each unit on asOf, the hamlets of the territories its subtree leads (so
// a province counts all its communes' hamlets once) and the hamlets the cells of its subtree
// serve (so a hamlet cell counts the hamlets it serves), and how they are served.
//
// Formula (DOMAIN.md): hamlets with a cell, own or combined / all hamlets — Đồng Nai 2022:
// 934 / 934 = 100 %; hamlets whose own cell has a chi ủy / all hamlets — 2018: 925 / 962 = 96,15 %;
// hamlets with their own cell / all hamlets — 1.702 / 1.718 = 99,07 %; hamlets whose own cell has
// a chi ủy / hamlets with their own cell — 1.132 / 1.702 = 66,51 %.
//
// The hamlets' cells are lookups by key, not joins: the planner cannot tell how few rows the
// walks return, and would hash whole tables for a handful.
func coverage(ctx context.Context, q pg.Querier, ids []int64, asOf time.Time, rows map[int64]*Row) error {
	return countsByTop(ctx, q, rows, func(row *Row, c []int) {
		hamlets, own, combined, committee := c[0], c[1], c[2], c[3]
		row.Hamlets, row.OwnCell, row.Combined, row.WithCommittee = hamlets, own, combined, committee
		row.Covered, row.NoMember = own+combined, hamlets-own-combined
	}, `
		WITH RECURSIVE `+org.SubtreeCTE+`, `+HamletsCTE+`
		SELECT h.top, count(*),
			count(*) FILTER (WHERE l.mode = 'own'),
			count(*) FILTER (WHERE l.mode = 'combined'),
			count(*) FILTER (WHERE l.committee)
		FROM hamlet h `+HamletLinkJoin+`
		GROUP BY h.top`, ids, asOf)
}

// HamletsCTE follows org.SubtreeCTE (tops $1, date $2) in a WITH RECURSIVE: hamlet (top, id)
// are the hamlets each top counts on $2 — those of the territories led by a unit of its subtree,
// and those its cells serve. It is the one definition of a unit's hamlets (coverage, and the
// hamlet coverage report of package stats).
const HamletsCTE = `
		territory AS (
			SELECT DISTINCT top, admin_id
			FROM (SELECT sub.top, (SELECT territory_id FROM party_unit p WHERE p.id = sub.id) AS admin_id FROM sub) t
			WHERE admin_id IS NOT NULL
		),
		area (top, id, depth) AS (
			SELECT top, admin_id, 0 FROM territory
			UNION
			SELECT area.top, v.unit_id, area.depth + 1
			FROM area JOIN admin_unit_version v ON v.parent_id = area.id
				AND v.valid_from <= $2 AND (v.valid_to IS NULL OR v.valid_to > $2)
			WHERE area.depth < 16
		),
		hamlet AS (
			SELECT area.top, area.id FROM area
			WHERE (SELECT level FROM admin_unit a WHERE a.id = area.id) = 'hamlet'
				-- the walk reached the others through a version in force on $2
				AND (area.depth > 0 OR EXISTS (SELECT 1 FROM admin_unit_version v WHERE v.unit_id = area.id
					AND v.valid_from <= $2 AND (v.valid_to IS NULL OR v.valid_to > $2)))
			UNION
			-- the hamlets the subtree's cells serve on $2, wherever they lie
			SELECT sub.top, l.hamlet_id FROM sub
			CROSS JOIN LATERAL (
				SELECT l.hamlet_id FROM hamlet_cell_link l
				WHERE l.cell_id = sub.id AND l.valid_from <= $2 AND (l.valid_to IS NULL OR l.valid_to > $2)
				OFFSET 0
			) l
			WHERE sub.kind IN ` + org.CellKindsSQL + `
		)`

// HamletLinkJoin joins to hamlet h (after HamletsCTE) the link serving it on $2, l (cell_id,
// mode, committee, secretary_is_head), all NULL when none serves it (no Party member).
// committee: the hamlet's own cell has a chi ủy on $2.
const HamletLinkJoin = `
		LEFT JOIN LATERAL (
			SELECT l.cell_id, l.mode, l.mode = 'own' AND COALESCE(p.committee_since <= $2, false) AS committee, l.secretary_is_head
			FROM hamlet_cell_link l JOIN party_unit p ON p.id = l.cell_id
			WHERE l.hamlet_id = h.id AND l.valid_from <= $2 AND (l.valid_to IS NULL OR l.valid_to > $2)
			OFFSET 0 -- keeps it a lookup per hamlet
		) l ON true`

// countsByTop runs query, whose rows are a subtree's top followed by counts, and hands each
// top's Row and its counts to set.
func countsByTop(ctx context.Context, q pg.Querier, rows map[int64]*Row, set func(row *Row, counts []int), query string, args ...any) error {
	r, err := q.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer r.Close()
	for r.Next() {
		var top int64
		counts := make([]int, len(r.FieldDescriptions())-1)
		dest := []any{&top}
		for i := range counts {
			dest = append(dest, &counts[i])
		}
		if err := r.Scan(dest...); err != nil {
			return err
		}
		set(rows[top], counts)
	}
	return r.Err()
}

// SumKeys are the report fields summed over the year's quarters; StockKeys those read at the
// end of the last quarter counted. Both are report column names (report.Fields).
var (
	SumKeys = []string{"admitted", "transferred_in", "restored", "deceased", "expelled", "removed", "withdrew", "transferred_out",
		"outstanding", "course_completed", "recognised", "not_recognised",
		"adm_women", "adm_youth_union", "adm_ethnic_minority", "adm_religious", "adm_workers", "adm_private_owners", "adm_students", "adm_readmitted"}
	StockKeys = []string{"closing", "full_members", "probationary", "sympathisers", "working_away", "exempt", "women"}
)

// figuresColumns are the columns of figures' query. Each unit's reports are summed where they
// are read (inner; stock: the latest quarter's), once per unit; the units' sums are then
// restated by share and summed per top (outer), in the order setFigures reads them.
func figuresColumns() (inner, stock, outer []string) {
	add := func(name, expr string) {
		inner = append(inner, expr+" AS "+name)
		outer = append(outer, fmt.Sprintf("round(sum(c.%s * c.share))::int", name))
	}
	add("last_year", "sum(admitted) FILTER (WHERE year = $3 - 1 AND quarter <= $4)") // the same period
	add("at_start", "sum(opening) FILTER (WHERE year = $3 AND quarter = 1)")
	for _, k := range SumKeys {
		add("s_"+k, fmt.Sprintf("sum(%s) FILTER (WHERE year = $3)", k))
	}
	for _, y := range []string{"$3", "$3 - 1"} {
		for qq := 1; qq <= 4; qq++ {
			add(fmt.Sprintf("q_%d", len(inner)), fmt.Sprintf("sum(admitted) FILTER (WHERE year = %s AND quarter = %d)", y, qq))
		}
	}
	for _, k := range StockKeys {
		stock = append(stock, k+" AS t_"+k)
		outer = append(outer, fmt.Sprintf("round(sum(c.t_%s * c.share))::int", k))
	}
	return inner, stock, outer
}

// figures sums the reports of the year (and of last year) over each unit's subtree on asOf,
// restating a report of a unit that since merged or split on its successors by share.
//
// Formulas (DOMAIN.md): admitted since 1 January; conversion = admitted in year / sources
// created in year — Đồng Nai hamlets 2018: 1.164 / 1.827 = 63,71 %; year-over-year = (this −
// last) / last — 2021 vs 2018: −48,02 %; admission rate = admitted / members at the start of
// the year — Đồng Nai 2018: 2.270 / 76.174 = 2,98 %.
func figures(ctx context.Context, q pg.Querier, ids []int64, year, quarters int, asOf time.Time, rows map[int64]*Row) error {
	inner, stock, outer := figuresColumns()
	// origin lists, for each top, the units of its subtree and, back through the successions
	// in force on asOf, the units they succeeded, with the share of their figures they took.
	// Reports are read by unit (lateral lookups): the planner would otherwise hash a table
	// of millions for a subtree's few thousand cells.
	r, err := q.Query(ctx, `
		WITH RECURSIVE `+org.SubtreeCTE+`,`+org.OriginCTE("sub")+`,
		c AS (
			SELECT o.top, o.cell_id, o.share, a.*, l.*
			FROM origin o
			CROSS JOIN LATERAL (
				SELECT count(*) AS reports, bool_or(congress_held > 0 AND year = $3) AS held, `+strings.Join(inner, ", ")+`
				FROM quarterly_report
				-- Last year whole: its quarters are drawn in the trend; the same period is filtered above.
				WHERE cell_id = o.cell_id AND (year = $3 - 1 OR (year = $3 AND quarter <= $4)) AND state <> 'draft'
			) a
			LEFT JOIN LATERAL (
				SELECT `+strings.Join(stock, ", ")+`
				FROM quarterly_report
				WHERE cell_id = o.cell_id AND year = $3 AND quarter <= $4 AND state <> 'draft' AND `+org.StockCounts("$3", "$4::int")+`
				ORDER BY quarter DESC LIMIT 1
			) l ON true
			WHERE a.reports > 0
		)
		SELECT c.top, count(DISTINCT c.cell_id) FILTER (WHERE c.held),
			`+strings.Join(outer, ",\n\t\t\t")+`
		FROM c
		GROUP BY c.top`, ids, asOf, year, quarters)
	if err != nil {
		return err
	}
	defer r.Close()
	for r.Next() {
		var (
			top  int64
			held int
		)
		vals := make([]*int, len(outer))
		dest := []any{&top, &held}
		for i := range vals {
			dest = append(dest, &vals[i])
		}
		if err := r.Scan(dest...); err != nil {
			return err
		}
		rows[top].CongressHeld = held
		rows[top].setFigures(vals)
	}
	return r.Err()
}

// setFigures sets r's figures from the sums figures reads, in the order of its columns.
func (r *Row) setFigures(vals []*int) {
	r.AdmittedLastYear, r.MembersAtStart = deref(vals[0]), deref(vals[1])
	vals = vals[2:]
	r.Sum, r.Stock = map[string]int{}, map[string]int{}
	for i, k := range SumKeys {
		r.Sum[k] = deref(vals[i])
	}
	vals = vals[len(SumKeys):]
	for qq := range 4 {
		r.AdmittedByQuarter[qq] = deref(vals[qq])
		r.LastYearByQuarter[qq] = deref(vals[4+qq])
	}
	vals = vals[8:]
	for i, k := range StockKeys {
		r.Stock[k] = deref(vals[i])
	}
	r.Admitted, r.Sources = r.Sum["admitted"], r.Sum["outstanding"]
}

func addQuality(total, part quality.Summary) quality.Summary {
	total.Excellent += part.Excellent
	total.Good += part.Good
	total.Satisfactory += part.Satisfactory
	total.Unsatisfactory += part.Unsatisfactory
	total.Exempt += part.Exempt
	total.UnsatisfactoryTwoYears += part.UnsatisfactoryTwoYears
	total.Cells += part.Cells
	total.CellsExpected += part.CellsExpected
	total.CellsOverCap += part.CellsOverCap
	total.OrganisationsNotRated += part.OrganisationsNotRated
	if total.Organisations == nil {
		total.Organisations = map[quality.Category]int{}
	}
	for c, n := range part.Organisations {
		total.Organisations[c] += n
	}
	return total
}

func addInto(total, part map[string]int) map[string]int {
	if total == nil {
		total = map[string]int{}
	}
	for k, v := range part {
		total[k] += v
	}
	return total
}

// congresses counts, for each subtree on asOf, the cells due to hold their congress in year:
// those whose term (term_months) from their last congress on record ends by 31 December, and
// those with none on record. Held are counted by figures from the year's reports.
//
// Formula (DOMAIN.md): cells that held their congress / cells due — Đồng Tháp, 20/7/2022:
// 1.793 / 2.900 = 61,83 % (the report printed 61,85).
func congresses(ctx context.Context, q pg.Querier, ids []int64, year int, asOf time.Time, rows map[int64]*Row) error {
	return countsByTop(ctx, q, rows, func(row *Row, c []int) { row.CongressDue = c[0] }, `
		WITH RECURSIVE `+org.SubtreeCTE+`
		SELECT sub.top, count(*) FILTER (WHERE last.at IS NULL
			OR last.at + make_interval(months => u.term_months) < make_date($3 + 1, 1, 1))
		FROM sub
		JOIN party_unit u ON u.id = sub.id
		LEFT JOIN LATERAL (
			SELECT make_date(r.year, r.quarter * 3, 1) AS at FROM quarterly_report r
			WHERE r.cell_id = sub.id AND r.congress_held > 0 AND r.state <> 'draft' AND r.year < $3
			ORDER BY r.year DESC, r.quarter DESC LIMIT 1
		) last ON true
		WHERE sub.kind IN `+org.CellKindsSQL+`
		GROUP BY sub.top`, ids, asOf, year)
}

// CongressProgress is cells that held their congress over cells due.
func (r Row) CongressProgress() float64 { return Percent(r.CongressHeld, r.CongressDue) }

func deref(n *int) int {
	if n == nil {
		return 0
	}
	return *n
}

// reporting counts, for the quarter p, the cells of each subtree on asOf that were expected to
// report, and those whose report was submitted, submitted on time, and approved.
//
// Formula: cells whose quarterly report was submitted (on time) / cells expected.
func reporting(ctx context.Context, q pg.Querier, ids []int64, p report.Period, asOf time.Time, rows map[int64]*Row) error {
	return countsByTop(ctx, q, rows, func(row *Row, c []int) {
		row.CellsExpected, row.CellsSubmitted, row.CellsOnTime, row.CellsApproved = c[0], c[1], c[2], c[3]
	}, `
		WITH RECURSIVE `+org.SubtreeCTE+`
		SELECT sub.top, count(*),
			count(r.id) FILTER (WHERE r.state IN ('submitted', 'approved', 'accepted')),
			count(r.id) FILTER (WHERE r.state IN ('submitted', 'approved', 'accepted') AND NOT r.late),
			count(r.id) FILTER (WHERE r.state IN ('approved', 'accepted'))
		FROM sub
		LEFT JOIN quarterly_report r ON r.cell_id = sub.id AND r.year = $3 AND r.quarter = $4
		WHERE sub.kind IN `+org.CellKindsSQL+`
		GROUP BY sub.top`, ids, asOf, p.Year, p.Quarter)
}
