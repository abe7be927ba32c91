package format

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

func TestInt(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 934: "934", 1827: "1.827", 76174: "76.174", 5600000: "5.600.000", -48: "-48"} {
		if got := Int(n); got != want {
			t.Errorf("Int(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestPercent(t *testing.T) {
	cases := []struct {
		p    float64
		want string
	}{
		{934.0 / 1300 * 100, "71,85 %"},
		{925.0 / 962 * 100, "96,15 %"},
		{1164.0 / 1827 * 100, "63,71 %"},
		{100, "100,00 %"},
		{-48.0244, "-48,02 %"},
		{1234.5, "1.234,50 %"},
		{math.NaN(), "—"},
		{math.Inf(1), "—"},
	}
	for _, c := range cases {
		if got := Percent(c.p); got != c.want {
			t.Errorf("Percent(%v) = %q, want %q", c.p, got, c.want)
		}
	}
}

func TestDate(t *testing.T) {
	d := time.Date(2022, 6, 30, 14, 5, 0, 0, time.UTC)
	if got := Date(d); got != "30/06/2022" {
		t.Errorf("Date = %q", got)
	}
	if got := DateTime(d); got != "30/06/2022 14:05" {
		t.Errorf("DateTime = %q", got)
	}
}

func TestParseDateAcceptsVietnameseAndInputForms(t *testing.T) {
	want := time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC)
	for _, s := range []string{"01/07/2025", "1/7/2025", "2025-07-01", " 01/07/2025 "} {
		if d, err := ParseDate(s); err != nil || !d.Equal(want) {
			t.Errorf("ParseDate(%q) = %v, %v", s, d, err)
		}
	}
	for _, s := range []string{"31/02/2025", "07/01", "hôm nay", ""} {
		if _, err := ParseDate(s); err == nil {
			t.Errorf("ParseDate(%q) accepted", s)
		}
	}
}

func TestTodayIsVietnamsDate(t *testing.T) {
	late := time.Date(2026, 11, 23, 18, 30, 0, 0, time.UTC) // 01:30 on the 24th in Hà Nội
	if got := Today(late); !got.Equal(time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("Today = %v", got)
	}
}

// TestFastPathsWriteWhatThePrinterWrites holds Int and Percent to x/text's Vietnamese printer,
// which they stand in for.
func TestFastPathsWriteWhatThePrinterWrites(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	ints := []int64{0, 9, -9, 999, 1000, -1000, 1827, 76174, 999999, 1000000, -1234567, math.MaxInt64, math.MinInt64 + 1}
	for range 20000 {
		ints = append(ints, rng.Int64N(2e9)-1e9, rng.Int64N(20000)-10000)
	}
	for _, n := range ints {
		if got, want := Int(n), printer.Sprintf("%d", n); got != want {
			t.Fatalf("Int(%d) = %q, the printer writes %q", n, got, want)
		}
	}
	floats := []float64{0, math.Copysign(0, -1), 0.004, 0.005, 0.015, 0.125, 2.675, 71.84615384615385, 96.15384615384616, -48.02, 99.995, 999.49, 999.4999, -999.49, 1e-9, -1e-9}
	for range 20000 {
		floats = append(floats, rng.Float64()*2000-1000, float64(rng.IntN(100000))/1000)
	}
	for _, p := range floats {
		if got, want := Percent(p), printer.Sprintf("%.2f", p)+" %"; got != want {
			t.Fatalf("Percent(%v) = %q, the printer writes %q", p, got, want)
		}
	}
}
