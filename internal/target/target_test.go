package target_test

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"ptdang/internal/apperr"
	"ptdang/internal/audit"
	"ptdang/internal/exchange"
	"ptdang/internal/org"
	"ptdang/internal/orgtest"
	"ptdang/internal/pgtest"
	"ptdang/internal/target"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// fixture is a province with two communes; commune A has two cells, commune B one.
type fixture struct {
	db                           *pgxpool.Pool
	province, communeA, communeB int64
	cellA1, cellA2, cellB1       int64
	provinceStaff, communeStaff  org.Scope
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	f := fixture{db: pgtest.New(t)}
	province := orgtest.New(t, f.db, day("2015-01-01")).Province("DT", "Tỉnh ủy Đồng Tháp")
	communeA, communeB := province.Commune("DT.A", "Đảng bộ xã An Bình"), province.Commune("DT.B", "Đảng bộ xã Bình Thành")
	f.province, f.communeA, f.communeB = province.ID, communeA.ID, communeB.ID
	f.cellA1 = communeA.Cell("DT.A.1", "Chi bộ ấp 1", 12).ID
	f.cellA2 = communeA.Cell("DT.A.2", "Chi bộ ấp 2", 20).ID
	f.cellB1 = communeB.Cell("DT.B.1", "Chi bộ ấp Bàu Cạn", 8).ID
	f.provinceStaff = org.Under(f.province).As(audit.Actor{UserID: 0, Login: "tinh", Addr: "10.0.0.1"})
	f.communeStaff = communeA.Staff("xa.an.binh")
	return f
}

func number(unit int64, n, version int) target.Entry {
	return target.Entry{UnitID: unit, Basis: target.Number, Number: n, Version: version}
}

func ptr(e target.Entry) *target.Entry { return &e }

var spring2022 = day("2022-03-01")

