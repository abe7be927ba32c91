package org

import (
	"cmp"
	"context"
	"time"

	"ptdang/internal/pg"
)

// PartyDetail is what the page of a Party unit shows of the structure: the unit on asOf, its
// successions, the hamlets it serves (a cell) or its children (a committee) on asOf, and its
// versions.
type PartyDetail struct {
	Unit        PartyUnit
	Successions []Succession
	Hamlets     []Link      // that a cell serves
	Children    []PartyUnit // of a committee
	Versions    []PartyVersion
}

// GetPartyDetail reads the detail of the Party unit id in scope; successions and versions are
// those known on today. Errors: ErrNotFound out of scope or not alive on asOf.
func GetPartyDetail(ctx context.Context, q pg.Querier, scope Scope, id int64, asOf, today time.Time) (PartyDetail, error) {
	u, err := GetPartyUnit(ctx, q, scope, id, asOf)
	if err != nil {
		return PartyDetail{}, err
	}
	d, errs := PartyDetail{Unit: u}, make([]error, 3)
	d.Successions, errs[0] = Successions(ctx, q, scope, PartyTree, id, today)
	if u.Kind.IsCell() {
		d.Hamlets, errs[1] = CellHamlets(ctx, q, scope, id, asOf)
	} else {
		d.Children, errs[1] = PartyChildren(ctx, q, scope, id, asOf)
	}
	d.Versions, errs[2] = PartyVersions(ctx, q, scope, id, today)
	return d, cmp.Or(errs...)
}

// AdminDetail is what the page of an administrative unit shows: the unit on asOf, its
// successions, the cells that ever served it (a hamlet) or its children on asOf, and its
// versions.
type AdminDetail struct {
	Unit        AdminUnit
	Successions []Succession
	Links       []Link // the cells that served a hamlet, ever
	Children    []AdminUnit
	Versions    []AdminVersion
}

// GetAdminDetail reads the detail of the administrative unit id in scope, as GetPartyDetail.
func GetAdminDetail(ctx context.Context, q pg.Querier, scope Scope, id int64, asOf, today time.Time) (AdminDetail, error) {
	u, err := GetAdminUnit(ctx, q, scope, id, asOf)
	if err != nil {
		return AdminDetail{}, err
	}
	d, errs := AdminDetail{Unit: u}, make([]error, 3)
	d.Successions, errs[0] = Successions(ctx, q, scope, AdminTree, id, today)
	if u.Level == Hamlet {
		d.Links, errs[1] = HamletLinks(ctx, q, scope, id, today)
	} else {
		d.Children, errs[1] = AdminChildren(ctx, q, scope, id, asOf)
	}
	d.Versions, errs[2] = AdminVersions(ctx, q, scope, id, today)
	return d, cmp.Or(errs...)
}
