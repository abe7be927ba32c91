package gen

import (
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"

	"ptdang/internal/report"
)

// tables lists the COPYs in the order the foreign keys need.
func (m *model) tables() []table {
	return []table{
		{"reorg_event", []string{"id", "tree", "kind", "effective", "note"}, pgx.CopyFromRows(m.events)},
		{"admin_unit", []string{"id", "code", "level", "population", "households"}, pgx.CopyFromRows(m.admins)},
		{"admin_unit_version", []string{"unit_id", "valid_from", "valid_to", "name", "local_word", "parent_id", "event_id"}, pgx.CopyFromRows(m.adminVersions)},
		{"admin_unit_succession", []string{"event_id", "predecessor_id", "successor_id", "share"}, pgx.CopyFromRows(m.adminSuccessions)},
		{"party_unit", []string{"id", "code", "territory_id", "term_months", "committee_since", "full_members"}, pgx.CopyFromRows(m.parties)},
		{"party_unit_version", []string{"unit_id", "valid_from", "valid_to", "name", "kind", "org_type", "parent_id", "event_id"}, pgx.CopyFromRows(m.partyVersions)},
		{"party_unit_succession", []string{"event_id", "predecessor_id", "successor_id", "share"}, pgx.CopyFromRows(m.partySuccessions)},
		{"hamlet_cell_link", []string{"hamlet_id", "cell_id", "mode", "valid_from"}, pgx.CopyFromRows(m.links)},
		{"report_setting", []string{"province_id", "deadline_days", "grace_days", "two_step"}, pgx.CopyFromRows(m.settings)},
		{"target_setting", []string{"province_id", "strict_allocation"}, pgx.CopyFromRows(m.targetSettings)},
		{"admission_target", []string{"id", "unit_id", "year", "basis", "target"}, pgx.CopyFromRows(m.targets)},
		{"quarterly_report", reportColumns, m.reports()},
		{"quality_rating", []string{"id", "cell_id", "year", "excellent", "good", "satisfactory", "unsatisfactory", "exempt",
			"unsatisfactory_two_years", "own_rating"}, m.ratings()},
	}
}

var reportColumns = func() []string {
	cols := []string{"id", "cell_id", "year", "quarter", "state", "submitted_at", "late", "approved_at", "accepted_at"}
	for _, f := range report.Fields {
		cols = append(cols, f.Key)
	}
	return cols
}()

// field is the index of a report field in a row of reportColumns.
var field = func() map[string]int {
	m := map[string]int{}
	for i, c := range reportColumns {
		m[c] = i
	}
	return m
}()

// periods are the quarters reported, oldest first.
func (m *model) periods() []report.Period {
	var ps []report.Period
	for y := m.opt.Last.Year - m.opt.Years + 1; y <= m.opt.Last.Year; y++ {
		for q := 1; q <= 4; q++ {
			if p := (report.Period{Year: y, Quarter: q}); p.Year < m.opt.Last.Year || q <= m.opt.Last.Quarter {
				ps = append(ps, p)
			}
		}
	}
	return ps
}

// reports makes each cell's quarterly reports in turn, each opening where the last closed.
// The last quarter's reports are in every state (some cells have none yet); the earlier ones
// are approved, or accepted in a province that accepts in two steps.
func (m *model) reports() pgx.CopyFromSource {
	periods := m.periods()
	var (
		ci, pi   int
		id       int64
		r        *rand.Rand
		members  int
		admitted [4]int // the last four quarters' admissions: the probationary members
	)
	return rowFunc(func() []any {
		for ci < len(m.cells) {
			c := &m.cells[ci]
			if pi == 0 {
				r, members, admitted = rng(m.opt.Seed, 1<<32+uint64(c.id)), c.size, [4]int{}
			}
			for pi < len(periods) {
				p := periods[pi]
				pi++
				end := p.End()
				start := p.Previous().End()
				if start.Before(c.from) || (!c.to.IsZero() && c.to.Before(end)) {
					continue
				}
				last := p == m.opt.Last
				state := "approved"
				if m.twoStep[c.province] {
					state = "accepted"
				}
				if last {
					switch x := r.IntN(100); {
					case x < 15:
						continue // not reported yet
					case x < 25:
						state = "draft"
					case x < 55:
						state = "submitted"
					case x < 58:
						state = "returned"
					}
				}
				id++
				var row []any
				row, members = m.figures(r, c, members, &admitted, p.Quarter)
				row[0], row[1], row[2], row[3], row[4] = id, c.id, p.Year, p.Quarter, state
				due := end.AddDate(0, 0, 10)
				if state != "draft" {
					at := end.Add(time.Duration(r.IntN(20*24)) * time.Hour)
					row[5], row[6] = at, at.After(due)
					if state == "approved" || state == "accepted" {
						row[7] = at.AddDate(0, 0, 3)
					}
					if state == "accepted" {
						row[8] = at.AddDate(0, 0, 6)
					}
				}
				return row
			}
			ci, pi = ci+1, 0
		}
		return nil
	})
}