func TestProvinceAllocatesItsTotalAndAMismatchIsAWarningWithTheDifference(t *testing.T) {
	f := newFixture(t)
	a, n, err := target.Allocate(t.Context(), f.db, f.provinceStaff, target.AllocationInput{Unit: f.province, Year: 2022,
		Total:    ptr(number(0, 1300, 0)),
		Children: []target.Entry{number(f.communeA, 700, 0), number(f.communeB, 500, 0)}}, spring2022)
	if err != nil {
		t.Fatal(err)
	}
	if n != 3 || a.Total.Number != 1300 || a.Sum != 1200 || a.Difference() != -100 || !a.Mismatch() {
		t.Fatalf("saved %d: total %d, sum %d, difference %d, mismatch %v", n, a.Total.Number, a.Sum, a.Difference(), a.Mismatch())
	}
	if msg := a.MismatchMessage(); !strings.Contains(msg, "1.200, còn thiếu 100 so với chỉ tiêu 1.300") {
		t.Errorf("mismatch message %q", msg)
	}
	rows, err := audit.List(t.Context(), f.db, audit.Filter{All: true, Login: "tinh"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0].Entity != "admission_target" || rows[0].Addr != "10.0.0.1" {
		t.Fatalf("audit: %+v", rows)
	}

	// Changing one row audits one change, old → new.
	a, n, err = target.Allocate(t.Context(), f.db, f.provinceStaff, target.AllocationInput{Unit: f.province, Year: 2022,
		Children: []target.Entry{number(f.communeA, 800, 1), number(f.communeB, 500, 1)}, Reason: "Bổ sung theo Nghị quyết 05"}, spring2022)
	if err != nil || n != 1 || a.Mismatch() {
		t.Fatalf("second save: %d changed, mismatch %v, err %v", n, a.Mismatch(), err)
	}
	rows = targetAudit(t, f, "DT.A")
	if len(rows) != 2 || !strings.Contains(rows[0].Old, `"target": 700`) || !strings.Contains(rows[0].New, `"target": 800`) || rows[0].Reason != "Bổ sung theo Nghị quyết 05" {
		t.Fatalf("audit of the change: %+v", rows)
	}
}

func TestShareOfMembersAtStartOfYearBecomesTheRoundedUpNumber(t *testing.T) {
	f := newFixture(t)
	a, _, err := target.Allocate(t.Context(), f.db, f.provinceStaff, target.AllocationInput{Unit: f.province, Year: 2018,
		Total: ptr(target.Entry{Basis: target.ShareOfYear, Share: 300, Base: 76174, Number: 1})}, spring2022)
	if err != nil {
		t.Fatal(err)
	}
	if a.Total.Number != 2286 || a.Total.Share != 300 || a.Total.Base != 76174 || a.Total.Basis != target.ShareOfYear {
		t.Fatalf("3 %% of 76.174: %+v, want 2.286 (rounded up)", a.Total)
	}
	if got := a.Total.Describe(); got != "2.286 (3 % của 76.174 đảng viên đầu năm)" {
		t.Errorf("described as %q", got)
	}
	// The default base of a committee is the sum of its cells' members.
	if a.Members != 40 || a.Children[0].Members != 32 {
		t.Errorf("members: province %d, commune A %d", a.Members, a.Children[0].Members)
	}
}

func TestStrictProvinceRefusesAnAllocationThatDoesNotAddUp(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	st, err := target.GetSettings(ctx, f.db, f.provinceStaff, f.province, 2022)
	if err != nil {
		t.Fatal(err)
	}
	err = target.SetSettings(ctx, f.db, f.provinceStaff, f.province, 2022, target.SettingsInput{Strict: true,
		Thresholds: st.Thresholds, Profile: st.Profile, Version: st.Version, YearVersion: st.YearVersion})
	if err != nil {
		t.Fatal(err)
	}
	// The total alone is fine: nothing is allocated yet.
	if _, _, err := target.Allocate(ctx, f.db, f.provinceStaff, target.AllocationInput{Unit: f.province, Year: 2022, Total: ptr(number(0, 1300, 0))}, spring2022); err != nil {
		t.Fatal(err)
	}
	_, _, err = target.Allocate(ctx, f.db, f.provinceStaff, target.AllocationInput{Unit: f.province, Year: 2022,
		Children: []target.Entry{number(f.communeA, 700, 0), number(f.communeB, 500, 0)}}, spring2022)
	if msg := apperr.Field(err, "total"); !strings.Contains(msg, "còn thiếu 100") || !strings.Contains(msg, "phải bằng") {
		t.Fatalf("strict mismatch: %v", err)
	}
	a, err := target.GetAllocation(ctx, f.db, f.provinceStaff, f.province, 2022)
	if err != nil || a.Allocated != 0 {
		t.Fatalf("a refused allocation was written: %d allocated, %v", a.Allocated, err)
	}
	a, _, err = target.Allocate(ctx, f.db, f.provinceStaff, target.AllocationInput{Unit: f.province, Year: 2022,
		Children: []target.Entry{number(f.communeA, 800, 0), number(f.communeB, 500, 0)}}, spring2022)
	if err != nil || a.Mismatch() {
		t.Fatalf("an allocation that adds up: %v", err)
	}
}

func TestCommuneStaffAllocateToCellsButDoNotSetTheirCommunesTarget(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	_, _, err := target.Allocate(ctx, f.db, f.communeStaff, target.AllocationInput{Unit: f.communeA, Year: 2022, Total: ptr(number(0, 50, 0))}, spring2022)
	if !errors.Is(err, apperr.ErrForbidden) {
		t.Fatalf("commune staff setting their own target: %v", err)
	}
	a, err := target.GetAllocation(ctx, f.db, f.communeStaff, f.communeA, 2022)
	if err != nil {
		t.Fatal(err)
	}
	r, err := target.GetRights(ctx, f.db, f.communeStaff, a, spring2022)
	if err != nil || r.Total || !r.Children || r.Locked {
		t.Fatalf("commune staff rights %+v, %v", r, err)
	}
	if _, _, err := target.Allocate(ctx, f.db, f.communeStaff, target.AllocationInput{Unit: f.communeA, Year: 2022,
		Children: []target.Entry{number(f.cellA1, 3, 0), number(f.cellA2, 5, 0)}}, spring2022); err != nil {
		t.Fatal(err)
	}
	// Another commune is out of scope: not found, not forbidden.
	if _, err := target.GetAllocation(ctx, f.db, f.communeStaff, f.communeB, 2022); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("another commune: %v", err)
	}
	if _, _, err := target.Allocate(ctx, f.db, f.communeStaff, target.AllocationInput{Unit: f.communeB, Year: 2022,
		Children: []target.Entry{number(f.cellB1, 3, 0)}}, spring2022); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("allocating in another commune: %v", err)
	}
	// A unit that is not a child of the allocating unit is not found either.
	if _, _, err := target.Allocate(ctx, f.db, f.provinceStaff, target.AllocationInput{Unit: f.communeA, Year: 2022,
		Children: []target.Entry{number(f.cellB1, 3, 0)}}, spring2022); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("a cell of another commune under commune A: %v", err)
	}
}

