package org

import (
	"cmp"
	"context"
	"fmt"
	"time"

	"ptdang/internal/apperr"
	"ptdang/internal/format"
	"ptdang/internal/pg"
)

// ChangeKind is a dated change made from a unit's page, each with its form.
type ChangeKind string

const (
	CloseChange  ChangeKind = "close"
	RenameChange ChangeKind = "rename"
	MoveChange   ChangeKind = "move"
	LinkChange   ChangeKind = "link" // of a hamlet to the cell that serves it
	SplitChange  ChangeKind = "split"
)

// SplitParts is how many successors the split form offers.
const SplitParts = 4

// ApplyChange reads the form of the change kind to unit of tree, value giving each field's text
// as typed, and applies it: CloseUnit, RenameUnit or RenameAdminUnit, MoveUnit, SetLink or
// SplitInto, whose errors it returns. A malformed value, a missing code or a code that finds no
// unit is a message on its field in inv; when inv holds any (its own from before too), nothing
// is applied and inv is returned.
func ApplyChange(ctx context.Context, db pg.DB, scope Scope, tree Tree, kind ChangeKind, unit int64, value func(field string) string, inv *apperr.Invalid) error {
	read := typedForm{value, inv}
	var apply func() error
	switch kind {
	case CloseChange:
		on, version := read.date("on"), read.int("version")
		apply = func() error { return CloseUnit(ctx, db, scope, tree, unit, version, on) }
	case RenameChange:
		re, name := read.reorg(), value("name")
		apply = func() error { return RenameUnit(ctx, db, scope, tree, re, unit, name) }
		if tree == AdminTree {
			apply = func() error { return RenameAdminUnit(ctx, db, scope, re, unit, name, value("local_word")) }
		}
	case MoveChange:
		re := read.reorg()
		parent := UnitIDByCode(ctx, db, scope, tree, value("parent_code"), re.Effective, "parent_code", inv)
		read.require("parent_code", "Nhập mã đơn vị cấp trên mới.")
		apply = func() error { return MoveUnit(ctx, db, scope, tree, re, unit, parent) }
	case LinkChange:
		from, mode, cell := read.date("from"), LinkMode(value("mode")), int64(0)
		if mode != "none" {
			cell = UnitIDByCode(ctx, db, scope, PartyTree, value("cell_code"), from, "cell_code", inv)
			read.require("cell_code", "Nhập mã chi bộ phụ trách.")
		}
		head := value("secretary_is_head") != ""
		apply = func() error { return SetLink(ctx, db, scope, unit, cell, mode, head, from) }
	case SplitChange:
		re := read.reorg()
		parts, errs := ReadParts(value, SplitParts)
		for k, msg := range errs {
			inv.Add(k, msg)
		}
		apply = func() error { _, err := SplitInto(ctx, db, scope, tree, re, unit, parts); return err }
	default:
		return fmt.Errorf("org: no change %q", kind)
	}
	if err := inv.Err(); err != nil {
		return err
	}
	return apply()
}

// ApplyMerge reads the merge form of tree, value giving each field's text as typed, and merges:
// the units whose codes are listed in "predecessors" become one new unit ("code", "name" and the
// tree's own fields) under the unit of "parent_code" (MergePartyUnits or MergeAdminUnits, whose
// errors it returns). Messages go to inv as in ApplyChange. It returns the new unit and the day
// it begins.
func ApplyMerge(ctx context.Context, db pg.DB, scope Scope, tree Tree, value func(field string) string, today time.Time, inv *apperr.Invalid) (int64, time.Time, error) {
	re := typedForm{value, inv}.reorg()
	preds, err := unitsByCodes(ctx, db, scope, tree, value("predecessors"), "predecessors", re.Effective)
	if msg := apperr.Field(err, "predecessors"); msg != "" {
		inv.Add("predecessors", msg)
	} else if err != nil {
		return 0, re.Effective, err
	}
	parent := UnitIDByCode(ctx, db, scope, tree, value("parent_code"), cmp.Or(re.Effective, today), "parent_code", inv)
	if err := inv.Err(); err != nil {
		return 0, re.Effective, err
	}
	var id int64
	if tree == PartyTree {
		id, err = MergePartyUnits(ctx, db, scope, re, preds, PartyUnitInput{Code: value("code"), Name: value("name"),
			Kind: Kind(value("kind")), OrgType: OrgType(value("org_type")), ParentID: parent, TermMonths: 60})
	} else {
		id, err = MergeAdminUnits(ctx, db, scope, re, preds, AdminUnitInput{Code: value("code"), Name: value("name"),
			Level: Level(value("level")), LocalWord: value("local_word"), ParentID: parent})
	}
	return id, re.Effective, err
}

// UnitIDByCode resolves code, typed into field, into a unit of tree in scope on on: 0 for no
// code, and for a code that finds no unit, whose message then goes to inv on field.
func UnitIDByCode(ctx context.Context, q pg.Querier, scope Scope, tree Tree, code string, on time.Time, field string, inv *apperr.Invalid) int64 {
	if code == "" {
		return 0
	}
	u, err := GetUnitByCode(ctx, q, scope, tree, code, on)
	if err != nil {
		inv.Add(field, cmp.Or(apperr.Message(err), "Không tra được mã này lúc này; xin thử lại sau ít phút."))
	}
	return u.ID
}

// typedForm reads the values of a form, their messages going to inv.
type typedForm struct {
	value func(string) string
	inv   *apperr.Invalid
}

// reorg reads the date and the decision of a reorganisation, and the version of the unit seen.
func (t typedForm) reorg() Reorg {
	return Reorg{Effective: t.date("effective"), Note: t.value("note"), Version: t.int("version")}
}

func (t typedForm) int(field string) int        { return typedValue(t, field, format.ReadInt) }
func (t typedForm) date(field string) time.Time { return typedValue(t, field, format.ReadDate) }

// require adds msg to field when nothing was typed there.
func (t typedForm) require(field, msg string) {
	if t.value(field) == "" {
		t.inv.Add(field, msg)
	}
}

func typedValue[T any](t typedForm, field string, read func(string) (T, string)) T {
	return apperr.Read(t.inv, field, t.value(field), read)
}
