package remind

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"ptdang/internal/account"
	"ptdang/internal/format"
	"ptdang/internal/notify"
	"ptdang/internal/org"
	"ptdang/internal/register"
)

// registerDue says what a deadline of the admission register awaits, after "đến hạn" or "quá hạn".
var registerDue = map[register.ClockKind]string{
	register.CertificateClock:         "dùng giấy chứng nhận lớp nhận thức về Đảng",
	register.DossierClock:             "chi bộ xét hồ sơ (12 tháng từ ngày làm đơn)",
	register.DecisionClock:            "ra quyết định kết nạp",
	register.CeremonyClock:            "tổ chức lễ kết nạp",
	register.ProbationClock:           "kết thúc thời gian dự bị",
	register.RecognitionVoteClock:     "chi bộ xét công nhận đảng viên chính thức",
	register.RecognitionDecisionClock: "ra quyết định công nhận đảng viên chính thức",
	register.SponsorClock:             "ghi lại bước giới thiệu (người giới thiệu không còn đủ điều kiện)",
}

// remindRegister tells each cell's secretaries of the deadlines of the admission register in
// province due soon or overdue on today (register.Todo's tasks): one message a step and deadline,
// naming the cell, never the person.
func remindRegister(ctx context.Context, tx pgx.Tx, tasks []register.Task) (int, error) {
	written := 0
	secretaries := map[int64][]int64{} // by cell: a cell's files share them
	for _, task := range tasks {
		users, ok := secretaries[task.File.CellID]
		if !ok {
			var err error
			if users, err = notify.Holders(ctx, tx, string(account.CellSecretary), task.File.CellID); err != nil {
				return written, err
			}
			secretaries[task.File.CellID] = users
		}
		state := "đến hạn"
		if task.Overdue {
			state = "quá hạn"
		}
		line := fmt.Sprintf("%s: 1 hồ sơ %s %s ngày %s", task.File.CellName, state, registerDue[task.Clock.Kind], format.Date(task.Clock.Due))
		n, err := notify.Enqueue(ctx, tx, notify.Message{
			Key:     fmt.Sprintf("remind.register:%d:%s:%s", task.File.ID, task.Clock.Kind, format.ISODate(task.Clock.Due)),
			Subject: line, Body: line + ".", Link: "/register",
		}, users...)
		written += n
		if err != nil {
			return written, err
		}
	}
	return written, nil
}

// registerDigest tells the province's staff, once in the week of today, how many register
// deadlines in the province are overdue; nothing when none is.
func registerDigest(ctx context.Context, tx pgx.Tx, province int64, tasks []register.Task, today time.Time) (int, error) {
	overdue := 0
	for _, task := range tasks {
		if task.Overdue {
			overdue++
		}
	}
	if overdue == 0 {
		return 0, nil
	}
	u, err := org.GetPartyUnit(ctx, tx, org.Everything(), province, today)
	if err != nil {
		return 0, err
	}
	users, err := notify.Holders(ctx, tx, string(account.ProvinceStaff), province)
	if err != nil {
		return 0, err
	}
	year, week := today.ISOWeek()
	line := fmt.Sprintf("%s: %s việc quá hạn trong hồ sơ kết nạp đảng viên", u.Name, format.Int(int64(overdue)))
	return notify.Enqueue(ctx, tx, notify.Message{
		Key:     fmt.Sprintf("remind.digest.register:%d:%dW%d", province, year, week),
		Subject: line, Body: line + ".", Link: "/register",
	}, users...)
}
