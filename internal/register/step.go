package register

import (
	"context"
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

// prerequisites are the steps that must come before a step, on or before its day.
var prerequisites = map[Kind][]Kind{
	Sympathiser:         {Outstanding},
	CellResolution:      {Course, Application, Verification, Sponsors},
	Decision:            {CellResolution},
	Ceremony:            {Decision},
	RecognitionVote:     {Ceremony},
	RecognitionDecision: {RecognitionVote},
	NotRecognised:       {Ceremony},
}

// repeatable are the steps a file may record more than once: a renewed course or sponsors'
// letters, another helping member, another transfer.
var repeatable = map[Kind]bool{Sympathiser: true, Course: true, Sponsors: true, Transferred: true}

// RecordStep adds step s to file id, read at version, in the name of by on today, and audits
// it; it returns the file's new version. It returns apperr.ErrNotFound for a file outside by's
// scope, an apperr.Refusal of kind apperr.ErrForbidden for a committee's decision
// (Kind.ByCommittee) when by does not hold the committee over the cell, apperr.ErrConflict when the file changed since version (also when another step was
// recorded at the same moment), and an *apperr.Invalid naming the field a rule of the procedure
// refuses: the order of the steps, the two-thirds vote, the age on the vote's day under the rule
// set of that day, a certificate expired on it.
func (r Register) RecordStep(ctx context.Context, db pg.Beginner, by org.Scope, id int64, version int, s Step, today time.Time) (int, error) {
	s.Document = strings.TrimSpace(s.Document)
	s.Helper = strings.TrimSpace(s.Helper)
	s.Issuer = strings.TrimSpace(s.Issuer)
	s.Consent = strings.TrimSpace(s.Consent)
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		f, err := r.claim(ctx, tx, by, id, version, today)
		if err != nil {
			return err
		}
		if s.Kind.ByCommittee() && !f.Committee {
			return apperr.Refuse(apperr.ErrForbidden, fmt.Sprintf("Bước “%s” do Đảng ủy cấp trên của chi bộ ghi.", s.Kind.Label()))
		}
		if err := f.check(s, today); err != nil {
			return err
		}
		if s.Kind == Transferred {
			if err := checkCell(ctx, tx, by, s.ToCellID, today); err != nil {
				return &apperr.Invalid{Fields: map[string]string{FieldToCell: "Chi bộ nhận: chọn một chi bộ trong phạm vi của đồng chí."}}
			}
			if _, err := tx.Exec(ctx, `UPDATE candidate SET cell_id = $2 WHERE id = $1`, id, s.ToCellID); err != nil {
				return err
			}
		}
		err = tx.QueryRow(ctx, `
			INSERT INTO candidate_step (candidate_id, kind, on_date, document, helper, issuer, votes_for, full_members,
				consent, extended, from_cell_id, to_cell_id, recorded_by, recorded_by_login)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, NULLIF($12, 0), NULLIF($13, 0), $14) RETURNING id`,
			id, s.Kind, s.On, s.Document, s.Helper, s.Issuer, nullCount(s, FieldVotesFor, s.VotesFor),
			nullCount(s, FieldFullMembers, s.FullMembers), s.Consent, s.Extended, f.CellID, s.ToCellID,
			by.Actor.UserID, actorName(by.Actor)).Scan(&s.ID)
		if err != nil {
			return err
		}
		if err := stepRules(ctx, tx, f, s); err != nil {
			return err
		}
		if err := resummarise(ctx, tx, []int64{id}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by.Actor, audit.Entry{Action: "record_step", Entity: "candidate", EntityID: id,
			Label: label(id), UnitID: f.CellID, New: s.audited()})
	})
	if err != nil {
		return 0, err
	}
	return version + 1, nil
}

// nullCount is a vote count as stored: NULL for a step that records none.
func nullCount(s Step, field string, n int) any {
	for _, f := range s.Kind.Needs() {
		if f == field {
			return n
		}
	}
	return nil
}

// audited is the step as the audit log keeps it.
func (s Step) audited() map[string]any {
	m := map[string]any{"kind": s.Kind.Label(), "date": s.On.Format(time.RFC3339), "document": s.Document}
	for _, f := range s.Kind.Needs() {
		m[f] = map[string]any{FieldHelper: s.Helper, FieldIssuer: s.Issuer, FieldVotesFor: s.VotesFor,
			FieldFullMembers: s.FullMembers, FieldConsent: s.Consent, FieldExtended: s.Extended, FieldToCell: s.ToCellID}[f]
	}
	if len(s.Sponsors) > 0 { // with the dates the rule was checked on
		date := func(d time.Time) string {
			if d.IsZero() {
				return ""
			}
			return d.Format(time.DateOnly)
		}
		list := make([]map[string]any, len(s.Sponsors))
		for i, p := range s.Sponsors {
			list[i] = map[string]any{"name": strings.TrimSpace(p.Name), "youth_union": p.YouthUnion,
				"member_since": date(p.MemberSince), "known_since": date(p.KnownSince)}
		}
		m["sponsors"] = list
	}
	return m
}

