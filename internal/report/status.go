package report

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"

	"ptdang/internal/org"
	"ptdang/internal/pg"
)

// CellStatus is where one cell's report for a quarter stands.
type CellStatus struct {
	CellID      int64
	CellCode    string
	CellName    string
	ParentName  string
	State       State
	Version     int
	Late        bool
	SubmittedAt *time.Time
	OnBehalf    bool
}

// UnitStatus is where the reports of a unit's cells stand for a quarter.
type UnitStatus struct {
	UnitName string
	Deadline time.Time // the cells' last day to send on time: their province's rule
	Cells    []CellStatus
}

// PeriodStatus lists every cell under unit (itself included if a cell) that existed at the end of
// p, with its report's state, in Vietnamese order. unit must be in scope on p's last day;
// otherwise apperr.ErrNotFound.
func PeriodStatus(ctx context.Context, q pg.Querier, scope org.Scope, unit int64, p Period) (UnitStatus, error) {
	u, err := org.GetPartyUnit(ctx, q, scope, unit, p.LastDay())
	if err != nil {
		return UnitStatus{}, err
	}
	// The deadline is the province's, the same for every cell under unit; a cell's extension
	// moves only its lock date.
	r := Report{CellID: unit, Period: p}
	if err := r.loadDeadlines(ctx, q); err != nil {
		return UnitStatus{}, err
	}
	cells, err := cellStatuses(ctx, q, unit, p)
	return UnitStatus{UnitName: u.Name, Deadline: r.Deadline, Cells: cells}, err
}

// cellStatuses lists the cells under unit on p's last day with their reports' states.
func cellStatuses(ctx context.Context, q pg.Querier, unit int64, p Period) ([]CellStatus, error) {
	rows, err := q.Query(ctx, cellsQuery("v.unit_id = ANY($4)", `u.id, u.code, v.name, COALESCE(pv.name, ''),
		COALESCE(r.state, 'not_started'), COALESCE(r.version, 0), COALESCE(r.late, false), r.submitted_at, COALESCE(r.on_behalf, false)`),
		p.LastDay(), p.Year, p.Quarter, []int64{unit})
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (CellStatus, error) {
		var c CellStatus
		err := row.Scan(&c.CellID, &c.CellCode, &c.CellName, &c.ParentName, &c.State, &c.Version, &c.Late, &c.SubmittedAt, &c.OnBehalf)
		return c, err
	})
}

// Revision is one saved state of a report.
type Revision struct {
	Version  int
	Action   string
	State    State
	Figures  Figures
	Reason   string
	By       string
	OnBehalf bool
	At       time.Time
}

// Revisions lists a report's history, oldest first; none for a report never saved. Its errors
// are Get's (apperr.ErrNotFound for a cell out of scope).
func Revisions(ctx context.Context, q pg.Querier, scope org.Scope, cell int64, p Period) ([]Revision, error) {
	r, err := Get(ctx, q, scope, cell, p)
	if err != nil || r.ID == 0 {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT version, action, state, figures, reason, by_login, on_behalf, at
		FROM quarterly_report_revision WHERE report_id = $1 ORDER BY version, id`, r.ID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (Revision, error) {
		var (
			v   Revision
			raw []byte
		)
		if err := row.Scan(&v.Version, &v.Action, &v.State, &raw, &v.Reason, &v.By, &v.OnBehalf, &v.At); err != nil {
			return v, err
		}
		return v, json.Unmarshal(raw, &v.Figures)
	})
}

// SinceReturn lists what changed in r since it was last returned or reopened: empty unless r is
// back with the cell, editable and with a reason. Its errors are Get's (apperr.ErrNotFound for
// a cell out of scope).
func SinceReturn(ctx context.Context, q pg.Querier, scope org.Scope, r Report) ([]Change, error) {
	if r.ReturnedReason == "" || !r.State.Editable() {
		return nil, nil
	}
	history, err := Revisions(ctx, q, scope, r.CellID, r.Period)
	if err != nil {
		return nil, err
	}
	for i := len(history) - 1; i >= 0; i-- {
		if history[i].Action == "return" || history[i].Action == "reopen" {
			return Diff(history[i].Figures, r.Figures), nil
		}
	}
	return nil, nil
}

// Change is one field that differs between two versions.
type Change struct {
	Key      string
	Label    string
	Old, New int
}

// Diff lists the fields that differ from a to b, in form order.
func Diff(a, b Figures) []Change {
	var out []Change
	for _, f := range Fields {
		if a[f.Key] != b[f.Key] {
			out = append(out, Change{Key: f.Key, Label: FullLabel(f.Key), Old: a[f.Key], New: b[f.Key]})
		}
	}
	return out
}

// ActionLabel is the Vietnamese name of a history action.
func ActionLabel(action string) string {
	return map[string]string{
		"save": "Lưu nháp", "submit": "Gửi", "return": "Trả lại", "approve": "Duyệt", "accept": "Tỉnh tiếp nhận",
		"request_reopen": "Xin mở lại", "reopen": "Mở lại để sửa", "import": "Nhập từ tệp",
	}[action]
}

// cellsQuery selects cols for each cell in the subtrees of the units roots picks (a condition on
// v, the versions on $1), on $1, with pv its parent's version and r its report for quarter $3 of
// year $2 (NULL when none): cells of one parent together, in Vietnamese order.
func cellsQuery(roots, cols string) string {
	return `
		WITH RECURSIVE sub (id) AS (
			SELECT v.unit_id FROM party_unit_version v
			WHERE v.valid_from <= $1 AND (v.valid_to IS NULL OR v.valid_to > $1) AND ` + roots + `
			UNION
			SELECT v.unit_id FROM party_unit_version v JOIN sub ON v.parent_id = sub.id
			WHERE v.valid_from <= $1 AND (v.valid_to IS NULL OR v.valid_to > $1)
		)
		SELECT ` + cols + `
		FROM sub
		JOIN party_unit u ON u.id = sub.id
		JOIN party_unit_version v ON v.unit_id = u.id AND v.valid_from <= $1 AND (v.valid_to IS NULL OR v.valid_to > $1)
		LEFT JOIN party_unit_version pv ON pv.unit_id = v.parent_id AND pv.valid_from <= $1 AND (pv.valid_to IS NULL OR pv.valid_to > $1)
		LEFT JOIN quarterly_report r ON r.cell_id = u.id AND r.year = $2 AND r.quarter = $3
		WHERE v.kind IN ('grassroots_cell', 'affiliated_cell')
		ORDER BY COALESCE(pv.name, '') COLLATE "vi-x-icu", v.name COLLATE "vi-x-icu", u.code`
}
