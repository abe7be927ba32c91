package org_test

import (
	"strconv"
	"strings"
	"testing"

	"ptdang/internal/apperr"
	"ptdang/internal/org"
	"ptdang/internal/pgtest"
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

// The link form records whether the cell's secretary heads the hamlet, dated: a change of it is a
// new link from its day, the earlier kept, and the audit log has old → new. Without a cell the
// hamlet has no secretary, whatever the form says.
func TestTheLinkFormRecordsTheSecretaryHeadingTheHamletDated(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	_, _, hamlet := f.adminCommune(org.HamletFacts{})
	link := func(typed map[string]string) {
		t.Helper()
		if err := org.ApplyChange(ctx, f.db, all, org.AdminTree, org.LinkChange, hamlet, func(k string) string { return typed[k] }, &apperr.Invalid{}); err != nil {
			t.Fatal(err)
		}
	}
	link(map[string]string{"mode": string(org.OwnCell), "cell_code": "DN-A-1", "from": "01/01/2020"})
	link(map[string]string{"mode": string(org.OwnCell), "cell_code": "DN-A-1", "secretary_is_head": "1", "from": "01/07/2022"})
	link(map[string]string{"mode": "none", "secretary_is_head": "1", "from": "01/01/2024"})
	links, err := org.HamletLinks(ctx, f.db, all, hamlet, day("2023-01-01"))
	if err != nil || len(links) != 2 || links[0].SecretaryIsHead || !links[1].SecretaryIsHead || links[1].Span.From != day("2022-07-01") {
		t.Fatalf("links %+v %v: want not heading from 2020, heading from 01/07/2022", links, err)
	}
	var old, new string
	if err := f.db.QueryRow(ctx, `SELECT old_value::text, new_value::text FROM audit_log WHERE action = 'link' AND entity_id = $1 ORDER BY id OFFSET 1 LIMIT 1`, hamlet).Scan(&old, &new); err != nil ||
		!strings.Contains(old, `"secretary_is_head": false`) || !strings.Contains(new, `"secretary_is_head": true`) {
		t.Fatalf("audit of the change: %s → %s (%v)", old, new, err)
	}
	if n := pgtest.Count(t, f.db, `SELECT count(*) FROM hamlet_cell_link WHERE hamlet_id = $1 AND secretary_is_head AND valid_to IS NULL`, hamlet); n != 0 {
		t.Fatalf("%d open links with a secretary after the hamlet lost its cell", n)
	}
}
