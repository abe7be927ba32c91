package target_test

import (
	"errors"
	"strings"
	"testing"

	"ptdang/internal/apperr"
	"ptdang/internal/target"
)

func TestTypedEntryStandsForWhatTheBrowserSums(t *testing.T) {
	for _, c := range []struct {
		typed     target.Typed
		set       bool
		n         int
		fromShare bool
	}{
		{target.Typed{}, false, 0, false},
		{target.Typed{Number: "1.300"}, true, 1300, false},
		{target.Typed{Number: "một trăm"}, true, 0, false},
		{target.Typed{Share: "3"}, true, 2286, true},                 // of the unit's 76.174 members
		{target.Typed{Share: "3", Base: "16.667"}, true, 501, true},  // rounded up
		{target.Typed{Share: "3", Base: "16.666"}, true, 500, true},  // whole
		{target.Typed{Share: "ba", Number: "7"}, true, 0, false},     // a bad share is no number
		{target.Typed{Share: "3", Base: "nhiều"}, true, 0, false},    // nor a bad base
		{target.Typed{Share: "2,75 %", Base: "400"}, true, 11, true}, // as people type it
	} {
		set, n, fromShare := c.typed.Value(76174)
		if set != c.set || n != c.n || fromShare != c.fromShare {
			t.Errorf("%+v: %v %d %v, want %v %d %v", c.typed, set, n, fromShare, c.set, c.n, c.fromShare)
		}
	}
}

func TestGridReadsTheTypedEntriesAndNamesTheUnitOfABadOne(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	a1, a2 := target.UnitField(f.cellA1), target.UnitField(f.cellA2)
	g := target.Grid{Unit: f.communeA, Year: 2022, Basis: target.ShareOfTerm, Entries: map[string]target.Typed{
		"total": {Number: "50", Version: "0"}, // commune staff do not set their own target: not on their page, ignored
		a1:      {Number: "1.003", Version: "0"},
		a2:      {Share: "25", Version: "0"}, // of the cell's 20 members
	}}
	if err := target.SaveGrid(ctx, f.db, f.communeStaff, g, spring2022); err != nil {
		t.Fatal(err)
	}
	a, _ := target.GetAllocation(ctx, f.db, f.provinceStaff, f.communeA, 2022)
	if a.Total.Set() || a.Children[0].Target.Number != 1003 || a.Children[1].Target != (target.Target{ID: a.Children[1].Target.ID,
		UnitID: f.cellA2, Year: 2022, Basis: target.ShareOfTerm, Share: 2500, Base: 20, Number: 5, Version: 1}) {
		t.Fatalf("saved grid: %+v %+v", a.Total, a.Children)
	}

	g.Entries = map[string]target.Typed{a1: {Number: "12a", Version: "1"}, a2: {Share: "25", Base: "hai mươi", Version: "1"}}
	err := target.SaveGrid(ctx, f.db, f.communeStaff, g, spring2022)
	if msg := apperr.Field(err, a1); !strings.Contains(msg, "Chi bộ ấp 1") {
		t.Errorf("a bad number: %v", err)
	}
	if msg := apperr.Field(err, a2); !strings.Contains(msg, "Chi bộ ấp 2") || !strings.Contains(msg, "ví dụ 20") {
		t.Errorf("a bad base names the unit and its own members: %v", err)
	}

	// A preview reads the grid and saves nothing.
	g.Entries, g.Preview = map[string]target.Typed{a1: {Number: "9", Version: "1"}}, true
	if err := target.SaveGrid(ctx, f.db, f.communeStaff, g, spring2022); err != nil {
		t.Fatal(err)
	}
	if a, _ := target.GetAllocation(ctx, f.db, f.provinceStaff, f.communeA, 2022); a.Children[0].Target.Number != 1003 {
		t.Fatalf("a preview saved: %+v", a.Children[0].Target)
	}
}

func TestGridOverAChangedTargetIsAConflictThatMarksTheNewValue(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	a1 := target.UnitField(f.cellA1)
	g := target.Grid{Unit: f.communeA, Year: 2022, Entries: map[string]target.Typed{a1: {Number: "3", Version: "0"}}}
	if err := target.SaveGrid(ctx, f.db, f.communeStaff, g, spring2022); err != nil {
		t.Fatal(err)
	}
	g.Entries[a1] = target.Typed{Number: "4", Version: "0"} // typed on a page read before that save
	err := target.SaveGrid(ctx, f.db, f.communeStaff, g, spring2022)
	if !errors.Is(err, apperr.ErrConflict) || !strings.Contains(apperr.Message(err), "Người khác vừa sửa chỉ tiêu") {
		t.Fatalf("stale grid: %v", err)
	}
	p, err := target.GetPage(ctx, f.db, f.communeStaff, f.communeStaff, f.communeA, 2022, spring2022)
	if err != nil {
		t.Fatal(err)
	}
	if notes := p.Stale(g); len(notes) != 1 || notes[a1] != "Vừa được sửa thành: 3." {
		t.Fatalf("stale notes %v", notes)
	}
}