func TestAfterTheLockDateOnlyProvinceStaffChangeTargetsAndGiveAReason(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	lock := day("2022-03-31")
	err := target.SetSettings(ctx, f.db, f.provinceStaff, f.communeA, 2022, target.SettingsInput{LockDate: &lock,
		Thresholds: target.DefaultThresholds, Profile: target.Profile{20, 45, 70, 100}})
	if err != nil {
		t.Fatal(err)
	}
	cells := []target.Entry{number(f.cellA1, 3, 0), number(f.cellA2, 5, 0)}
	if _, _, err := target.Allocate(ctx, f.db, f.communeStaff, target.AllocationInput{Unit: f.communeA, Year: 2022, Children: cells}, day("2022-03-30")); err != nil {
		t.Fatalf("before the lock date: %v", err)
	}
	after := day("2022-03-31")
	_, _, err = target.Allocate(ctx, f.db, f.communeStaff, target.AllocationInput{Unit: f.communeA, Year: 2022,
		Children: []target.Entry{number(f.cellA1, 4, 1)}, Reason: "xin điều chỉnh"}, after)
	if !errors.Is(err, apperr.ErrForbidden) {
		t.Fatalf("commune staff on the lock date: %v", err)
	}
	_, _, err = target.Allocate(ctx, f.db, f.provinceStaff, target.AllocationInput{Unit: f.communeA, Year: 2022,
		Children: []target.Entry{number(f.cellA1, 4, 1)}}, after)
	if msg := apperr.Field(err, "reason"); !strings.Contains(msg, "đã khóa từ ngày 31/03/2022") {
		t.Fatalf("province staff without a reason: %v", err)
	}
	if _, _, err := target.Allocate(ctx, f.db, f.provinceStaff, target.AllocationInput{Unit: f.communeA, Year: 2022,
		Children: []target.Entry{number(f.cellA1, 4, 1)}, Reason: "  Chi bộ  sáp nhập ấp 3 "}, after); err != nil {
		t.Fatalf("province staff with a reason: %v", err)
	}
	rows := targetAudit(t, f, "DT.A.1")
	if len(rows) != 2 || rows[0].Reason != "Chi bộ sáp nhập ấp 3" || rows[0].Login != "tinh" {
		t.Fatalf("audit after the lock: %+v", rows)
	}
	// Other years are not locked.
	if _, _, err := target.Allocate(ctx, f.db, f.communeStaff, target.AllocationInput{Unit: f.communeA, Year: 2023, Children: cells}, after); err != nil {
		t.Fatalf("2023 with 2022 locked: %v", err)
	}
	st, _ := target.GetSettings(ctx, f.db, f.provinceStaff, f.cellA1, 2022)
	if st.Province != f.province || st.Profile != (target.Profile{20, 45, 70, 100}) || !st.Locked(after) || st.Locked(day("2022-03-30")) {
		t.Fatalf("settings seen from a cell: %+v", st)
	}
	// Commune staff do not see the province's settings.
	if _, err := target.GetSettings(ctx, f.db, f.communeStaff, f.communeA, 2022); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("commune staff reading province settings: %v", err)
	}
}

