package report

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"ptdang/internal/account"
	"ptdang/internal/apperr"
	"ptdang/internal/org"
	"ptdang/internal/pg"
)

// ExtendDays is how long the return form of a locked period proposes to give the cell.
const ExtendDays = 7

// MaxExtendDays bounds an extension given with a return: as far ahead as a province's grace.
const MaxExtendDays = 365

// errMayNotExtend names who gives extensions, for a reviewer who may not.
var errMayNotExtend = apperr.Refuse(apperr.ErrForbidden,
	"Chỉ cán bộ Ban Tổ chức Tỉnh ủy (người đặt thời hạn báo cáo) mới gia hạn được cho chi bộ; đồng chí có thể trả lại rồi đề nghị Ban Tổ chức gia hạn.")

// ReturnAndExtend returns a submitted report to its cell with reason and lets the cell enter the
// quarter until the given day, though the period has locked: one transaction, so the report is
// returned only if the extension is granted too, and the audit log records both. Only whom the
// report's Permits allow to Extend may. Its errors are Return's and GrantException's, plus
// *apperr.Invalid on "until" for a missing day, a day before today or more than MaxExtendDays
// ahead (with "reason" too when it is missing), and an apperr.ErrForbidden naming who extends for
// a user who may not.
func ReturnAndExtend(ctx context.Context, db pg.Beginner, scope org.Scope, by account.User, cell int64, p Period, version int, reason string,
	until, today time.Time) (Report, error) {
	inv := &apperr.Invalid{}
	switch {
	case until.IsZero():
		inv.Add("until", "Nhập ngày gia hạn cho chi bộ, dạng ngày/tháng/năm.")
	case until.Before(today):
		inv.Add("until", "Ngày gia hạn phải từ hôm nay ("+today.Format("02/01/2006")+") trở đi, để chi bộ còn thời gian sửa.")
	case until.After(today.AddDate(0, 0, MaxExtendDays)):
		inv.Add("until", "Chỉ gia hạn tối đa 365 ngày kể từ hôm nay.")
	}
	var out Report
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		cur, err := Get(ctx, tx, scope, cell, p)
		if err != nil {
			return err
		}
		switch {
		case !cur.Held:
			return errNotHeld
		case !cur.PermitsFor(by, today).Extend:
			return errMayNotExtend
		}
		// The return first: of simultaneous attempts from one version only one passes it, and the
		// others stop before they touch the extension.
		out, err = Return(ctx, tx, scope, cell, p, version, reason)
		var refused *apperr.Invalid
		if errors.As(err, &refused) {
			for k, msg := range refused.Fields {
				inv.Add(k, msg)
			}
			return inv
		}
		if err != nil {
			return err
		}
		if err := inv.Err(); err != nil {
			return err
		}
		if err := extend(ctx, tx, scope, out, until); err != nil {
			return err
		}
		out, err = Get(ctx, tx, scope, cell, p)
		return err
	})
	if err != nil {
		return Report{}, err
	}
	return out, nil
}
