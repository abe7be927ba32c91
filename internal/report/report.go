package report

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"ptdang/internal/account"
	"ptdang/internal/apperr"
	"ptdang/internal/audit"
	"ptdang/internal/org"
	"ptdang/internal/pg"
	"ptdang/internal/quarter"
)

// State is where a report stands in its workflow.
type State string

// The states. NotStarted is never stored: it is the state of a report nobody has saved.
const (
	NotStarted State = "not_started"
	Draft      State = "draft"
	Submitted  State = "submitted"
	Returned   State = "returned"
	Approved   State = "approved"
	Accepted   State = "accepted"
)

var stateLabels = map[State]string{
	NotStarted: "Chưa nhập",
	Draft:      "Đang nhập (nháp)",
	Submitted:  "Đã gửi, chờ duyệt",
	Returned:   "Bị trả lại",
	Approved:   "Đã duyệt",
	Accepted:   "Tỉnh đã tiếp nhận",
}

// Label is the state's Vietnamese name.
func (s State) Label() string { return stateLabels[s] }

// Editable reports whether figures may still change in this state.
func (s State) Editable() bool { return s == NotStarted || s == Draft || s == Returned }

// Missing reports whether a report in this state counts as not yet sent (chưa gửi): the cell
// still owes it, and the status page lists it among the reminders.
func (s State) Missing() bool { return s == NotStarted || s == Draft || s == Returned }

// States lists every state in workflow order, for counts by state.
var States = []State{NotStarted, Draft, Returned, Submitted, Approved, Accepted}

// Period is one quarter (package quarter: the register counts over the same quarters).
type Period = quarter.Period

// NotEndedError: a report was written for a quarter that has not ended on the day of the attempt.
type NotEndedError struct{ Period Period }

func (e NotEndedError) Error() string {
	return fmt.Sprintf("%d Q%d has not ended", e.Period.Year, e.Period.Quarter)
}

// Unwrap makes a quarter not yet ended an apperr.ErrLocked.
func (e NotEndedError) Unwrap() error { return apperr.ErrLocked }

// Message is the Vietnamese explanation, naming the quarter and the first day it may be reported.
func (e NotEndedError) Message() string {
	return fmt.Sprintf("%s chưa kết thúc: chỉ nhập được báo cáo quý này từ ngày %s.", e.Period, e.Period.End().Format("02/01/2006"))
}

// CheckEnded returns a NotEndedError (an apperr.ErrLocked) when p has not ended on today, and nil
// otherwise.
func CheckEnded(p Period, today time.Time) error {
	if !p.Ended(today) {
		return NotEndedError{Period: p}
	}
	return nil
}

// Report is a cell's report for one quarter.
type Report struct {
	ID       int64 // 0 while NotStarted
	CellID   int64
	CellName string
	Period
	State           State
	Version         int
	Figures         Figures
	OnBehalf        bool
	UpdatedAt       *time.Time
	SubmittedAt     *time.Time
	Late            bool
	ReturnedReason  string
	ReopenRequested string
	Deadline        time.Time // last day to submit on time
	LocksOn         time.Time // from this day the cell can no longer enter, unless granted more time
	TwoStep         bool      // the province accepts after the commune approves
	ProvinceID      int64
	// Held: the caller's scope holds the cell where it stands now, so the caller may change the
	// report. A cell that moved belongs to its new parent for every quarter, open or reopened;
	// the parent it had at a quarter's end keeps reading that quarter, and only reading.
	Held bool
}

// Locked reports whether the period is closed to entry on today.
func (r Report) Locked(today time.Time) bool { return !today.Before(r.LocksOn) }

