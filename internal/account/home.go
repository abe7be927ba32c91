package account

import (
	"context"
	"time"

	"ptdang/internal/apperr"
	"ptdang/internal/org"
	"ptdang/internal/pg"
)

// HomeUnit is the unit a page opens on when its address names none: u's first granted unit
// whose role allows p, or for a system administrator the top of the tree in scope on today.
func HomeUnit(ctx context.Context, q pg.Querier, u User, scope org.Scope, p Permission, today time.Time) (int64, error) {
	for _, g := range u.Grants {
		if g.UnitID != 0 && g.Role.Allows(p) {
			return g.UnitID, nil
		}
	}
	tops, err := org.PartyChildren(ctx, q, scope, 0, today)
	if err != nil {
		return 0, err
	}
	if len(tops) == 0 {
		return 0, apperr.ErrNotFound
	}
	return tops[0].ID, nil
}
