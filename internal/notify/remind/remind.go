// Package remind is the reminder scheduler (nhắc hạn báo cáo): from each province's dated rules
// it enqueues, once a day, reminders of the quarterly reports still missing — to the cell's
// secretaries before the deadline, to the commune's staff on and after it, and a weekly digest to
// the province's staff; and of the admission register's deadlines, to the cell's secretaries as
// each comes near or passes, with the count of those overdue in the province's weekly digest.
// Every reminder has an idempotency key, so running the scheduler twice,
// or on several servers at once, reminds each person once.
package remind

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"ptdang/internal/account"
	"ptdang/internal/format"
	"ptdang/internal/notify"
	"ptdang/internal/org"
	"ptdang/internal/pg"
	"ptdang/internal/quarter"
	"ptdang/internal/register"
	"ptdang/internal/report"
)

// Rule is a province's reminder rule from ValidFrom on.
type Rule struct {
	ValidFrom  time.Time
	DaysBefore []int // the secretaries of cells yet to send are reminded this many days before the deadline
	DaysAfter  []int // the commune's staff, this many days after it (0: on the day)
	// DigestWeekday is the ISO weekday (1 Monday … 7 Sunday) the province's staff get the digest
	// of cells late after the deadline; 0 for none.
	DigestWeekday int
}

// DefaultRule applies until a province sets its own.
var DefaultRule = Rule{DaysBefore: []int{3}, DaysAfter: []int{0, 7}, DigestWeekday: 1}

// RuleOf returns the rule in force in province on day.
func RuleOf(ctx context.Context, q pg.Querier, province int64, day time.Time) (Rule, error) {
	var (
		r       Rule
		weekday *int
	)
	err := q.QueryRow(ctx, `
		SELECT valid_from, days_before, days_after, digest_weekday FROM notify_rule
		WHERE province_id = $1 AND valid_from <= $2 ORDER BY valid_from DESC LIMIT 1`, province, day).
		Scan(&r.ValidFrom, &r.DaysBefore, &r.DaysAfter, &weekday)
	if errors.Is(err, pgx.ErrNoRows) {
		return DefaultRule, nil
	}
	if weekday != nil {
		r.DigestWeekday = *weekday
	}
	return r, err
}

// Remind enqueues the reminders due on today in every province, one transaction a province, and
// returns how many messages it wrote (none for reminders written before). Its errors are the
// database's.
func Remind(ctx context.Context, db pg.Beginner, today time.Time) (int, error) {
	var provinces []int64
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `
			SELECT unit_id FROM party_unit_version
			WHERE kind = $1 AND valid_from <= $2 AND (valid_to IS NULL OR valid_to > $2) ORDER BY unit_id`,
			org.ProvinceCommittee, today)
		if err == nil {
			provinces, err = pgx.CollectRows(rows, pgx.RowTo[int64])
		}
		return err
	})
	written := 0
	for _, province := range provinces {
		if err != nil {
			break
		}
		err = pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
			n, err := remindProvince(ctx, tx, province, today)
			written += n
			return err
		})
	}
	return written, err
}

// remindProvince enqueues province's reminders due on today, for the quarters whose deadline
// may fall near it.
func remindProvince(ctx context.Context, tx pgx.Tx, province int64, today time.Time) (int, error) {
	rule, err := RuleOf(ctx, tx, province, today)
	if err != nil {
		return 0, err
	}
	written := 0
	last := quarter.LastEnded(today)
	for _, p := range []report.Period{last.Previous(), last, last.Next()} {
		st, err := report.PeriodStatus(ctx, tx, org.Everything(), province, p)
		if err != nil {
			return written, err
		}
		left := int(math.Round(st.Deadline.Sub(today).Hours() / 24)) // days until the deadline; negative after it
		var n int
		if slices.Contains(rule.DaysBefore, left) {
			n, err = remindSecretaries(ctx, tx, p, st, left)
			written += n
		}
		if err == nil && left <= 0 && slices.Contains(rule.DaysAfter, -left) {
			n, err = remindCommunes(ctx, tx, province, p, today, -left)
			written += n
		}
		// The digest is of the quarter being reported on, once its deadline has passed.
		if err == nil && p == last && left < 0 && rule.DigestWeekday == isoWeekday(today) {
			n, err = digest(ctx, tx, province, p, st, today)
			written += n
		}
		if err != nil {
			return written, err
		}
	}
	todo, err := register.Todo(ctx, tx, org.Under(province), today, register.Page{})
	if err != nil {
		return written, err
	}
	n, err := remindRegister(ctx, tx, todo.Tasks)
	written += n
	if err == nil && rule.DigestWeekday == isoWeekday(today) {
		n, err = registerDigest(ctx, tx, province, todo.Tasks, today)
		written += n
	}
	return written, err
}

