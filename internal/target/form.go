package target

import (
	"context"
	"iter"
	"strconv"
	"strings"

	"ptdang/internal/apperr"
	"ptdang/internal/format"
	"ptdang/internal/org"
	"ptdang/internal/pg"
)

// ReadSettings reads the rules form, value giving each field's text: the thresholds in
// percentage points and the milestones named by milestones (the fourth is always 100 %), each
// as "5", "2,5" or "2.5 %". A malformed number is a message on its field in errs. The lock
// date is left to the caller.
func ReadSettings(value func(field string) string, milestones []string) (in SettingsInput, errs map[string]string) {
	errs = map[string]string{}
	decimal := func(name, msg string) float64 {
		x, bad := format.ReadPoints(value(name))
		if bad != "" {
			errs[name] = msg
		}
		return x
	}
	in = SettingsInput{Strict: value("strict") != "", Profile: Profile{3: 100}}
	in.Thresholds.Ahead = decimal("ahead", "Nhập số điểm phần trăm, ví dụ 5.")
	in.Thresholds.OnTrack = decimal("on_track", "Nhập số điểm phần trăm, ví dụ 5.")
	in.Thresholds.Behind = decimal("behind", "Nhập số điểm phần trăm, ví dụ 15.")
	for i, name := range milestones {
		in.Profile[i] = decimal(name, "Nhập phần trăm chỉ tiêu, ví dụ 25.")
	}
	in.Version, _ = strconv.Atoi(value("version"))
	in.YearVersion, _ = strconv.Atoi(value("year_version"))
	return in, errs
}

// ReadGrid reads the allocation page of unit and year as typed, fields naming what was sent and
// value giving each one's text: an entry for the unit's own target ("total") and for each unit
// below ("u" and its id) whose number field was sent.
func ReadGrid(unit int64, year int, fields iter.Seq[string], value func(field string) string) Grid {
	g := Grid{Unit: unit, Year: year, Basis: Basis(value("basis")), Reason: value("reason"),
		Preview: value("action") == "preview", Entries: map[string]Typed{}}
	for key := range fields {
		id, isUnit := strings.CutPrefix(key, "u")
		if _, err := strconv.ParseInt(id, 10, 64); key == "total" || isUnit && err == nil {
			g.Entries[key] = Typed{Number: value(key), Share: value(key + "_share"),
				Base: value(key + "_base"), Version: value(key + "_version")}
		}
	}
	return g
}

// UnitYear reads the unit and year a targets address names, as typed. A missing year is
// thisYear; a missing unit is TopUnit's, unless required. A malformed or out-of-range value is
// apperr.ErrNotFound, but when lenient (a page rather than a save) a malformed year is thisYear.
func UnitYear(ctx context.Context, q pg.Querier, scope org.Scope, unit, year string, thisYear int, required, lenient bool) (int64, int, error) {
	y := thisYear
	if t := strings.TrimSpace(year); t != "" {
		n, err := strconv.Atoi(strings.ReplaceAll(t, ".", ""))
		switch {
		case err == nil && ValidYear(n):
			y = n
		case !lenient:
			return 0, 0, apperr.ErrNotFound
		}
	}
	if t := strings.TrimSpace(unit); t != "" {
		id, err := strconv.ParseInt(t, 10, 64)
		if err != nil || id <= 0 {
			return 0, 0, apperr.ErrNotFound
		}
		return id, y, nil
	}
	if required {
		return 0, 0, apperr.ErrNotFound
	}
	id, err := TopUnit(ctx, q, scope, y)
	return id, y, err
}
