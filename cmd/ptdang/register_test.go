package main

import (
	"bytes"
	"testing"

	"ptdang/internal/orgtest"
	"ptdang/internal/pg"
	"ptdang/internal/pgtest"
)

func TestRegisterPurgeDeletesAWithdrawnFilePastRetention(t *testing.T) {
	url := pgtest.URL(t)
	db, err := pg.Open(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cell := orgtest.New(t, db, orgtest.Day("1999-01-01")).Province("T", "Tỉnh ủy").Commune("T.X", "Đảng ủy xã").Cells(1, 5)[0].ID
	for _, withdrawn := range []string{"2000-01-03", "2099-01-01"} { // long past; not yet past
		_, err := db.Exec(t.Context(), `
			WITH c AS (INSERT INTO candidate (cell_id, full_name, birth_date, sex, ethnicity, occupation, education, workplace)
				VALUES ($1, 'Nguyễn Văn A', '1980-01-01', 'male', 'Kinh', 'farmer', 'university', 'Xã') RETURNING id)
			INSERT INTO candidate_step (candidate_id, kind, on_date, recorded_by_login) SELECT id, 'withdrawn', $2, 'test' FROM c`,
			cell, withdrawn)
		if err != nil {
			t.Fatal(err)
		}
	}
	var out bytes.Buffer
	if err := run(t.Context(), []string{"register", "-database-url=" + url, "purge"}, &out); err != nil {
		t.Fatal(err)
	}
	if out.String() != "Đã xóa 1 hồ sơ quá thời hạn lưu.\n" {
		t.Fatalf("printed %q", out.String())
	}
	if n := pgtest.Count(t, db, `SELECT count(*) FROM candidate`); n != 1 {
		t.Fatalf("%d files left, want 1", n)
	}
	if n := pgtest.Count(t, db, `SELECT count(*) FROM audit_log WHERE action = 'purge' AND actor_login LIKE 'cli%'`); n != 1 {
		t.Fatalf("%d purges audited in the operator's name, want 1", n)
	}
}
