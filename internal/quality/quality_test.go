package quality_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"ptdang/internal/apperr"
	"ptdang/internal/audit"
	"ptdang/internal/format"
	"ptdang/internal/org"
	"ptdang/internal/orgtest"
	"ptdang/internal/pgtest"
	"ptdang/internal/quality"
	"ptdang/internal/report"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// fixture is a province with its agencies bloc (a grassroots committee of three cells and two
// grassroots cells) and two communes with two cells and one cell, every cell of 20 members.
type fixture struct {
	db                        *pgxpool.Pool
	tree                      *orgtest.Tree // ids by code
	province, bloc, committee int64
	commune, otherCommune     int64
	staff, communeStaff       org.Scope // province staff; the first commune's staff
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	f := fixture{db: pgtest.New(t)}
	f.tree = orgtest.New(t, f.db, orgtest.Day("2015-01-01"))
	unit := func(parent orgtest.Unit, code, name string, kind org.Kind, orgType org.OrgType) orgtest.Unit {
		t.Helper()
		in := org.PartyUnitInput{Code: code, Name: name, Kind: kind, OrgType: orgType}
		if kind.IsCell() {
			in.FullMembers = 20
		}
		return parent.Party(in)
	}
	province := f.tree.Province("TU", "Tỉnh ủy Bình Dương")
	bloc := unit(province, "TU.K", "Đảng bộ Khối các cơ quan tỉnh", org.BlocCommittee, "party_mass")
	committee := unit(bloc, "TU.K.NV", "Đảng bộ Sở Nội vụ", org.GrassrootsCommittee, "state_agency")
	unit(committee, "TU.K.NV.1", "Chi bộ Văn phòng Sở", org.AffiliatedCell, "state_agency")
	unit(committee, "TU.K.NV.2", "Chi bộ Phòng Tổ chức biên chế", org.AffiliatedCell, "state_agency")
	unit(committee, "TU.K.NV.3", "Chi bộ Ban Thi đua – Khen thưởng", org.AffiliatedCell, "state_agency")
	unit(bloc, "TU.K.TP", "Chi bộ Sở Tư pháp", org.GrassrootsCell, "state_agency")
	unit(bloc, "TU.K.XD", "Chi bộ Sở Xây dựng", org.GrassrootsCell, "state_agency")
	commune := province.Commune("TU.X1", "Đảng bộ xã Phú An")
	commune.Cells(2, 20) // TU.X1.A1, TU.X1.A2
	otherCommune := province.Commune("TU.X2", "Đảng bộ xã An Tây")
	otherCommune.Cell("TU.X2.A1", "Chi bộ ấp Bến Tranh", 20)
	f.province, f.bloc, f.committee, f.commune, f.otherCommune = province.ID, bloc.ID, committee.ID, commune.ID, otherCommune.ID
	f.staff, f.communeStaff = province.Staff("tinh"), commune.Staff("xa")
	return f
}

// ratingsFile writes a CSV ratings file with Table's headers; each row maps column keys to cells.
func ratingsFile(rows ...map[string]string) string {
	var b strings.Builder
	var header []string
	for _, c := range quality.Table.Columns {
		header = append(header, `"`+c.Header+`"`)
	}
	b.WriteString(strings.Join(header, ",") + "\n")
	for _, r := range rows {
		var line []string
		for _, c := range quality.Table.Columns {
			line = append(line, `"`+r[c.Key]+`"`)
		}
		b.WriteString(strings.Join(line, ",") + "\n")
	}
	return b.String()
}

func row(code, year, excellent, good, satisfactory, unsatisfactory, exempt, twoYears, own string) map[string]string {
	return map[string]string{"cell_code": code, "year": year, "excellent": excellent, "good": good, "satisfactory": satisfactory,
		"unsatisfactory": unsatisfactory, "exempt": exempt, "unsatisfactory_two_years": twoYears, "own_rating": own}
}

