package register_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"ptdang/internal/apperr"
	"ptdang/internal/exchange"
	"ptdang/internal/pgtest"
	"ptdang/internal/register"
)

// stored is every file's version and step count, to see that nothing changed.
func (f fixture) stored(t *testing.T) string {
	t.Helper()
	var s string
	if err := f.db.QueryRow(t.Context(), `SELECT COALESCE(string_agg(c.id || ':' || c.version || ':' ||
		(SELECT count(*) FROM candidate_step s WHERE s.candidate_id = c.id), ',' ORDER BY c.id), '') FROM candidate c`).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

// sponsorsStored is every sponsor with the step, the person and all their dates, alike in two
// databases.
func (f fixture) sponsorsStored(t *testing.T) string {
	t.Helper()
	var s string
	if err := f.db.QueryRow(t.Context(), `SELECT COALESCE(string_agg(concat_ws('|', c.full_name, c.birth_date, st.on_date, sp.name,
			sp.youth_union, sp.member_since, sp.known_since, sp.ceased_on), E'\n' ORDER BY c.birth_date, st.on_date, sp.id), '')
		FROM candidate_sponsor sp JOIN candidate_step st ON st.id = sp.step_id JOIN candidate c ON c.id = st.candidate_id`).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

// ceased records that the k-th sponsor of file id's latest sponsors step ceased to qualify on d.
func (f fixture) ceased(t *testing.T, id int64, k int, d string) {
	t.Helper()
	file, err := f.reg.Get(t.Context(), f.db, f.secretary, id, today)
	if err != nil {
		t.Fatal(err)
	}
	var p register.Sponsor
	for _, s := range file.Steps {
		if s.Kind == register.Sponsors {
			p = s.Sponsors[k]
		}
	}
	if _, err := f.reg.SponsorCeased(t.Context(), f.db, f.secretary, id, file.Version, p.ID, day(d), today); err != nil {
		t.Fatal(err)
	}
}

func TestExportImportedBackChangesNothing(t *testing.T) {
	f := newFixture(t)
	a := f.file(t, "1995-05-01")
	f.ready(t, a, "2026-01-10")
	f.must(t, a, vote(register.CellResolution, "2026-03-02", 9, 9), doc(register.Decision, "2026-04-01"))
	p := person("1990-01-01")
	p.NationalID, p.Religion, p.Sex = "079190001234", "Phật giáo", "male"
	b, err := f.reg.Create(t.Context(), f.db, f.secretary, f.cell, p, today)
	if err != nil {
		t.Fatal(err)
	}
	f.must(t, b, register.Step{Kind: register.Outstanding, On: day("2026-02-01"), Document: "02-NQ/CB"},
		register.Step{Kind: register.Sympathiser, On: day("2026-02-15"), Helper: "Trần Văn A"})
	// Sponsors with all their dates: one ceased and replaced by the Youth Union committee.
	c := f.file(t, "2001-07-01")
	f.must(t, c, sponsors("2026-02-01", member("Trần Văn A", "2020-01-02", "2021-03-04"), member("Lê Văn B", "2019-05-06", "2020-07-08")))
	f.ceased(t, c, 0, "2026-02-10")
	f.must(t, c, sponsors("2026-02-20", register.Sponsor{Name: "Ban Chấp hành Đoàn xã Một", YouthUnion: true}, member("Lê Văn B", "2019-05-06", "2020-07-08")))
	before, sponsored := f.stored(t), f.sponsorsStored(t)
	if strings.Count(sponsored, "\n") != 3 || !strings.Contains(sponsored, "2026-02-10") {
		t.Fatalf("the fixture's sponsors: %s", sponsored)
	}
	sheets, err := f.reg.Export(t.Context(), f.db, f.province, today)
	if err != nil {
		t.Fatal(err)
	}
	if all := fmt.Sprint(sheets); strings.Contains(all, "079190001234") || !strings.Contains(all, "•••••••••234") {
		t.Fatal("the national ID is exported in clear, or not masked")
	}
	file := xlsx(t, sheets)
	res, err := f.reg.Import(t.Context(), f.db, f.province, bytes.NewReader(file), "ho-so.xlsx", false, today)
	if err != nil || len(res.Problems) > 0 {
		t.Fatalf("import: %v %v", err, res.Problems)
	}
	if res.Created != 0 || res.Steps != 0 || res.Unchanged != 3 {
		t.Fatalf("import of the export: %+v, want 3 unchanged", res)
	}
	if after := f.stored(t); after != before || f.sponsorsStored(t) != sponsored {
		t.Fatalf("stored %s, was %s; sponsors\n%s\nwere\n%s", after, before, f.sponsorsStored(t), sponsored)
	}

	// Into another register, as new files: the sponsors come back with all their dates. A
	// sponsors step without its sponsors (a, recorded before the dates were asked) is refused
	// there, as the page would refuse it.
	g := newFixture(t)
	for _, row := range sheets[0].Rows {
		row[1] = nil // no "Số hồ sơ": new files
	}
	res, err = g.reg.Import(t.Context(), g.db, g.province, bytes.NewReader(xlsx(t, sheets)), "ho-so.xlsx", false, today)
	if err != nil || len(res.Problems) == 0 || !strings.Contains(res.Problems.Error(), `Trang "Các bước", dòng 5, cột "Bước": cần ghi người giới thiệu`) || g.stored(t) != "" {
		t.Fatalf("a sponsors step without sponsors: %+v %v", res, err)
	}
	ref := fmt.Sprint(a)
	for i := range sheets {
		sheets[i].Rows = slices.DeleteFunc(sheets[i].Rows, func(row []any) bool { return row[0] == ref })
	}
	res, err = g.reg.Import(t.Context(), g.db, g.province, bytes.NewReader(xlsx(t, sheets)), "ho-so.xlsx", false, today)
	if err != nil || len(res.Problems) > 0 || res.Created != 2 {
		t.Fatalf("import into another register: %+v %v", res, err)
	}
	if got := g.sponsorsStored(t); got != sponsored {
		t.Fatalf("sponsors imported\n%s\nwant\n%s", got, sponsored)
	}
}

func TestImportAddsFilesAndStepsAllOrNothing(t *testing.T) {
	f := newFixture(t)
	var code string
	if err := f.db.QueryRow(t.Context(), `SELECT code FROM party_unit WHERE id = $1`, f.cell).Scan(&code); err != nil {
		t.Fatal(err)
	}
	header := "Mã trong tệp;Mã chi bộ;Họ và tên;Ngày sinh;Giới tính;Dân tộc;Nghề nghiệp;Trình độ học vấn;Nơi làm việc;Số định danh cá nhân\n"
	good := "A;" + code + ";Lê Văn Nam;01/02/1997;Nam;Kinh;Nông dân;Đại học;Hợp tác xã;079197005678\n"
	bad := "B;" + code + ";Phạm Thị Mai;31/02/1999;Nữ;Kinh;Thợ lặn;Đại học;Trường;12345\n"
	res, err := f.reg.Import(t.Context(), f.db, f.province, strings.NewReader(header+good+bad), "ho-so.csv", false, today)
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, p := range res.Problems {
		texts = append(texts, p.String())
	}
	all := strings.Join(texts, "\n")
	for _, want := range []string{`dòng 3, cột "Ngày sinh"`, `dòng 3, cột "Nghề nghiệp"`} {
		if !strings.Contains(all, want) {
			t.Errorf("problems %q lack %s", all, want)
		}
	}
	if f.stored(t) != "" {
		t.Fatal("a file with problems wrote something")
	}
	// A dry run of the good row writes nothing; the import adds it, its ID found by its hash.
	if res, err := f.reg.Import(t.Context(), f.db, f.province, strings.NewReader(header+good), "ho-so.csv", true, today); err != nil || res.Created != 1 || len(res.Problems) > 0 || f.stored(t) != "" {
		t.Fatalf("dry run: %+v %v, stored %q", res, err, f.stored(t))
	}
	if res, err := f.reg.Import(t.Context(), f.db, f.province, strings.NewReader(header+good), "ho-so.csv", false, today); err != nil || res.Created != 1 {
		t.Fatalf("import: %+v %v", res, err)
	}
	if rows, err := f.reg.FindByNationalID(t.Context(), f.db, f.province, "079197005678", today); err != nil || len(rows) != 1 || rows[0].Name != "Lê Văn Nam" {
		t.Fatalf("found %v, %v", rows, err)
	}
	// A workbook adds steps, checked as the page checks them: all or nothing.
	sheets, err := f.reg.Export(t.Context(), f.db, f.province, today)
	if err != nil || len(sheets[0].Rows) != 1 {
		t.Fatalf("export: %v %v", sheets, err)
	}
	ref := sheets[0].Rows[0][0]
	sheets[1].Rows = append(sheets[1].Rows,
		[]any{ref, "Chi bộ giới thiệu quần chúng ưu tú", day("2026-03-01"), "03-NQ/CB"},
		[]any{ref, "Quyết định kết nạp", day("2026-03-05"), "15-QĐ/ĐU"})
	before := f.stored(t)
	res, err = f.reg.Import(t.Context(), f.db, f.province, bytes.NewReader(xlsx(t, sheets)), "ho-so.xlsx", false, today)
	if err != nil || len(res.Problems) != 1 || res.Problems[0].Sheet != "Các bước" || res.Problems[0].Row != 3 || f.stored(t) != before {
		t.Fatalf("a decision with no cell vote: %+v %v", res, err)
	}
	sheets[1].Rows = sheets[1].Rows[:1]
	res, err = f.reg.Import(t.Context(), f.db, f.province, bytes.NewReader(xlsx(t, sheets)), "ho-so.xlsx", false, today)
	if err != nil || len(res.Problems) > 0 || res.Steps != 1 {
		t.Fatalf("one step: %+v %v", res, err)
	}
	// Not a spreadsheet: refused, in Vietnamese.
	res, err = f.reg.Import(t.Context(), f.db, f.province, strings.NewReader("x"), "ho-so.txt", false, today)
	if err != nil || len(res.Problems) != 1 || !strings.Contains(res.Problems[0].Message, "không phải là tệp Excel") {
		t.Fatalf("a text file: %+v %v", res, err)
	}
}

// xlsx writes sheets as a workbook.
func xlsx(t *testing.T, sheets []exchange.Sheet) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := exchange.WriteXLSX(&buf, sheets...); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestSimultaneousImportsOfAStepOneWins(t *testing.T) {
	f := newFixture(t)
	f.file(t, "1995-05-01")
	db := pgtest.RacePool(t, f.db)
	sheets, err := f.reg.Export(t.Context(), f.db, f.province, today)
	if err != nil {
		t.Fatal(err)
	}
	sheets[1].Rows = append(sheets[1].Rows, []any{sheets[0].Rows[0][0], "Chi bộ giới thiệu quần chúng ưu tú", day("2026-03-01"), "03-NQ/CB"})
	file := xlsx(t, sheets)
	errs := pgtest.Race(func(int) error {
		res, err := f.reg.Import(t.Context(), db, f.province, bytes.NewReader(file), "ho-so.xlsx", false, today)
		if err == nil && res.Steps == 0 { // refused as changed meanwhile, or found the step already there
			return apperr.ErrConflict
		}
		return err
	})
	pgtest.OneWinner(t, errs, nil)
	if got := f.stored(t); !strings.HasSuffix(got, ":2:1") {
		t.Fatalf("stored %s, want one step at version 2", got)
	}
}
