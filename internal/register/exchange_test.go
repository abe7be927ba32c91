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
	all := problemText(res)
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

// workbook is a register workbook as a person fills it by hand: new files (their cell is the
// fixture's), their steps and their sponsors.
func (f fixture) workbook(t *testing.T, files []string, steps, sponsors [][]any) []byte {
	t.Helper()
	var code string
	if err := f.db.QueryRow(t.Context(), `SELECT code FROM party_unit WHERE id = $1`, f.cell).Scan(&code); err != nil {
		t.Fatal(err)
	}
	fs := exchange.Sheet{Table: register.FilesTable}
	for i, ref := range files {
		fs.Rows = append(fs.Rows, []any{ref, nil, code, nil, "Lê Văn Nam " + ref, day("1997-02-01").AddDate(0, 0, i), "Nam", "Kinh", nil,
			"Nông dân", "Đại học", "Không", nil, "Hợp tác xã"})
	}
	return xlsx(t, []exchange.Sheet{fs, {Table: register.StepsTable, Rows: steps}, {Table: register.SponsorsTable, Rows: sponsors}})
}

// sponsorsStep is a steps sheet's row of a sponsors step of ref on on, its sponsors' names left
// for the import to fill in.
func sponsorsStep(ref, on string) []any { return []any{ref, "Người giới thiệu", day(on)} }

// sponsorRow is a sponsors sheet's row of a full member.
func sponsorRow(ref, on, name, since, known string, ceased any) []any {
	return []any{ref, day(on), name, "Không", day(since), day(known), ceased}
}

func TestImportChecksSponsorsAsThePageDoes(t *testing.T) {
	f := newFixture(t)
	steps := [][]any{sponsorsStep("A", "2026-03-01")}
	formula := `=HYPERLINK("http://evil.example/","Bấm vào đây")` // a name, never a formula
	b := sponsorRow("A", "2026-03-01", formula, "2010-01-01", "2025-03-01", nil)
	problems := func(res register.ImportResult, err error) string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		if f.stored(t) != "" {
			t.Fatalf("a file with problems wrote %s", f.stored(t))
		}
		return res.Problems.Error()
	}
	for _, c := range []struct {
		sponsors [][]any
		want     string
	}{
		{[][]any{sponsorRow("A", "2026-03-01", "Trần Văn A", "2025-03-02", "2020-01-01", nil), b},
			`Trang "Người giới thiệu", dòng 2, cột "Đảng viên chính thức từ ngày": Người giới thiệu 1 (Trần Văn A): chưa đủ 12 tháng là đảng viên chính thức vào ngày 01/03/2026.`},
		{[][]any{sponsorRow("A", "2026-03-01", "Trần Văn A", "2010-01-01", "2025-03-02", nil), b},
			`Trang "Người giới thiệu", dòng 2, cột "Cùng công tác, học tập, cư trú từ ngày": Người giới thiệu 1 (Trần Văn A): chưa đủ 12 tháng cùng công tác`},
		{[][]any{{"A", day("2026-03-01"), "Trần Văn A", "Không", nil, day("2020-01-01")}, b},
			`Trang "Người giới thiệu", dòng 2, cột "Đảng viên chính thức từ ngày": Người giới thiệu 1 (Trần Văn A): cần nhập ngày là đảng viên chính thức.`},
		{[][]any{b}, `Trang "Người giới thiệu", dòng 2, cột "Họ và tên": Người giới thiệu: cần đúng hai người`},
		{[][]any{{"A", day("2026-03-01"), "BCH Đoàn", "Có"}, {"A", day("2026-03-01"), "BCH Đoàn", "Có"}},
			`Trang "Người giới thiệu", dòng 2, cột "Ban Chấp hành Đoàn giới thiệu": Người giới thiệu: chỉ đoàn viên được Ban Chấp hành Đoàn giới thiệu`},
		{nil, `Trang "Các bước", dòng 2, cột "Bước": cần ghi người giới thiệu ở trang "Người giới thiệu"`},
	} {
		res, err := f.reg.Import(t.Context(), f.db, f.province, bytes.NewReader(f.workbook(t, []string{"A"}, steps, c.sponsors)), "ho-so.xlsx", false, today)
		if got := problems(res, err); !strings.Contains(got, c.want) {
			t.Errorf("problems %q, want %q", got, c.want)
		}
	}
	good := f.workbook(t, []string{"A"}, steps, [][]any{sponsorRow("A", "2026-03-01", "Trần Văn A", "2025-03-01", "2020-01-01", nil), b})
	if res, err := f.reg.Import(t.Context(), f.db, f.province, bytes.NewReader(good), "ho-so.xlsx", true, today); problems(res, err) != "không có lỗi" || res.Steps != 1 {
		t.Fatalf("dry run: %+v", res)
	}
	if res, err := f.reg.Import(t.Context(), f.db, f.province, bytes.NewReader(good), "ho-so.xlsx", false, today); err != nil || len(res.Problems) > 0 || res.Steps != 1 {
		t.Fatalf("import: %+v %v", res, err)
	}
	want := "Lê Văn Nam A|1997-02-01|2026-03-01|Trần Văn A|f|2025-03-01|2020-01-01\n" +
		"Lê Văn Nam A|1997-02-01|2026-03-01|" + formula + "|f|2010-01-01|2025-03-01"
	if got := f.sponsorsStored(t); got != want {
		t.Fatalf("stored\n%s\nwant\n%s", got, want)
	}
	if n := pgtest.Count(t, f.db, `SELECT count(*) FROM audit_log WHERE action = 'record_step' AND new_value->'sponsors'->0->>'member_since' = '2025-03-01'`); n != 1 {
		t.Fatalf("%d steps audited with their sponsors' dates, want 1", n)
	}
	var helper string
	if err := f.db.QueryRow(t.Context(), `SELECT helper FROM candidate_step`).Scan(&helper); err != nil || helper != "Trần Văn A, "+formula {
		t.Fatalf("the step names %q (%v), want the sponsors as the page names them", helper, err)
	}
}

