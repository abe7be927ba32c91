package report

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"ptdang/internal/account"
	"ptdang/internal/notify"
)

// stepNotices are what a cell's secretaries are told, at once, after a step on their report.
var stepNotices = map[string]string{
	"return":  "bị trả lại, xin sửa và gửi lại",
	"approve": "đã được duyệt",
}

// notifySecretaries tells the cell's secretaries, within tx, that r has just been returned or
// approved; other steps tell no one. The message names the cell and the quarter, nobody's data.
func notifySecretaries(ctx context.Context, tx pgx.Tx, r Report, action string) error {
	what, ok := stepNotices[action]
	if !ok {
		return nil
	}
	users, err := notify.Holders(ctx, tx, string(account.CellSecretary), r.CellID)
	if err != nil {
		return err
	}
	subject := fmt.Sprintf("%s: báo cáo %s %s", r.CellName, r.Period, what)
	_, err = notify.Enqueue(ctx, tx, notify.Message{
		Key:     fmt.Sprintf("report.%s:%d:%dQ%d:v%d", action, r.CellID, r.Year, r.Quarter, r.Version),
		Subject: subject,
		Body:    subject + ".",
		Link:    fmt.Sprintf("/reports/%d/%d/%d", r.CellID, r.Year, r.Quarter),
	}, users...)
	return err
}
