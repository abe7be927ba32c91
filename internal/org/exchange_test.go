package org_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"ptdang/internal/exchange"
	"ptdang/internal/org"
	"ptdang/internal/pgtest"
)

func workbook(t *testing.T, sheets ...exchange.Sheet) *bytes.Reader {
	t.Helper()
	var buf bytes.Buffer
	if err := exchange.WriteXLSX(&buf, sheets...); err != nil {
		t.Fatal(err)
	}
	return bytes.NewReader(buf.Bytes())
}

func count(t *testing.T, f fixture, table string) int {
	t.Helper()
	var n int
	if err := f.db.QueryRow(t.Context(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestImportOf2000RowsWithOneBadRowChangesNothingAndNamesTheRow(t *testing.T) {
	f := fixture{db: pgtest.New(t)}
	admin := exchange.Sheet{Table: org.AdminTable}
	admin.Rows = append(admin.Rows, []any{"DT", "Đồng Tháp", "Tỉnh, thành phố", "tỉnh", "", day("2015-01-01")})
	for c := 1; c <= 19; c++ {
		admin.Rows = append(admin.Rows, []any{fmt.Sprintf("DT.X%02d", c), fmt.Sprintf("Xã số %d", c), "Xã, phường, đặc khu", "xã", "DT", day("2015-01-01")})
	}
	for h := 1; len(admin.Rows) < 2000; h++ {
		// Hamlets come before none of their communes' rows: order in the file does not matter.
		admin.Rows = append(admin.Rows, []any{fmt.Sprintf("DT.X%02d.A%03d", h%19+1, h), fmt.Sprintf("Ấp %d", h),
			"thon, ap, ban, to dan pho, khu pho", "ấp", fmt.Sprintf("DT.X%02d", h%19+1), "01/01/2016", nil, 1200 + h})
	}
	const bad = 1500 // index in Rows; Excel row bad+2 (header is row 1)
	admin.Rows[bad][5] = "31/02/2016"
	file := workbook(t, admin, exchange.Sheet{Table: org.PartyTable}, exchange.Sheet{Table: org.LinkTable})

	rep, err := org.ImportStructure(t.Context(), f.db, all, file, "cau-truc.xlsx", exchange.Table{}, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) != 1 {
		t.Fatalf("problems: %v", rep.Problems)
	}
	p := rep.Problems[0]
	if p.Sheet != "Đơn vị hành chính" || p.Row != bad+2 || p.Column != "Ngày hiệu lực" || !strings.Contains(p.Message, "31/02/2016") {
		t.Fatalf("problem %+v", p)
	}
	if n := count(t, f, "admin_unit"); n != 0 {
		t.Fatalf("%d units written despite the bad row", n)
	}

	// Mended, the same file goes in whole.
	admin.Rows[bad][5] = "01/01/2016"
	rep, err = org.ImportStructure(t.Context(), f.db, all, workbook(t, admin, exchange.Sheet{Table: org.PartyTable}, exchange.Sheet{Table: org.LinkTable}), "cau-truc.xlsx", exchange.Table{}, false)
	if err != nil || len(rep.Problems) != 0 || rep.Created != 2000 {
		t.Fatalf("mended import: created %d, problems %v, err %v", rep.Created, rep.Problems, err)
	}
	if n := count(t, f, "admin_unit"); n != 2000 {
		t.Fatalf("%d units after the mended import", n)
	}
}

func TestExportImportsBackUnchangedAndDryRunWritesNothing(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	share := 0.625
	_, _, hamlet := f.adminCommune(org.HamletFacts{ReligiousShare: &share})
	if err := org.SetLink(ctx, f.db, all, hamlet, f.cellA, org.OwnCell, true, day("2012-01-01")); err != nil {
		t.Fatal(err)
	}

	sheets, err := org.ExportStructure(ctx, f.db, all, day("2024-01-01"))
	if err != nil {
		t.Fatal(err)
	}
	if len(sheets[0].Rows) != 3 || len(sheets[1].Rows) != 5 || len(sheets[2].Rows) != 1 {
		t.Fatalf("exported %d admin, %d party, %d link rows", len(sheets[0].Rows), len(sheets[1].Rows), len(sheets[2].Rows))
	}
	if head := sheets[2].Rows[0][4]; head != true {
		t.Fatalf("exported secretary-is-head %v, want true", head)
	}
	rep, err := org.ImportStructure(ctx, f.db, all, workbook(t, sheets...), "xuat.xlsx", exchange.Table{}, false)
	if err != nil || len(rep.Problems) != 0 || rep.Unchanged != 9 || rep.Created+rep.Updated+rep.Closed != 0 {
		t.Fatalf("re-import of the export: %+v %v", rep, err)
	}

	// The secretary stops heading the hamlet from a later day: a new dated link, the old kept.
	changed := slices.Clone(sheets[2].Rows[0])
	changed[3], changed[4] = day("2024-06-01"), false
	linkSheet := exchange.Sheet{Table: sheets[2].Table, Rows: [][]any{changed}}
	rep, err = org.ImportStructure(ctx, f.db, all, workbook(t, sheets[0], sheets[1], linkSheet), "xuat.xlsx", exchange.Table{}, false)
	if err != nil || len(rep.Problems) != 0 || rep.Updated != 1 {
		t.Fatalf("import of the secretary's change: %+v %v", rep, err)
	}
	links, err := org.HamletLinks(ctx, f.db, all, hamlet, day("2024-07-01"))
	if err != nil || len(links) != 2 || !links[0].SecretaryIsHead || links[1].SecretaryIsHead || links[1].Span.From != day("2024-06-01") {
		t.Fatalf("links after the change: %+v %v", links, err)
	}
	if err := org.SetLink(ctx, f.db, all, hamlet, f.cellA, org.OwnCell, true, day("2024-06-01")); err == nil {
		t.Fatal("a second change on the same day was accepted")
	}

	// A dry run of a changed file reports the change and writes nothing.
	sheets[1].Rows[4][1] = "Chi bộ ấp Bàu Cạn (đổi)" // cell B, last in Vietnamese order
	sheets[1].Rows = append(sheets[1].Rows, []any{"DN-A-9", "Chi bộ ấp 9", "Chi bộ trực thuộc", "Xã, phường, đặc khu, thôn, tổ dân phố", "DN-A", day("2023-01-01"), nil, 4, nil, 60, ""})
	rep, err = org.ImportStructure(ctx, f.db, all, workbook(t, sheets...), "xuat.xlsx", exchange.Table{}, true)
	if err != nil || len(rep.Problems) != 0 || rep.Updated != 1 || rep.Created != 1 || len(rep.Changes) != 2 {
		t.Fatalf("dry run: %+v %v", rep, err)
	}
	if u, _ := org.GetPartyUnit(ctx, f.db, all, f.cellB, time.Now()); u.Name != "Chi bộ ấp Bàu Cạn" {
		t.Fatalf("dry run renamed cell B to %q", u.Name)
	}
	if _, err := org.GetPartyUnitByCode(ctx, f.db, all, "DN-A-9", time.Now()); err == nil {
		t.Fatal("dry run created DN-A-9")
	}

	// Rules apply to imports too: a committee needs nine full members.
	sheets[1].Rows[len(sheets[1].Rows)-1][8] = day("2023-06-01")
	rep, err = org.ImportStructure(ctx, f.db, all, workbook(t, sheets...), "xuat.xlsx", exchange.Table{}, false)
	if err != nil || len(rep.Problems) != 1 || rep.Problems[0].Column != "Có chi ủy từ ngày" || rep.Problems[0].Row != 7 {
		t.Fatalf("committee of 4 members: %+v %v", rep.Problems, err)
	}
	if u, _ := org.GetPartyUnit(ctx, f.db, all, f.cellB, time.Now()); u.Name != "Chi bộ ấp Bàu Cạn" {
		t.Fatal("a refused import changed cell B")
	}
}

func TestImportOneCSVTable(t *testing.T) {
	f := newFixture(t)
	csv := "\ufeffMã;Tên;Cấp tổ chức;Loại hình;Mã cấp trên;Ngày thành lập;Số đảng viên chính thức\r\n" +
		"DN-B-2;Chi bộ Trường Tiểu học Bình Sơn;chi bo co so;Đơn vị sự nghiệp công lập;DN-B;05/09/2020;11\r\n"
	rep, err := org.ImportStructure(t.Context(), f.db, all, strings.NewReader(csv), "to-chuc.csv", org.PartyTable, false)
	if err != nil || len(rep.Problems) != 0 || rep.Created != 1 {
		t.Fatalf("csv import: %+v %v", rep, err)
	}
	u, err := org.GetPartyUnitByCode(t.Context(), f.db, all, "DN-B-2", time.Now())
	if err != nil || u.Kind != org.GrassrootsCell || u.FullMembers != 11 || u.ParentID != f.communeB {
		t.Fatalf("imported cell: %+v %v", u, err)
	}
}

// A row of an export as of a past date describes the version of then: imported back it changes
// nothing; its undated figures may be corrected, leaving today's name alone; a different name
// for that earlier version, or a parent the unit never had, is refused.
func TestPastExportRowIsMatchedToTheVersionItDescribes(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	if err := org.MoveUnit(ctx, f.db, all, org.PartyTree, org.Reorg{Effective: day("2020-01-01")}, f.cellB, f.communeA); err != nil {
		t.Fatal(err)
	}
	if err := org.RenameUnit(ctx, f.db, all, org.PartyTree, org.Reorg{Effective: day("2022-01-01")}, f.cellB, "Chi bộ ấp Bàu Cạn Mới"); err != nil {
		t.Fatal(err)
	}
	sheets, err := org.ExportStructure(ctx, f.db, all, day("2015-06-01"))
	if err != nil {
		t.Fatal(err)
	}
	party := sheets[1]
	row := slices.IndexFunc(party.Rows, func(r []any) bool { return r[0] == "DN-B-1" })
	if row < 0 || party.Rows[row][1] != "Chi bộ ấp Bàu Cạn" || party.Rows[row][4] != "DN-B" {
		t.Fatalf("2015 export: %v", party.Rows)
	}
	importParty := func(dryRun bool) org.ImportReport {
		t.Helper()
		var buf bytes.Buffer
		if err := exchange.WriteCSV(&buf, party); err != nil {
			t.Fatal(err)
		}
		rep, err := org.ImportStructure(ctx, f.db, all, &buf, "to-chuc.csv", org.PartyTable, dryRun)
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	if rep := importParty(false); len(rep.Problems) != 0 || rep.Unchanged != len(party.Rows) || len(rep.Changes) != 0 {
		t.Fatalf("2015 export imported back: %+v", rep)
	}

	party.Rows[row][1] = "Chi bộ ấp Bàu Cạn (sửa)"
	if rep := importParty(true); len(rep.Problems) != 1 || rep.Problems[0].Column != "Tên" || !strings.Contains(rep.Problems[0].Message, "01/01/2012") {
		t.Fatalf("renaming the 2012 version: %+v", rep.Problems)
	}
	party.Rows[row][1], party.Rows[row][4] = "Chi bộ ấp Bàu Cạn", "DN"
	if rep := importParty(true); len(rep.Problems) != 1 || rep.Problems[0].Column != "Mã cấp trên" {
		t.Fatalf("a parent it never had: %+v", rep.Problems)
	}

	party.Rows[row][4], party.Rows[row][7] = "DN-B", 6
	if rep := importParty(false); len(rep.Problems) != 0 || rep.Updated != 1 {
		t.Fatalf("correcting the members through a 2015 row: %+v", rep)
	}
	now, err := org.GetPartyUnit(ctx, f.db, all, f.cellB, time.Now())
	if err != nil || now.Name != "Chi bộ ấp Bàu Cạn Mới" || now.ParentID != f.communeA || now.FullMembers != 6 {
		t.Fatalf("cell B today: %+v %v", now, err)
	}
	then, err := org.GetPartyUnit(ctx, f.db, all, f.cellB, day("2015-06-01"))
	if err != nil || then.Name != "Chi bộ ấp Bàu Cạn" || then.ParentID != f.communeB {
		t.Fatalf("cell B in 2015: %+v %v", then, err)
	}
}

func TestRepeatedCodeInOneFileIsRefusedNamingBothRows(t *testing.T) {
	f := newFixture(t)
	csv := "Mã;Tên;Cấp tổ chức;Loại hình;Mã cấp trên;Ngày thành lập;Số đảng viên chính thức\r\n" +
		"DN-B-2;Chi bộ Trường Tiểu học Bình Sơn;chi bo co so;Đơn vị sự nghiệp công lập;DN-B;05/09/2020;11\r\n" +
		"DN-B-3;Chi bộ Trạm Y tế;chi bo co so;Đơn vị sự nghiệp công lập;DN-B;05/09/2020;7\r\n" +
		"DN-B-2;Chi bộ Trường Tiểu học Bình Sơn B;chi bo co so;Đơn vị sự nghiệp công lập;DN-B;05/09/2020;12\r\n"
	rep, err := org.ImportStructure(t.Context(), f.db, all, strings.NewReader(csv), "to-chuc.csv", org.PartyTable, false)
	if err != nil || len(rep.Problems) != 1 || rep.Created != 0 {
		t.Fatalf("import: %+v %v", rep, err)
	}
	if got, want := rep.Problems[0].String(), `Trang "Tổ chức đảng", dòng 4, cột "Mã": mã "DN-B-2" trùng với dòng 2; mỗi đơn vị chỉ ghi một dòng`; got != want {
		t.Errorf("problem:\n%s\nwant\n%s", got, want)
	}
	if _, err := org.GetPartyUnitByCode(t.Context(), f.db, all, "DN-B-3", time.Now()); err == nil {
		t.Error("a row of a refused file was written")
	}

	links := "Mã thôn,Mã chi bộ,Hình thức,Từ ngày\r\n" +
		"DN-A-1,DN-B-1,Có chi bộ riêng,01/01/2021\r\n" +
		"DN-A-1,DN-B-1,Chưa có đảng viên,01/01/2021\r\n"
	rep, err = org.ImportStructure(t.Context(), f.db, all, strings.NewReader(links), "thon.csv", org.LinkTable, true)
	if err != nil || len(rep.Problems) == 0 || !strings.Contains(rep.Problems[0].String(), `dòng 3, cột "Mã thôn": thôn "DN-A-1" từ ngày 01/01/2021 trùng với dòng 2`) {
		t.Fatalf("links: %+v %v", rep, err)
	}
}

func TestAbsurdNumbersInAStructureFileAreRefusedByRow(t *testing.T) {
	f := newFixture(t)
	csv := "Mã,Tên,Cấp tổ chức,Loại hình,Mã cấp trên,Ngày thành lập,Số đảng viên chính thức\r\n" +
		"DN-B-2,Chi bộ Trường Tiểu học,chi bo co so,Đơn vị sự nghiệp công lập,DN-B,05/09/2020,1.000.000.000\r\n" +
		"DN-B-3,Chi bộ Trạm Y tế,chi bo co so,Đơn vị sự nghiệp công lập,DN-B,05/09/2020,9223372036854775807\r\n"
	rep, err := org.ImportStructure(t.Context(), f.db, all, strings.NewReader(csv), "to-chuc.csv", org.PartyTable, false)
	if err != nil || len(rep.Problems) != 2 {
		t.Fatalf("import: %+v %v", rep, err)
	}
	for i, want := range []string{"dòng 2, cột \"Số đảng viên chính thức\": Số đảng viên chính thức quá lớn: một chi bộ không có quá 100.000",
		"dòng 3, cột \"Số đảng viên chính thức\": \"9223372036854775807\" quá lớn"} {
		if !strings.Contains(rep.Problems[i].String(), want) {
			t.Errorf("problem %d: %s\nwant %s", i, rep.Problems[i], want)
		}
	}
}
