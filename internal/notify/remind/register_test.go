package remind_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"ptdang/internal/audit"
	"ptdang/internal/format"
	"ptdang/internal/notify/remind"
	"ptdang/internal/org"
	"ptdang/internal/pgtest"
	"ptdang/internal/register"
)

// registerFiles adds two files to the fixture: in the late cell, one whose cell voted on
// 15/05/2026 and awaits the commune's decision; in the other, one whose course certificate,
// of 01/03/2022, runs out on 01/03/2027. It returns the decision's deadline.
func registerFiles(t *testing.T, f fixture) register.Clock {
	t.Helper()
	reg := register.Register{Keys: register.NewKeys("")}
	person := register.Person{Name: "Nguyễn Thị Lan", BirthDate: day("1995-05-01"), Sex: "female", Ethnicity: "Kinh",
		Occupation: "civil_servant", Education: "university", YouthUnion: true, Workplace: "Trường THCS xã Mỹ An"}
	record := func(cell int64, steps ...register.Step) int64 {
		by := org.Under(cell).As(audit.Actor{Login: "bithu"})
		id, err := reg.Create(t.Context(), f.db, by, cell, person, day("2026-12-01"))
		for v, s := range steps {
			if err == nil {
				_, err = reg.RecordStep(t.Context(), f.db, by, id, v+1, s, day("2026-12-01"))
			}
		}
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	next := day("2026-03-03")
	late := record(f.late, register.Step{Kind: register.Course, On: day("2026-03-02"), Issuer: "Trung tâm chính trị xã"},
		register.Step{Kind: register.Application, On: next}, register.Step{Kind: register.Verification, On: next},
		register.Step{Kind: register.Sponsors, On: next, Helper: "Trần Văn A, Lê Văn B"},
		register.Step{Kind: register.CellResolution, On: day("2026-05-15"), Document: "01-NQ/CB", VotesFor: 15, FullMembers: 20})
	record(f.sent, register.Step{Kind: register.Course, On: day("2022-03-01"), Issuer: "Trung tâm chính trị xã"})
	tasks, err := register.Todo(t.Context(), f.db, org.Everything(), day("2026-12-07"), register.Page{})
	if err != nil {
		t.Fatal(err)
	}
	for _, task := range tasks.Tasks {
		if task.File.ID == late && task.Clock.Kind == register.DecisionClock && task.Overdue {
			return task.Clock
		}
	}
	t.Fatalf("no overdue decision among the register's tasks: %+v", tasks)
	return register.Clock{}
}

// registerInbox is login's in-app messages about the register.
func registerInbox(t *testing.T, f fixture, login string) (subjects []string) {
	t.Helper()
	rows, err := f.db.Query(t.Context(), `
		SELECT m.subject FROM notify_message m JOIN app_user u ON u.id = m.user_id
		WHERE u.login = $1 AND m.channel = 'inapp' AND m.link = '/register' ORDER BY m.id`, login)
	if err == nil {
		subjects, err = pgx.CollectRows(rows, pgx.RowTo[string])
	}
	if err != nil {
		t.Fatal(err)
	}
	return subjects
}

// TestRegisterDeadlinesRemindTheSecretaryOnceAndCountInTheDigest: eight schedulers at once on a
// Monday tell each cell's secretary once of its file's deadline (overdue or near), by name of the
// cell only, and the province's staff how many are overdue; the next day adds nothing, the next
// Monday only a new digest.
func TestRegisterDeadlinesRemindTheSecretaryOnceAndCountInTheDigest(t *testing.T) {
	f := newFixture(t)
	decision := registerFiles(t, f)
	pool := pgtest.RacePool(t, f.db)
	for _, err := range pgtest.Race(func(int) error {
		_, err := remind.Remind(context.Background(), pool, day("2026-12-07"))
		return err
	}) {
		if err != nil {
			t.Fatal(err)
		}
	}
	want := map[string][]string{
		"bithu":     {"Chi bộ ấp Mỹ Hòa: 1 hồ sơ quá hạn ra quyết định kết nạp ngày " + format.Date(decision.Due)},
		"bithu2":    {"Chi bộ ấp Mỹ Lợi: 1 hồ sơ đến hạn dùng giấy chứng nhận lớp nhận thức về Đảng ngày 01/03/2027"},
		"canbotinh": {"Tỉnh ủy Đồng Tháp: 1 việc quá hạn trong hồ sơ kết nạp đảng viên"},
		"canboxa":   nil,
	}
	check := func(when string) {
		t.Helper()
		for login, w := range want {
			if got := registerInbox(t, f, login); strings.Join(got, "\n") != strings.Join(w, "\n") {
				t.Errorf("%s: %s's inbox = %q, want %q", when, login, got, w)
			}
		}
	}
	check("Monday 07/12/2026")
	var emails int
	if err := f.db.QueryRow(t.Context(), `SELECT count(*) FROM notify_message WHERE channel = 'email' AND link = '/register' AND user_id = $1`, f.secretary).Scan(&emails); err != nil || emails != 1 {
		t.Errorf("e-mails to the secretary about the register = %d, %v; want 1", emails, err)
	}
	if n, err := remind.Remind(t.Context(), f.db, day("2026-12-08")); err != nil || n != 0 {
		t.Errorf("the next day wrote %d, %v; want nothing", n, err)
	}
	if _, err := remind.Remind(t.Context(), f.db, day("2026-12-14")); err != nil {
		t.Fatal(err)
	}
	want["canbotinh"] = append(want["canbotinh"], want["canbotinh"][0])
	check("the next Monday")
}