// seed2024 is the agencies bloc's 2024 ratings: 1.250 members rated, 1.242 satisfactory or
// better, none unsatisfactory two years running; and the first commune's two cells, the first
// over the cap on "excellent" (5 of 15 rated good or better), the second exactly at it (3 of 15).
func seed2024() string {
	return ratingsFile(
		row("TU.K.NV.1", "2024", "40", "190", "18", "2", "3", "0", "Hoàn thành xuất sắc nhiệm vụ"),
		row("TU.K.NV.2", "2024", "40", "190", "18", "2", "3", "0", "Hoàn thành tốt nhiệm vụ"),
		row("TU.K.NV.3", "2024", "40", "190", "18", "2", "3", "0", "hoan thanh tot nhiem vu"),
		row("TU.K.TP", "2024", "40", "190", "18", "2", "3", "0", "Hoàn thành nhiệm vụ"),
		row("TU.K.XD", "2024", "40", "190", "20", "0", "3", "0", ""),
		row("TU.X1.A1", "2024", "5", "10", "3", "1", "0", "1", "Không hoàn thành nhiệm vụ"),
		row("TU.X1.A2", "2024", "3", "12", "4", "", "", "", "Hoàn thành tốt nhiệm vụ"),
	)
}

func importOK(t *testing.T, f fixture, scope org.Scope, file string) quality.ImportResult {
	t.Helper()
	res, err := quality.Import(t.Context(), f.db, scope, strings.NewReader(file), "xep-loai.csv", false)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Problems) > 0 {
		t.Fatalf("import refused: %v", res.Problems)
	}
	return res
}

func TestAgenciesBlocRatesAbove99PercentSatisfactoryOrBetterAndNoneTwoYearsRunning(t *testing.T) {
	f := newFixture(t)
	res := importOK(t, f, f.staff, seed2024())
	if res.Created != 7 || len(res.OverCap) != 1 || !strings.Contains(res.OverCap[0], "Dòng 7: Chi bộ ấp 1 năm 2024") ||
		!strings.Contains(res.OverCap[0], "vượt mức tối đa 2 (20 % số hoàn thành tốt nhiệm vụ trở lên)") {
		t.Fatalf("import: %+v", res)
	}
	sums, err := quality.Summarise(t.Context(), f.db, f.staff, []int64{f.bloc, f.committee, f.commune, f.province, f.tree.ID("TU.K.TP")}, 2024, orgtest.Day("2024-12-31"))
	if err != nil {
		t.Fatal(err)
	}
	bloc := sums[f.bloc]
	if bloc.Rated() != 1250 || bloc.SatisfactoryOrBetter() != 1242 || format.Percent(bloc.ShareSatisfactoryOrBetter()) != "99,36 %" {
		t.Fatalf("bloc: %d / %d = %s, want 1.242 / 1.250 = 99,36 %%", bloc.SatisfactoryOrBetter(), bloc.Rated(), format.Percent(bloc.ShareSatisfactoryOrBetter()))
	}
	if bloc.UnsatisfactoryTwoYears != 0 || bloc.Unsatisfactory != 8 || bloc.Exempt != 15 || bloc.Excellent != 200 || bloc.Good != 950 {
		t.Fatalf("bloc members: %+v", bloc.Members)
	}
	if bloc.CellsExpected != 5 || bloc.Cells != 5 || bloc.CellsOverCap != 0 {
		t.Fatalf("bloc cells: %d rated of %d, %d over the cap", bloc.Cells, bloc.CellsExpected, bloc.CellsOverCap)
	}
	if o := bloc.Organisations; o[quality.Excellent] != 1 || o[quality.Good] != 2 || o[quality.Satisfactory] != 1 || o[quality.Unsatisfactory] != 0 ||
		bloc.OrganisationsNotRated != 1 || bloc.OrganisationsRated() != 4 {
		t.Fatalf("bloc organisations: %v, not rated %d", o, bloc.OrganisationsNotRated)
	}
	if c := sums[f.committee]; c.Rated() != 750 || c.Cells != 3 {
		t.Fatalf("grassroots committee: %+v", c)
	}
	if c := sums[f.tree.ID("TU.K.TP")]; c.Rated() != 250 || c.Cells != 1 || c.CellsExpected != 1 {
		t.Fatalf("a cell summarised on its own: %+v", c)
	}
	commune := sums[f.commune]
	if commune.CellsOverCap != 1 || commune.UnsatisfactoryTwoYears != 1 || commune.Rated() != 38 || commune.SatisfactoryOrBetter() != 37 {
		t.Fatalf("commune: %+v", commune)
	}
	province := sums[f.province]
	if province.Rated() != 1288 || province.CellsExpected != 8 || province.Cells != 7 || province.CellsOverCap != 1 ||
		province.Organisations[quality.Unsatisfactory] != 1 || province.Cap.Percent != 20 || province.Cap.Base != quality.GoodOrBetter {
		t.Fatalf("province: %+v", province)
	}
	// Nothing rated for another year: every unit still has its (zero) summary.
	sums, err = quality.Summarise(t.Context(), f.db, f.staff, []int64{f.bloc}, 2023, orgtest.Day("2023-12-31"))
	if err != nil || sums[f.bloc].Rated() != 0 || sums[f.bloc].CellsExpected != 5 || format.Percent(sums[f.bloc].ShareSatisfactoryOrBetter()) != "—" {
		t.Fatalf("2023: %+v %v", sums, err)
	}
}

