package register

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"ptdang/internal/apperr"
	"ptdang/internal/audit"
	"ptdang/internal/org"
	"ptdang/internal/pg"
)

// Sponsor is one sponsor (người giới thiệu) named by a sponsors step: a full member since
// MemberSince who has worked, studied or lived with the person since KnownSince, or, for a Youth
// Union member, the Youth Union committee (YouthUnion, no dates).
type Sponsor struct {
	ID          int64
	Name        string
	YouthUnion  bool
	MemberSince time.Time
	KnownSince  time.Time
	CeasedOn    time.Time // the day the sponsor ceased to qualify; zero while they do
}

// SponsorField names an input of the i-th sponsor (from 0) of a sponsors step, as forms name it:
// part is "name", "kind" (a member or the Youth Union committee), "member_since" or "known_since".
func SponsorField(i int, part string) string { return fmt.Sprintf("sponsor%d_%s", i+1, part) }

// SponsorNames is the sponsors' names in one line, as a sponsors step records them (Step.Helper).
func SponsorNames(list []Sponsor) string {
	names := make([]string, len(list))
	for i, p := range list {
		names[i] = strings.TrimSpace(p.Name)
	}
	return strings.Join(names, ", ")
}

// checkSponsors applies the sponsors' rule on the step's day with the rule set of that day: two
// sponsors, each a full member for SponsorMonths and knowing the person for as long, counted by
// month; a Youth Union member may have the Youth Union committee and one full member instead. A
// step without sponsors' details (an import, a file older than this rule) keeps its names only.
func (f File) checkSponsors(s Step) error {
	if len(s.Sponsors) == 0 {
		return nil
	}
	n := f.book.On(s.On).SponsorMonths
	inv := &apperr.Invalid{}
	committees := 0
	for i, p := range s.Sponsors {
		name := strings.TrimSpace(p.Name)
		who := fmt.Sprintf("Người giới thiệu %d (%s)", i+1, name)
		switch {
		case name == "" || utf8.RuneCountInString(name) > 200:
			inv.Add(SponsorField(i, "name"), fmt.Sprintf("Người giới thiệu %d: cần nhập họ tên, tối đa 200 ký tự.", i+1))
		case p.YouthUnion:
			committees++
		case p.MemberSince.IsZero():
			inv.Add(SponsorField(i, "member_since"), who+": cần nhập ngày là đảng viên chính thức.")
		case p.KnownSince.IsZero():
			inv.Add(SponsorField(i, "known_since"), who+": cần nhập ngày bắt đầu cùng công tác, học tập hoặc cư trú.")
		case ageInMonths(p.MemberSince, s.On) < n:
			inv.Add(SponsorField(i, "member_since"), fmt.Sprintf("%s: chưa đủ %d tháng là đảng viên chính thức vào ngày %s.", who, n, dateText(s.On)))
		case ageInMonths(p.KnownSince, s.On) < n:
			inv.Add(SponsorField(i, "known_since"), fmt.Sprintf("%s: chưa đủ %d tháng cùng công tác, học tập hoặc cư trú với người vào Đảng vào ngày %s.", who, n, dateText(s.On)))
		}
	}
	switch {
	case len(s.Sponsors) != 2:
		inv.Add(SponsorField(0, "name"), "Người giới thiệu: cần đúng hai người (hai đảng viên chính thức, hoặc Ban Chấp hành Đoàn và một đảng viên).")
	case committees == 2 || (committees == 1 && !f.YouthUnion):
		inv.Add(SponsorField(0, "kind"), "Người giới thiệu: chỉ đoàn viên được Ban Chấp hành Đoàn giới thiệu, cùng một đảng viên chính thức.")
	}
	return inv.Err()
}

// stepRules applies, inside the step's transaction after it is stored (s.ID), the rules that
// read more than the file's steps (sponsors, readmission), and keeps the step's sponsors.
func stepRules(ctx context.Context, tx pgx.Tx, f File, s Step) error {
	switch s.Kind {
	case Sponsors:
		if err := f.checkSponsors(s); err != nil {
			return err
		}
		for _, p := range s.Sponsors {
			_, err := tx.Exec(ctx, `
				INSERT INTO candidate_sponsor (step_id, name, youth_union, member_since, known_since)
				VALUES ($1, $2, $3, $4, $5)`,
				s.ID, strings.TrimSpace(p.Name), p.YouthUnion, nullDate(p.MemberSince, !p.YouthUnion), nullDate(p.KnownSince, !p.YouthUnion))
			if err != nil {
				return err
			}
		}
	case CellResolution:
		if p, ok := f.ceasedSponsor(s.On); ok {
			return &apperr.Invalid{Fields: map[string]string{"kind": fmt.Sprintf(
				"Người giới thiệu %s không còn đủ điều kiện từ ngày %s: ghi lại bước “%s” trước.", p.Name, dateText(p.CeasedOn), Sponsors.Label())}}
		}
		return checkReadmission(ctx, tx, f, s)
	}
	return nil
}

// nullDate is d as stored: NULL when zero or not kept.
func nullDate(d time.Time, keep bool) any {
	if d.IsZero() || !keep {
		return nil
	}
	return d
}

// LastSponsors are the sponsors of the latest sponsors step, none before one.
func (f File) LastSponsors() []Sponsor {
	for i := len(f.Steps) - 1; i >= 0; i-- {
		if f.Steps[i].Kind == Sponsors {
			return f.Steps[i].Sponsors
		}
	}
	return nil
}

