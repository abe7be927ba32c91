package org

import (
	"context"
	"fmt"
	"time"

	"ptdang/internal/pg"
)

// Rules are the rules of structure in force on a date (DOMAIN.md); their values changed
// several times and are kept dated in the structure_rule table.
type Rules struct {
	CellMinFullMembers            int // a cell needs this many full members
	CommitteeMinFullMembers       int // a cell elects a committee (chi ủy) from this many
	GrassrootsCommitteeMinMembers int // from this many, an organisation should be a đảng bộ cơ sở
}

// RulesOn returns the rules in force on d (before the first recorded value, the first one). It
// returns only database errors.
func RulesOn(ctx context.Context, q pg.Querier, d time.Time) (Rules, error) {
	var r Rules
	err := q.QueryRow(ctx, `
		SELECT
			(SELECT value FROM structure_rule WHERE name = 'cell_min_full_members' ORDER BY (valid_from <= $1) DESC, valid_from DESC LIMIT 1),
			(SELECT value FROM structure_rule WHERE name = 'committee_min_full_members' ORDER BY (valid_from <= $1) DESC, valid_from DESC LIMIT 1),
			(SELECT value FROM structure_rule WHERE name = 'grassroots_committee_min_members' ORDER BY (valid_from <= $1) DESC, valid_from DESC LIMIT 1)`,
		d).Scan(&r.CellMinFullMembers, &r.CommitteeMinFullMembers, &r.GrassrootsCommitteeMinMembers)
	return r, err
}

// Warnings lists the soft rules a unit of kind with fullMembers full members breaks: a cell
// below the minimum, or an organisation big enough to be a đảng bộ cơ sở that is not one.
func (r Rules) Warnings(kind Kind, fullMembers int) []string {
	var ws []string
	if kind.IsCell() && fullMembers < r.CellMinFullMembers {
		ws = append(ws, fmt.Sprintf("Chi bộ có %d đảng viên chính thức, dưới mức tối thiểu %d.", fullMembers, r.CellMinFullMembers))
	}
	if (kind.IsCell() || kind == IntermediateCommittee) && fullMembers >= r.GrassrootsCommitteeMinMembers {
		ws = append(ws, fmt.Sprintf("Tổ chức có %d đảng viên, từ %d trở lên thường phải lập đảng bộ cơ sở (trừ khi được cấp trên đồng ý).",
			fullMembers, r.GrassrootsCommitteeMinMembers))
	}
	return ws
}
