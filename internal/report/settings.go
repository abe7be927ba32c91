package report

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"ptdang/internal/apperr"
	"ptdang/internal/audit"
	"ptdang/internal/org"
	"ptdang/internal/pg"
)

// Settings are a province's reporting rules.
type Settings struct {
	DeadlineDays int  // the report is due this many days after the quarter ends
	GraceDays    int  // the period locks this many days after the deadline
	TwoStep      bool // the province accepts reports after the commune approves them
	Version      int
}

var errSettingsChanged = apperr.Refuse(apperr.ErrConflict, "Người khác vừa sửa thời hạn; xin mở lại trang.")

// DefaultSettings apply until a province sets its own.
var DefaultSettings = Settings{DeadlineDays: 10, GraceDays: 20}

// GetSettings returns the rules of province, a provincial committee in scope on today. Errors:
// apperr.ErrNotFound (no such provincial committee in scope).
func GetSettings(ctx context.Context, q pg.Querier, scope org.Scope, province int64, today time.Time) (Settings, error) {
	u, err := org.GetPartyUnit(ctx, q, scope, province, today)
	if err != nil {
		return Settings{}, err
	}
	if u.Kind != org.ProvinceCommittee {
		return Settings{}, apperr.ErrNotFound
	}
	s := DefaultSettings
	err = q.QueryRow(ctx, `SELECT deadline_days, grace_days, two_step, version FROM report_setting WHERE province_id = $1`, province).
		Scan(&s.DeadlineDays, &s.GraceDays, &s.TwoStep, &s.Version)
	if errors.Is(err, pgx.ErrNoRows) {
		return s, nil
	}
	return s, err
}

// ProvinceSettings are a province's reporting rules, with the province they are of.
type ProvinceSettings struct {
	ProvinceID   int64
	ProvinceName string
	Settings
}

// SettingsOf returns the rules of the province unit lies under on today; apperr.ErrNotFound when
// it lies under none, or that province is out of scope.
func SettingsOf(ctx context.Context, q pg.Querier, scope org.Scope, unit int64, today time.Time) (ProvinceSettings, error) {
	province, err := ProvinceOf(ctx, q, unit, today)
	if err != nil {
		return ProvinceSettings{}, err
	}
	u, err := org.GetPartyUnit(ctx, q, scope, province, today)
	if err != nil {
		return ProvinceSettings{}, err
	}
	set, err := GetSettings(ctx, q, scope, province, today)
	return ProvinceSettings{ProvinceID: province, ProvinceName: u.Name, Settings: set}, err
}

// SaveSettings sets province's rules; in.Version is the version edited (0 for the defaults). Its
// errors: GetSettings's; *apperr.Invalid for days out of range; apperr.ErrConflict for a stale
// version or a save that races another one.
func SaveSettings(ctx context.Context, db pg.Beginner, scope org.Scope, province int64, in Settings, today time.Time) error {
	return pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		cur, err := GetSettings(ctx, tx, scope, province, today)
		if err != nil {
			return err
		}
		if cur.Version != in.Version {
			return errSettingsChanged
		}
		inv := &apperr.Invalid{}
		if in.DeadlineDays < 0 || in.DeadlineDays > 90 {
			inv.Add("deadline_days", "Hạn gửi phải từ 0 đến 90 ngày sau khi hết quý.")
		}
		if in.GraceDays < 0 || in.GraceDays > 365 {
			inv.Add("grace_days", "Thời gian trước khi khóa sổ phải từ 0 đến 365 ngày.")
		}
		if err := inv.Err(); err != nil {
			return err
		}
		// Only over the version that was read: a row someone else inserted or changed since is a
		// conflict, never overwritten.
		tag, err := tx.Exec(ctx, `
			INSERT INTO report_setting (province_id, deadline_days, grace_days, two_step) VALUES ($1, $2, $3, $4)
			ON CONFLICT (province_id) DO UPDATE SET deadline_days = $2, grace_days = $3, two_step = $4,
				version = report_setting.version + 1
			WHERE report_setting.version = $5`, province, in.DeadlineDays, in.GraceDays, in.TwoStep, in.Version)
		if err != nil {
			return err
		}
		if tag.RowsAffected() != 1 {
			return errSettingsChanged
		}
		return audit.Record(ctx, tx, scope.Actor, audit.Entry{Action: "report_settings", Entity: "report_setting", EntityID: province, UnitID: province,
			Old: cur, New: in})
	})
}

