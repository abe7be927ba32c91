package target

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"ptdang/internal/apperr"
	"ptdang/internal/audit"
	"ptdang/internal/org"
	"ptdang/internal/pg"
)

// Settings are a province's rules for the targets of one year. Units without a province
// committee above them (a tree whose top is another kind) take their top unit's.
type Settings struct {
	Province     int64 // the province committee (Tỉnh ủy, Thành ủy) they belong to
	ProvinceCode string
	ProvinceName string
	Strict       bool // the targets of the units below must add up to their parent's
	Thresholds   Thresholds
	Version      int // of the province-wide settings; 0 while none are recorded
	Year         int
	LockDate     *time.Time // from this day on the year's targets are locked; nil: never
	Profile      Profile
	YearVersion  int // of the year's settings; 0 while none are recorded
}

// Locked reports whether the year's targets are locked on today.
func (s Settings) Locked(today time.Time) bool {
	return s.LockDate != nil && !today.Before(*s.LockDate)
}

// yearStart is 1 January of year.
func yearStart(year int) time.Time { return time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC) }

// AsOf is the day whose tree a year's targets follow: 1 January, or the first day of a unit
// founded later that year (the communes of 1 July 2025 allocate their 2025 targets to the
// cells they started with).
func AsOf(u org.PartyUnit, year int) time.Time {
	d := yearStart(year)
	if u.Life.From.After(d) && u.Life.From.Year() == year {
		return u.Life.From
	}
	return d
}

// provinceOf returns the province committee unit belongs to on d: the unit itself or its
// nearest ancestor of that kind, failing that the top of its tree.
func provinceOf(ctx context.Context, q pg.Querier, unit int64, d time.Time) (int64, error) {
	var id int64
	err := q.QueryRow(ctx, `
		WITH RECURSIVE up (id, kind, parent_id, depth) AS (
			SELECT v.unit_id, v.kind, v.parent_id, 0 FROM party_version_at($1, $2) v
			UNION ALL
			SELECT v.unit_id, v.kind, v.parent_id, up.depth + 1
			FROM up CROSS JOIN LATERAL party_version_at(up.parent_id, $2) v
			WHERE up.parent_id IS NOT NULL AND up.depth < 32
		)
		SELECT id FROM up ORDER BY (kind = 'province_committee') DESC, (parent_id IS NULL) DESC, depth LIMIT 1`,
		unit, d).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, apperr.ErrNotFound
	}
	return id, err
}

// settingsFor reads the settings of province for year, the defaults where none are recorded.
// It checks no scope: whoever sees a unit may know the rules its targets follow.
func settingsFor(ctx context.Context, q pg.Querier, province int64, year int) (Settings, error) {
	s := Settings{Province: province, Year: year, Thresholds: DefaultThresholds, Profile: DefaultProfile}
	err := q.QueryRow(ctx, `
		SELECT p.code, COALESCE((SELECT v.name FROM party_version_at(p.id, $2) v), ''),
			COALESCE(s.strict_allocation, false), COALESCE(s.ahead_points::float8, $3), COALESCE(s.on_track_points::float8, $4),
			COALESCE(s.behind_points::float8, $5), COALESCE(s.version, 0)
		FROM party_unit p
		LEFT JOIN target_setting s ON s.province_id = p.id
		WHERE p.id = $1`, province, yearStart(year), DefaultThresholds.Ahead, DefaultThresholds.OnTrack, DefaultThresholds.Behind).
		Scan(&s.ProvinceCode, &s.ProvinceName, &s.Strict, &s.Thresholds.Ahead, &s.Thresholds.OnTrack, &s.Thresholds.Behind, &s.Version)
	if errors.Is(err, pgx.ErrNoRows) {
		return s, apperr.ErrNotFound
	}
	if err != nil {
		return s, err
	}
	var milestones []float64
	err = q.QueryRow(ctx, `SELECT lock_date, milestones::float8[], version FROM target_year WHERE province_id = $1 AND year = $2`,
		province, year).Scan(&s.LockDate, &milestones, &s.YearVersion)
	if errors.Is(err, pgx.ErrNoRows) {
		return s, nil
	}
	if err != nil {
		return s, err
	}
	copy(s.Profile[:], milestones)
	return s, nil
}

