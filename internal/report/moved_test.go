package report_test

import (
	"errors"
	"strings"
	"testing"

	"ptdang/internal/apperr"
	"ptdang/internal/audit"
	"ptdang/internal/org"
	"ptdang/internal/report"
)

// TestAMovedCellBelongsToItsNewParent: a cell moves to another commune on 15/10/2022, while its
// Q3 report is still to be entered and its Q2 report is approved. The new commune owns every
// quarter from then on (enters Q3, reopens Q2); the old one reads the quarters that ended under
// it and changes nothing.
func TestAMovedCellBelongsToItsNewParent(t *testing.T) {
	f := newFixture(t)
	ctx, all := t.Context(), org.Everything()
	other := f.tree.Party(org.PartyUnitInput{Code: "Y", Name: "Đảng bộ xã Mỹ Thọ", Kind: org.CommuneCommittee, ParentID: f.province}).ID
	newStaff := org.Under(other).As(audit.Actor{Login: "xamoi"})
	q3 := report.Period{Year: 2022, Quarter: 3}

	r, err := report.Submit(ctx, f.db, f.secretary, f.cell, q2, report.Entry{Figures: quarterFigures(20), Confirm: true}, day("2022-07-05"))
	if err != nil {
		t.Fatal(err)
	}
	if r, err = report.Approve(ctx, f.db, f.communeStaff, f.cell, q2, r.Version); err != nil {
		t.Fatal(err)
	}
	if err := org.MoveUnit(ctx, f.db, all, org.PartyTree, org.Reorg{Effective: day("2022-10-15"), Note: "Quyết định 1/QĐ-TU"}, f.cell, other); err != nil {
		t.Fatal(err)
	}

	// The old commune still reads Q2 and Q3, which ended while the cell was its own …
	for _, p := range []report.Period{q2, q3} {
		got, err := report.Get(ctx, f.db, f.communeStaff, f.cell, p)
		if err != nil || got.Held {
			t.Fatalf("the old commune reading %s: held %t, %v", p, got.Held, err)
		}
	}
	// … but neither reopens Q2 nor enters Q3.
	if _, err := report.Reopen(ctx, f.db, f.communeStaff, f.cell, q2, r.Version, "Sai số liệu"); !errors.Is(err, apperr.ErrForbidden) {
		t.Errorf("the old commune reopening Q2 after the move: %v, want forbidden", err)
	}
	if _, err := report.SaveDraft(ctx, f.db, f.communeStaff, f.cell, q3, report.Entry{Figures: quarterFigures(21), OnBehalf: true}, day("2022-10-20")); !errors.Is(err, apperr.ErrForbidden) {
		t.Errorf("the old commune entering Q3 after the move: %v, want forbidden", err)
	}

	// Nor does it import the cell's Q3 from a file; the new commune does.
	var head, line []string
	vals := map[string]string{"cell_code": "X.A1", "year": "2022", "quarter": "3", "opening": "21", "admitted": "2", "transferred_out": "1",
		"closing": "22", "full_members": "20", "probationary": "2"}
	for _, c := range report.FiguresTable.Columns {
		head, line = append(head, c.Header), append(line, vals[c.Key])
	}
	file := strings.Join(head, ";") + "\n" + strings.Join(line, ";") + "\n"
	res, err := report.ImportFigures(ctx, f.db, f.communeStaff, strings.NewReader(file), "quy3.csv", true, false, day("2022-10-20"))
	if err != nil || !strings.Contains(res.Problems.Error(), "nay thuộc đơn vị khác") {
		t.Errorf("the old commune importing Q3 after the move: %+v, %v", res, err)
	}
	if res, err := report.ImportFigures(ctx, f.db, newStaff, strings.NewReader(file), "quy3.csv", true, false, day("2022-10-20")); err != nil || len(res.Problems) > 0 || res.Submitted != 1 {
		t.Errorf("the new commune importing Q3 (dry run): %+v, %v", res, err)
	}

	// The new commune owns the cell for every quarter: it reads Q2, enters Q3 and reopens Q2.
	if got, err := report.Get(ctx, f.db, newStaff, f.cell, q2); err != nil || !got.Held || got.State != report.Approved {
		t.Fatalf("the new commune reading Q2: %+v, %v", got, err)
	}
	if _, err := report.SaveDraft(ctx, f.db, newStaff, f.cell, q3, report.Entry{Figures: quarterFigures(21), OnBehalf: true}, day("2022-10-20")); err != nil {
		t.Errorf("the new commune entering Q3: %v", err)
	}
	if _, err := report.Reopen(ctx, f.db, newStaff, f.cell, q2, r.Version, "Sai số liệu"); err != nil {
		t.Errorf("the new commune reopening Q2: %v", err)
	}
	// The secretary, granted on the cell itself, keeps it wherever it goes.
	if got, err := report.Get(ctx, f.db, f.secretary, f.cell, q3); err != nil || !got.Held {
		t.Errorf("the secretary after the move: %+v, %v", got, err)
	}
	// A commune that never held the cell sees nothing of it.
	stranger := f.tree.Party(org.PartyUnitInput{Code: "Z", Name: "Đảng bộ xã Mỹ Long", Kind: org.CommuneCommittee, ParentID: f.province}).ID
	if _, err := report.Get(ctx, f.db, org.Under(stranger), f.cell, q2); !errors.Is(err, apperr.ErrNotFound) {
		t.Errorf("another commune reading the cell's report: %v", err)
	}
}