// GrantException lets the cell of the given code enter p until the given day, though the
// period has locked. Its errors: *apperr.Invalid for a quarter that does not exist, a missing
// day, or a code that names no cell in scope (fields "quarter", "until", "cell_code");
// apperr.ErrForbidden for a cell that has moved out of the caller's hands.
func GrantException(ctx context.Context, db pg.Beginner, scope org.Scope, code string, p Period, until time.Time) error {
	inv := &apperr.Invalid{}
	if !p.Valid() {
		inv.Add("quarter", "Nhập năm và quý (1 đến 4).")
	}
	if code == "" {
		inv.Add("cell_code", "Nhập mã chi bộ.")
	}
	if until.IsZero() {
		inv.Add("until", "Nhập ngày hết gia hạn.")
	}
	if err := inv.Err(); err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		r, err := cellReport(ctx, tx, scope, code, p)
		if err != nil {
			return err
		}
		return extend(ctx, tx, scope, r, until)
	})
}

// extend lets r's cell enter r's quarter until the given day, and records it in the audit log;
// a cell out of the caller's hands is refused.
func extend(ctx context.Context, tx pgx.Tx, scope org.Scope, r Report, until time.Time) error {
	if !r.Held {
		return errNotHeld
	}
	old, err := setException(ctx, tx, r.CellID, r.Period, until)
	if err != nil {
		return err
	}
	e := audit.Entry{Action: "report_exception", Entity: "quarterly_report", EntityID: r.ID, UnitID: r.CellID,
		Label: r.CellName + " " + r.Period.String(), New: map[string]any{"until": until}}
	if old != nil {
		e.Old = map[string]any{"until": *old}
	}
	return audit.Record(ctx, tx, scope.Actor, e)
}

// cellReport is the report for p of the cell of the given code; a code that names no cell in
// scope is an *apperr.Invalid on "cell_code".
func cellReport(ctx context.Context, q pg.Querier, scope org.Scope, code string, p Period) (Report, error) {
	u, err := org.GetPartyUnitByCode(ctx, q, scope, code, p.LastDay())
	if errors.Is(err, apperr.ErrNotFound) {
		return Report{}, &apperr.Invalid{Fields: map[string]string{"cell_code": fmt.Sprintf("Không tìm thấy đơn vị có mã %q.", code)}}
	}
	if err != nil {
		return Report{}, err
	}
	r, err := Get(ctx, q, scope, u.ID, p)
	if errors.Is(err, apperr.ErrNotFound) {
		return Report{}, &apperr.Invalid{Fields: map[string]string{"cell_code": fmt.Sprintf("%q không phải là chi bộ.", code)}}
	}
	return r, err
}

// setException sets the day until which cell may enter p and returns the day it replaced (nil
// when there was none). An extension carries no version (the form states a new day, not an
// edit of the old one): grants made at once apply one after the other, the last one stays, and
// each returns the day it really replaced, so the audit log tells the whole story.
func setException(ctx context.Context, tx pgx.Tx, cell int64, p Period, until time.Time) (*time.Time, error) {
	for range 2 {
		var old time.Time
		err := tx.QueryRow(ctx, `
			UPDATE report_exception e SET until = $4
			FROM (SELECT until FROM report_exception WHERE cell_id = $1 AND year = $2 AND quarter = $3 FOR UPDATE) o
			WHERE e.cell_id = $1 AND e.year = $2 AND e.quarter = $3
			RETURNING o.until`, cell, p.Year, p.Quarter, until).Scan(&old)
		if err == nil {
			return &old, nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return nil, err
		}
		tag, err := tx.Exec(ctx, `INSERT INTO report_exception (cell_id, year, quarter, until) VALUES ($1, $2, $3, $4)
			ON CONFLICT (cell_id, year, quarter) DO NOTHING`, cell, p.Year, p.Quarter, until)
		if err != nil {
			return nil, err
		}
		if tag.RowsAffected() == 1 {
			return nil, nil
		}
		// Another grant inserted it meanwhile: replace that one, knowing it.
	}
	return nil, apperr.ErrConflict
}

// ProvinceOf returns the provincial committee unit belongs to on d; apperr.ErrNotFound when
// it lies under none.
func ProvinceOf(ctx context.Context, q pg.Querier, unit int64, d time.Time) (int64, error) {
	var province *int64
	if err := q.QueryRow(ctx, `SELECT party_province_of($1, $2)`, unit, d).Scan(&province); err != nil {
		return 0, err
	}
	if province == nil {
		return 0, apperr.ErrNotFound
	}
	return *province, nil
}