// Get returns the cell's report for p, or a new one (NotStarted) whose opening is last
// quarter's closing. The cell must be a cell in scope on the quarter's last day, or where it
// stands now (Report.Held); otherwise apperr.ErrNotFound.
func Get(ctx context.Context, q pg.Querier, scope org.Scope, cell int64, p Period) (Report, error) {
	if !p.Valid() {
		return Report{}, apperr.ErrNotFound
	}
	held, err := org.HoldsLatest(ctx, q, scope, cell)
	if err != nil {
		return Report{}, err
	}
	readAs := scope
	if held {
		readAs = org.Everything()
	}
	u, err := org.GetPartyUnit(ctx, q, readAs, cell, p.LastDay())
	if err != nil {
		return Report{}, err
	}
	if !u.Kind.IsCell() {
		return Report{}, apperr.ErrNotFound
	}
	r := Report{CellID: cell, CellName: u.Name, Period: p, State: NotStarted, Held: held}
	figs := make([]any, len(Fields))
	vals := make([]int, len(Fields))
	for i := range vals {
		figs[i] = &vals[i]
	}
	err = q.QueryRow(ctx, `
		SELECT id, state, version, on_behalf, updated_at, submitted_at, late, returned_reason, reopen_requested, `+columns+`
		FROM quarterly_report WHERE cell_id = $1 AND year = $2 AND quarter = $3`, cell, p.Year, p.Quarter).
		Scan(append([]any{&r.ID, &r.State, &r.Version, &r.OnBehalf, &r.UpdatedAt, &r.SubmittedAt, &r.Late, &r.ReturnedReason, &r.ReopenRequested}, figs...)...)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		r.Figures = Figures{}
		prev, err := figuresOf(ctx, q, cell, p.Previous())
		if err != nil {
			return Report{}, err
		}
		if prev != nil {
			r.Figures["opening"] = prev["closing"]
			r.Figures["closing"] = prev["closing"]
		}
	case err != nil:
		return Report{}, err
	default:
		r.Figures = Figures{}
		for i, f := range Fields {
			r.Figures[f.Key] = vals[i]
		}
	}
	err = r.loadDeadlines(ctx, q)
	return r, err
}

// figuresOf returns the stored figures of cell for p, nil when it has none.
func figuresOf(ctx context.Context, q pg.Querier, cell int64, p Period) (Figures, error) {
	vals := make([]int, len(Fields))
	figs := make([]any, len(Fields))
	for i := range vals {
		figs[i] = &vals[i]
	}
	err := q.QueryRow(ctx, `SELECT `+columns+` FROM quarterly_report WHERE cell_id = $1 AND year = $2 AND quarter = $3`,
		cell, p.Year, p.Quarter).Scan(figs...)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	f := Figures{}
	for i, fl := range Fields {
		f[fl.Key] = vals[i]
	}
	return f, nil
}

// Previous returns the cell's stored reports of the four quarters before p, for the unusual-value
// check and the "no movement" fill, latest first. It returns only database errors.
func Previous(ctx context.Context, q pg.Querier, cell int64, p Period) ([]Figures, error) {
	var out []Figures
	for i, pp := 0, p.Previous(); i < 4; i, pp = i+1, pp.Previous() {
		f, err := figuresOf(ctx, q, cell, pp)
		if err != nil {
			return nil, err
		}
		if f != nil {
			out = append(out, f)
		}
	}
	return out, nil
}

// loadDeadlines computes r's deadline and lock date from its province's settings and the
// cell's exception.
func (r *Report) loadDeadlines(ctx context.Context, q pg.Querier) error {
	days, grace := DefaultSettings.DeadlineDays, DefaultSettings.GraceDays
	var (
		until    *time.Time
		province *int64
	)
	err := q.QueryRow(ctx, `
		SELECT pr.province, COALESCE(s.deadline_days, $5), COALESCE(s.grace_days, $6), COALESCE(s.two_step, false),
			(SELECT e.until FROM report_exception e WHERE e.cell_id = $1 AND e.year = $2 AND e.quarter = $3)
		FROM (SELECT party_province_of($1, $4) AS province) pr
		LEFT JOIN report_setting s ON s.province_id = pr.province`,
		r.CellID, r.Year, r.Quarter, r.LastDay(), days, grace).
		Scan(&province, &days, &grace, &r.TwoStep, &until)
	if err != nil {
		return err
	}
	if province != nil {
		r.ProvinceID = *province
	}
	r.setDeadlines(days, grace, until)
	return nil
}