func isoWeekday(d time.Time) int { return (int(d.Weekday())+6)%7 + 1 }

// due is the common line of every reminder: "<unit>: báo cáo Quý 2/2026 <what>, hạn 10/07/2026".
func due(unit, what string, p report.Period, deadline time.Time) string {
	return fmt.Sprintf("%s: báo cáo %s %s, hạn %s", unit, p, what, format.Date(deadline))
}

// remindSecretaries reminds the secretaries of the cells yet to send p, left days before the deadline.
func remindSecretaries(ctx context.Context, tx pgx.Tx, p report.Period, st report.UnitStatus, left int) (int, error) {
	written := 0
	for _, c := range st.Cells {
		if !c.State.Missing() {
			continue
		}
		users, err := notify.Holders(ctx, tx, string(account.CellSecretary), c.CellID)
		if err != nil {
			return written, err
		}
		line := due(c.CellName, "chưa gửi", p, st.Deadline)
		n, err := notify.Enqueue(ctx, tx, notify.Message{
			Key:     fmt.Sprintf("remind.before:%d:%dQ%d:%d", c.CellID, p.Year, p.Quarter, left),
			Subject: line, Body: line + ".", Link: fmt.Sprintf("/reports/%d/%d/%d", c.CellID, p.Year, p.Quarter),
		}, users...)
		written += n
		if err != nil {
			return written, err
		}
	}
	return written, nil
}

// remindCommunes tells the staff of each commune of province how many of its cells have not
// sent p, late days after the deadline.
func remindCommunes(ctx context.Context, tx pgx.Tx, province int64, p report.Period, today time.Time, late int) (int, error) {
	rows, err := tx.Query(ctx, `
		SELECT DISTINCT g.unit_id FROM role_grant g
		WHERE g.role = $1 AND party_province_of(g.unit_id, $2) = $3 ORDER BY g.unit_id`,
		account.CommuneStaff, today, province)
	if err != nil {
		return 0, err
	}
	communes, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return 0, err
	}
	written := 0
	for _, commune := range communes {
		st, err := report.PeriodStatus(ctx, tx, org.Everything(), commune, p)
		if err != nil {
			return written, err
		}
		n, err := remindStaff(ctx, tx, string(account.CommuneStaff), commune, fmt.Sprintf("remind.after:%d:%dQ%d:%d", commune, p.Year, p.Quarter, late), p, st)
		written += n
		if err != nil {
			return written, err
		}
	}
	return written, nil
}

// digest tells the province's staff how many cells have not sent p, once in the week of today.
func digest(ctx context.Context, tx pgx.Tx, province int64, p report.Period, st report.UnitStatus, today time.Time) (int, error) {
	year, week := today.ISOWeek()
	return remindStaff(ctx, tx, string(account.ProvinceStaff), province, fmt.Sprintf("remind.digest:%d:%dQ%d:%dW%d", province, p.Year, p.Quarter, year, week), p, st)
}

// remindStaff tells the holders of role on unit how many cells under it have not sent p; nothing
// when every cell has.
func remindStaff(ctx context.Context, tx pgx.Tx, role string, unit int64, key string, p report.Period, st report.UnitStatus) (int, error) {
	missing := 0
	for _, c := range st.Cells {
		if c.State.Missing() {
			missing++
		}
	}
	if missing == 0 {
		return 0, nil
	}
	users, err := notify.Holders(ctx, tx, role, unit)
	if err != nil {
		return 0, err
	}
	line := due(st.UnitName, "còn "+format.Int(int64(missing))+" chi bộ chưa gửi", p, st.Deadline)
	return notify.Enqueue(ctx, tx, notify.Message{
		Key: key, Subject: line, Body: line + ".",
		Link: fmt.Sprintf("/reports/status?unit=%d&year=%d&quarter=%d", unit, p.Year, p.Quarter),
	}, users...)
}

// Run calls Remind for Vietnam's today every interval until ctx is done; reminders already
// written are not written again, so running more often only costs reading.
func Run(ctx context.Context, db pg.Beginner, interval time.Duration, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := Remind(ctx, db, format.Today(time.Now())); err != nil && ctx.Err() == nil {
			log.Error("reminders failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
