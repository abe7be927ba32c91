package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"ptdang/internal/browsertest"
	"ptdang/internal/org"
	"ptdang/internal/pgtest"
	"ptdang/internal/register"
)

// dossier is a file's steps before its sponsors.
var dossier = []register.Step{{Kind: register.Course, On: day("2026-01-10"), Issuer: "Trung tâm chính trị"},
	{Kind: register.Application, On: day("2026-02-01")}, {Kind: register.Verification, On: day("2026-03-01")}}

// recordFile adds p's file to cell with steps, as the system, and returns its id.
func recordFile(t *testing.T, s *Server, cell int64, p register.Person, steps ...register.Step) int64 {
	t.Helper()
	id, err := s.Register.Create(t.Context(), s.DB, org.Everything(), cell, p, s.today())
	if err != nil {
		t.Fatal(err)
	}
	for i, st := range steps {
		if _, err := s.Register.RecordStep(t.Context(), s.DB, org.Everything(), id, 1+i, st, s.today()); err != nil {
			t.Fatal(err)
		}
	}
	return id
}

// On a 360 px phone the secretary records the sponsors with their dates: a sponsor short of 12
// months is refused by name, the form keeping what was typed; with the dates right the step
// shows both sponsors and their dates.
func TestSecretaryRecordsTheSponsorsWithTheirDatesOnAPhone(t *testing.T) {
	s, base := newTestServer(t)
	f := newReportFixture(t, s, base) // today is 03/07/2026
	id := recordFile(t, s, f.cell, register.Person{Name: "Nguyễn Thị Lan", BirthDate: day("1998-05-01"), Sex: "female",
		Ethnicity: "Kinh", Occupation: "farmer", Education: "university", YouthUnion: true, Workplace: "Hợp tác xã"}, dossier...)
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

// The readmission facts, a sponsor who ceased to qualify and the province's retention are saved
// on their small forms; the vote of a readmission without its facts is refused on the file's
// page, and only the province's staff set the retention.
func TestRegisterRulesForms(t *testing.T) {
	s, base := newTestServer(t)
	f := newReportFixture(t, s, base) // today is 03/07/2026
	p := register.Person{Name: "Lê Văn Tư", BirthDate: day("1980-05-01"), Sex: "male", Ethnicity: "Kinh", Occupation: "farmer",
		Education: "university", Workplace: "Hợp tác xã", Readmission: true}
	id := recordFile(t, s, f.cell, p, append(dossier, register.Step{Kind: register.Sponsors, On: day("2026-03-02"), Helper: "A, B",
		Sponsors: []register.Sponsor{{Name: "Trần Văn An", MemberSince: day("2010-01-01"), KnownSince: day("2010-01-01")},
			{Name: "Lê Thị Bé", MemberSince: day("2010-01-01"), KnownSince: day("2010-01-01")}}})...)
	file := base + "/register/" + itoa(id)
	vote := url.Values{"kind": {"cell_resolution"}, "version": {"5"}, "on": {"2026-07-01"}, "document": {"7-NQ/CB"}, "votes_for": {"9"}, "full_members": {"9"}}
	if resp, body := send(t, f.sec, "POST", file+"/step", vote); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Kết nạp lại: cần ghi ngày ra khỏi Đảng") {
		t.Fatalf("vote without the readmission's facts: %d", resp.StatusCode)
	}
	facts := url.Values{"version": {"5"}, "left_on": {"2022-01-05"}, "cause": {"family_hardship"},
		"readmitted_before": {"0"}, "consent_on": {"2026-06-01"}, "consent_document": {"120-CV/TU"}}
	if resp, _ := send(t, f.sec, "POST", file+"/readmission", facts); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("readmission facts: %d", resp.StatusCode)
	}
	if _, body := send(t, f.sec, "GET", file+"/readmission", nil); !strings.Contains(body, `value="120-CV/TU"`) {
		t.Fatal("the readmission form does not show what was saved")
	}
	sponsor := pgtest.Column[int64](t, s.DB, `SELECT min(id) FROM candidate_sponsor`)[0]
	if resp, _ := send(t, f.sec, "POST", file+"/sponsor-ceased", url.Values{"version": {"6"}, "sponsor": {itoa(sponsor)}, "on": {"2026-06-15"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sponsor ceased: %d", resp.StatusCode)
	}
	vote.Set("version", "7")
	if resp, body := send(t, f.sec, "POST", file+"/step", vote); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Trần Văn An không còn đủ điều kiện từ ngày 15/06/2026") {
		t.Fatalf("vote with a sponsor who ceased: %d", resp.StatusCode)
	}

	if resp, _ := send(t, f.xa, "GET", base+"/register/retention", nil); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("the commune opens the retention: %d, want 403", resp.StatusCode)
	}
	if _, body := send(t, f.staff, "GET", base+"/register/retention", nil); !strings.Contains(body, `value="5"`) {
		t.Fatal("the retention page does not show the default 5 years")
	}
	if resp, _ := send(t, f.staff, "POST", base+"/register/retention", url.Values{"version": {"0"}, "years": {"8"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("set the retention: %d", resp.StatusCode)
	}
	if x, err := register.RetentionOf(t.Context(), s.DB, org.Everything(), f.province, s.today()); err != nil || x.Years != 8 {
		t.Fatalf("retention %+v, %v", x, err)
	}
}

// The readmission's and the retention's forms fit a 360 px phone.
func TestRegisterRulesFormsFitAPhone(t *testing.T) {
	s, base := newTestServer(t)
	f := newReportFixture(t, s, base)
	id := recordFile(t, s, f.cell, register.Person{Name: "Lê Văn Tư", BirthDate: day("1980-05-01"), Sex: "male", Ethnicity: "Kinh",
		Occupation: "farmer", Education: "university", Workplace: "Hợp tác xã", Readmission: true})
	b := signedInBrowser(t, base, "bithu", base+"/register/"+itoa(id), 360, 740)
	b.ClickToPage("[data-testid=readmission]")
	b.WaitText("h1", "Kết nạp lại: Lê Văn Tư")
	fitsAPhone(t, b)
	b.Screenshot("register-readmission")
	b = signedInBrowser(t, base, "tinh", base+"/register", 360, 740)
	b.ClickToPage("[data-testid=register-retention]")
	b.WaitText("main", "Mặc định 5 năm là mức phần mềm chọn, không phải quy định.")
	fitsAPhone(t, b)
	b.Screenshot("register-retention")
}