// actorName is how a step records who entered it, as the audit log does.
func actorName(a audit.Actor) string {
	if a.Login == "" {
		return "hệ thống"
	}
	return a.Login
}

// check applies the procedure's rules to step s on file f, with the rule set in force on the
// step's day (of those f was read with).
func (f File) check(s Step, today time.Time) error {
	book := f.book
	inv := &apperr.Invalid{}
	if !s.Kind.Valid() {
		inv.Add("kind", "Bước: chọn một bước trong danh sách.")
		return inv
	}
	if f.Closed() {
		inv.Add("kind", "Hồ sơ đã kết thúc: không ghi thêm bước.")
		return inv
	}
	switch {
	case s.On.IsZero():
		inv.Add("on", "Ngày: cần nhập.")
	case s.On.After(today):
		inv.Add("on", "Ngày: không được sau hôm nay.")
	case !s.On.After(f.BirthDate):
		inv.Add("on", "Ngày: phải sau ngày sinh.")
	}
	if _, done := f.Last(s.Kind); done && !repeatable[s.Kind] {
		inv.Add("kind", fmt.Sprintf("Bước “%s” đã được ghi.", s.Kind.Label()))
	}
	for _, k := range prerequisites[s.Kind] {
		d, ok := f.Last(k)
		switch {
		case !ok:
			inv.Add("kind", fmt.Sprintf("Cần ghi bước “%s” trước.", k.Label()))
		case !s.On.IsZero() && s.On.Before(d):
			inv.Add("on", fmt.Sprintf("Ngày: không được trước ngày của bước “%s” (%s).", k.Label(), dateText(d)))
		}
	}
	if s.Kind.NeedsDocument() && s.Document == "" {
		inv.Add("document", "Số văn bản: cần nhập số nghị quyết hoặc quyết định.")
	}
	if utf8.RuneCountInString(s.Document) > 200 || utf8.RuneCountInString(s.Helper) > 200 ||
		utf8.RuneCountInString(s.Issuer) > 200 || utf8.RuneCountInString(s.Consent) > 200 {
		inv.Add("document", "Mỗi ô ghi tối đa 200 ký tự.")
	}
	switch s.Kind {
	case Sympathiser:
		if s.Helper == "" {
			inv.Add(FieldHelper, "Đảng viên giúp đỡ: cần nhập họ tên.")
		}
	case Sponsors:
		if s.Helper == "" {
			inv.Add(FieldHelper, "Người giới thiệu: cần nhập hai đảng viên chính thức (hoặc Ban Chấp hành Đoàn và một đảng viên).")
		}
	case Course:
		if s.Issuer == "" {
			inv.Add(FieldIssuer, "Nơi cấp giấy chứng nhận: cần nhập.")
		}
	case CellResolution, RecognitionVote:
		checkVotes(s, inv)
	case Transferred:
		if s.ToCellID == 0 || s.ToCellID == f.CellID {
			inv.Add(FieldToCell, "Chi bộ nhận: chọn một chi bộ khác.")
		}
	}
	if s.Kind == CellResolution && !s.On.IsZero() {
		r := book.On(s.On)
		if d, ok := f.Last(Course); ok && !s.On.Before(d.AddDate(r.CertificateYears, 0, 0)) {
			inv.Add("on", fmt.Sprintf("Giấy chứng nhận lớp nhận thức về Đảng (%s) đã hết hạn %d năm vào ngày này: cần học lại.", dateText(d), r.CertificateYears))
		}
		switch m := ageInMonths(f.BirthDate, s.On); {
		case m < r.MinAge*12:
			inv.Add("on", fmt.Sprintf("Tuổi đời vào ngày chi bộ xét chưa đủ %d tuổi (tính theo tháng).", r.MinAge))
		case m > r.MaxAge*12 && s.Consent == "":
			inv.Add(FieldConsent, fmt.Sprintf("Người trên %d tuổi: cần ghi văn bản đồng ý của Ban Thường vụ Tỉnh ủy.", r.MaxAge))
		}
	}
	if s.Kind == RecognitionVote && !s.On.IsZero() {
		if d, ok := f.Last(Ceremony); ok && s.On.Before(probationEnd(d, book)) {
			inv.Add("on", fmt.Sprintf("Chưa hết thời gian dự bị: chi bộ xét từ ngày %s.", dateText(probationEnd(d, book))))
		}
	}
	return inv.Err()
}

// checkVotes applies the two-thirds rule: at least two thirds of the full members agree.
func checkVotes(s Step, inv *apperr.Invalid) {
	switch {
	case s.FullMembers <= 0:
		inv.Add(FieldFullMembers, "Tổng số đảng viên chính thức: cần nhập.")
	case s.VotesFor < 0 || s.VotesFor > s.FullMembers:
		inv.Add(FieldVotesFor, "Số tán thành: từ 0 đến tổng số đảng viên chính thức.")
	case 3*s.VotesFor < 2*s.FullMembers:
		inv.Add(FieldVotesFor, fmt.Sprintf("Chưa đủ hai phần ba: %d/%d đảng viên chính thức tán thành.", s.VotesFor, s.FullMembers))
	}
}