// setDeadlines sets r's deadline and lock date from its province's deadline and grace days and
// the cell's extension (nil when it has none).
func (r *Report) setDeadlines(days, grace int, until *time.Time) {
	r.Deadline = r.End().AddDate(0, 0, days-1)
	r.LocksOn = r.Deadline.AddDate(0, 0, grace+1)
	if until != nil && until.AddDate(0, 0, 1).After(r.LocksOn) {
		r.LocksOn = until.AddDate(0, 0, 1)
	}
}

// Entry is a save or submission of figures by a user.
type Entry struct {
	Version  int // the version the user edited; 0 for a report not started
	Figures  Figures
	OnBehalf bool   // entered by the commune for the cell
	Confirm  bool   // the user confirmed the unusual values
	Note     string // kept with the revision, e.g. the paper date of an imported report
}

// ErrLocked: the period is closed to entry for this cell (an apperr.ErrLocked).
var ErrLocked = apperr.Refuse(apperr.ErrLocked, "Đã quá thời hạn nhập báo cáo quý này.")

// The refusals of a save or a workflow step, with what the user is told.
var (
	errNotHeld          = apperr.Refuse(apperr.ErrForbidden, "Chi bộ nay thuộc đơn vị khác: đơn vị cấp trên hiện nay của chi bộ nhập, duyệt và mở lại báo cáo.")
	errNotEditable      = apperr.Refuse(apperr.ErrForbidden, "Báo cáo đã được gửi hoặc duyệt nên không sửa được nữa.")
	errSavedMeanwhile   = apperr.Refuse(apperr.ErrConflict, "Trong lúc đồng chí nhập, người khác vừa lưu báo cáo này.")
	errChangedMeanwhile = apperr.Refuse(apperr.ErrConflict, "Báo cáo vừa được người khác thay đổi; xin xem lại trạng thái hiện nay rồi thao tác lần nữa.")
	// A step the report's state does not allow: the state, not the user's role, stands in the way.
	errWrongState      = apperr.Refuse(apperr.ErrConflict, "Báo cáo đang ở trạng thái không cho phép thao tác này.")
	errNotOwnSecretary = apperr.Refuse(apperr.ErrForbidden, "Chỉ bí thư của chi bộ mới gửi được đề nghị mở lại báo cáo.")
)

// Warnings is returned (with nothing saved) when a submission has unusual values the user has
// not confirmed.
type Warnings = apperr.Warnings

// SaveDraft stores the figures as a draft and returns the report as saved: half-typed figures
// are kept, only figures out of range are refused (*apperr.Invalid). A returned report becomes
// a draft again, its reason kept. Its errors: apperr.ErrNotFound for a cell out of scope;
// apperr.ErrForbidden for a cell that has moved out of the caller's hands or a report already
// sent or approved; apperr.ErrConflict for a stale version or a save that races another one;
// ErrLocked for a locked period; NotEndedError for a quarter that has not ended.
func SaveDraft(ctx context.Context, db pg.Beginner, scope org.Scope, cell int64, p Period, e Entry, today time.Time) (Report, error) {
	return write(ctx, db, scope, cell, p, e, today, "save", Draft, false)
}

// Submit checks the figures (balance, breakdowns, unusual values unless confirmed), stores them,
// sends the report to the commune (late when today is after the deadline) and returns it as
// saved. Its errors are SaveDraft's, plus *apperr.Invalid for figures that break the rules and
// Warnings for unusual values not confirmed.
func Submit(ctx context.Context, db pg.Beginner, scope org.Scope, cell int64, p Period, e Entry, today time.Time) (Report, error) {
	return write(ctx, db, scope, cell, p, e, today, "submit", Submitted, false)
}

// editableStates are the stored states whose figures may change (NotStarted is never stored).
var editableStates = []string{string(Draft), string(Returned)}

