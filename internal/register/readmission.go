package register

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"ptdang/internal/apperr"
	"ptdang/internal/audit"
	"ptdang/internal/org"
	"ptdang/internal/pg"
)

// Readmission is what a readmission (kết nạp lại) is checked with: when and why the person left
// the Party, whether a conviction was expunged, whether they were readmitted before, and the
// provincial standing committee's consent.
type Readmission struct {
	LeftOn           time.Time
	Cause            string    // a code of LeaveCauses
	ExpungedOn       time.Time // a less-serious conviction (minor_crime): the day it was expunged
	ReadmittedBefore bool
	ConsentOn        time.Time
	ConsentDocument  string
}

// LeaveCauses are the causes of leaving the Party a readmission records; Excluded tells those
// never readmitted.
var LeaveCauses = []Option{
	{"family_hardship", "Xin ra khỏi Đảng vì lý do gia đình đặc biệt khó khăn"},
	{"minor_crime", "Bị kết án hình sự về tội phạm ít nghiêm trọng, đã được xóa án tích"},
	{"other", "Lý do khác (bị xóa tên, khai trừ… không thuộc các trường hợp dưới)"},
	{"abandoned", "Tự bỏ sinh hoạt Đảng"},
	{"applied_to_leave", "Tự nguyện xin ra khỏi Đảng (không vì lý do gia đình đặc biệt khó khăn)"},
	{"disunity", "Gây mất đoàn kết nội bộ nghiêm trọng"},
	{"corruption", "Bị kết án hình sự do tội tham nhũng"},
	{"serious_crime", "Bị kết án hình sự về tội phạm nghiêm trọng trở lên"},
}

// excludedCause tells the causes of leaving after which a person is never readmitted (the five
// cases of 294-QĐ/TW point 3.5.2 as reported).
func excludedCause(code string) bool {
	return code != "family_hardship" && code != "minor_crime" && code != "other"
}

// checkReadmission refuses the step itself ("kind": the facts are the file's, not the form's) by
// applying the readmission rules to the cell resolution s of file f, with the
// rule set of its day: out of the Party ReadmissionMonths, or after a less-serious conviction
// ReadmissionConvictionMonths since it was expunged, counted by month to the vote, the provincial consent recorded, never
// readmitted before, not left for an excluded cause.
func checkReadmission(ctx context.Context, q pg.Querier, f File, s Step) error {
	if !f.Readmission {
		return nil
	}
	m, err := readReadmission(ctx, q, f.ID)
	if errors.Is(err, pgx.ErrNoRows) {
		return &apperr.Invalid{Fields: map[string]string{"kind": "Kết nạp lại: cần ghi ngày ra khỏi Đảng, lý do và văn bản đồng ý của Ban Thường vụ Tỉnh ủy trước khi chi bộ xét."}}
	}
	if err != nil {
		return err
	}
	r := f.book.On(s.On)
	since, n, what := m.LeftOn, r.ReadmissionMonths, "ra khỏi Đảng"
	if m.Cause == "minor_crime" {
		since, n, what = m.ExpungedOn, r.ReadmissionConvictionMonths, "được xóa án tích"
	}
	inv := &apperr.Invalid{}
	switch {
	case m.ReadmittedBefore:
		inv.Add("kind", "Kết nạp lại: chỉ được kết nạp lại một lần; người này đã được kết nạp lại trước đây.")
	case excludedCause(m.Cause):
		inv.Add("kind", fmt.Sprintf("Kết nạp lại: không xem xét kết nạp lại người ra khỏi Đảng vì lý do “%s”.", LabelOf(LeaveCauses, m.Cause)))
	case ageInMonths(since, s.On) < n:
		inv.Add("kind", fmt.Sprintf("Kết nạp lại: %s từ %s, chưa đủ %d tháng vào ngày chi bộ xét.", what, dateText(since), n))
	case m.ConsentOn.IsZero() || m.ConsentDocument == "":
		inv.Add("kind", "Kết nạp lại: cần ghi văn bản đồng ý của Ban Thường vụ Tỉnh ủy (số và ngày).")
	}
	return inv.Err()
}

// readReadmission reads the readmission facts of file id; pgx.ErrNoRows when none are recorded.
func readReadmission(ctx context.Context, q pg.Querier, id int64) (Readmission, error) {
	var (
		m                 Readmission
		expunged, consent *time.Time
	)
	err := q.QueryRow(ctx, `SELECT left_on, cause, expunged_on, readmitted_before, consent_on, consent_document
		FROM candidate_readmission WHERE candidate_id = $1`, id).Scan(
		&m.LeftOn, &m.Cause, &expunged, &m.ReadmittedBefore, &consent, &m.ConsentDocument)
	for _, d := range []struct{ from, to *time.Time }{{expunged, &m.ExpungedOn}, {consent, &m.ConsentOn}} {
		if d.from != nil {
			*d.to = *d.from
		}
	}
	return m, err
}

