package register

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"ptdang/internal/apperr"
	"ptdang/internal/audit"
	"ptdang/internal/format"
	"ptdang/internal/org"
	"ptdang/internal/pg"
)

// RuleField is one number of a rule set as a form asks for it: its name (the column's and the
// form field's), its Vietnamese label, the bounds it is checked against, and where it lives.
type RuleField struct {
	Name, Label string
	Min, Max    int
	Of          func(*Rules) *int
}

// MaxSourceLength is the longest source text a rule set takes, in characters.
const MaxSourceLength = 500

// RuleFields are the numbers of a rule set, in the order the pages show them. The bounds are
// ours (sane limits), not the Party's.
var RuleFields = []RuleField{
	{"decision_days", "Quyết định kết nạp: số ngày làm việc sau nghị quyết chi bộ", 1, 365, func(r *Rules) *int { return &r.DecisionDays }},
	{"decision_extra_days", "Quyết định kết nạp: số ngày làm việc gia hạn thêm", 0, 365, func(r *Rules) *int { return &r.DecisionExtraDays }},
	{"ceremony_days", "Lễ kết nạp: số ngày làm việc sau quyết định", 1, 365, func(r *Rules) *int { return &r.CeremonyDays }},
	{"probation_months", "Thời gian dự bị (tháng)", 1, 120, func(r *Rules) *int { return &r.ProbationMonths }},
	{"recognition_vote_days", "Chi bộ xét công nhận chính thức: số ngày làm việc sau khi hết dự bị", 1, 365, func(r *Rules) *int { return &r.RecognitionVoteDays }},
	{"recognition_decision_days", "Quyết định công nhận chính thức: số ngày làm việc sau nghị quyết chi bộ", 1, 365, func(r *Rules) *int { return &r.RecognitionDecisionDays }},
	{"recognition_decision_extra_days", "Quyết định công nhận chính thức: số ngày làm việc gia hạn thêm", 0, 365, func(r *Rules) *int { return &r.RecognitionDecisionExtraDays }},
	{"certificate_years", "Giấy chứng nhận lớp nhận thức về Đảng có giá trị (năm)", 1, 10, func(r *Rules) *int { return &r.CertificateYears }},
	{"certificate_warn_months", "Nhắc giấy chứng nhận sắp hết hạn: số tháng sau khi học", 1, 120, func(r *Rules) *int { return &r.CertificateWarnMonths }},
	{"dossier_months", "Hồ sơ chưa được chi bộ xét phải làm lại sau (tháng)", 1, 120, func(r *Rules) *int { return &r.DossierMonths }},
	{"min_age", "Tuổi tối thiểu vào ngày chi bộ xét", 16, 100, func(r *Rules) *int { return &r.MinAge }},
	{"max_age", "Tuổi tối đa không cần Ban Thường vụ Tỉnh ủy đồng ý", 16, 100, func(r *Rules) *int { return &r.MaxAge }},
	{"sponsor_months", "Người giới thiệu: số tháng là đảng viên chính thức và cùng công tác", 1, 120, func(r *Rules) *int { return &r.SponsorMonths }},
	{"readmission_months", "Kết nạp lại: số tháng ra khỏi Đảng", 1, 120, func(r *Rules) *int { return &r.ReadmissionMonths }},
	{"readmission_conviction_months", "Kết nạp lại: số tháng sau khi được xóa án tích", 1, 120, func(r *Rules) *int { return &r.ReadmissionConvictionMonths }},
	{"warn_working_days", "Nhắc việc (của phần mềm): số ngày làm việc trước hạn", 0, 60, func(r *Rules) *int { return &r.WarnWorkingDays }},
	{"probation_warn_days", "Nhắc việc (của phần mềm): số ngày trước khi hết dự bị", 0, 365, func(r *Rules) *int { return &r.ProbationWarnDays }},
}

// RuleLabel is the Vietnamese label of a rule set's field key as AddRules audits it; "" for
// one it does not know (the audit log's own words then apply).
func RuleLabel(key string) string {
	for _, f := range RuleFields {
		if f.Name == key {
			return f.Label
		}
	}
	if key == "source" {
		return "Căn cứ"
	}
	return ""
}

// refusal is the message for a value of f that is not a whole number within its bounds.
func (f RuleField) refusal() string {
	return fmt.Sprintf("%s: nhập một số nguyên từ %d đến %d.", f.Label, f.Min, f.Max)
}

// within reports whether r's value of f is within its bounds.
func (f RuleField) within(r *Rules) bool { n := *f.Of(r); return n >= f.Min && n <= f.Max }

// Validate checks r's numbers against RuleFields' bounds and each other, and its source. It
// returns an *apperr.Invalid naming each field at fault ("from", "source" and RuleFields'
// names), or nil.
func (r Rules) Validate() error {
	var inv apperr.Invalid
	if r.From.IsZero() {
		inv.Add("from", "Áp dụng từ ngày: nhập ngày, ví dụ 01/07/2025.")
	}
	in := map[string]bool{}
	for _, f := range RuleFields {
		if in[f.Name] = f.within(&r); !in[f.Name] {
			inv.Add(f.Name, f.refusal())
		}
	}
	// Compared only when both are within bounds: the bounds' message says more.
	if in["min_age"] && in["max_age"] && r.MinAge >= r.MaxAge {
		inv.Add("max_age", "Tuổi tối đa phải lớn hơn tuổi tối thiểu.")
	}
	if in["certificate_years"] && in["certificate_warn_months"] && r.CertificateWarnMonths >= r.CertificateYears*12 {
		inv.Add("certificate_warn_months", fmt.Sprintf("Nhắc giấy chứng nhận sắp hết hạn: phải trước khi hết hạn, tức ít hơn %d tháng (%d năm).",
			r.CertificateYears*12, r.CertificateYears))
	}
	switch n := utf8.RuneCountInString(strings.TrimSpace(r.Source)); {
	case n == 0:
		inv.Add("source", "Căn cứ: ghi văn bản quy định các thời hạn này, ví dụ Quy định 294-QĐ/TW.")
	case n > MaxSourceLength:
		inv.Add("source", fmt.Sprintf("Căn cứ: không quá %d ký tự (đang có %d).", MaxSourceLength, n))
	}
	return inv.Err()
}

