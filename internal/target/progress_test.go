package target_test

import (
	"math"
	"testing"

	"ptdang/internal/format"
	"ptdang/internal/orgtest"
	"ptdang/internal/target"
)

func TestShareTargetIsRoundedUpToAWholePerson(t *testing.T) {
	for _, c := range []struct {
		share target.Share
		base  int
		want  int
	}{
		{300, 76174, 2286}, // DOMAIN.md: "at least 3 %" of Đồng Nai's 76.174 members: 2.285,22 → 2.286
		{300, 100, 3},      // exact: no rounding
		{700, 100, 7},      // 0,07 × 100 is 7,000000000000001 in binary floating point; not here
		{250, 1, 1},        // a fraction of a person is a person
		{1, 10000, 1},      // 0,01 % of 10.000
		{10000, 55, 55},    // 100 %
		{300, 0, 0},
	} {
		if got := target.FromShare(c.share, c.base); got != c.want {
			t.Errorf("FromShare(%s, %d) = %d, want %d", c.share, c.base, got, c.want)
		}
	}
	if got := format.Int(int64(target.FromShare(300, 76174))); got != "2.286" {
		t.Errorf("3 %% of 76.174 shows %q", got)
	}
}

func TestSharesAreReadAsPeopleTypeThem(t *testing.T) {
	for text, want := range map[string]target.Share{"3": 300, "3 %": 300, "2,75": 275, "2.75%": 275, "2,5": 250, "100": 10000, "0,01": 1} {
		if got, ok := target.ParseShare(text); !ok || got != want {
			t.Errorf("ParseShare(%q) = %d, %v; want %d", text, got, ok, want)
		}
	}
	for _, bad := range []string{"", "ba", "2,755", "-3", "101", "1.000", "3,,5"} {
		if got, ok := target.ParseShare(bad); ok {
			t.Errorf("ParseShare(%q) = %d, want refused", bad, got)
		}
	}
	for share, want := range map[target.Share]string{300: "3 %", 275: "2,75 %", 250: "2,5 %", 5: "0,05 %"} {
		if got := share.String(); got != want {
			t.Errorf("Share(%d) writes %q, want %q", share, got, want)
		}
	}
	if s, ok := target.ShareFromFraction(0.03); !ok || s != 300 {
		t.Errorf("0,03 is %d %v", s, ok)
	}
	if _, ok := target.ShareFromFraction(0.12345); ok {
		t.Error("0,12345 (12,345 %) has three decimals of a percent and was accepted")
	}
}

var day = orgtest.Day

func TestProgressReproducesDongThapFirstHalfOf2022(t *testing.T) {
	last := 1164
	p := target.Compute(target.ProgressInput{Target: 1300, Admitted: 934, Quarters: 2,
		Thresholds: target.DefaultThresholds, LastYear: &last})
	if got := format.Percent(p.Percent); got != "71,85 %" {
		t.Errorf("934 / 1.300 shows %q, want 71,85 %% (DOMAIN.md)", got)
	}
	if p.Expected != 50 {
		t.Errorf("an even pace expects %v %% by 30/06, want 50", p.Expected)
	}
	if p.Status != target.Ahead || p.Status.Label() != "Vượt tiến độ" {
		t.Errorf("71,85 %% against 50 %% expected is %q", p.Status)
	}
	if p.Projection != 1868 || format.Percent(p.ProjectedPercent) != "143,69 %" {
		t.Errorf("projection %d (%s), want 934 ÷ 50 %% = 1.868", p.Projection, format.Percent(p.ProjectedPercent))
	}
	if got := format.Percent(p.YoY); got != "-19,76 %" {
		t.Errorf("YoY %q", got)
	}
}

func TestYearOverYearReproducesDongNai2021Against2018(t *testing.T) {
	last := 1164
	p := target.Compute(target.ProgressInput{Admitted: 605, Quarters: 4, LastYear: &last})
	if got := format.Percent(p.YoY); got != "-48,02 %" {
		t.Errorf("(605 − 1.164) / 1.164 shows %q, want −48,02 %% (DOMAIN.md)", got)
	}
	if p.Status != target.NoTarget || !math.IsNaN(p.Percent) || format.Percent(p.Percent) != "—" {
		t.Errorf("without a target: status %q, percent %v", p.Status, p.Percent)
	}
	if p := target.Compute(target.ProgressInput{Admitted: 5, Quarters: 4}); !math.IsNaN(p.YoY) {
		t.Errorf("YoY without last year's figure: %v", p.YoY)
	}
}

func TestExpectedPaceFollowsTheMilestonesLinearlyWithinEachQuarter(t *testing.T) {
	profile := target.Profile{20, 45, 70, 100}
	for _, c := range []struct {
		day  string
		want float64
	}{
		{"2022-03-31", 20},
		{"2022-06-30", 45},
		{"2022-09-30", 70},
		{"2022-12-31", 100},
		{"2022-02-14", 20 * 45.0 / 90},       // 45 of Q1's 90 days
		{"2022-05-16", 20 + 25*46.0/91},      // 46 of Q2's 91 days
		{"2024-02-29", 20 * 60.0 / 91},       // a leap year's first quarter has 91 days
		{"2022-10-01", 70 + 30*1.0/92},       // the first day of Q4 counts as done
		{"2022-01-01", 20 * 1.0 / 90},        // so does the first day of the year
		{"2023-11-15", 70 + 30*(31+15)/92.0}, // any year
	} {
		if got := profile.Expected(day(c.day)); math.Abs(got-c.want) > 1e-9 {
			t.Errorf("expected by %s: %v, want %v", c.day, got, c.want)
		}
	}
	if got := (target.Profile{}).Expected(day("2022-06-30")); got != 50 {
		t.Errorf("the zero profile is the even one: %v", got)
	}
}

func TestExpectedByEndedQuartersIsTheLastMilestone(t *testing.T) {
	profile := target.Profile{20, 45, 70, 100}
	for quarters, want := range []float64{0, 20, 45, 70, 100} {
		if got := profile.ExpectedBy(quarters); got != want {
			t.Errorf("expected once %d quarters ended: %v, want %v", quarters, got, want)
		}
	}
	if got := (target.Profile{}).ExpectedBy(2); got != 50 {
		t.Errorf("the zero profile is the even one: %v", got)
	}
}

func TestStatusFollowsTheThresholds(t *testing.T) {
	th := target.Thresholds{Ahead: 5, OnTrack: 5, Behind: 15}
	// Target 1.000, 30/06, even pace: 50 % (500) expected.
	for admitted, want := range map[int]target.Status{
		550: target.Ahead,     // +5 points
		549: target.OnTrack,   // +4,9
		450: target.OnTrack,   // −5
		449: target.Behind,    // −5,1
		350: target.Behind,    // −15
		349: target.FarBehind, // −15,1
		0:   target.FarBehind,
	} {
		p := target.Compute(target.ProgressInput{Target: 1000, Admitted: admitted, Quarters: 2, Thresholds: th})
		if p.Status != want {
			t.Errorf("%d of 1.000 by 30/06: %s, want %s", admitted, p.Status, want)
		}
	}
	// Behind a profile that expects little early on, the same count is ahead.
	p := target.Compute(target.ProgressInput{Target: 1000, Admitted: 300, Quarters: 2, Profile: target.Profile{10, 25, 60, 100}, Thresholds: th})
	if p.Status != target.Ahead || p.Projection != 1200 {
		t.Errorf("300 of 1.000 against a 25 %% milestone: %s, projection %d", p.Status, p.Projection)
	}
}
