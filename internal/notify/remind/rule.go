package remind

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"ptdang/internal/apperr"
	"ptdang/internal/audit"
	"ptdang/internal/format"
	"ptdang/internal/org"
	"ptdang/internal/pg"
)

// LatestRule returns province's latest rule (which may start after today) and its version, the
// one a province's staff edit; DefaultRule with version 0 when the province has set none. province
// must be a provincial committee in scope on today: otherwise apperr.ErrNotFound.
func LatestRule(ctx context.Context, q pg.Querier, scope org.Scope, province int64, today time.Time) (Rule, int, error) {
	u, err := org.GetPartyUnit(ctx, q, scope, province, today)
	if err != nil {
		return Rule{}, 0, err
	}
	if u.Kind != org.ProvinceCommittee {
		return Rule{}, 0, apperr.ErrNotFound
	}
	var (
		r       Rule
		version int
		weekday *int
	)
	err = q.QueryRow(ctx, `
		SELECT valid_from, days_before, days_after, digest_weekday, version FROM notify_rule
		WHERE province_id = $1 ORDER BY valid_from DESC LIMIT 1`, province).
		Scan(&r.ValidFrom, &r.DaysBefore, &r.DaysAfter, &weekday, &version)
	if errors.Is(err, pgx.ErrNoRows) {
		return DefaultRule, 0, nil
	}
	if weekday != nil {
		r.DigestWeekday = *weekday
	}
	return r, version, err
}

var errRuleChanged = apperr.Refuse(apperr.ErrConflict, "Người khác vừa sửa quy tắc nhắc; xin mở lại trang.")

// SaveRule makes in province's rule from in.ValidFrom on, over the latest rule the user read
// (basedOn, as LatestRule returned it, and its version). A rule starting on the latest rule's
// day replaces it. Its errors: LatestRule's; *apperr.Invalid for a start before today or before
// the latest rule, or days out of range (fields "valid_from", "days_before", "days_after",
// "digest_weekday"); apperr.ErrConflict when the latest rule changed since it was read.
func SaveRule(ctx context.Context, db pg.Beginner, scope org.Scope, province int64, in Rule, basedOn time.Time, version int, today time.Time) error {
	return pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		// Saves of one province's rules take turns, so that the check below holds until commit.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('notify_rule'), $1::int)`, province); err != nil {
			return err
		}
		cur, curVersion, err := LatestRule(ctx, tx, scope, province, today)
		if err != nil {
			return err
		}
		if curVersion != version || !cur.ValidFrom.Equal(basedOn) {
			return errRuleChanged
		}
		inv := &apperr.Invalid{}
		switch {
		case in.ValidFrom.Before(today):
			inv.Add("valid_from", "Quy tắc mới áp dụng từ hôm nay ("+format.Date(today)+") trở đi.")
		case in.ValidFrom.Before(cur.ValidFrom):
			inv.Add("valid_from", "Quy tắc mới phải áp dụng từ ngày "+format.Date(cur.ValidFrom)+" (ngày của quy tắc gần nhất) trở đi.")
		}
		if slices.ContainsFunc(in.DaysBefore, func(d int) bool { return d < 1 || d > 90 }) {
			inv.Add("days_before", "Mỗi số ngày trước hạn phải từ 1 đến 90.")
		}
		if slices.ContainsFunc(in.DaysAfter, func(d int) bool { return d < 0 || d > 365 }) {
			inv.Add("days_after", "Mỗi số ngày sau hạn phải từ 0 (đúng ngày hạn) đến 365.")
		}
		if in.DigestWeekday < 0 || in.DigestWeekday > 7 {
			inv.Add("digest_weekday", "Chọn một ngày trong tuần.")
		}
		if err := inv.Err(); err != nil {
			return err
		}
		var weekday *int
		if in.DigestWeekday != 0 {
			weekday = &in.DigestWeekday
		}
		_, err = tx.Exec(ctx, `
			INSERT INTO notify_rule (province_id, valid_from, days_before, days_after, digest_weekday) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (province_id, valid_from) DO UPDATE SET days_before = $3, days_after = $4, digest_weekday = $5,
				version = notify_rule.version + 1`,
			province, in.ValidFrom, nonNil(in.DaysBefore), nonNil(in.DaysAfter), weekday)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, scope.Actor, audit.Entry{Action: "update", Entity: "notify_rule", EntityID: province,
			UnitID: province, Label: format.Date(in.ValidFrom), Old: cur, New: in})
	})
}

// nonNil is days, or no days: the column holds an empty list, never NULL.
func nonNil(days []int) []int {
	if days == nil {
		return []int{}
	}
	return days
}

// ReadDays reads a list of days typed as "0, 7" (commas or spaces between); empty reads as none.
// The message, if any, says what to type.
func ReadDays(text string) ([]int, string) {
	var days []int
	for _, f := range strings.FieldsFunc(text, func(r rune) bool { return r == ',' || r == ';' || r == ' ' }) {
		d, err := strconv.Atoi(f)
		if err != nil {
			return nil, "Nhập các số ngày cách nhau bằng dấu phẩy, ví dụ: 0, 7."
		}
		days = append(days, d)
	}
	slices.Sort(days)
	return slices.Compact(days), ""
}

// Days writes a list of days as people type it: "0, 7".
func Days(days []int) string {
	s := make([]string, len(days))
	for i, d := range days {
		s[i] = strconv.Itoa(d)
	}
	return strings.Join(s, ", ")
}