// ReadRules reads a rule set as typed into a form, text giving each field's text by name
// ("from" as dd/mm/yyyy, "source", RuleFields' names), and checks it (Validate). The error is an
// *apperr.Invalid naming each field that is empty, not a whole number or not a day, or that
// Validate refuses.
func ReadRules(text func(name string) string) (Rules, error) {
	var inv apperr.Invalid
	r := Rules{Source: text("source")}
	if t := strings.TrimSpace(text("from")); t != "" {
		d, err := format.ParseDate(t)
		if err != nil {
			inv.Add("from", "Áp dụng từ ngày: không đọc được ngày "+strconv.Quote(t)+"; nhập theo dạng ngày/tháng/năm, ví dụ 01/07/2025.")
		}
		r.From = d
	}
	for _, f := range RuleFields {
		n, err := strconv.Atoi(strings.TrimSpace(text(f.Name)))
		if err != nil {
			inv.Add(f.Name, f.refusal())
		}
		*f.Of(&r) = n
	}
	if err := r.Validate(); err != nil {
		for k, msg := range err.(*apperr.Invalid).Fields {
			inv.Add(k, msg)
		}
	}
	return r, inv.Err()
}

// RuleBook reads every rule set, oldest first.
func RuleBook(ctx context.Context, q pg.Querier) (Book, error) { return loadBook(ctx, q) }

// AddRules adds the rule set r, in force from r.From, in by's name, and audits its values. A
// rule set is never changed or deleted: files keep the rules of their steps' days. The open
// files' summaries go stale with it (a trigger); Resummarise writes them again.
//
// It returns apperr.ErrForbidden unless by sees everything (a system administrator), and an
// *apperr.Invalid for values Validate refuses, for a day that already starts a set, or for a
// day before the earliest set (files of those days are counted with the earliest). Of several
// adds for one day at once, one succeeds and the others get the Invalid.
func AddRules(ctx context.Context, db pg.Beginner, by org.Scope, r Rules) error {
	if !by.All() {
		return apperr.ErrForbidden
	}
	r.Source = strings.TrimSpace(r.Source)
	if err := r.Validate(); err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		// Adds take turns (readers do not wait): the checks below then see every set added
		// before, and concurrent adds do not race each other's triggers over the files.
		if _, err := tx.Exec(ctx, `LOCK TABLE admission_rules IN SHARE ROW EXCLUSIVE MODE`); err != nil {
			return err
		}
		book, err := loadBook(ctx, tx)
		if err != nil {
			return err
		}
		if len(book) > 0 && r.From.Before(book[0].From) {
			return &apperr.Invalid{Fields: map[string]string{"from": fmt.Sprintf(
				"Áp dụng từ ngày: không được trước bộ quy định sớm nhất (từ %s).", format.Date(book[0].From))}}
		}
		for _, b := range book {
			if b.From.Equal(r.From) {
				return &apperr.Invalid{Fields: map[string]string{"from": fmt.Sprintf(
					"Áp dụng từ ngày: đã có bộ quy định từ ngày %s; quy định đã có không sửa được, chọn ngày khác.", format.Date(r.From))}}
			}
		}
		_, err = tx.Exec(ctx, `
			INSERT INTO admission_rules (valid_from, decision_days, decision_extra_days, ceremony_days, probation_months,
				recognition_vote_days, recognition_decision_days, recognition_decision_extra_days,
				certificate_years, certificate_warn_months, dossier_months, min_age, max_age,
				warn_working_days, probation_warn_days, source, sponsor_months, readmission_months,
				readmission_conviction_months)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
			r.From, r.DecisionDays, r.DecisionExtraDays, r.CeremonyDays, r.ProbationMonths,
			r.RecognitionVoteDays, r.RecognitionDecisionDays, r.RecognitionDecisionExtraDays,
			r.CertificateYears, r.CertificateWarnMonths, r.DossierMonths, r.MinAge, r.MaxAge,
			r.WarnWorkingDays, r.ProbationWarnDays, r.Source, r.SponsorMonths, r.ReadmissionMonths,
			r.ReadmissionConvictionMonths)
		if err != nil {
			return err
		}
		values := map[string]any{"from": format.ISODate(r.From), "source": r.Source}
		for _, f := range RuleFields {
			values[f.Name] = *f.Of(&r)
		}
		return audit.Record(ctx, tx, by.Actor, audit.Entry{Action: "create", Entity: "admission_rules",
			Label: "quy định từ " + format.Date(r.From), New: values})
	})
}

// StaleFiles is how many open files' summaries await Resummarise (after a rule set or a day off
// was added): their deadlines are being computed again, and are read the slow way meanwhile.
func StaleFiles(ctx context.Context, q pg.Querier) (int, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT count(*) FROM candidate WHERE summary_stale`).Scan(&n)
	return n, err
}
