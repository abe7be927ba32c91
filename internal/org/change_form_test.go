package org_test

import (
	"strconv"
	"testing"

	"ptdang/internal/apperr"
	"ptdang/internal/org"
)

func TestAChangeFormWithAnUnknownCodeOrABadDateChangesNothing(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	_, _, hamlet := f.adminCommune(org.HamletFacts{})
	link := func(typed map[string]string) error {
		var inv apperr.Invalid
		return org.ApplyChange(ctx, f.db, all, org.AdminTree, org.LinkChange, hamlet, func(k string) string { return typed[k] }, &inv)
	}

	err := link(map[string]string{"mode": string(org.OwnCell), "cell_code": "KHONG-CO", "from": "01/01/2020"})
	if apperr.Field(err, "cell_code") == "" {
		t.Fatalf("unknown cell code: %v", err)
	}
	if err := link(map[string]string{"mode": string(org.OwnCell), "cell_code": "", "from": "01/01/2020"}); apperr.Field(err, "cell_code") == "" {
		t.Fatalf("no cell code: %v", err)
	}
	if served, err := org.CellHamlets(ctx, f.db, all, f.cellA, day("2020-06-01")); err != nil || len(served) != 0 {
		t.Fatalf("a refused link was made: %v %v", served, err)
	}
	if err := link(map[string]string{"mode": string(org.OwnCell), "cell_code": "DN-A-1", "from": "01/01/2020"}); err != nil {
		t.Fatal(err)
	}
	if served, err := org.CellHamlets(ctx, f.db, all, f.cellA, day("2020-06-01")); err != nil || len(served) != 1 {
		t.Fatalf("cell DN-A-1 serves %v (%v), want the hamlet", served, err)
	}

	// A malformed date, or a message the caller found before (a field with a NUL byte), closes nothing.
	closeWith := func(on string, inv *apperr.Invalid) error {
		typed := map[string]string{"on": on, "version": "1"}
		return org.ApplyChange(ctx, f.db, all, org.PartyTree, org.CloseChange, f.cellB, func(k string) string { return typed[k] }, inv)
	}
	if err := closeWith("31/02/2024", &apperr.Invalid{}); apperr.Field(err, "on") == "" {
		t.Fatalf("closing on 31/02: %v", err)
	}
	earlier := &apperr.Invalid{Fields: map[string]string{"note": "ký tự không hợp lệ"}}
	if err := closeWith("01/03/2024", earlier); apperr.Field(err, "note") == "" {
		t.Fatalf("closing with an earlier message: %v", err)
	}
	cur, err := org.GetUnit(ctx, f.db, all, org.PartyTree, f.cellB, day("2024-06-01"))
	if err != nil || cur.Life.To != nil {
		t.Fatalf("cell B was closed by a refused change: %+v %v", cur.Life, err)
	}
	typed := map[string]string{"on": "01/03/2024", "version": strconv.Itoa(cur.Version)}
	if err := org.ApplyChange(ctx, f.db, all, org.PartyTree, org.CloseChange, f.cellB, func(k string) string { return typed[k] }, &apperr.Invalid{}); err != nil {
		t.Fatal(err)
	}
	if closed, err := org.GetUnit(ctx, f.db, all, org.PartyTree, f.cellB, day("2024-01-01")); err != nil || closed.Life.To == nil {
		t.Fatalf("cell B is still open after closing it on 01/03/2024: %+v %v", closed.Life, err)
	}
}

func TestAMergeFormResolvesItsCodesAndRefusesAnUnknownOne(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	typed := map[string]string{"predecessors": "DN-A, DN-B;KHONG-CO", "parent_code": "DN", "effective": "01/07/2025",
		"code": "DN-AB", "name": "Đảng bộ xã Long Thành", "kind": string(org.CommuneCommittee), "org_type": "territorial"}
	merge := func() (int64, error) {
		id, on, err := org.ApplyMerge(ctx, f.db, all, org.PartyTree, func(k string) string { return typed[k] }, day("2026-01-01"), &apperr.Invalid{})
		if !on.Equal(day("2025-07-01")) {
			t.Errorf("the merge begins on %v, want 01/07/2025", on)
		}
		return id, err
	}
	if _, err := merge(); apperr.Field(err, "predecessors") == "" {
		t.Fatalf("merging an unknown code: %v", err)
	}
	if now, err := org.PartyChildren(ctx, f.db, all, f.province, day("2025-07-01")); err != nil || len(now) != 2 {
		t.Fatalf("a refused merge changed the province: %+v %v", now, err)
	}
	typed["predecessors"] = "DN-A\r\nDN-B"
	merged, err := merge()
	if err != nil {
		t.Fatal(err)
	}
	if now, err := org.PartyChildren(ctx, f.db, all, f.province, day("2025-07-01")); err != nil || len(now) != 1 || now[0].ID != merged {
		t.Fatalf("province after the merge: %+v %v", now, err)
	}
}