func TestExcellentIsCappedAtTwentyPercentOfThoseRatedGoodOrBetter(t *testing.T) {
	rule := quality.DefaultCapRule
	for _, c := range []struct {
		excellent, good int
		over            bool
		allowed         int
	}{
		{3, 12, false, 3}, // 3 × 100 = 20 × 15: at the cap
		{4, 12, true, 3},
		{5, 10, true, 2},
		{2, 10, false, 2},
		{1, 0, true, 0},
		{0, 0, false, 0},
		{200, 950, false, 237},
	} {
		m := quality.Members{Excellent: c.excellent, Good: c.good}
		if rule.Exceeded(m) != c.over || rule.Allowed(m) != c.allowed {
			t.Errorf("%d excellent, %d good: over %v allowed %d, want %v and %d", c.excellent, c.good, rule.Exceeded(m), rule.Allowed(m), c.over, c.allowed)
		}
	}
	// The literal reading, a share of those rated good alone, is one setting away.
	literal := quality.CapRule{Percent: 20, Base: quality.GoodOnly}
	if m := (quality.Members{Excellent: 3, Good: 12}); !literal.Exceeded(m) || literal.Allowed(m) != 2 {
		t.Errorf("20 %% of good only: 3 of 12 over %v, allowed %d", literal.Exceeded(m), literal.Allowed(m))
	}
}

func TestCapRuleIsDatedAndConfigurable(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	if _, err := f.db.Exec(ctx, `INSERT INTO quality_rule (valid_from, excellent_cap_percent, excellent_cap_base) VALUES ('2026-01-01', 15, 'good')`); err != nil {
		t.Fatal(err)
	}
	for year, want := range map[int]quality.CapRule{2017: quality.DefaultCapRule, 2025: {Percent: 20, Base: quality.GoodOrBetter}, 2026: {Percent: 15, Base: quality.GoodOnly}} {
		r, err := quality.CapRuleFor(ctx, f.db, year)
		if err != nil || r.Percent != want.Percent || r.Base != want.Base {
			t.Errorf("rule for %d: %+v %v, want %+v", year, r, err, want)
		}
	}
	importOK(t, f, f.staff, ratingsFile(row("TU.X1.A2", "2026", "3", "12", "4", "", "", "", "")))
	sums, err := quality.Summarise(ctx, f.db, f.staff, []int64{f.commune}, 2026, orgtest.Day("2026-12-31"))
	if err != nil || sums[f.commune].CellsOverCap != 1 {
		t.Fatalf("3 excellent of 12 good under 15 %% of good: %+v %v", sums[f.commune], err)
	}
}