// inScope reports whether unit is within scope on d.
func inScope(ctx context.Context, q pg.Querier, scope org.Scope, unit int64, d time.Time) (bool, error) {
	if scope.All() {
		return true, nil
	}
	var ok bool
	err := q.QueryRow(ctx, `SELECT party_in_scope($1, $2, $3)`, unit, scope.SQLRoots(), d).Scan(&ok)
	return ok, err
}

// GetSettings returns the settings for year of the province that unit belongs to. Both the
// unit and its province committee must be within scope: apperr.ErrNotFound otherwise. Only
// those who may see the province committee (its staff) may change its settings.
func GetSettings(ctx context.Context, q pg.Querier, scope org.Scope, unit int64, year int) (Settings, error) {
	u, err := org.GetPartyUnit(ctx, q, scope, unit, yearStart(year))
	if err != nil {
		return Settings{}, err
	}
	d := AsOf(u, year)
	province, err := provinceOf(ctx, q, u.ID, d)
	if err != nil {
		return Settings{}, err
	}
	if ok, err := inScope(ctx, q, scope, province, d); err != nil {
		return Settings{}, err
	} else if !ok {
		return Settings{}, apperr.ErrNotFound
	}
	return settingsFor(ctx, q, province, year)
}

// SettingsInput is what province staff enter as the rules of their province for a year.
type SettingsInput struct {
	Strict     bool
	Thresholds Thresholds
	LockDate   *time.Time
	Profile    Profile
	// The versions of Settings the user saw; a different current one is apperr.ErrConflict.
	Version, YearVersion int
}

// errSettingsChanged answers a save over settings someone else changed meanwhile.
var errSettingsChanged = apperr.Refuse(apperr.ErrConflict,
	"Người khác vừa sửa quy định này trong lúc đồng chí nhập. Trang đã hiện quy định mới; xin nhập lại thay đổi của đồng chí.")

// SetSettings records the rules of the province that unit belongs to: the province-wide ones
// and those of year. Errors: apperr.ErrNotFound when the province committee is outside scope
// or year outside 2000–2100; apperr.ErrConflict, with a message, when in's versions are not
// the current ones; *apperr.Invalid on thresholds, lock_date and profile.
func SetSettings(ctx context.Context, db pg.Beginner, scope org.Scope, unit int64, year int, in SettingsInput) error {
	return pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		if !ValidYear(year) {
			return apperr.ErrNotFound
		}
		cur, err := GetSettings(ctx, tx, scope, unit, year)
		if err != nil {
			return err
		}
		if cur.Version != in.Version || cur.YearVersion != in.YearVersion {
			return errSettingsChanged
		}
		inv := &apperr.Invalid{}
		if msg := in.Thresholds.validate(); msg != "" {
			inv.Add("thresholds", msg)
		}
		if msg := in.Profile.validate(); msg != "" {
			inv.Add("profile", msg)
		}
		if in.LockDate != nil && (in.LockDate.Year() < year-1 || in.LockDate.Year() > year+1) {
			inv.Add("lock_date", "Ngày khóa chỉ tiêu phải trong khoảng từ đầu năm trước đến cuối năm sau năm giao chỉ tiêu.")
		}
		if err := inv.Err(); err != nil {
			return err
		}
		if cur.Strict != in.Strict || cur.Thresholds != in.Thresholds {
			if err := saveProvinceRules(ctx, tx, scope, cur, in); err != nil {
				return err
			}
		}
		if !sameDate(cur.LockDate, in.LockDate) || cur.Profile != in.Profile {
			return saveYearRules(ctx, tx, scope, cur, in)
		}
		return nil
	})
}