func TestStaleVersionIsAConflictAndWritesNothing(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	if _, _, err := target.Allocate(ctx, f.db, f.provinceStaff, target.AllocationInput{Unit: f.province, Year: 2022,
		Children: []target.Entry{number(f.communeA, 700, 0)}}, spring2022); err != nil {
		t.Fatal(err)
	}
	// Someone who read the page before that save still has version 0 for commune A.
	_, _, err := target.Allocate(ctx, f.db, f.provinceStaff, target.AllocationInput{Unit: f.province, Year: 2022,
		Children: []target.Entry{number(f.communeA, 650, 0), number(f.communeB, 500, 0)}}, spring2022)
	if !errors.Is(err, apperr.ErrConflict) {
		t.Fatalf("stale save: %v", err)
	}
	a, _ := target.GetAllocation(ctx, f.db, f.provinceStaff, f.province, 2022)
	if a.Children[0].Target.Number != 700 || a.Children[1].Target.Set() {
		t.Fatalf("after a refused stale save: %+v", a.Children)
	}
	// Bad numbers name the unit.
	_, _, err = target.Allocate(ctx, f.db, f.provinceStaff, target.AllocationInput{Unit: f.province, Year: 2022,
		Children: []target.Entry{{UnitID: f.communeB, Basis: target.ShareOfYear, Share: 0, Base: 100}}}, spring2022)
	if msg := apperr.Field(err, target.UnitField(f.communeB)); !strings.Contains(msg, "Bình Thành") {
		t.Fatalf("a zero share: %v", err)
	}
}

// targetAudit lists the audit rows of the targets of the unit with code, newest first.
func targetAudit(t *testing.T, f fixture, code string) []audit.Row {
	t.Helper()
	rows, err := audit.List(t.Context(), f.db, audit.Filter{All: true, Label: code})
	if err != nil {
		t.Fatal(err)
	}
	var out []audit.Row
	for _, r := range rows {
		if r.Entity == "admission_target" {
			out = append(out, r)
		}
	}
	return out
}

