package register

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"ptdang/internal/calendar"
	"ptdang/internal/pg"
)

// Rules is a dated rule set (quy định theo thời kỳ): the deadlines and age limits in force from
// From. Days are working days unless named otherwise.
type Rules struct {
	From                         time.Time
	DecisionDays                 int // decision after the cell resolution
	DecisionExtraDays            int // more where the rules allow
	CeremonyDays                 int // ceremony after the decision
	ProbationMonths              int
	RecognitionVoteDays          int // cell's recognition vote after probation ends
	RecognitionDecisionDays      int // decision after the recognition vote
	RecognitionDecisionExtraDays int
	CertificateYears             int // the course certificate is valid this long
	CertificateWarnMonths        int // warn this long after the course
	DossierMonths                int // a dossier older than this without a cell vote is renewed
	MinAge, MaxAge               int // on the cell resolution's day, counted by month
	WarnWorkingDays              int // warn of a deadline this close
	ProbationWarnDays            int // warn of probation ending this close (calendar days)
	SponsorMonths                int // a sponsor's full membership and acquaintance, each
	ReadmissionMonths            int // out of the Party before a readmission
	ReadmissionConvictionMonths  int // the same after an expunged less-serious conviction
	Source                       string
}

// Book is every rule set, oldest first.
type Book []Rules

// On is the rule set in force on d: the latest that starts on or before it, or the oldest for a
// day before them all (a file older than the register keeps the earliest rules known).
func (b Book) On(d time.Time) Rules {
	i := len(b) - 1
	for i > 0 && b[i].From.After(d) {
		i--
	}
	return b[i]
}

// loadBook reads every rule set.
func loadBook(ctx context.Context, q pg.Querier) (Book, error) {
	rows, err := q.Query(ctx, `
		SELECT valid_from, decision_days, decision_extra_days, ceremony_days, probation_months,
			recognition_vote_days, recognition_decision_days, recognition_decision_extra_days,
			certificate_years, certificate_warn_months, dossier_months, min_age, max_age,
			warn_working_days, probation_warn_days, source, sponsor_months, readmission_months,
			readmission_conviction_months
		FROM admission_rules ORDER BY valid_from`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Rules, error) {
		var x Rules
		err := r.Scan(&x.From, &x.DecisionDays, &x.DecisionExtraDays, &x.CeremonyDays, &x.ProbationMonths,
			&x.RecognitionVoteDays, &x.RecognitionDecisionDays, &x.RecognitionDecisionExtraDays,
			&x.CertificateYears, &x.CertificateWarnMonths, &x.DossierMonths, &x.MinAge, &x.MaxAge,
			&x.WarnWorkingDays, &x.ProbationWarnDays, &x.Source, &x.SponsorMonths, &x.ReadmissionMonths,
			&x.ReadmissionConvictionMonths)
		return x, err
	})
}

// Clock is one deadline of a file: started by a step on Start, due on Due, warned of from
// WarnFrom, met by the step that came on Met (zero while awaited), under the rules of Rules.
type Clock struct {
	Kind     ClockKind
	Start    time.Time
	Due      time.Time
	WarnFrom time.Time
	Met      time.Time
	Rules    time.Time // the From of the rule set applied
}

// Open reports whether the clock still awaits its step.
func (c Clock) Open() bool { return c.Met.IsZero() }

// Late reports whether the step came, or is still awaited, after the due day as of today.
func (c Clock) Late(today time.Time) bool {
	if c.Open() {
		return today.After(c.Due)
	}
	return c.Met.After(c.Due)
}

// Warned reports whether the clock is a task on today: open, within its warning window, and for
// probation, not yet over (the recognition vote's clock then takes over).
func (c Clock) Warned(today time.Time) bool {
	if !c.Open() || today.Before(c.WarnFrom) {
		return false
	}
	return c.Kind != ProbationClock || today.Before(c.Due)
}

// clocks works out the deadlines of a file from its steps. A closed file keeps the clocks its
// steps met and drops those it no longer awaits.
func clocks(steps []Step, book Book, cal *calendar.Calendar) []Clock {
	last := map[Kind]time.Time{}
	extended := map[Kind]bool{}
	closed := false
	for _, s := range steps {
		last[s.Kind] = s.On // steps come in date order: the latest wins
		extended[s.Kind] = s.Extended
		closed = closed || s.Kind.Closes()
	}
	var cs []Clock
	add := func(kind ClockKind, start time.Time, due func(Rules) (time.Time, time.Time), met ...Kind) {
		r := book.On(start)
		c := Clock{Kind: kind, Start: start, Rules: r.From}
		c.Due, c.WarnFrom = due(r)
		for _, k := range met {
			if d, ok := last[k]; ok {
				c.Met = d
				break
			}
		}
		if c.Open() && closed {
			return
		}
		cs = append(cs, c)
	}
	working := func(start time.Time, days, extra int, ext bool) func(Rules) (time.Time, time.Time) {
		return func(r Rules) (time.Time, time.Time) {
			n := days
			if ext {
				n += extra
			}
			due := cal.AddWorkingDays(start, n)
			return due, cal.AddWorkingDays(due, -r.WarnWorkingDays)
		}
	}
	if d, ok := last[Course]; ok {
		add(CertificateClock, d, func(r Rules) (time.Time, time.Time) {
			return d.AddDate(r.CertificateYears, 0, 0), d.AddDate(0, r.CertificateWarnMonths, 0)
		}, CellResolution)
	}
	if d, ok := last[Application]; ok {
		add(DossierClock, d, func(r Rules) (time.Time, time.Time) {
			due := d.AddDate(0, r.DossierMonths, 0)
			return due, cal.AddWorkingDays(due, -r.WarnWorkingDays)
		}, CellResolution)
	}
	if d, ok := last[CellResolution]; ok {
		r := book.On(d)
		add(DecisionClock, d, working(d, r.DecisionDays, r.DecisionExtraDays, extended[Decision]), Decision)
	}
	if d, ok := last[Decision]; ok {
		add(CeremonyClock, d, working(d, book.On(d).CeremonyDays, 0, false), Ceremony)
	}
	if d, ok := last[Ceremony]; ok {
		r := book.On(d)
		end := d.AddDate(0, r.ProbationMonths, 0)
		add(ProbationClock, d, func(r Rules) (time.Time, time.Time) { return end, end.AddDate(0, 0, -r.ProbationWarnDays) })
		add(RecognitionVoteClock, d, working(end, r.RecognitionVoteDays, 0, false), RecognitionVote, NotRecognised)
	}
	if d, ok := last[RecognitionVote]; ok {
		r := book.On(d)
		add(RecognitionDecisionClock, d, working(d, r.RecognitionDecisionDays, r.RecognitionDecisionExtraDays, extended[RecognitionDecision]),
			RecognitionDecision, NotRecognised)
	}
	return cs
}

// probationEnd is the day full membership takes effect, even when the vote is late: the
// ceremony plus the probation of the rules of the ceremony's day.
func probationEnd(ceremony time.Time, book Book) time.Time {
	return ceremony.AddDate(0, book.On(ceremony).ProbationMonths, 0)
}

// ageInMonths is the age in whole months on day of a person born on birth.
func ageInMonths(birth, day time.Time) int {
	m := (day.Year()-birth.Year())*12 + int(day.Month()-birth.Month())
	if day.Day() < birth.Day() {
		m--
	}
	return m
}