// write stores e as the report's figures in state to and returns the report as stored. The
// checks run on a plain read; the write itself only happens if the row is still the version
// that was read (UPDATE … AND version = $n, or INSERT … ON CONFLICT DO NOTHING for the first
// save), so of two saves from the same version exactly one wins and the other is
// apperr.ErrConflict. lockExempt lets a historic import write into a locked period.
func write(ctx context.Context, db pg.Beginner, scope org.Scope, cell int64, p Period, e Entry, today time.Time, action string, to State, lockExempt bool) (Report, error) {
	var out Report
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		cur, err := Get(ctx, tx, scope, cell, p)
		if err != nil {
			return err
		}
		if err := cur.mayWrite(e.Version, today, lockExempt); err != nil {
			return err
		}
		// A cell that keeps a register reports what its files count, read in this transaction.
		t, err := FromRegister(ctx, tx, cur.CellID, cur.Period)
		if err != nil {
			return err
		}
		e.Figures = withRegister(e.Figures, t)
		if err := checkEntry(e.Figures, to).Err(); err != nil {
			return err
		}
		if to == Submitted && !e.Confirm {
			prev, err := Previous(ctx, tx, cell, p)
			if err != nil {
				return err
			}
			if w := e.Figures.Unusual(prev); len(w) > 0 {
				return Warnings(w)
			}
		}
		if out, err = store(ctx, tx, scope, cur, e, today, to); err != nil {
			return err
		}
		return logRevision(ctx, tx, scope, out, action, e.Note, cur.Figures)
	})
	return out, err
}

// mayWrite refuses a write over version of r on today: a cell out of the caller's hands, a
// quarter not ended, a stale version, a report no longer editable, a locked period.
func (r Report) mayWrite(version int, today time.Time, lockExempt bool) error {
	switch {
	case !r.Held:
		return errNotHeld
	case !r.Ended(today):
		return NotEndedError{Period: r.Period}
	case r.Version != version:
		return errSavedMeanwhile
	case !r.State.Editable():
		return errNotEditable
	case r.Locked(today) && !lockExempt:
		return ErrLocked
	}
	return nil
}

// store writes e over cur's row in state to, only if the row is still cur's version, and
// returns the report as stored (without reading it again).
func store(ctx context.Context, tx pgx.Tx, scope org.Scope, cur Report, e Entry, today time.Time, to State) (Report, error) {
	if cur.ID == 0 {
		// The first save: whoever inserts the row first wins; the others find it there.
		err := tx.QueryRow(ctx, `INSERT INTO quarterly_report (cell_id, year, quarter, version) VALUES ($1, $2, $3, 0)
			ON CONFLICT (cell_id, year, quarter) DO NOTHING RETURNING id`, cur.CellID, cur.Year, cur.Quarter).Scan(&cur.ID)
		if errors.Is(err, pgx.ErrNoRows) {
			return Report{}, errSavedMeanwhile
		}
		if err != nil {
			return Report{}, err
		}
	}
	out := cur
	out.State, out.OnBehalf, out.Figures = to, e.OnBehalf, Figures{}
	sets := make([]string, len(Fields))
	args := []any{cur.ID, e.Version, editableStates, to, scope.Actor.UserID, e.OnBehalf}
	for i, f := range Fields {
		out.Figures[f.Key] = e.Figures[f.Key]
		sets[i] = fmt.Sprintf("%s = $%d", f.Key, len(args)+1)
		args = append(args, e.Figures[f.Key])
	}
	submitted := to == Submitted
	args = append(args, submitted, submitted && today.After(cur.Deadline))
	n := len(args)
	err := tx.QueryRow(ctx, fmt.Sprintf(`
		UPDATE quarterly_report SET state = $4, updated_by = NULLIF($5, 0), on_behalf = $6, updated_at = now(), %s,
			submitted_at = CASE WHEN $%d THEN now() ELSE submitted_at END,
			late = CASE WHEN $%d THEN $%d ELSE late END,
			version = version + 1
		WHERE id = $1 AND version = $2 AND state = ANY($3)
		RETURNING version, updated_at, submitted_at, late`, strings.Join(sets, ", "), n-1, n-1, n), args...).
		Scan(&out.Version, &out.UpdatedAt, &out.SubmittedAt, &out.Late)
	if errors.Is(err, pgx.ErrNoRows) {
		return Report{}, errSavedMeanwhile
	}
	return out, err
}

// checkEntry applies the rules figures must meet to be stored in state to: never negative, and
// for a submission the hard rules of Figures.Check. The result holds a message per field.
func checkEntry(figs Figures, to State) *apperr.Invalid {
	inv := &apperr.Invalid{}
	for k, msg := range figs.rangeErrors() {
		inv.Add(k, msg)
	}
	if to == Submitted {
		for k, msg := range figs.Check() {
			inv.Add(k, msg)
		}
	}
	return inv
}