func exportCSV(t *testing.T, f fixture, scope org.Scope, unit int64, year int) string {
	t.Helper()
	sheet, err := target.Export(t.Context(), f.db, scope, unit, year)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := exchange.WriteCSV(&buf, sheet); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestExportImportedBackChangesNothingAndABadFileWritesNothing(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	if _, _, err := target.Allocate(ctx, f.db, f.provinceStaff, target.AllocationInput{Unit: f.province, Year: 2022,
		Total:    ptr(target.Entry{Basis: target.ShareOfYear, Share: 300, Base: 76174}),
		Children: []target.Entry{number(f.communeA, 1500, 0), number(f.communeB, 786, 0)}}, spring2022); err != nil {
		t.Fatal(err)
	}
	csv := exportCSV(t, f, f.provinceStaff, f.province, 2022)
	want := "\ufeffMã đơn vị,Tên đơn vị,Mã cấp trên,Năm,Chỉ tiêu,Tỷ lệ,Tính trên,Số đảng viên làm căn cứ,Lý do điều chỉnh\r\n" +
		"DT,Tỉnh ủy Đồng Tháp,,2022,2286,3 %,Đầu năm,76174,\r\n" +
		"DT.A,Đảng bộ xã An Bình,DT,2022,1500,,,,\r\n" +
		"DT.A.1,Chi bộ ấp 1,DT.A,2022,,,,,\r\n" +
		"DT.A.2,Chi bộ ấp 2,DT.A,2022,,,,,\r\n" +
		"DT.B,Đảng bộ xã Bình Thành,DT,2022,786,,,,\r\n" +
		"DT.B.1,Chi bộ ấp Bàu Cạn,DT.B,2022,,,,,\r\n"
	if csv != want {
		t.Fatalf("export:\n%q\nwant\n%q", csv, want)
	}
	rep, err := target.Import(ctx, f.db, f.provinceStaff, strings.NewReader(csv), "chi-tieu.csv", false, spring2022)
	if err != nil || len(rep.Problems) > 0 || rep.Unchanged != 6 || len(rep.Changes) != 0 {
		t.Fatalf("export imported back: %+v, %v", rep, err)
	}

	// A file with a good row and bad ones: every problem by row and column, nothing written.
	file := "Mã đơn vị;Năm;Chỉ tiêu;Tỷ lệ\n" +
		"DT.A.1;2022;10;\n" +
		"DT.A.2;2022;mười;\n" +
		"DT.B.1;2022;;3\n" +
		"KHONG-CO;2022;5;\n" +
		"DT.A;2022;1.400;\n"
	rep, err = target.Import(ctx, f.db, f.provinceStaff, strings.NewReader(file), "sai.csv", false, spring2022)
	if err != nil {
		t.Fatal(err)
	}
	got := rep.Problems.Error()
	for _, want := range []string{`dòng 3, cột "Chỉ tiêu": "mười"`, `dòng 4, cột "Tỷ lệ"`, `dòng 5, cột "Mã đơn vị": không có tổ chức đảng mã "KHONG-CO"`} {
		if !strings.Contains(got+strings.Join(problemStrings(rep.Problems), "\n"), want) {
			t.Errorf("problems lack %s:\n%s", want, strings.Join(problemStrings(rep.Problems), "\n"))
		}
	}
	a, _ := target.GetAllocation(ctx, f.db, f.provinceStaff, f.communeA, 2022)
	if a.Total.Number != 1500 || a.Allocated != 0 {
		t.Fatalf("a refused file was written: %+v", a.Total)
	}

	// A dry run reports and writes nothing; commune staff cannot set their own commune's row.
	good := "Mã đơn vị,Năm,Chỉ tiêu,Tỷ lệ,Số đảng viên làm căn cứ\nDT.A.1,2022,10,,\nDT.A.2,2022,,5 %,100\n"
	rep, err = target.Import(ctx, f.db, f.communeStaff, strings.NewReader(good), "a.csv", true, spring2022)
	if err != nil || len(rep.Problems) > 0 || rep.Created != 2 || len(rep.Changes) != 2 {
		t.Fatalf("dry run: %+v %v", rep, err)
	}
	if a, _ := target.GetAllocation(ctx, f.db, f.provinceStaff, f.communeA, 2022); a.Allocated != 0 {
		t.Fatal("a dry run wrote")
	}
	rep, err = target.Import(ctx, f.db, f.communeStaff, strings.NewReader(good+"DT.A,2022,1000,,\n"), "a.csv", false, spring2022)
	if err != nil || len(rep.Problems) != 1 || rep.Problems[0].Row != 4 || !strings.Contains(rep.Problems[0].Message, "do cấp trên giao") {
		t.Fatalf("commune staff's own row: %+v %v", rep.Problems, err)
	}
	rep, err = target.Import(ctx, f.db, f.communeStaff, strings.NewReader(good), "a.csv", false, spring2022)
	if err != nil || len(rep.Problems) > 0 {
		t.Fatalf("import: %+v %v", rep, err)
	}
	a, _ = target.GetAllocation(ctx, f.db, f.provinceStaff, f.communeA, 2022)
	if a.Sum != 15 || a.Children[1].Target.Number != 5 || a.Children[1].Target.Base != 100 {
		t.Fatalf("imported: %+v", a.Children)
	}
}

func TestStrictImportIsJudgedOnTheWholeFile(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	st, _ := target.GetSettings(ctx, f.db, f.provinceStaff, f.province, 2022)
	if err := target.SetSettings(ctx, f.db, f.provinceStaff, f.province, 2022, target.SettingsInput{Strict: true,
		Thresholds: st.Thresholds, Profile: st.Profile}); err != nil {
		t.Fatal(err)
	}
	// Children before their total, in one file: fine once the whole file is in.
	ok := "Mã đơn vị,Năm,Chỉ tiêu\nDT.A,2022,700\nDT.B,2022,600\nDT,2022,1300\n"
	if rep, err := target.Import(ctx, f.db, f.provinceStaff, strings.NewReader(ok), "a.csv", false, spring2022); err != nil || len(rep.Problems) > 0 {
		t.Fatalf("a file that adds up: %+v %v", rep.Problems, err)
	}
	bad := "Mã đơn vị,Năm,Chỉ tiêu\nDT.A,2022,800\n"
	rep, err := target.Import(ctx, f.db, f.provinceStaff, strings.NewReader(bad), "a.csv", false, spring2022)
	if err != nil || len(rep.Problems) != 1 || !strings.Contains(rep.Problems[0].Message, "vượt 100") {
		t.Fatalf("a file that breaks the allocation: %+v %v", rep.Problems, err)
	}
}

func problemStrings(ps exchange.Problems) []string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return s
}

