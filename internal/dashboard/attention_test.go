package dashboard

import (
	"fmt"
	"slices"
	"testing"

	"ptdang/internal/org"
	"ptdang/internal/target"
)

func names(rows []Row) []string {
	out := []string{}
	for _, r := range rows {
		out = append(out, r.Name)
	}
	return out
}

func TestAttentionListsTheWorstUnitsFirst(t *testing.T) {
	row := func(id int64, status target.Status, gap float64, expected, submitted, noMember int) Row {
		return Row{UnitID: id, Name: fmt.Sprintf("U%d", id), Progress: target.Progress{Status: status, Gap: gap},
			CellsExpected: expected, CellsSubmitted: submitted, NoMember: noMember}
	}
	d := Dashboard{Unit: org.PartyUnit{ID: 100}, Rows: []Row{
		row(1, target.Behind, -10, 5, 5, 0),
		row(2, target.FarBehind, -40, 5, 1, 3),
		row(3, target.Ahead, 20, 5, 4, 0),
		row(4, target.Behind, -15, 5, 5, 1),
		row(5, target.NoTarget, 0, 3, 0, 7),
		row(6, target.FarBehind, -30, 2, 2, 0),
		row(7, target.Behind, -5, 2, 2, 0),
		row(8, target.Behind, -12, 2, 2, 0),
		row(9, target.OnTrack, -1, 2, 2, 0),
	}}
	a := d.Attention()
	if got, want := names(a.Behind), []string{"U2", "U6", "U4", "U8", "U1"}; !slices.Equal(got, want) {
		t.Errorf("behind: %v, want %v (the furthest first, at most %d)", got, want, AttentionMax)
	}
	if got, want := names(a.NotReporting), []string{"U2", "U5", "U3"}; !slices.Equal(got, want) {
		t.Errorf("not reporting: %v, want %v (most cells missing first)", got, want)
	}
	if got, want := names(a.NoMember), []string{"U5", "U2", "U4"}; !slices.Equal(got, want) {
		t.Errorf("hamlets without a cell: %v, want %v", got, want)
	}
}

func TestAttentionLeavesOutTheUnitItself(t *testing.T) {
	cell := Row{UnitID: 7, Name: "Chi bộ", Progress: target.Progress{Status: target.FarBehind, Gap: -50}, CellsExpected: 1, NoMember: 1}
	a := Dashboard{Unit: org.PartyUnit{ID: 7}, Rows: []Row{cell}}.Attention()
	if len(a.Behind)+len(a.NotReporting)+len(a.NoMember) != 0 {
		t.Errorf("a cell's dashboard lists the cell itself: %+v", a)
	}
}
