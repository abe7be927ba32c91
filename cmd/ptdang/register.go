package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"ptdang/internal/format"
	"ptdang/internal/register"
)

// registerCommand runs `ptdang register purge`: the removed persons' files past their province's
// retention are deleted as of now's day, each purge audited in the operator's name.
func registerCommand(ctx context.Context, db *pgxpool.Pool, args []string, now time.Time, stdout io.Writer) error {
	if len(args) != 1 || args[0] != "purge" {
		return errors.New("register: want purge")
	}
	n, err := register.Purge(ctx, db, cliActor(), format.Today(now))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Đã xóa %s hồ sơ quá thời hạn lưu.\n", format.Int(int64(n)))
	return nil
}