func TestRefusalsSayWhyTheChangeIsNotAllowed(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	_, _, err := target.Allocate(ctx, f.db, f.communeStaff, target.AllocationInput{Unit: f.communeA, Year: 2022, Total: ptr(number(0, 50, 0))}, spring2022)
	if !errors.Is(err, apperr.ErrForbidden) || !strings.Contains(apperr.Message(err), "do cấp trên trực tiếp giao") {
		t.Fatalf("commune staff setting their own target: %v", err)
	}
	lock := day("2022-03-31")
	if err := target.SetSettings(ctx, f.db, f.provinceStaff, f.communeA, 2022, target.SettingsInput{LockDate: &lock,
		Thresholds: target.DefaultThresholds, Profile: target.DefaultProfile}); err != nil {
		t.Fatal(err)
	}
	g := target.Grid{Unit: f.communeA, Year: 2022, Entries: map[string]target.Typed{target.UnitField(f.cellA1): {Number: "3", Version: "0"}}}
	err = target.SaveGrid(ctx, f.db, f.communeStaff, g, day("2022-04-01"))
	if want := "Chỉ tiêu năm 2022 đã khóa từ ngày 31/03/2022: chỉ Ban Tổ chức Tỉnh ủy được điều chỉnh."; !errors.Is(err, apperr.ErrForbidden) || apperr.Message(err) != want {
		t.Fatalf("commune staff after the lock: %v", err)
	}
	p, _ := target.GetPage(ctx, f.db, f.provinceStaff, f.provinceStaff, f.communeA, 2022, day("2022-04-01"))
	if !strings.HasSuffix(p.LockNotice(), "mọi điều chỉnh phải ghi lý do.") || !p.RulesEditable || !p.ParentShown {
		t.Fatalf("province staff's page after the lock: %q %+v", p.LockNotice(), p.Rights)
	}
	err = target.SetSettings(ctx, f.db, f.provinceStaff, f.communeA, 2022, target.SettingsInput{Thresholds: target.DefaultThresholds, Profile: target.DefaultProfile})
	if !errors.Is(err, apperr.ErrConflict) || !strings.Contains(apperr.Message(err), "Người khác vừa sửa quy định") {
		t.Fatalf("settings saved over version 0 once version 1 is recorded: %v", err)
	}
}

func TestStrictRefusalOfTheTotalIsTheMessageAboveTheForm(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	if err := target.SetSettings(ctx, f.db, f.provinceStaff, f.province, 2022, target.SettingsInput{Strict: true,
		Thresholds: target.DefaultThresholds, Profile: target.DefaultProfile}); err != nil {
		t.Fatal(err)
	}
	g := target.Grid{Unit: f.communeA, Year: 2022, Entries: map[string]target.Typed{target.UnitField(f.cellA1): {Number: "3", Version: "0"}}}
	err := target.SaveGrid(ctx, f.db, f.communeStaff, g, spring2022)
	if msg := apperr.Message(err); apperr.Field(err, "total") == "" || !strings.HasPrefix(msg, "Chưa lưu được: Đảng bộ xã An Bình chưa có chỉ tiêu năm 2022") {
		t.Fatalf("strict refusal: %v (%q)", err, msg)
	}
}

// The rules form takes thresholds and milestones as typed, in points; "NaN" passes every
// comparison the rules make, so it must be refused where it is read, on its field.
func TestReadSettingsTakesPointsAndRefusesWhatIsNoNumber(t *testing.T) {
	typed := map[string]string{"ahead": "2,5 %", "on_track": "5", "behind": "NaN", "m1": "25", "m2": "Inf", "m3": "75"}
	in, errs := target.ReadSettings(func(f string) string { return typed[f] }, []string{"m1", "m2", "m3"})
	if in.Thresholds.Ahead != 2.5 || in.Thresholds.OnTrack != 5 || in.Profile[0] != 25 || in.Profile[2] != 75 {
		t.Errorf("read %+v %+v, want ahead 2,5, on track 5, milestones 25 and 75", in.Thresholds, in.Profile)
	}
	if len(errs) != 2 || errs["behind"] == "" || errs["m2"] == "" {
		t.Errorf("errors %v, want one on behind (NaN) and one on m2 (Inf)", errs)
	}
}
