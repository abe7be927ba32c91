package gen

import (
	"fmt"
	"math/rand/v2"
	"time"

	"ptdang/internal/calendar"
	"ptdang/internal/register"
)

// Given names for the files, as in the demo province.
var (
	familyNames = []string{"Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi", "Đỗ", "Ngô"}
	middleNames = []string{"Văn", "Thị", "Minh", "Ngọc", "Thanh", "Hoàng", "Đức", "Thu"}
	givenNames  = []string{"An", "Bình", "Cường", "Dũng", "Hà", "Hạnh", "Hùng", "Lan", "Long", "Mai", "Nam", "Phúc", "Tâm", "Trang", "Tuấn", "Yến"}
)

// registerYears are the years of files: the register began three years before the last quarter
// (older files would be closed, and ten years of them would only slow the load).
const registerYears = 3

// candidateStream numbers the random streams of the files, one per cell, apart from the
// streams of everything else so that adding files moves no other figure.
const candidateStream = 2 << 32

// files makes the register's files, cell by cell: about one to three people a year (of the last
// registerYears) enter the pipeline of each living cell, and go through the procedure with delays in working days, one
// in ten late at the decision or the ceremony; some withdraw. No step falls after the last
// quarter reported. Each call gives the same files, numbered from 1.
func (m *model) files() func() (register.BulkFile, bool) {
	cal := calendar.New(nil)
	end := m.opt.Last.End().AddDate(0, 0, -1)
	first := date(max(m.opt.Last.Year-m.opt.Years+1, m.opt.Last.Year-registerYears+1), 1, 1)
	var (
		ci     int
		queue  []register.BulkFile
		nextID int64
	)
	return func() (register.BulkFile, bool) {
		for len(queue) == 0 {
			if ci == len(m.cells) {
				return register.BulkFile{}, false
			}
			c := &m.cells[ci]
			ci++
			r := rng(m.opt.Seed, candidateStream+uint64(c.id))
			for y := first.Year(); y <= end.Year(); y++ {
				for range 1 + r.IntN(3) {
					start := date(y, 1, 1).AddDate(0, 0, r.IntN(365))
					if start.Before(c.from) || start.After(end) || (!c.to.IsZero() && !start.Before(c.to.AddDate(0, -18, 0))) {
						continue
					}
					nextID++
					queue = append(queue, file(nextID, c.id, start, end, r, cal))
				}
			}
		}
		f := queue[0]
		queue = queue[1:]
		return f, true
	}
}

// file is one person's file in cell, from start: their steps up to end.
func file(id, cell int64, start, end time.Time, r *rand.Rand, cal *calendar.Calendar) register.BulkFile {
	sex := register.Sexes[r.IntN(2)].Code
	middle := middleNames[r.IntN(len(middleNames))]
	if sex == "male" && middle == "Thị" {
		middle = "Văn"
	}
	f := register.BulkFile{ID: id, CellID: cell, Person: register.Person{
		Name:       familyNames[r.IntN(len(familyNames))] + " " + middle + " " + givenNames[r.IntN(len(givenNames))],
		BirthDate:  start.AddDate(-19-r.IntN(25), -r.IntN(12), -r.IntN(28)),
		Sex:        sex,
		Ethnicity:  register.Ethnicities[0], // a listed name (register.Ethnicity), as every saved file holds
		Occupation: register.Occupations[r.IntN(len(register.Occupations))].Code,
		Education:  register.Educations[2+r.IntN(4)].Code,
		YouthUnion: r.IntN(2) == 0,
	}}
	day := start
	// step adds kind after lo..hi working days; late: one time in ten, up to half as long again
	// past hi (a deadline of hi missed). It reports whether the step came by end.
	step := func(kind register.Kind, lo, hi int, late bool) bool {
		n := lo + r.IntN(hi-lo+1)
		if late && r.IntN(10) == 0 {
			n = hi + 1 + r.IntN(hi/2)
		}
		d := cal.AddWorkingDays(day, n)
		if d.After(end) {
			return false
		}
		day = d
		s := register.Step{Kind: kind, On: d, Document: fmt.Sprintf("%d-NQ/CB", 1+r.IntN(99))}
		switch kind {
		case register.Sympathiser:
			s.Helper = "Đồng chí " + givenNames[r.IntN(len(givenNames))]
		case register.Sponsors:
			s.Helper = "Hai đảng viên chính thức"
		case register.Course:
			s.Issuer = "Trung tâm Chính trị"
		case register.CellResolution, register.RecognitionVote:
			s.FullMembers = 5 + r.IntN(30)
			s.VotesFor = s.FullMembers - r.IntN(s.FullMembers/3+1)
		}
		f.Steps = append(f.Steps, s)
		return true
	}
	steps := []struct {
		kind   register.Kind
		lo, hi int
		late   bool
	}{
		{register.Outstanding, 0, 0, false}, {register.Sympathiser, 5, 20, false}, {register.Course, 20, 120, false},
		{register.Application, 5, 40, false}, {register.Verification, 20, 60, false}, {register.Sponsors, 3, 15, false},
		{register.CellResolution, 5, 20, false}, {register.Decision, 15, 60, true}, {register.Ceremony, 5, 30, true},
	}
	day = cal.AddWorkingDays(start, -1) // the first step falls on start's next working day
	for _, s := range steps {
		if r.IntN(40) == 0 && s.kind != register.Outstanding {
			step(register.Withdrawn, 5, 60, false)
			return f
		}
		if !step(s.kind, s.lo, s.hi, s.late) {
			return f
		}
	}
	// Probation: twelve months, then the vote and the decision.
	day = day.AddDate(1, 0, 0)
	if step(register.RecognitionVote, 1, 30, true) {
		step(register.RecognitionDecision, 5, 30, true)
	}
	return f
}
