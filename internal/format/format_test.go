package format

import (
	"math"
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
