package gen

import (
	"math/rand/v2"
	"time"

	"ptdang/internal/quality"
	"ptdang/internal/report"
)

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
// are approved, or accepted in a province that accepts in two steps. Every report shares one
// Figures map, refilled for each.
func (m *model) reports() func() (report.BulkReport, bool) {
	periods := m.periods()
	var (
		ci, pi   int
		r        *rand.Rand
		members  int
		admitted [4]int // the last four quarters' admissions: the probationary members
		f        = report.Figures{}
	)
	return func() (report.BulkReport, bool) {
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
				state := report.Approved
				if m.twoStep[c.province] {
					state = report.Accepted
				}
				if last {
					switch x := r.IntN(100); {
					case x < 15:
						continue // not reported yet
					case x < 25:
						state = report.Draft
					case x < 55:
						state = report.Submitted
					case x < 58:
						state = report.Returned
					}
				}
				members = m.figures(r, c, f, members, &admitted, p.Quarter)
				rep := report.BulkReport{CellID: c.id, Period: p, State: state, Figures: f}
				due := end.AddDate(0, 0, 10)
				if state != report.Draft {
					at := end.Add(time.Duration(r.IntN(20*24)) * time.Hour)
					rep.SubmittedAt, rep.Late = at, at.After(due)
					if state == report.Approved || state == report.Accepted {
						rep.ApprovedAt = at.AddDate(0, 0, 3)
					}
					if state == report.Accepted {
						rep.AcceptedAt = at.AddDate(0, 0, 6)
					}
				}
				return rep, true
			}
			ci, pi = ci+1, 0
		}
		return report.BulkReport{}, false
	}
}

// figures fills f with a balanced quarter for cell c opening with members; it returns the
// closing count.
func (m *model) figures(r *rand.Rand, c *cell, f report.Figures, members int, admitted *[4]int, quarter int) int {
	clear(f)
	set := func(k string, v int) { f[k] = v }
	get := func(k string) int { return f[k] }
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
	return closing
}

// ratings makes each cell's rating of its members for each year that has ended, with the
// excellent under the 20 % cap.
func (m *model) ratings() func() (quality.BulkRating, bool) {
	var (
		ci int
		// Ratings in today's categories start with 2018.
		first = max(m.opt.Last.Year-m.opt.Years+1, quality.FirstYear)
		y     = first
	)
	owns := []quality.Category{quality.Excellent, quality.Good, quality.Good, quality.Good, quality.Satisfactory, ""}
	return func() (quality.BulkRating, bool) {
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
				rating := quality.BulkRating{CellID: c.id, Year: y, Members: quality.Members{Excellent: excellent, Good: good,
					Satisfactory: satisfactory, Unsatisfactory: unsat, Exempt: exempt, UnsatisfactoryTwoYears: unsat * chanceOf(r, 200)},
					OwnRating: owns[r.IntN(len(owns))]}
				y++
				return rating, true
			}
			ci, y = ci+1, first
		}
		return quality.BulkRating{}, false
	}
}

func chanceOf(r *rand.Rand, per1000 int) int {
	if r.IntN(1000) < per1000 {
		return 1
	}
	return 0
}
