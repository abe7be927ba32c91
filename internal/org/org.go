// Package org holds the two dated trees (cơ cấu tổ chức): the Party tree of organisations and
// cells, the administrative tree of provinces, communes and hamlets, the dated link between a
// hamlet and the cell that serves it, and the reorganisation events (sáp nhập, chia tách, đổi
// tên, chuyển trực thuộc) that close units and open others without losing history.
//
// A unit's identity (its code) never changes; its name, kind and parent live in dated
// versions. Dates are half-open: From is the first day, To the first day no longer valid.
package org

import (
	"context"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"ptdang/internal/audit"
)

// Kind is the level and form of a Party organisation.
type Kind string

// The kinds of Party organisation.
const (
	ProvinceCommittee     Kind = "province_committee"
	CommuneCommittee      Kind = "commune_committee"
	DistrictCommittee     Kind = "district_committee"
	BlocCommittee         Kind = "bloc_committee"
	GrassrootsCommittee   Kind = "grassroots_committee"
	GrassrootsCell        Kind = "grassroots_cell"
	IntermediateCommittee Kind = "intermediate_committee"
	AffiliatedCell        Kind = "affiliated_cell"
)

// Kinds lists every kind, from the top of the tree down.
var Kinds = []Kind{ProvinceCommittee, CommuneCommittee, DistrictCommittee, BlocCommittee,
	GrassrootsCommittee, GrassrootsCell, IntermediateCommittee, AffiliatedCell}

var kindLabels = map[Kind]string{
	ProvinceCommittee:     "Tỉnh ủy, Thành ủy",
	CommuneCommittee:      "Đảng bộ xã, phường, đặc khu",
	DistrictCommittee:     "Huyện ủy, Thị ủy, Thành ủy (trước 7/2025)",
	BlocCommittee:         "Đảng bộ khối",
	GrassrootsCommittee:   "Đảng bộ cơ sở",
	GrassrootsCell:        "Chi bộ cơ sở",
	IntermediateCommittee: "Đảng bộ bộ phận",
	AffiliatedCell:        "Chi bộ trực thuộc",
}

// Label is the kind's Vietnamese name.
func (k Kind) Label() string { return kindLabels[k] }

// Valid reports whether k is one of Kinds.
func (k Kind) Valid() bool { _, ok := kindLabels[k]; return ok }

// IsCell reports whether units of this kind are cells: they have members, may elect a
// committee (chi ủy), serve hamlets and file quarterly reports, but have no child units.
func (k Kind) IsCell() bool { return k == GrassrootsCell || k == AffiliatedCell }

// CellKindsSQL lists the kinds that are cells, as SQL: "kind IN " + CellKindsSQL.
const CellKindsSQL = `('grassroots_cell', 'affiliated_cell')`

// SubtreeCTE is a recursive CTE, sub (top, id, kind, depth), listing for each unit in $1
// (bigint[]) the units of its subtree on $2 (date), itself included. It does not check scope:
// callers check the units in $1 first.
const SubtreeCTE = `
	sub (top, id, kind, depth) AS (
		SELECT t, t, (SELECT kind FROM party_version_at(t, $2)), 0 FROM unnest($1::bigint[]) t
		UNION ALL
		SELECT sub.top, v.unit_id, v.kind, sub.depth + 1
		FROM sub JOIN party_unit_version v ON v.parent_id = sub.id
			AND v.valid_from <= $2 AND (v.valid_to IS NULL OR v.valid_to > $2)
		WHERE sub.depth < 16
	)`

// OrgType is the organisation type (loại hình) that reports break figures down by.
type OrgType string

// OrgTypes lists every organisation type.
var OrgTypes = []OrgType{"territorial", "party_mass", "state_agency", "public_service", "non_public_service",
	"enterprise_state", "enterprise_non_state", "enterprise_foreign", "press", "armed_forces", "other"}

var orgTypeLabels = map[OrgType]string{
	"territorial":          "Xã, phường, đặc khu, thôn, tổ dân phố",
	"party_mass":           "Cơ quan Đảng, Mặt trận, đoàn thể",
	"state_agency":         "Cơ quan nhà nước",
	"public_service":       "Đơn vị sự nghiệp công lập",
	"non_public_service":   "Trường học, bệnh viện ngoài công lập",
	"enterprise_state":     "Doanh nghiệp nhà nước",
	"enterprise_non_state": "Doanh nghiệp ngoài nhà nước",
	"enterprise_foreign":   "Doanh nghiệp có vốn đầu tư nước ngoài",
	"press":                "Cơ quan báo chí",
	"armed_forces":         "Lực lượng vũ trang",
	"other":                "Loại hình khác",
}