// StillSponsoring are the sponsors of the latest sponsors step who have not ceased to qualify.
func (f File) StillSponsoring() []Sponsor {
	var out []Sponsor
	for _, p := range f.LastSponsors() {
		if p.CeasedOn.IsZero() {
			out = append(out, p)
		}
	}
	return out
}

// ceasedSponsor is a sponsor of the latest sponsors step who ceased to qualify on or before day.
func (f File) ceasedSponsor(day time.Time) (Sponsor, bool) {
	for _, p := range f.LastSponsors() {
		if !p.CeasedOn.IsZero() && !p.CeasedOn.After(day) {
			return p, true
		}
	}
	return Sponsor{}, false
}

// readSponsors fills the sponsors of steps.
func readSponsors(ctx context.Context, q pg.Querier, steps []Step) error {
	ids := make([]int64, len(steps))
	for i, s := range steps {
		ids[i] = s.ID
	}
	rows, err := q.Query(ctx, `
		SELECT step_id, id, name, youth_union, COALESCE(member_since, '0001-01-01'), COALESCE(known_since, '0001-01-01'),
			COALESCE(ceased_on, '0001-01-01')
		FROM candidate_sponsor WHERE step_id = ANY ($1) ORDER BY id`, ids)
	if err != nil {
		return err
	}
	by := map[int64][]Sponsor{}
	for rows.Next() {
		var (
			step int64
			p    Sponsor
		)
		if err := rows.Scan(&step, &p.ID, &p.Name, &p.YouthUnion, &p.MemberSince, &p.KnownSince, &p.CeasedOn); err != nil {
			return err
		}
		by[step] = append(by[step], zeroEpoch(p))
	}
	for i := range steps {
		steps[i].Sponsors = by[steps[i].ID]
	}
	return rows.Err()
}

// zeroEpoch turns the placeholder of a missing date back into the zero time.
func zeroEpoch(p Sponsor) Sponsor {
	for _, d := range []*time.Time{&p.MemberSince, &p.KnownSince, &p.CeasedOn} {
		if d.Year() == 1 {
			*d = time.Time{}
		}
	}
	return p
}

// SponsorCeased records that sponsor of file id, read at version, ceased to qualify on day (no
// longer a full member, moved away…), in the name of by on today, and audits it; the file's
// tasks warn of it until the sponsors step is recorded again, and the cell resolution is refused
// meanwhile. It returns the file's new version, apperr.ErrNotFound for a file outside by's scope
// or a sponsor not of its latest sponsors step, apperr.ErrConflict when the file changed since
// version, and an *apperr.Invalid for a closed file or a day after today or before the step.
func (r Register) SponsorCeased(ctx context.Context, db pg.Beginner, by org.Scope, id int64, version int, sponsor int64, day, today time.Time) (int, error) {
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		f, err := r.claim(ctx, tx, by, id, version, today)
		if err != nil {
			return err
		}
		var p *Sponsor
		since, _ := f.Last(Sponsors) // the latest sponsors step's day
		for k, sp := 0, f.LastSponsors(); k < len(sp); k++ {
			if sp[k].ID == sponsor {
				p = &sp[k]
			}
		}
		switch {
		case p == nil:
			return apperr.ErrNotFound
		case f.Closed():
			return &apperr.Invalid{Fields: map[string]string{"kind": "Hồ sơ đã kết thúc: không ghi thêm."}}
		case !p.CeasedOn.IsZero():
			return &apperr.Invalid{Fields: map[string]string{"on": fmt.Sprintf("Người giới thiệu %s đã được ghi là không còn đủ điều kiện từ %s.", p.Name, dateText(p.CeasedOn))}}
		case day.IsZero() || day.After(today) || day.Before(since):
			return &apperr.Invalid{Fields: map[string]string{"on": fmt.Sprintf("Ngày: từ ngày giới thiệu (%s) đến hôm nay.", dateText(since))}}
		}
		if _, err := tx.Exec(ctx, `UPDATE candidate_sponsor SET ceased_on = $2 WHERE id = $1`, sponsor, day); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by.Actor, audit.Entry{Action: "sponsor_ceased", Entity: "candidate", EntityID: id,
			Label: label(id), UnitID: f.CellID, New: map[string]any{"sponsor": p.Name, "date": day.Format(time.RFC3339)}})
	})
	if err != nil {
		return 0, err
	}
	return version + 1, nil
}

// ceasedSponsors is a query (candidate_id, start, due) of the files whose latest sponsors step
// names a sponsor who ceased to qualify on or before day (an SQL date expression): a task of
// Việc cần làm from the step's day, due the day the first of them ceased, overdue after it
// until the step is recorded again; the board counts those files overdue with it.
func ceasedSponsors(day string) string {
	return `SELECT st.candidate_id, st.on_date AS start, min(sp.ceased_on) AS due
		FROM candidate_sponsor sp JOIN candidate_step st ON st.id = sp.step_id
		WHERE sp.ceased_on <= ` + day + ` AND NOT EXISTS (
			SELECT 1 FROM candidate_step later WHERE later.candidate_id = st.candidate_id AND later.kind = 'sponsors'
				AND (later.on_date, later.id) > (st.on_date, st.id))
		GROUP BY st.candidate_id, st.on_date`
}
