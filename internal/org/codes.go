package org

import (
	"context"
	"strings"
	"time"

	"ptdang/internal/apperr"
	"ptdang/internal/pg"
)

// unitsByCodes resolves the codes listed in text (separated by spaces, commas, semicolons or line
// breaks) into units of tree in scope on on. The codes that find no unit are *apperr.Invalid on
// field, with the first one's message; any other error is returned as it is.
func unitsByCodes(ctx context.Context, q pg.Querier, scope Scope, tree Tree, text, field string, on time.Time) ([]int64, error) {
	var (
		ids []int64
		inv apperr.Invalid
	)
	for _, code := range strings.FieldsFunc(text, func(r rune) bool { return strings.ContainsRune("\n\r,; ", r) }) {
		u, err := GetUnitByCode(ctx, q, scope, tree, code, on)
		if msg := apperr.Message(err); msg != "" {
			inv.Add(field, msg)
			continue
		} else if err != nil {
			return nil, err
		}
		ids = append(ids, u.ID)
	}
	return ids, inv.Err()
}