// saveProvinceRules writes in's province-wide rules over cur's, unless their version changed.
func saveProvinceRules(ctx context.Context, tx pgx.Tx, scope org.Scope, cur Settings, in SettingsInput) error {
	return saveRules(ctx, tx, scope, cur, "target_setting",
		map[string]any{"strict": cur.Strict, "thresholds": cur.Thresholds},
		map[string]any{"strict": in.Strict, "thresholds": in.Thresholds}, `
		INSERT INTO target_setting (province_id, strict_allocation, ahead_points, on_track_points, behind_points)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (province_id) DO UPDATE SET strict_allocation = $2, ahead_points = $3, on_track_points = $4,
			behind_points = $5, version = target_setting.version + 1
		WHERE target_setting.version = $6`,
		cur.Province, in.Strict, in.Thresholds.Ahead, in.Thresholds.OnTrack, in.Thresholds.Behind, in.Version)
}

// saveYearRules writes in's rules for cur's year over cur's, unless their version changed.
func saveYearRules(ctx context.Context, tx pgx.Tx, scope org.Scope, cur Settings, in SettingsInput) error {
	return saveRules(ctx, tx, scope, cur, "target_year",
		map[string]any{"year": cur.Year, "lock_date": cur.LockDate, "milestones": cur.Profile},
		map[string]any{"year": cur.Year, "lock_date": in.LockDate, "milestones": in.Profile}, `
		INSERT INTO target_year (province_id, year, lock_date, milestones) VALUES ($1, $2, $3, $4::float8[])
		ON CONFLICT (province_id, year) DO UPDATE SET lock_date = $3, milestones = $4::float8[], version = target_year.version + 1
		WHERE target_year.version = $5`,
		cur.Province, cur.Year, in.LockDate, in.Profile[:], in.YearVersion)
}

// saveRules runs upsert, which writes the rules of table unless their version changed, and
// audits the change from before to after: errSettingsChanged when it wrote nothing.
func saveRules(ctx context.Context, tx pgx.Tx, scope org.Scope, cur Settings, table string, before, after map[string]any, upsert string, args ...any) error {
	tag, err := tx.Exec(ctx, upsert, args...)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return errSettingsChanged
	}
	return audit.Record(ctx, tx, scope.Actor, audit.Entry{Action: "update", Entity: table, EntityID: cur.Province,
		Label: cur.ProvinceCode, UnitID: cur.Province, Old: before, New: after})
}

func sameDate(a, b *time.Time) bool {
	return (a == nil && b == nil) || (a != nil && b != nil && a.Equal(*b))
}

// Targets returns the targets of year recorded for units (absent: none set) and the settings
// of the province the first unit belongs to, to judge progress with. The caller has checked
// that units are in its scope: a unit's target and its province's pace are shown to anyone
// who may see the unit. A first unit that did not exist on 1 January of year, or whose
// province is unknown, is apperr.ErrNotFound.
func Targets(ctx context.Context, q pg.Querier, units []int64, year int) (map[int64]int, Settings, error) {
	out := map[int64]int{}
	if len(units) == 0 {
		return out, Settings{}, nil
	}
	rows, err := q.Query(ctx, `SELECT unit_id, target FROM admission_target WHERE year = $1 AND unit_id = ANY ($2)`, year, units)
	if err != nil {
		return nil, Settings{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var unit int64
		var n int
		if err := rows.Scan(&unit, &n); err != nil {
			return nil, Settings{}, err
		}
		out[unit] = n
	}
	if err := rows.Err(); err != nil {
		return nil, Settings{}, err
	}
	province, err := provinceOf(ctx, q, units[0], yearStart(year))
	if err != nil {
		return nil, Settings{}, err
	}
	s, err := settingsFor(ctx, q, province, year)
	return out, s, err
}

// ValidYear reports whether targets may be kept for year: 2000 to 2100.
func ValidYear(year int) bool { return year >= 2000 && year <= 2100 }

// TopUnit is the unit the targets pages of scope start at in year: the first unit at the top
// of what scope holds on 1 January. apperr.ErrNotFound when scope holds none.
func TopUnit(ctx context.Context, q pg.Querier, scope org.Scope, year int) (int64, error) {
	tops, err := org.PartyChildren(ctx, q, scope, 0, yearStart(year))
	if err != nil {
		return 0, err
	}
	if len(tops) == 0 {
		return 0, apperr.ErrNotFound
	}
	return tops[0].ID, nil
}