// revisionLogin is the name a revision is recorded under.
func revisionLogin(a audit.Actor) string {
	if a.Login == "" {
		return "hệ thống"
	}
	return a.Login
}

// logRevision records the report as it now is, in its history and in the audit log.
func logRevision(ctx context.Context, tx pgx.Tx, scope org.Scope, r Report, action, reason string, old Figures) error {
	figs, err := json.Marshal(r.Figures)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `
		INSERT INTO quarterly_report_revision (report_id, version, action, state, figures, reason, by_user, by_login, on_behalf)
		VALUES ($1, $2, $3, $4, $5, $6, NULLIF($7, 0), $8, $9)`,
		r.ID, r.Version, action, r.State, figs, reason, scope.Actor.UserID, revisionLogin(scope.Actor), r.OnBehalf); err != nil {
		return err
	}
	return audit.Record(ctx, tx, scope.Actor, revisionAudit(r, action, reason, old))
}

// revisionAudit is the audit entry of a revision of r by action: the state, and the figures
// that changed from old.
func revisionAudit(r Report, action, reason string, old Figures) audit.Entry {
	var changedOld, changedNew map[string]int
	for _, f := range Fields {
		if old[f.Key] != r.Figures[f.Key] {
			if changedOld == nil {
				changedOld, changedNew = map[string]int{}, map[string]int{}
			}
			changedOld[f.Key], changedNew[f.Key] = old[f.Key], r.Figures[f.Key]
		}
	}
	e := audit.Entry{Action: "report_" + action, Entity: "quarterly_report", EntityID: r.ID, UnitID: r.CellID,
		Label: fmt.Sprintf("%s %s", r.CellName, r.Period), Reason: reason,
		New: map[string]any{"state": r.State}}
	if changedNew != nil {
		e.Old, e.New = changedOld, map[string]any{"state": r.State, "figures": changedNew}
	}
	return e
}

// step is one move of a stored report along its workflow.
type step struct {
	action         string
	from           []State
	to             State
	set            string // the columns set besides state and version; $5 is the reason
	reasonRequired bool
}

var (
	stepReturn  = step{"return", []State{Submitted}, Returned, "returned_reason = $5, reopen_requested = ''", true}
	stepApprove = step{"approve", []State{Submitted}, Approved,
		"approved_at = now(), returned_reason = '', reopen_requested = CASE WHEN $5 = '' THEN reopen_requested ELSE $5 END", false}
	stepAccept = step{"accept", []State{Approved}, Accepted,
		"accepted_at = now(), reopen_requested = CASE WHEN $5 = '' THEN reopen_requested ELSE $5 END", false}
	stepRequestReopen = step{"request_reopen", []State{Approved}, Approved, "reopen_requested = $5", true}
	stepReopen        = step{"reopen", []State{Submitted, Approved, Accepted}, Draft,
		"reopen_requested = '', returned_reason = CASE WHEN $5 = '' THEN returned_reason ELSE $5 END", true}
)

// transition takes st on the report, recording reason. refused, when not nil, is returned
// once the report is known to be in a state st starts from: the caller may not take it.
func transition(ctx context.Context, db pg.Beginner, scope org.Scope, cell int64, p Period, version int, reason string, st step, refused error) (Report, error) {
	var out Report
	reason = strings.TrimSpace(reason)
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		cur, err := Get(ctx, tx, scope, cell, p)
		if err != nil {
			return err
		}
		if err := st.check(cur, version, reason, refused); err != nil {
			return err
		}
		// Only from the version and state that were read: of two steps taken at once (approve and
		// return), exactly one applies.
		from := make([]string, len(st.from))
		for i, s := range st.from {
			from[i] = string(s)
		}
		tag, err := tx.Exec(ctx, `UPDATE quarterly_report SET state = $4, `+st.set+`, version = version + 1, updated_at = now()
			WHERE id = $1 AND version = $2 AND state = ANY($3)`, cur.ID, version, from, st.to, reason)
		if err != nil {
			return err
		}
		if tag.RowsAffected() != 1 {
			return errChangedMeanwhile
		}
		if out, err = Get(ctx, tx, scope, cell, p); err != nil {
			return err
		}
		if err := logRevision(ctx, tx, scope, out, st.action, reason, out.Figures); err != nil {
			return err
		}
		return notifySecretaries(ctx, tx, out, st.action)
	})
	return out, err
}

