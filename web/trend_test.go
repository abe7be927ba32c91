package web

import (
	"regexp"
	"strings"
	"testing"

	"ptdang/internal/dashboard"
)

// The admissions trend counts whole people, the Vietnamese way, on an axis of round steps.
func TestTrendAxisCountsWholePeople(t *testing.T) {
	for top, want := range map[float64]float64{0: 1, 3: 1, 5: 1, 6: 2, 10: 2, 11: 5, 25: 5, 26: 10, 161: 50, 1827: 500} {
		if got := niceStep(top); got != want {
			t.Errorf("niceStep(%v) = %v, want %v", top, got, want)
		}
	}
	if wholePeople(0.5) != "" || wholePeople(1827) != "1.827" {
		t.Errorf("wholePeople(0.5) = %q, wholePeople(1827) = %q", wholePeople(0.5), wholePeople(1827))
	}
	var d dashboard.Dashboard
	d.Year, d.Quarters = 2026, 2
	d.Total.AdmittedByQuarter, d.Total.LastYearByQuarter = [4]int{1, 0, 0, 0}, [4]int{0, 1, 0, 1}
	svg, err := TrendSVG(d)
	if err != nil {
		t.Fatal(err)
	}
	labels := regexp.MustCompile(`>([^<>]+)</text>`).FindAllStringSubmatch(string(svg), -1)
	var text []string
	for _, l := range labels {
		text = append(text, strings.TrimSpace(l[1]))
	}
	all := strings.Join(text, " | ")
	if strings.Contains(all, ".5") || strings.Contains(all, ",5") || !strings.Contains(all, "Quý 4") {
		t.Errorf("the trend's text: %s", all)
	}
}