// figures invents a balanced quarter for cell c opening with members; it returns the row and
// the closing count.
func (m *model) figures(r *rand.Rand, c *cell, members int, admitted *[4]int, quarter int) ([]any, int) {
	f := make([]int, len(reportColumns))
	set := func(k string, v int) { f[field[k]] = v }
	get := func(k string) int { return f[field[k]] }
	chance := func(per1000 int) int { return chanceOf(r, per1000) }
	set("opening", members)
	adm := chance(150) + chance(30)
	set("admitted", adm)
	set("transferred_in", chance(80))
	set("restored", chance(3))
	if members > 3 {
		set("deceased", chance(60))
		set("expelled", chance(2))
		set("removed", chance(4))
		set("withdrew", chance(2))
		set("transferred_out", chance(70))
	}
	closing := members
	for _, k := range []string{"admitted", "transferred_in", "restored"} {
		closing += get(k)
	}
	for _, k := range []string{"deceased", "expelled", "removed", "withdrew", "transferred_out"} {
		closing -= get(k)
	}
	set("closing", closing)
	copy(admitted[:], append([]int{adm}, admitted[:3]...))
	probationary := min(closing, admitted[0]+admitted[1]+admitted[2]+admitted[3])
	set("probationary", probationary)
	set("full_members", closing-probationary)
	set("recognised", min(admitted[3], get("full_members")))
	set("women", closing*(20+r.IntN(25))/100)
	set("exempt", closing*r.IntN(8)/100)
	set("working_away", min(closing, r.IntN(3)))
	set("youth_union", closing*r.IntN(15)/100)
	set("religious", closing*r.IntN(20)/100)
	set("ethnic_minority", int(float64(closing)*c.ethnic))
	set("sympathisers", 1+r.IntN(5))
	set("course_completed", r.IntN(get("sympathisers")+1))
	set("outstanding", r.IntN(4))
	set("dossiers", r.IntN(2))
	for _, k := range []string{"adm_women", "adm_youth_union", "adm_religious", "adm_workers", "adm_students"} {
		set(k, r.IntN(adm+1))
	}
	set("adm_ethnic_minority", int(float64(adm)*c.ethnic))
	set("monthly_meetings", 3-chance(50))
	set("thematic_meetings", r.IntN(2))
	if quarter == 2 && r.IntN(5) == 0 {
		set("congress_held", 1)
	}
	row := make([]any, len(f))
	for i, v := range f {
		row[i] = int32(v)
	}
	row[5], row[6], row[7], row[8] = nil, false, nil, nil
	return row, closing
}

// ratings makes each cell's rating of its members for each year that has ended, with the
// excellent under the 20 % cap.
func (m *model) ratings() pgx.CopyFromSource {
	var (
		ci int
		id int64
		// Ratings in today's categories start with 2018.
		first = max(m.opt.Last.Year-m.opt.Years+1, 2018)
		y     = first
	)
	owns := []any{"excellent", "good", "good", "good", "satisfactory", nil}
	return rowFunc(func() []any {
		for ci < len(m.cells) {
			c := &m.cells[ci]
			for ; y < m.opt.Last.Year; y++ {
				if c.from.After(date(y, 1, 1)) || (!c.to.IsZero() && !c.to.After(date(y, 12, 31))) {
					continue
				}
				r := rng(m.opt.Seed, 2<<32+uint64(c.id)<<6+uint64(y%64))
				exempt := c.size * r.IntN(8) / 100
				rated := c.size - exempt
				unsat := chanceOf(r, 30)
				excellent := rated * (5 + r.IntN(12)) / 100
				satisfactory := rated * (5 + r.IntN(15)) / 100
				good := rated - excellent - satisfactory - unsat
				id++
				row := []any{id, c.id, int32(y), int32(excellent), int32(good), int32(satisfactory), int32(unsat), int32(exempt),
					int32(unsat * chanceOf(r, 200)), owns[r.IntN(len(owns))]}
				y++
				return row
			}
			ci, y = ci+1, first
		}
		return nil
	})
}

func chanceOf(r *rand.Rand, per1000 int) int {
	if r.IntN(1000) < per1000 {
		return 1
	}
	return 0
}