// check refuses st on cur: a cell out of the caller's hands, a stale version, a state st does
// not start from, the caller's own refusal, a missing reason.
func (st step) check(cur Report, version int, reason string, refused error) error {
	switch {
	case !cur.Held:
		return errNotHeld
	case cur.Version != version:
		return errChangedMeanwhile
	case !slices.Contains(st.from, cur.State):
		return errWrongState
	case refused != nil:
		return refused
	case st.reasonRequired && reason == "":
		inv := &apperr.Invalid{}
		inv.Add("reason", "Xin ghi rõ lý do, để chi bộ biết cần sửa gì.")
		return inv
	}
	return nil
}

// The workflow steps' errors: apperr.ErrNotFound for a cell out of scope; apperr.ErrForbidden
// for a cell that has moved out of the caller's hands; apperr.ErrConflict for a stale version,
// a step that races another one, or a report in a state the step does not start from;
// *apperr.Invalid (field "reason") for a step that needs a reason and has none.

// Return sends a submitted report back to the cell with a reason it will see, and returns the
// report as it now is. Its errors are the workflow steps' (above).
func Return(ctx context.Context, db pg.Beginner, scope org.Scope, cell int64, p Period, version int, reason string) (Report, error) {
	return transition(ctx, db, scope, cell, p, version, reason, stepReturn, nil)
}

// Approve approves a submitted report, whose figures are then locked, and returns it. Its
// errors are the workflow steps' (above).
func Approve(ctx context.Context, db pg.Beginner, scope org.Scope, cell int64, p Period, version int) (Report, error) {
	return transition(ctx, db, scope, cell, p, version, "", stepApprove, nil)
}

// Accept is the province's second step, after the commune approved; it returns the report. Its
// errors are the workflow steps' (above).
func Accept(ctx context.Context, db pg.Beginner, scope org.Scope, cell int64, p Period, version int) (Report, error) {
	return transition(ctx, db, scope, cell, p, version, "", stepAccept, nil)
}

// RequestReopen records the cell's request, with its reason, to correct an approved report,
// and returns the report. Only the cell's own secretary may ask (OwnSecretary): anyone else
// gets apperr.ErrForbidden. Its other errors are the workflow steps' (above).
func RequestReopen(ctx context.Context, db pg.Beginner, scope org.Scope, by account.User, cell int64, p Period, version int, reason string) (Report, error) {
	var refused error
	if !OwnSecretary(by, cell) {
		refused = errNotOwnSecretary
	}
	return transition(ctx, db, scope, cell, p, version, reason, stepRequestReopen, refused)
}

// Reopen puts a submitted, approved or accepted report back into draft for correction, and
// returns it. Its errors are the workflow steps' (above).
func Reopen(ctx context.Context, db pg.Beginner, scope org.Scope, cell int64, p Period, version int, reason string) (Report, error) {
	return transition(ctx, db, scope, cell, p, version, reason, stepReopen, nil)
}

// Take takes the workflow step the report page's address names ("return", "approve", "accept",
// "reopen", "request-reopen") on cell's report for p, as user by acting with scope, and returns
// the report as it now is. An unknown step is apperr.ErrNotFound; the other errors are the
// step's own.
func Take(ctx context.Context, db pg.Beginner, scope org.Scope, by account.User, step string, cell int64, p Period, version int, reason string) (Report, error) {
	switch step {
	case "return":
		return Return(ctx, db, scope, cell, p, version, reason)
	case "approve":
		return Approve(ctx, db, scope, cell, p, version)
	case "accept":
		return Accept(ctx, db, scope, cell, p, version)
	case "reopen":
		return Reopen(ctx, db, scope, cell, p, version, reason)
	case "request-reopen":
		return RequestReopen(ctx, db, scope, by, cell, p, version, reason)
	}
	return Report{}, apperr.ErrNotFound
}