func TestImportRefusesHostileSponsorRows(t *testing.T) {
	f := newFixture(t)
	steps := [][]any{sponsorsStep("A", "2026-03-01"), sponsorsStep("B", "2026-03-01")}
	sponsors := [][]any{
		{"A", day("2026-03-01"), "Trần Văn A", "Không", "=TODAY()", day("2020-01-01")},             // a formula typed where a date goes
		{"A", day("2026-03-01"), "Lê Văn B", "Không", day("2010-01-01"), float64(99_999_999)},      // past Excel's last day
		sponsorRow("B", "2026-03-01", "Trần Văn A", "2010-01-01", "2020-01-01", day("2030-01-01")), // ceased after today
		sponsorRow("B", "2026-03-01", "Lê Văn B", "2010-01-01", "2020-01-01", nil),
		sponsorRow("Z", "2026-03-01", "Phạm Văn C", "2010-01-01", "2020-01-01", nil), // nobody's
		sponsorRow("B", "2026-03-02", "Phạm Văn C", "2010-01-01", "2020-01-01", nil), // no such step
	}
	res, err := f.reg.Import(t.Context(), f.db, f.province, bytes.NewReader(f.workbook(t, []string{"A", "B"}, steps, sponsors)), "ho-so.xlsx", false, today)
	if err != nil {
		t.Fatal(err)
	}
	all := problemText(res)
	for _, want := range []string{
		`Trang "Người giới thiệu", dòng 2, cột "Đảng viên chính thức từ ngày": "=TODAY()" không phải là ngày hợp lệ`,
		`Trang "Người giới thiệu", dòng 3, cột "Cùng công tác, học tập, cư trú từ ngày": "99999999" không phải là ngày hợp lệ`,
		`Trang "Người giới thiệu", dòng 4, cột "Không còn đủ điều kiện từ ngày": Ngày: từ ngày giới thiệu (01/03/2026) đến hôm nay.`,
		`Trang "Người giới thiệu", dòng 6, cột "Mã trong tệp": không có người mã "Z" ở trang "Hồ sơ"`,
		`Trang "Người giới thiệu", dòng 7, cột "Ngày giới thiệu": không có bước “Người giới thiệu” của mã "B" ngày 02/03/2026 ở trang "Các bước"`,
	} {
		if !strings.Contains(all, want) {
			t.Errorf("problems\n%s\nlack\n%s", all, want)
		}
	}
	if len(res.Problems) != 5 || f.stored(t) != "" || f.sponsorsStored(t) != "" {
		t.Fatalf("%d problems, stored %q %q: want 5 and nothing written", len(res.Problems), f.stored(t), f.sponsorsStored(t))
	}
}

