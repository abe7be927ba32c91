package account

import (
	"context"

	"github.com/jackc/pgx/v5"

	"ptdang/internal/apperr"
)

// SkipFirstPasswordChange lets a new account sign in with the password it was created with,
// without changing it first: only for accounts loaded with a published password to try the
// product (the demo), never for a real user. An unknown user is apperr.ErrNotFound.
func SkipFirstPasswordChange(ctx context.Context, tx pgx.Tx, user int64) error {
	tag, err := tx.Exec(ctx, `UPDATE app_user SET must_change_password = false WHERE id = $1`, user)
	if err == nil && tag.RowsAffected() == 0 {
		return apperr.ErrNotFound
	}
	return err
}
