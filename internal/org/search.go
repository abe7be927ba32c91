package org

import (
	"context"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"ptdang/internal/pg"
)

// Hit is one search result: a Party unit or an administrative unit.
type Hit struct {
	Tree       Tree
	ID         int64
	Code       string
	Name       string
	Kind       string // the kind's or level's Vietnamese label
	ParentName string
}

// Search finds units valid on asOf whose name contains text, ignoring accents and case
// ("dong nai" finds "Đồng Nai"), or whose code starts with it, within scope. Results come in
// Vietnamese order, Party units first, at most limit of each tree. It returns only the errors
// of the database.
func Search(ctx context.Context, q pg.Querier, scope Scope, text string, asOf time.Time, limit int) ([]Hit, error) {
	return SearchPage(ctx, q, scope, text, asOf, limit, 0)
}

// SearchPage is Search skipping the first offset hits of each tree, to show a later page; it
// too returns only the errors of the database.
func SearchPage(ctx context.Context, q pg.Querier, scope Scope, text string, asOf time.Time, limit, offset int) ([]Hit, error) {
	text = strings.Join(strings.Fields(text), " ")
	if text == "" {
		return nil, nil
	}
	rows, err := q.Query(ctx, partyTables.searchSQL("v.kind")+` UNION ALL `+adminTables.searchSQL("u.level"),
		escapeLike(text), asOf, scope.SQLRoots(), limit, offset)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (Hit, error) {
		var h Hit
		var kind string
		err := row.Scan(&h.Tree, &h.ID, &h.Code, &h.Name, &kind, &h.ParentName)
		if h.Tree == PartyTree {
			h.Kind = Kind(kind).Label()
		} else {
			h.Kind = Level(kind).Label()
		}
		return h, err
	})
}

// searchSQL selects the page of t's hits for SearchPage; kind is the column holding the kind or
// level.
func (t tables) searchSQL(kind string) string {
	return `(SELECT '` + string(t.tree) + `', u.id, u.code, v.name, ` + kind + `,
			COALESCE((SELECT pv.name FROM ` + t.versionAt + `(v.parent_id, $2) pv), '')
		FROM ` + t.version + ` v JOIN ` + t.unit + ` u ON u.id = v.unit_id
		WHERE (lower(f_unaccent(v.name)) LIKE '%' || lower(f_unaccent($1)) || '%' OR u.code ILIKE $1 || '%')
		  AND v.valid_from <= $2 AND (v.valid_to IS NULL OR v.valid_to > $2)
		  AND ($3::bigint[] IS NULL OR ` + t.inScopeFunc + `(u.id, $3, $2))
		ORDER BY v.name COLLATE "vi-x-icu", u.code
		LIMIT $4 OFFSET $5)`
}

// escapeLike makes user text match literally inside a LIKE pattern.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