func TestImportRecordsASponsorsCeasingOnTheStepHeld(t *testing.T) {
	f := newFixture(t)
	id := f.file(t, "1995-05-01")
	f.must(t, id, sponsors("2026-02-01", member("Trần Văn A", "2020-01-01", "2020-01-01"), member("Lê Văn B", "2020-01-01", "2020-01-01")))
	sheets, err := f.reg.Export(t.Context(), f.db, f.province, today)
	if err != nil || len(sheets[2].Rows) != 2 {
		t.Fatalf("export: %v %v", sheets, err)
	}
	sheets[2].Rows[1][6] = day("2026-02-10")
	res, err := f.reg.Import(t.Context(), f.db, f.province, bytes.NewReader(xlsx(t, sheets)), "ho-so.xlsx", false, today)
	if err != nil || len(res.Problems) > 0 || res.Unchanged != 0 {
		t.Fatalf("import: %+v %v", res, err)
	}
	if got := f.sponsorsStored(t); !strings.HasSuffix(got, "Lê Văn B|f|2020-01-01|2020-01-01|2026-02-10") {
		t.Fatalf("stored\n%s", got)
	}
	if n := pgtest.Count(t, f.db, `SELECT count(*) FROM audit_log WHERE action = 'sponsor_ceased'`); n != 1 {
		t.Fatalf("%d audited, want 1", n)
	}
	// Imported again, nothing changes; another day is a problem: the import adds, never corrects.
	if res, err := f.reg.Import(t.Context(), f.db, f.province, bytes.NewReader(xlsx(t, sheets)), "ho-so.xlsx", false, today); err != nil || res.Unchanged != 1 {
		t.Fatalf("again: %+v %v", res, err)
	}
	sheets[2].Rows[1][6] = day("2026-02-11")
	res, err = f.reg.Import(t.Context(), f.db, f.province, bytes.NewReader(xlsx(t, sheets)), "ho-so.xlsx", false, today)
	if err != nil || len(res.Problems) != 1 || res.Problems[0].String() != `Trang "Người giới thiệu", dòng 3, cột "Không còn đủ điều kiện từ ngày": khác với ngày đang lưu (10/02/2026); không sửa được bằng tệp` {
		t.Fatalf("another day: %+v %v", res, err)
	}
	// A workbook made before the sponsors' sheet existed still imports; its step held is unchanged.
	if res, err := f.reg.Import(t.Context(), f.db, f.province, bytes.NewReader(xlsx(t, sheets[:2])), "ho-so.xlsx", false, today); err != nil || len(res.Problems) > 0 || res.Unchanged != 1 {
		t.Fatalf("without the sponsors' sheet: %+v %v", res, err)
	}
}

func TestSimultaneousImportsOfASponsorsCeasingOneWins(t *testing.T) {
	f := newFixture(t)
	id := f.file(t, "1995-05-01")
	f.must(t, id, sponsors("2026-02-01", member("Trần Văn A", "2020-01-01", "2020-01-01"), member("Lê Văn B", "2020-01-01", "2020-01-01")))
	sheets, err := f.reg.Export(t.Context(), f.db, f.province, today)
	if err != nil {
		t.Fatal(err)
	}
	sheets[2].Rows[0][6] = day("2026-02-10")
	file := xlsx(t, sheets)
	db := pgtest.RacePool(t, f.db)
	errs := pgtest.Race(func(int) error {
		res, err := f.reg.Import(t.Context(), db, f.province, bytes.NewReader(file), "ho-so.xlsx", false, today)
		if err == nil && res.Steps == 0 { // refused as changed meanwhile, or found the day already held
			return apperr.ErrConflict
		}
		return err
	})
	pgtest.OneWinner(t, errs, nil)
	if n := pgtest.Count(t, f.db, `SELECT count(*) FROM audit_log WHERE action = 'sponsor_ceased'`); n != 1 {
		t.Fatalf("%d ceasings audited, want 1", n)
	}
}

// problemText is an import's problems, a line each.
func problemText(res register.ImportResult) string {
	var texts []string
	for _, p := range res.Problems {
		texts = append(texts, p.String())
	}
	return strings.Join(texts, "\n")
}