func TestDemoTargetsCascadeToTheCellsAndAddUpEverywhere(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	load := func() string {
		var summary string
		err := pgx.BeginFunc(ctx, f.db, func(tx pgx.Tx) error {
			var err error
			summary, err = target.DemoTargets(ctx, tx, org.Everything(), f.province, []int{2023, 2024})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return summary
	}
	summary := load()
	if !strings.Contains(summary, "năm 2023, 2024") || !strings.Contains(summary, "2024: 2") {
		t.Errorf("summary %q", summary)
	}
	numbers := func() map[int64]int {
		a, err := target.GetAllocation(ctx, f.db, org.Everything(), f.province, 2024)
		if err != nil {
			t.Fatal(err)
		}
		// 2024 is 3,2 % (2024 mod 3 = 2) of 40 members: 1,28 → 2.
		if a.Total.Number != 2 || a.Total.Share != 320 || a.Total.Base != 40 || a.Mismatch() {
			t.Fatalf("province 2024: %+v, sum %d", a.Total, a.Sum)
		}
		m := map[int64]int{f.province: a.Total.Number}
		for _, unit := range []int64{f.communeA, f.communeB} {
			c, err := target.GetAllocation(ctx, f.db, org.Everything(), unit, 2024)
			if err != nil {
				t.Fatal(err)
			}
			if c.Mismatch() || (c.Total.Number > 0 && c.Allocated == 0) {
				t.Errorf("%s does not add up: total %d, sum %d", c.Unit.Name, c.Total.Number, c.Sum)
			}
			m[unit] = c.Total.Number
			for _, ch := range c.Children {
				m[ch.Unit.ID] = ch.Target.Number
			}
		}
		return m
	}
	first := numbers()
	if first[f.communeA] != 2 || first[f.communeB] != 0 || first[f.cellA2] != 1 {
		t.Errorf("cascade by members (A 32, B 8): %v", first)
	}
	load()
	if second := numbers(); len(second) != len(first) || second[f.cellA1] != first[f.cellA1] || second[f.communeA] != first[f.communeA] {
		t.Errorf("a second run differs: %v, then %v", first, second)
	}
	st, _ := target.GetSettings(ctx, f.db, org.Everything(), f.province, 2023)
	if st.LockDate == nil || !st.LockDate.Equal(time.Date(2023, 3, 31, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("demo lock date %v", st.LockDate)
	}
}