func TestImportWithOneBadRowChangesNothingAndNamesTheRowAndColumn(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	file := ratingsFile(
		row("TU.K.NV.1", "2024", "40", "190", "18", "2", "3", "0", ""),
		row("TU.K.NV.2", "2024", "40", "190", "18", "2", "3", "3", ""), // 3 two years running, 2 this year
		row("TU.K.NV.3", "2024", "40", "190", "18", "2", "3", "0", ""),
	)
	res, err := quality.Import(ctx, f.db, f.staff, strings.NewReader(file), "xep-loai.csv", false)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Problems) != 1 || res.Created != 0 {
		t.Fatalf("problems %v, created %d", res.Problems, res.Created)
	}
	p := res.Problems[0]
	if p.Sheet != "Xếp loại chất lượng" || p.Row != 3 || p.Column != "Đảng viên – Hai năm liền không hoàn thành nhiệm vụ" ||
		!strings.Contains(p.Message, "(3) không thể lớn hơn số không hoàn thành nhiệm vụ năm nay (2)") {
		t.Fatalf("problem: %s", p)
	}
	var ratings, audited int
	f.db.QueryRow(ctx, `SELECT count(*) FROM quality_rating`).Scan(&ratings)
	f.db.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE entity = 'quality_rating'`).Scan(&audited)
	if ratings != 0 || audited != 0 {
		t.Fatalf("%d ratings and %d audit rows written despite the bad row", ratings, audited)
	}
}

func TestEveryBadCellIsAProblemNamingItsColumn(t *testing.T) {
	f := newFixture(t)
	file := ratingsFile(
		row("TU.K.NV.1", "2017", "1", "1", "1", "", "", "", ""),
		row("TU.K.NV.2", "2024", "mười", "1", "1", "", "", "", ""),
		row("TU.K.NV.3", "2024", "1", "1", "1", "", "", "", "Xuất sắc lắm"),
		row("TU.K", "2024", "1", "1", "1", "", "", "", ""),
		row("KHONG-CO", "2024", "1", "1", "1", "", "", "", ""),
		row("TU.K.TP", "2024", "1", "1", "1", "", "", "", ""),
		row("TU.K.TP", "2024", "1", "2", "1", "", "", "", ""),
		row("TU.K.XD", "", "1", "1", "1", "", "", "", ""),
	)
	res, err := quality.Import(t.Context(), f.db, f.staff, strings.NewReader(file), "xep-loai.csv", false)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`dòng 2, cột "Năm": năm 2017 không nhận`,
		`dòng 3, cột "Đảng viên – Hoàn thành xuất sắc nhiệm vụ": "mười" không phải là số nguyên không âm`,
		`dòng 4, cột "Xếp loại chi bộ": "Xuất sắc lắm" không phải là lựa chọn hợp lệ`,
		`dòng 5, cột "Mã chi bộ": "TU.K" là đảng bộ khối, không phải là chi bộ`,
		`dòng 6, cột "Mã chi bộ": không có chi bộ mã "KHONG-CO"`,
		`dòng 8, cột "Mã chi bộ": chi bộ TU.K.TP đã có xếp loại năm 2024 ở dòng 7`,
		`dòng 9, cột "Năm": không được để trống`,
	}
	all := ""
	for _, p := range res.Problems {
		all += p.String() + "\n"
	}
	for _, w := range want {
		if !strings.Contains(all, w) {
			t.Errorf("problems lack %q:\n%s", w, all)
		}
	}
	if len(res.Problems) != len(want) {
		t.Errorf("%d problems, want %d:\n%s", len(res.Problems), len(want), all)
	}
}

func TestCommuneStaffCannotImportRatingsOfAnotherCommunesCell(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	file := ratingsFile(
		row("TU.X1.A1", "2024", "2", "10", "3", "", "", "", ""),
		row("TU.X2.A1", "2024", "2", "10", "3", "", "", "", ""),
	)
	res, err := quality.Import(ctx, f.db, f.communeStaff, strings.NewReader(file), "xep-loai.csv", false)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Problems) != 1 || res.Problems[0].Row != 3 || res.Problems[0].Column != "Mã chi bộ" ||
		!strings.Contains(res.Problems[0].Message, "trong phạm vi đồng chí quản lý") {
		t.Fatalf("problems: %v", res.Problems)
	}
	var n int
	f.db.QueryRow(ctx, `SELECT count(*) FROM quality_rating`).Scan(&n)
	if n != 0 {
		t.Fatalf("%d ratings written", n)
	}
	// The commune's staff read their own subtree and not the other commune's.
	if _, err := quality.Summarise(ctx, f.db, f.communeStaff, []int64{f.commune, f.otherCommune}, 2024, orgtest.Day("2024-12-31")); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("summary of another commune: %v", err)
	}
	if _, err := quality.Get(ctx, f.db, f.communeStaff, f.tree.ID("TU.X2.A1"), 2024); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("rating of another commune's cell: %v", err)
	}
	importOK(t, f, f.communeStaff, file[:strings.LastIndex(strings.TrimSuffix(file, "\n"), "\n")+1])
	if r, err := quality.Get(ctx, f.db, f.communeStaff, f.tree.ID("TU.X1.A1"), 2024); err != nil || r.Good != 10 {
		t.Fatalf("own cell's rating: %+v %v", r, err)
	}
}

func TestImportUpsertsByCellAndYearAndAuditsEachChange(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	cell := f.tree.ID("TU.X1.A1")
	first := ratingsFile(row("TU.X1.A1", "2024", "2", "10", "3", "", "", "", "Hoàn thành tốt nhiệm vụ"))

	res, err := quality.Import(ctx, f.db, f.staff, strings.NewReader(first), "xep-loai.csv", true)
	if err != nil || len(res.Problems) > 0 || res.Created != 1 || !res.DryRun {
		t.Fatalf("dry run: %+v %v", res, err)
	}
	if _, err := quality.Get(ctx, f.db, f.staff, cell, 2024); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("a dry run wrote: %v", err)
	}

	importOK(t, f, f.staff, first)
	if res := importOK(t, f, f.staff, first); res.Unchanged != 1 || res.Created+res.Updated != 0 {
		t.Fatalf("the same file again: %+v", res)
	}
	res = importOK(t, f, f.staff, ratingsFile(row("TU.X1.A1", "2024", "2", "9", "3", "1", "1", "", "")))
	if res.Updated != 1 {
		t.Fatalf("corrected file: %+v", res)
	}
	r, err := quality.Get(ctx, f.db, f.staff, cell, 2024)
	if err != nil || r.Version != 2 || r.Good != 9 || r.Unsatisfactory != 1 || r.Exempt != 1 || r.Own != "" {
		t.Fatalf("after the correction: %+v %v", r, err)
	}
	rows, err := audit.List(ctx, f.db, audit.Filter{All: true, Label: "TU.X1.A1 năm 2024"})
	if err != nil || len(rows) != 2 || rows[0].Action != "update" || rows[1].Action != "create" ||
		!strings.Contains(rows[0].Old, `"good": 10`) || !strings.Contains(rows[0].New, `"good": 9`) || rows[0].Login != "tinh" ||
		rows[0].Reason != "Nhập từ tệp xep-loai.csv" {
		t.Fatalf("audit: %+v %v", rows, err)
	}
}

func TestMoreMembersRatedThanTheFourthQuarterClosingIsAProblem(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	cell := f.tree.ID("TU.X1.A1")
	q4 := report.Figures{"opening": 18, "closing": 18, "full_members": 17, "probationary": 1}
	if _, err := report.Submit(ctx, f.db, f.staff, cell, report.Period{Year: 2024, Quarter: 4}, report.Entry{Figures: q4}, orgtest.Day("2025-01-05")); err != nil {
		t.Fatal(err)
	}
	res, err := quality.Import(ctx, f.db, f.staff, strings.NewReader(ratingsFile(row("TU.X1.A1", "2024", "2", "10", "5", "", "2", "", ""))), "xep-loai.csv", false)
	if err != nil || len(res.Problems) != 1 || res.Problems[0].Row != 2 ||
		!strings.Contains(res.Problems[0].Message, "(19) nhiều hơn số đảng viên cuối quý 4/2024 của Chi bộ ấp 1 (18)") {
		t.Fatalf("19 rated or exempt of 18: %+v %v", res, err)
	}
	importOK(t, f, f.staff, ratingsFile(row("TU.X1.A1", "2024", "2", "10", "4", "", "2", "", "")))
}
