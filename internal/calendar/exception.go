package calendar

import (
	"context"
	"errors"
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

// Load returns the calendar with every announced exception stored. It returns only database
// errors.
func Load(ctx context.Context, q pg.Querier) (*Calendar, error) {
	es, err := listExceptions(ctx, q, `TRUE`)
	if err != nil {
		return nil, err
	}
	return New(es), nil
}

// Exceptions lists the exceptions stored for year, in date order. It returns only database
// errors.
func Exceptions(ctx context.Context, q pg.Querier, year int) ([]Exception, error) {
	return listExceptions(ctx, q, `day >= make_date($1, 1, 1) AND day < make_date($1 + 1, 1, 1)`, year)
}

// listExceptions reads the exceptions that where (a constant of this file) keeps, by day.
func listExceptions(ctx context.Context, q pg.Querier, where string, args ...any) ([]Exception, error) {
	rows, err := q.Query(ctx, `
		SELECT day, kind, note, created_by_login, created_at FROM calendar_exception
		WHERE `+where+` ORDER BY day`, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Exception, error) {
		var e Exception
		err := r.Scan(&e.Day, &e.Kind, &e.Note, &e.By, &e.At)
		return e, err
	})
}

// maxNoteLength bounds an exception's note, as the table does.
const maxNoteLength = 200

// AddException stores e, in the name of by, who must be a system administrator
// (apperr.ErrForbidden otherwise), and audits it. It returns an *apperr.Invalid naming the field
// when e.Kind is not a kind, the note is empty or too long, the day is outside the years the
// calendar keeps, or the exception would change nothing (a day off on a day already off, a
// working day on one already worked); and an apperr.Refusal of kind apperr.ErrConflict when the
// day already has an exception, also when another administrator stored it at the same moment.
func AddException(ctx context.Context, db pg.Beginner, by org.Scope, e Exception) error {
	if !by.All() {
		return apperr.ErrForbidden
	}
	e.Day = civilDate(julianDay(e.Day))
	e.Note = strings.TrimSpace(e.Note)
	if err := e.check(); err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `
			INSERT INTO calendar_exception (day, kind, note, created_by, created_by_login)
			VALUES ($1, $2, $3, NULLIF($4, 0), $5) ON CONFLICT (day) DO NOTHING`,
			e.Day, e.Kind, e.Note, by.Actor.UserID, actorName(by.Actor))
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return apperr.Refuse(apperr.ErrConflict, fmt.Sprintf("Ngày %s đã có trong danh sách ngày nghỉ, ngày làm bù: xóa mục cũ trước khi nhập lại.", dateText(e.Day)))
		}
		return audit.Record(ctx, tx, by.Actor, audit.Entry{Action: "create", Entity: "calendar_exception",
			Label: e.Day.Format(time.DateOnly), New: map[string]any{"day_kind": e.Kind.Label(), "note": e.Note}})
	})
}

// check applies AddException's rules on the exception alone.
func (e Exception) check() error {
	inv := &apperr.Invalid{}
	if !e.Kind.Valid() {
		inv.Add("kind", "Loại ngày: chọn ngày nghỉ hoặc ngày làm việc bù.")
	}
	switch n := utf8.RuneCountInString(e.Note); {
	case n == 0:
		inv.Add("note", "Ghi chú: cần ghi văn bản công bố ngày này (ví dụ: thông báo lịch nghỉ Tết).")
	case n > maxNoteLength:
		inv.Add("note", fmt.Sprintf("Ghi chú: tối đa %d ký tự.", maxNoteLength))
	}
	if y := e.Day.Year(); y < FirstYear || y > LastYear {
		inv.Add("day", fmt.Sprintf("Ngày: chỉ nhận các năm từ %d đến %d.", FirstYear, LastYear))
	} else if e.Kind.Valid() && New(nil).IsWorkingDay(e.Day) == (e.Kind == WorkingDay) {
		if e.Kind == WorkingDay {
			inv.Add("day", fmt.Sprintf("Ngày: %s vốn là ngày làm việc, không cần ghi là ngày làm bù.", dateText(e.Day)))
		} else {
			inv.Add("day", fmt.Sprintf("Ngày: %s vốn là ngày nghỉ (%s), không cần ghi thêm.", dateText(e.Day), New(nil).Describe(e.Day)))
		}
	}
	return inv.Err()
}

// RemoveException deletes the exception stored for the civil date of day, in the name of by,
// who must be a system administrator (apperr.ErrForbidden otherwise), and audits it. It returns
// apperr.ErrNotFound when the day has none, also when another administrator removed it first.
func RemoveException(ctx context.Context, db pg.Beginner, by org.Scope, day time.Time) error {
	if !by.All() {
		return apperr.ErrForbidden
	}
	day = civilDate(julianDay(day))
	return pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		var old Exception
		err := tx.QueryRow(ctx, `DELETE FROM calendar_exception WHERE day = $1 RETURNING kind, note`, day).Scan(&old.Kind, &old.Note)
		if errors.Is(err, pgx.ErrNoRows) {
			return apperr.ErrNotFound
		}
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, by.Actor, audit.Entry{Action: "delete", Entity: "calendar_exception",
			Label: day.Format(time.DateOnly), Old: map[string]any{"day_kind": old.Kind.Label(), "note": old.Note}})
	})
}

// actorName is how the table records who stored an exception, as the audit log does.
func actorName(a audit.Actor) string {
	if a.Login == "" {
		return "hệ thống"
	}
	return a.Login
}

// dateText shows a date as dd/mm/yyyy, for messages.
func dateText(d time.Time) string { return d.Format("02/01/2006") }
