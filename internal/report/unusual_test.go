package report_test

import (
	"strings"
	"testing"

	"ptdang/internal/report"
)

// A movement is unusual when it is at least five people and more than three times the cell's
// average: two admitted where one came every few quarters is ordinary; the average is written
// the Vietnamese way.
func TestUnusualNeedsAFloorAndSpeaksVietnamese(t *testing.T) {
	rare := []report.Figures{{"admitted": 1}, {"admitted": 0}, {"admitted": 0}, {"admitted": 0}} // 0,25 a quarter
	for _, c := range []struct {
		admitted int
		warned   bool
	}{{2, false}, {4, false}, {5, true}, {9, true}} {
		w := report.Figures{"admitted": c.admitted}.Unusual(rare)
		if _, got := w["admitted"]; got != c.warned {
			t.Errorf("%d admitted after 0,25 a quarter: warned %t, want %t (%q)", c.admitted, got, c.warned, w)
		}
	}
	w := report.Figures{"admitted": 5}.Unusual(rare)
	if !strings.Contains(w["admitted"], "mức trung bình 0,2 ") && !strings.Contains(w["admitted"], "mức trung bình 0,3 ") {
		t.Errorf("the average is not written with a decimal comma: %q", w["admitted"])
	}
	steady := []report.Figures{{"admitted": 2}, {"admitted": 2}, {"admitted": 2}, {"admitted": 2}}
	if w := (report.Figures{"admitted": 6}).Unusual(steady); len(w) != 0 {
		t.Errorf("three times the average is not more than three times: %q", w)
	}
	if w := (report.Figures{"admitted": 7}).Unusual(steady); w["admitted"] == "" {
		t.Error("seven admitted after four quarters of two is unusual")
	}
}

// Every field has a label of its own where people read a change (history, conflicts, the change
// log): a label two sections share names its section.
func TestEveryFieldHasAFullLabelOfItsOwn(t *testing.T) {
	seen := map[string]string{}
	for _, f := range report.Fields {
		l := report.FullLabel(f.Key)
		if !strings.HasPrefix(l, f.Label) {
			t.Errorf("%s: full label %q does not start with its label %q", f.Key, l, f.Label)
		}
		if other, ok := seen[l]; ok {
			t.Errorf("%s and %s are both %q", other, f.Key, l)
		}
		seen[l] = f.Key
	}
	if got := report.FullLabel("women"); got == "Nữ" {
		t.Errorf("women reads %q, like the women newly admitted", got)
	}
}

func TestAFullLabelNamesItsSectionInWholeLetters(t *testing.T) {
	if got, want := report.FullLabel("women"), "Nữ (Đảng viên cuối quý)"; got != want {
		t.Errorf("FullLabel(women) = %q, want %q", got, want)
	}
}