// Readmission reads the readmission facts of file id in by's scope on today; ok is false when
// none are recorded. It returns apperr.ErrNotFound for a file outside by's scope.
func (r Register) Readmission(ctx context.Context, q pg.Querier, by org.Scope, id int64, today time.Time) (m Readmission, ok bool, err error) {
	if _, err := r.read(ctx, q, by, id, today); err != nil {
		return m, false, err
	}
	m, err = readReadmission(ctx, q, id)
	if errors.Is(err, pgx.ErrNoRows) {
		return m, false, nil
	}
	return m, err == nil, err
}

// check applies the rules on the facts alone, as of today, for a person born on birth.
func (m *Readmission) check(birth, today time.Time) error {
	m.ConsentDocument = strings.TrimSpace(m.ConsentDocument)
	inv := &apperr.Invalid{}
	if m.LeftOn.IsZero() || m.LeftOn.After(today) || !m.LeftOn.After(birth) {
		inv.Add("left_on", "Ngày ra khỏi Đảng: cần nhập, sau ngày sinh và không sau hôm nay.")
	}
	if LabelOf(LeaveCauses, m.Cause) == "" {
		inv.Add("cause", "Lý do ra khỏi Đảng: chọn một lý do.")
	}
	switch {
	case m.Cause == "minor_crime" && (m.ExpungedOn.IsZero() || m.ExpungedOn.After(today) || m.ExpungedOn.Before(m.LeftOn)):
		inv.Add("expunged_on", "Ngày được xóa án tích: cần nhập, từ ngày ra khỏi Đảng đến hôm nay.")
	case m.Cause != "minor_crime":
		m.ExpungedOn = time.Time{}
	}
	if !m.ConsentOn.IsZero() && (m.ConsentOn.After(today) || m.ConsentOn.Before(m.LeftOn)) {
		inv.Add("consent_on", "Ngày văn bản đồng ý: sau ngày ra khỏi Đảng và không sau hôm nay.")
	}
	if utf8.RuneCountInString(m.ConsentDocument) > 200 {
		inv.Add("consent_document", "Số văn bản đồng ý: tối đa 200 ký tự.")
	}
	return inv.Err()
}

// SetReadmission records the readmission facts m of file id (flagged as a readmission), read at
// version, in the name of by on today, and audits old → new; it returns the file's new version.
// It returns apperr.ErrNotFound for a file outside by's scope, apperr.ErrConflict when the file
// changed since version, and an *apperr.Invalid naming the field a rule refuses (also for a file
// not flagged as a readmission, or closed).
func (r Register) SetReadmission(ctx context.Context, db pg.Beginner, by org.Scope, id int64, version int, m Readmission, today time.Time) (int, error) {
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		f, err := r.claim(ctx, tx, by, id, version, today)
		if err != nil {
			return err
		}
		switch {
		case !f.Readmission:
			return &apperr.Invalid{Fields: map[string]string{"cause": "Hồ sơ không ghi là kết nạp lại."}}
		case f.Closed():
			return &apperr.Invalid{Fields: map[string]string{"cause": "Hồ sơ đã kết thúc: chỉ được xem, không sửa."}}
		}
		if err := m.check(f.BirthDate, today); err != nil {
			return err
		}
		old, err := readReadmission(ctx, tx, id)
		var was any
		if err == nil {
			was = old.audited()
		} else if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		_, err = tx.Exec(ctx, `
			INSERT INTO candidate_readmission (candidate_id, left_on, cause, expunged_on, readmitted_before,
				consent_on, consent_document)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (candidate_id) DO UPDATE SET left_on = $2, cause = $3, expunged_on = $4,
				readmitted_before = $5, consent_on = $6, consent_document = $7`,
			id, m.LeftOn, m.Cause, nullDate(m.ExpungedOn, true), m.ReadmittedBefore, nullDate(m.ConsentOn, true), m.ConsentDocument)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, by.Actor, audit.Entry{Action: "update", Entity: "candidate", EntityID: id,
			Label: label(id), UnitID: f.CellID, Old: was, New: m.audited()})
	})
	if err != nil {
		return 0, err
	}
	return version + 1, nil
}

// audited is m as the audit log keeps it.
func (m Readmission) audited() map[string]any {
	day := func(d time.Time) string {
		if d.IsZero() {
			return ""
		}
		return d.Format(time.RFC3339)
	}
	return map[string]any{"left_on": day(m.LeftOn), "cause": m.Cause, "expunged_on": day(m.ExpungedOn),
		"readmitted_before": m.ReadmittedBefore, "consent_on": day(m.ConsentOn), "consent_document": m.ConsentDocument}
}
