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
	LeftOn             time.Time
	Cause              string // a code of LeaveCauses
	ConvictionExpunged bool   // left after a less-serious conviction, since expunged
	ReadmittedBefore   bool
	ConsentOn          time.Time
	ConsentDocument    string
}

// LeaveCauses are the causes of leaving the Party a readmission records; Excluded tells those
// never readmitted.
var LeaveCauses = []Option{
	{"family_hardship", "Xin ra khỏi Đảng vì hoàn cảnh gia đình khó khăn"},
	{"other", "Lý do khác (bị xóa tên, khai trừ… không thuộc các trường hợp dưới)"},
	{"abandoned", "Tự ý bỏ sinh hoạt Đảng"},
	{"applied_to_leave", "Xin ra khỏi Đảng (không vì hoàn cảnh gia đình)"},
	{"disunity", "Gây mất đoàn kết nghiêm trọng"},
	{"corruption_or_serious_crime", "Bị kết án về tội tham nhũng hoặc tội nghiêm trọng trở lên"},
}

// excludedCause tells the causes of leaving after which a person is never readmitted.
func excludedCause(code string) bool {
	return code != "family_hardship" && code != "other"
}

// checkReadmission refuses the step itself ("kind": the facts are the file's, not the form's) by
// applying the readmission rules to the cell resolution s of file f, with the
// rule set of its day: out of the Party ReadmissionMonths (ReadmissionConvictionMonths after an
// expunged conviction) counted by month to the vote, the provincial consent recorded, never
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
	n := r.ReadmissionMonths
	if m.ConvictionExpunged {
		n = r.ReadmissionConvictionMonths
	}
	inv := &apperr.Invalid{}
	switch {
	case m.ReadmittedBefore:
		inv.Add("kind", "Kết nạp lại: chỉ được kết nạp lại một lần; người này đã được kết nạp lại trước đây.")
	case excludedCause(m.Cause):
		inv.Add("kind", fmt.Sprintf("Kết nạp lại: không xem xét kết nạp lại người ra khỏi Đảng vì lý do “%s”.", LabelOf(LeaveCauses, m.Cause)))
	case ageInMonths(m.LeftOn, s.On) < n:
		inv.Add("kind", fmt.Sprintf("Kết nạp lại: ra khỏi Đảng từ %s, chưa đủ %d tháng vào ngày chi bộ xét.", dateText(m.LeftOn), n))
	case m.ConsentOn.IsZero() || m.ConsentDocument == "":
		inv.Add("kind", "Kết nạp lại: cần ghi văn bản đồng ý của Ban Thường vụ Tỉnh ủy (số và ngày).")
	}
	return inv.Err()
}

// readReadmission reads the readmission facts of file id; pgx.ErrNoRows when none are recorded.
func readReadmission(ctx context.Context, q pg.Querier, id int64) (Readmission, error) {
	var m Readmission
	var consent *time.Time
	err := q.QueryRow(ctx, `SELECT left_on, cause, conviction_expunged, readmitted_before, consent_on, consent_document
		FROM candidate_readmission WHERE candidate_id = $1`, id).Scan(
		&m.LeftOn, &m.Cause, &m.ConvictionExpunged, &m.ReadmittedBefore, &consent, &m.ConsentDocument)
	if consent != nil {
		m.ConsentOn = *consent
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
			INSERT INTO candidate_readmission (candidate_id, left_on, cause, conviction_expunged, readmitted_before,
				consent_on, consent_document)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (candidate_id) DO UPDATE SET left_on = $2, cause = $3, conviction_expunged = $4,
				readmitted_before = $5, consent_on = $6, consent_document = $7`,
			id, m.LeftOn, m.Cause, m.ConvictionExpunged, m.ReadmittedBefore, nullDate(m.ConsentOn, true), m.ConsentDocument)
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
	consent := ""
	if !m.ConsentOn.IsZero() {
		consent = m.ConsentOn.Format(time.RFC3339)
	}
	return map[string]any{"left_on": m.LeftOn.Format(time.RFC3339), "cause": m.Cause, "conviction_expunged": m.ConvictionExpunged,
		"readmitted_before": m.ReadmittedBefore, "consent_on": consent, "consent_document": m.ConsentDocument}
}