// Label is the organisation type's Vietnamese name.
func (t OrgType) Label() string { return orgTypeLabels[t] }

// Valid reports whether t is one of OrgTypes.
func (t OrgType) Valid() bool { _, ok := orgTypeLabels[t]; return ok }

// Level is the level of an administrative unit.
type Level string

// The administrative levels; District exists only before 1 July 2025.
const (
	Province Level = "province"
	District Level = "district"
	Commune  Level = "commune"
	Hamlet   Level = "hamlet"
)

// Levels lists the administrative levels from the top down.
var Levels = []Level{Province, District, Commune, Hamlet}

var levelLabels = map[Level]string{
	Province: "Tỉnh, thành phố",
	District: "Huyện, thị xã, thành phố thuộc tỉnh (trước 7/2025)",
	Commune:  "Xã, phường, đặc khu",
	Hamlet:   "Thôn, ấp, bản, tổ dân phố, khu phố",
}

// Label is the level's Vietnamese name.
func (l Level) Label() string { return levelLabels[l] }

// Valid reports whether l is one of Levels.
func (l Level) Valid() bool { _, ok := levelLabels[l]; return ok }

// parentLevel is the level a unit's parent must have; a commune's parent was a district
// before 2025 and is the province since.
func (l Level) parentLevels() []Level {
	switch l {
	case District:
		return []Level{Province}
	case Commune:
		return []Level{Province, District}
	case Hamlet:
		return []Level{Commune}
	}
	return nil
}

// LinkMode says how a hamlet is served by a cell.
type LinkMode string

// The ways a hamlet can be served; a hamlet with no link has no Party member.
const (
	OwnCell      LinkMode = "own"      // chi bộ độc lập
	CombinedCell LinkMode = "combined" // sinh hoạt ghép
)

// Label is the link mode's Vietnamese name.
func (m LinkMode) Label() string {
	switch m {
	case OwnCell:
		return "Có chi bộ riêng"
	case CombinedCell:
		return "Sinh hoạt ghép"
	}
	return "Chưa có đảng viên"
}

// Scope is the part of the Party tree a user may see or change: the subtrees under Roots, or
// everything. Every function on unit-owned data takes one. The administrative units in scope
// are those under the territories the roots lead and the hamlets the root cells serve.
type Scope struct {
	all   bool
	roots []int64
	// Actor is who acts with this scope; every change is audited in their name.
	Actor audit.Actor
}

// All reports whether the scope is the whole of both trees.
func (s Scope) All() bool { return s.all }

// As returns the scope acting in a's name.
func (s Scope) As(a audit.Actor) Scope {
	s.Actor = a
	return s
}

// record appends an audit entry for a change made with this scope, inside tx.
func (s Scope) record(ctx context.Context, tx pgx.Tx, e audit.Entry) error {
	return audit.Record(ctx, tx, s.Actor, e)
}

// adminOwner is the Party unit an administrative unit's audit entries belong to.
func adminOwner(ctx context.Context, tx pgx.Tx, unit int64, on time.Time) (int64, error) {
	var owner *int64
	err := tx.QueryRow(ctx, `SELECT admin_leading_party_unit($1, $2)`, unit, on).Scan(&owner)
	if owner == nil {
		return 0, err
	}
	return *owner, err
}

// Everything is the scope of the system administrator and of the command line.
func Everything() Scope { return Scope{all: true} }

// Under is the scope of the subtrees under the given Party units.
func Under(roots ...int64) Scope { return Scope{roots: slices.Clone(roots)} }

// SQLRoots is the value of the roots parameter of the SQL scope functions: NULL for everything.
func (s Scope) SQLRoots() []int64 {
	if s.all {
		return nil
	}
	if s.roots == nil {
		return []int64{} // no grant: nothing in scope
	}
	return s.roots
}

// Span is a half-open validity period; a nil To means "still valid".
type Span struct {
	From time.Time
	To   *time.Time
}

// Contains reports whether d falls within the span.
func (s Span) Contains(d time.Time) bool {
	return !d.Before(s.From) && (s.To == nil || d.Before(*s.To))
}

// Open reports whether the span has no end.
func (s Span) Open() bool { return s.To == nil }
