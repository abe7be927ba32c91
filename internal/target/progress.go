package target

import (
	"math"
	"time"
)

// Profile is the milestone profile of a year (tiến độ theo quý): the cumulative percent of the
// target expected by the end of each quarter. The last is always 100.
type Profile [4]float64

// DefaultProfile is an even pace: a quarter of the target each quarter.
var DefaultProfile = Profile{25, 50, 75, 100}

// validate reports the problem with p in Vietnamese, "" when it is a profile.
func (p Profile) validate() string {
	prev := 0.0
	for i, m := range p {
		if math.IsNaN(m) || m < prev || m > 100 {
			return "Tiến độ theo quý phải tăng dần từ 0 % đến 100 %."
		}
		if i == 3 && m != 100 {
			return "Hết quý IV phải đạt 100 % chỉ tiêu."
		}
		prev = m
	}
	return ""
}

// Expected is the percent of the year's target expected by the end of day d: within a quarter
// it grows linearly, by day, from the previous quarter's milestone (0 before the first) to the
// quarter's own, reached on the quarter's last day. With the even profile, 30/06 expects
// 50 %. A zero Profile is DefaultProfile.
func (p Profile) Expected(d time.Time) float64 {
	if p == (Profile{}) {
		p = DefaultProfile
	}
	q := (int(d.Month()) - 1) / 3
	start := time.Date(d.Year(), time.Month(3*q+1), 1, 0, 0, 0, 0, time.UTC)
	end := start.AddDate(0, 3, 0)
	day := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
	elapsed := day.Sub(start).Hours()/24 + 1 // the day d counts as done
	length := end.Sub(start).Hours() / 24
	prev := 0.0
	if q > 0 {
		prev = p[q-1]
	}
	return prev + (p[q]-prev)*elapsed/length
}

// ExpectedBy is the percent of the year's target expected once quarters (0–4) of the year have
// ended: the milestone of the last of them, 0 before the first.
func (p Profile) ExpectedBy(quarters int) float64 {
	if p == (Profile{}) {
		p = DefaultProfile
	}
	if quarters <= 0 {
		return 0
	}
	return p[min(quarters, 4)-1]
}

// Thresholds place progress against the expected pace, in percentage points of the target:
// ahead from Expected + Ahead; on track down to Expected − OnTrack; behind down to
// Expected − Behind; far behind below.
type Thresholds struct {
	Ahead, OnTrack, Behind float64
}

// DefaultThresholds are ±5 points on track, 15 points behind.
var DefaultThresholds = Thresholds{Ahead: 5, OnTrack: 5, Behind: 15}

// validate reports the problem with t in Vietnamese, "" when there is none.
func (t Thresholds) validate() string {
	switch {
	case t.Ahead < 0 || t.OnTrack < 0 || t.Behind < 0 || t.Ahead > 100 || t.Behind > 100:
		return "Các ngưỡng là số điểm phần trăm từ 0 đến 100."
	case t.Behind < t.OnTrack:
		return "Ngưỡng “chậm” phải lớn hơn hoặc bằng ngưỡng “đúng tiến độ”."
	}
	return ""
}

// Status is how progress stands against the expected pace.
type Status string

// The statuses.
const (
	NoTarget  Status = "none"
	Ahead     Status = "ahead"
	OnTrack   Status = "on_track"
	Behind    Status = "behind"
	FarBehind Status = "far_behind"
)

var statusLabels = map[Status]string{
	NoTarget:  "Chưa có chỉ tiêu",
	Ahead:     "Vượt tiến độ",
	OnTrack:   "Đúng tiến độ",
	Behind:    "Chậm tiến độ",
	FarBehind: "Chậm nhiều so với tiến độ",
}

// Label is the status's Vietnamese name.
func (s Status) Label() string { return statusLabels[s] }

// ProgressInput is what Compute judges: the numbers come from the quarterly reports, so they
// stand on the last day of a quarter, and the pace is judged on that day, not on the day someone
// looks (on 29/09, before Q3's reports, the count stands on 30/06 and so does the pace).
type ProgressInput struct {
	Target   int // the year's target; 0 when none is set
	Admitted int // admitted in the first Quarters quarters of the year
	// Quarters are the quarters of the year (0–4) whose reports Admitted counts.
	Quarters   int
	Profile    Profile // the year's milestones; zero is DefaultProfile
	Thresholds Thresholds
	// LastYear is the number admitted in the same quarters of last year; nil when unknown.
	LastYear *int
}

// Progress is the judgement of one unit's admissions against its target.
type Progress struct {
	Percent  float64 // admitted / target × 100; NaN without a target
	Expected float64 // percent of the target the profile expects by the end of the Quarters
	Gap      float64 // Percent − Expected, in points; NaN without a target
	Status   Status
	// Projection is the year's admissions if the pace so far holds to 31 December, following
	// the profile: Admitted × 100 / Expected, rounded to the nearest whole person. Before
	// anything is expected (Expected 0) it is Admitted.
	Projection int
	// ProjectedPercent is Projection / target × 100; NaN without a target.
	ProjectedPercent float64
	// YoY is (Admitted − LastYear) / LastYear × 100; NaN when LastYear is unknown or 0.
	YoY float64
}

// Compute judges in; it is the one progress computation every page and the API use. Seed:
// a target of 1.300 with 934 admitted by 30/06/2022 is 71,85 %, 21,85 points ahead of the
// 50 % an even pace expects.
func Compute(in ProgressInput) Progress {
	p := Progress{Expected: in.Profile.ExpectedBy(in.Quarters), Percent: math.NaN(), Gap: math.NaN(),
		ProjectedPercent: math.NaN(), YoY: math.NaN(), Status: NoTarget}
	p.Projection = in.Admitted
	if p.Expected > 0 {
		p.Projection = int(math.Round(float64(in.Admitted) * 100 / p.Expected))
	}
	if in.LastYear != nil && *in.LastYear != 0 {
		p.YoY = float64(in.Admitted-*in.LastYear) / float64(*in.LastYear) * 100
	}
	if in.Target <= 0 {
		return p
	}
	p.Percent = float64(in.Admitted) / float64(in.Target) * 100
	p.ProjectedPercent = float64(p.Projection) / float64(in.Target) * 100
	p.Gap = p.Percent - p.Expected
	// Compared in hundredths of a point, as the percentages are shown, so that a gap shown as
	// −5,00 is on track and not behind by a rounding error.
	gap := math.Round(p.Gap * 100)
	switch t := in.Thresholds; {
	case gap >= math.Round(t.Ahead*100):
		p.Status = Ahead
	case gap >= -math.Round(t.OnTrack*100):
		p.Status = OnTrack
	case gap >= -math.Round(t.Behind*100):
		p.Status = Behind
	default:
		p.Status = FarBehind
	}
	return p
}
