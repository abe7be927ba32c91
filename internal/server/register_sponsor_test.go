package server

import (
	"strings"
	"testing"

	"ptdang/internal/browsertest"
	"ptdang/internal/org"
	"ptdang/internal/register"
)

// On a 360 px phone the secretary records the sponsors with their dates: a sponsor short of 12
// months is refused by name, the form keeping what was typed; with the dates right the step
// shows both sponsors and their dates.
func TestSecretaryRecordsTheSponsorsWithTheirDatesOnAPhone(t *testing.T) {
	s, base := newTestServer(t)
	f := newReportFixture(t, s, base) // today is 03/07/2026
	id, err := s.Register.Create(t.Context(), s.DB, org.Everything(), f.cell, register.Person{Name: "Nguyễn Thị Lan",
		BirthDate: day("1998-05-01"), Sex: "female", Ethnicity: "Kinh", Occupation: "farmer", Education: "university",
		YouthUnion: true, Workplace: "Hợp tác xã"}, s.today())
	if err != nil {
		t.Fatal(err)
	}
	for i, st := range []register.Step{{Kind: register.Course, On: day("2026-01-10"), Issuer: "Trung tâm chính trị"},
		{Kind: register.Application, On: day("2026-02-01")}, {Kind: register.Verification, On: day("2026-03-01")}} {
		if _, err := s.Register.RecordStep(t.Context(), s.DB, org.Everything(), id, 1+i, st, s.today()); err != nil {
			t.Fatal(err)
		}
	}
	b := signedInBrowser(t, base, "bithu", base+"/register/"+itoa(id), 360, 740)
	b.WaitText("[data-testid=step-form]", "Người giới thiệu 1: họ và tên")
	b.Fill("#sponsor1_name", "Trần Văn An")
	b.Fill("#sponsor1_member_since", "01/08/2025") // 11 months
	b.Fill("#sponsor1_known_since", "01/01/2020")
	b.Fill("#sponsor2_name", "Ban Chấp hành Đoàn xã Mỹ An")
	browsertest.Eval[bool](b, `document.getElementById("sponsor2_kind").value = "youth_union"; true`)
	fitsAPhone(t, b)
	b.Screenshot("register-sponsors")
	b.ClickToPage("[data-testid=step-save]")
	b.WaitText("[data-testid=step-form]", "Người giới thiệu 1 (Trần Văn An): chưa đủ 12 tháng là đảng viên chính thức vào ngày 03/07/2026.")
	if got := browsertest.Eval[string](b, `document.getElementById("sponsor2_name").value`); got != "Ban Chấp hành Đoàn xã Mỹ An" {
		t.Errorf("the refused form lost the second sponsor: %q", got)
	}
	fitsAPhone(t, b)
	b.Screenshot("register-sponsors-refused")
	b.Fill("#sponsor1_member_since", "03/07/2025") // 12 months to the day
	b.ClickToPage("[data-testid=step-save]")
	b.WantText("[data-testid=message]", "Đã ghi bước.")
	if got := b.Text("[data-testid=steps]"); !strings.Contains(got, "Trần Văn An (đảng viên chính thức từ 03/07/2025, cùng công tác, học tập, cư trú từ 01/01/2020); Ban Chấp hành Đoàn xã Mỹ An") {
		t.Errorf("the steps show %q", got)
	}
	fitsAPhone(t, b)
	b.Screenshot("register-sponsors-recorded")
}
