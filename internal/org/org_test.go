package org_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"ptdang/internal/apperr"
	"ptdang/internal/audit"
	"ptdang/internal/org"
	"ptdang/internal/orgtest"
	"ptdang/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

var day = orgtest.Day

var all = org.Everything()

// fixture is a small province: a provincial committee with two communes, each with a cell.
type fixture struct {
	db                     *pgxpool.Pool
	tree                   *orgtest.Tree
	province, communeA     int64
	communeB, cellA, cellB int64
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	f := fixture{db: pgtest.New(t)}
	f.tree = orgtest.New(t, f.db, day("2010-01-01"))
	province := f.tree.Province("DN", "Tỉnh ủy Đồng Nai")
	communeA, communeB := province.Commune("DN-A", "Đảng bộ xã An Phước"), province.Commune("DN-B", "Đảng bộ xã Bình Sơn")
	f.province, f.communeA, f.communeB = province.ID, communeA.ID, communeB.ID
	f.cellA = communeA.Party(org.PartyUnitInput{Code: "DN-A-1", Name: "Chi bộ ấp 1", Kind: org.AffiliatedCell, From: day("2012-01-01"), FullMembers: 12}).ID
	f.cellB = communeB.Party(org.PartyUnitInput{Code: "DN-B-1", Name: "Chi bộ ấp Bàu Cạn", Kind: org.AffiliatedCell, From: day("2012-01-01"), FullMembers: 5}).ID
	return f
}

// newRaceFixture is the fixture and a pool to race on its database with (pgtest.RacePool).
func newRaceFixture(t *testing.T) (fixture, *pgxpool.Pool) {
	t.Helper()
	f := newFixture(t)
	return f, pgtest.RacePool(t, f.db)
}

// adminCommune adds, since 2000, the administrative province A-DN and under it the commune A-AP
// with the hamlet A-AP-1 ("Ấp 1") of facts, and returns their ids.
func (f fixture) adminCommune(facts org.HamletFacts) (province, commune, hamlet int64) {
	since := day("2000-01-01")
	p := f.tree.Admin(org.AdminUnitInput{Code: "A-DN", Name: "Đồng Nai", Level: org.Province, LocalWord: "tỉnh", From: since})
	c := p.Admin(org.AdminUnitInput{Code: "A-AP", Name: "An Phước", Level: org.Commune, LocalWord: "xã", From: since})
	h := c.Admin(org.AdminUnitInput{Code: "A-AP-1", Name: "Ấp 1", Level: org.Hamlet, LocalWord: "ấp", From: since, HamletFacts: facts})
	return p.ID, c.ID, h.ID
}

func TestMovingUnitUnderItsOwnDescendantIsRefused(t *testing.T) {
	f := newFixture(t)
	intermediate := f.tree.Party(org.PartyUnitInput{Code: "DN-A-BP", Name: "Đảng bộ bộ phận khu 1", Kind: org.IntermediateCommittee, OrgType: "territorial", ParentID: f.communeA, From: day("2015-01-01")}).ID
	err := org.MoveUnit(t.Context(), f.db, all, org.PartyTree, org.Reorg{Effective: day("2020-01-01")}, f.communeA, intermediate)
	if msg := apperr.Field(err, "parent_id"); !strings.Contains(msg, "vòng lặp") {
		t.Fatalf("move under own child: err %v, want a cycle message on parent_id", err)
	}
	err = org.MoveUnit(t.Context(), f.db, all, org.PartyTree, org.Reorg{Effective: day("2020-01-01")}, f.communeA, f.communeA)
	if apperr.Field(err, "parent_id") == "" {
		t.Fatalf("move under itself: err %v", err)
	}
	// Nothing changed.
	u, err := org.GetPartyUnit(t.Context(), f.db, all, f.communeA, day("2021-01-01"))
	if err != nil || u.ParentID != f.province {
		t.Fatalf("commune A after refused moves: parent %d, err %v", u.ParentID, err)
	}
}

func TestChildValidityMustLieWithinParent(t *testing.T) {
	f := newFixture(t)
	// A cell founded before its commune existed.
	_, _, err := org.CreatePartyUnit(t.Context(), f.db, all, org.PartyUnitInput{Code: "X1", Name: "Chi bộ sớm", Kind: org.AffiliatedCell, OrgType: "territorial", ParentID: f.communeA, From: day("2005-01-01"), FullMembers: 5})
	if msg := apperr.Field(err, "parent_id"); !strings.Contains(msg, "chưa thành lập") {
		t.Fatalf("child before parent: %v", err)
	}
	// A cell under a commune that has been closed.
	if err := org.ClosePartyUnit(t.Context(), f.db, all, f.cellB, 1, day("2024-01-01")); err != nil {
		t.Fatal(err)
	}
	u, _ := org.GetPartyUnit(t.Context(), f.db, all, f.communeB, day("2024-06-01"))
	if err := org.ClosePartyUnit(t.Context(), f.db, all, f.communeB, u.Version, day("2024-06-01")); err != nil {
		t.Fatal(err)
	}
	_, _, err = org.CreatePartyUnit(t.Context(), f.db, all, org.PartyUnitInput{Code: "X2", Name: "Chi bộ muộn", Kind: org.AffiliatedCell, OrgType: "territorial", ParentID: f.communeB, From: day("2024-01-01"), FullMembers: 5})
	if msg := apperr.Field(err, "parent_id"); !strings.Contains(msg, "trong thời gian hiệu lực") {
		t.Fatalf("open-ended child under a closing parent: %v", err)
	}
	// A cell cannot be anyone's parent.
	_, _, err = org.CreatePartyUnit(t.Context(), f.db, all, org.PartyUnitInput{Code: "X3", Name: "Tổ đảng", Kind: org.AffiliatedCell, OrgType: "territorial", ParentID: f.cellA, From: day("2020-01-01"), FullMembers: 5})
	if apperr.Field(err, "parent_id") == "" {
		t.Fatalf("unit under a cell: %v", err)
	}
}

func TestClosingBeforeBirthAndClosingWithChildrenAreRefused(t *testing.T) {
	f := newFixture(t)
	err := org.ClosePartyUnit(t.Context(), f.db, all, f.cellA, 1, day("2011-01-01"))
	if apperr.Field(err, "on") == "" {
		t.Fatalf("close before founding: %v", err)
	}
	u, _ := org.GetPartyUnit(t.Context(), f.db, all, f.communeA, day("2020-01-01"))
	err = org.ClosePartyUnit(t.Context(), f.db, all, f.communeA, u.Version, day("2020-01-01"))
	if msg := apperr.Field(err, "on"); !strings.Contains(msg, "1 tổ chức trực thuộc") {
		t.Fatalf("close with a child: %v", err)
	}
}

func TestCommitteeNeedsNineFullMembersAndSmallCellWarns(t *testing.T) {
	f := newFixture(t)
	since := day("2020-01-01")
	_, _, err := org.CreatePartyUnit(t.Context(), f.db, all, org.PartyUnitInput{Code: "C8", Name: "Chi bộ tám", Kind: org.AffiliatedCell, OrgType: "territorial", ParentID: f.communeA, From: day("2019-01-01"), FullMembers: 8, CommitteeSince: &since})
	if msg := apperr.Field(err, "committee_since"); !strings.Contains(msg, "từ 9 đảng viên") {
		t.Fatalf("committee with 8 members: %v", err)
	}
	_, warnings, err := org.CreatePartyUnit(t.Context(), f.db, all, org.PartyUnitInput{Code: "C2", Name: "Chi bộ hai", Kind: org.AffiliatedCell, OrgType: "territorial", ParentID: f.communeA, From: day("2019-01-01"), FullMembers: 2})
	if err != nil || len(warnings) != 1 || !strings.Contains(warnings[0], "dưới mức tối thiểu 3") {
		t.Fatalf("cell of 2: warnings %q, err %v", warnings, err)
	}
	_, warnings, err = org.CreatePartyUnit(t.Context(), f.db, all, org.PartyUnitInput{Code: "C35", Name: "Chi bộ đông", Kind: org.GrassrootsCell, OrgType: "enterprise_state", ParentID: f.communeA, From: day("2019-01-01"), FullMembers: 35})
	if err != nil || len(warnings) != 1 || !strings.Contains(warnings[0], "đảng bộ cơ sở") {
		t.Fatalf("cell of 35: warnings %q, err %v", warnings, err)
	}

	// A dated rule change applies from its date on.
	if _, err := f.db.Exec(t.Context(), `INSERT INTO structure_rule (name, valid_from, value) VALUES ('committee_min_full_members', '2030-01-01', 7)`); err != nil {
		t.Fatal(err)
	}
	r, err := org.RulesOn(t.Context(), f.db, day("2030-06-01"))
	if err != nil || r.CommitteeMinFullMembers != 7 || r.CellMinFullMembers != 3 {
		t.Fatalf("rules in 2030: %+v %v", r, err)
	}
}

func TestDuplicateCodeNamesTheField(t *testing.T) {
	f := newFixture(t)
	_, _, err := org.CreatePartyUnit(t.Context(), f.db, all, org.PartyUnitInput{Code: "DN-A-1", Name: "Chi bộ khác", Kind: org.AffiliatedCell, OrgType: "territorial", ParentID: f.communeA, From: day("2019-01-01"), FullMembers: 5})
	if msg := apperr.Field(err, "code"); !strings.Contains(msg, "đã được dùng") {
		t.Fatalf("duplicate code: %v", err)
	}
}

func TestMergingThreeCommunesKeepsEachOldUnitAndItsHistory(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	communeC := f.tree.Party(org.PartyUnitInput{Code: "DN-C", Name: "Đảng bộ xã Cẩm Đường", Kind: org.CommuneCommittee, OrgType: "territorial", ParentID: f.province, From: day("2010-01-01")}).ID
	if err := org.RenameUnit(ctx, f.db, all, org.PartyTree, org.Reorg{Effective: day("2018-01-01")}, f.communeA, "Đảng bộ thị trấn An Phước"); err != nil {
		t.Fatal(err)
	}

	merged, err := org.MergePartyUnits(ctx, f.db, all, org.Reorg{Effective: day("2025-07-01"), Note: "Nghị quyết 1662/NQ-UBTVQH15"},
		[]int64{f.communeA, f.communeB, communeC},
		org.PartyUnitInput{Code: "DN-ABC", Name: "Đảng bộ xã Long Thành", Kind: org.CommuneCommittee, OrgType: "territorial", ParentID: f.province})
	if err != nil {
		t.Fatal(err)
	}

	// Today the province has one commune, and the cells moved under it.
	now, err := org.PartyChildren(ctx, f.db, all, f.province, day("2025-07-01"))
	if err != nil || len(now) != 1 || now[0].ID != merged || now[0].Children != 2 {
		t.Fatalf("province after the merge: %+v %v", now, err)
	}
	cell, _ := org.GetPartyUnit(ctx, f.db, all, f.cellA, day("2025-07-01"))
	if cell.ParentID != merged {
		t.Fatalf("cell A's parent after the merge: %d", cell.ParentID)
	}

	// As of 2024 the province still had its three communes, under their names of the time.
	then, err := org.PartyChildren(ctx, f.db, all, f.province, day("2024-12-31"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, u := range then {
		names = append(names, u.Name)
	}
	if got := strings.Join(names, " | "); got != "Đảng bộ thị trấn An Phước | Đảng bộ xã Bình Sơn | Đảng bộ xã Cẩm Đường" {
		t.Fatalf("communes as of 2024 (Vietnamese order): %s", got)
	}
	before2018, _ := org.GetPartyUnit(ctx, f.db, all, f.communeA, day("2017-06-01"))
	if before2018.Name != "Đảng bộ xã An Phước" {
		t.Fatalf("commune A's name in 2017: %q", before2018.Name)
	}

	// Each old unit is still reachable, closed, with its versions and its successor.
	old, err := org.GetPartyUnit(ctx, f.db, all, f.communeA, day("2026-01-01"))
	if err != nil || old.Life.To == nil || !old.Life.To.Equal(day("2025-07-01")) {
		t.Fatalf("old commune A: %+v %v", old, err)
	}
	versions, err := org.PartyVersions(ctx, f.db, all, f.communeA, day("2026-01-01"))
	if err != nil || len(versions) != 2 || versions[1].EventKind != org.Rename {
		t.Fatalf("commune A versions: %+v %v", versions, err)
	}
	succ, err := org.Successions(ctx, f.db, all, org.PartyTree, f.communeB, day("2026-01-01"))
	if err != nil || len(succ) != 1 || succ[0].SuccessorID != merged || succ[0].EventKind != org.Merge || succ[0].Note != "Nghị quyết 1662/NQ-UBTVQH15" {
		t.Fatalf("commune B successions: %+v %v", succ, err)
	}
	preds, err := org.Successions(ctx, f.db, all, org.PartyTree, merged, day("2026-01-01"))
	if err != nil || len(preds) != 3 {
		t.Fatalf("merged commune's predecessors: %+v %v", preds, err)
	}

	// Figures of 2022 restate on today's commune; on a 2022 date they stay where they were.
	for _, old := range []int64{f.communeA, f.communeB, communeC} {
		shares, err := org.RestateOn(ctx, f.db, org.PartyTree, old, day("2026-01-01"))
		if err != nil || len(shares) != 1 || shares[0].UnitID != merged || shares[0].Share != 1 {
			t.Fatalf("restating %d on 2026: %+v %v", old, shares, err)
		}
	}
	shares, _ := org.RestateOn(ctx, f.db, org.PartyTree, f.communeB, day("2022-01-01"))
	if len(shares) != 1 || shares[0].UnitID != f.communeB {
		t.Fatalf("restating on 2022: %+v", shares)
	}
}

func TestSplitRestatesByShare(t *testing.T) {
	db := pgtest.New(t)
	ctx := t.Context()
	province, err := org.CreateAdminUnit(ctx, db, all, org.AdminUnitInput{Code: "P", Name: "Đồng Tháp", Level: org.Province, LocalWord: "tỉnh", From: day("2000-01-01")})
	if err != nil {
		t.Fatal(err)
	}
	commune, _ := org.CreateAdminUnit(ctx, db, all, org.AdminUnitInput{Code: "C", Name: "Mỹ An", Level: org.Commune, LocalWord: "xã", ParentID: province, From: day("2000-01-01")})
	ids, err := org.SplitAdminUnit(ctx, db, all, org.Reorg{Effective: day("2020-01-01")}, commune, []org.SplitShare[org.AdminUnitInput]{
		{Unit: org.AdminUnitInput{Code: "C1", Name: "Mỹ An Bắc", Level: org.Commune, LocalWord: "xã", ParentID: province}, Share: 0.4},
		{Unit: org.AdminUnitInput{Code: "C2", Name: "Mỹ An Nam", Level: org.Commune, LocalWord: "xã", ParentID: province}, Share: 0.6},
	})
	if err != nil {
		t.Fatal(err)
	}
	shares, err := org.RestateOn(ctx, db, org.AdminTree, commune, day("2021-01-01"))
	if err != nil || len(shares) != 2 || shares[0].UnitID != ids[0] || shares[0].Share != 0.4 || shares[1].Share != 0.6 {
		t.Fatalf("shares: %+v %v", shares, err)
	}

	_, err = org.SplitAdminUnit(ctx, db, all, org.Reorg{Effective: day("2022-01-01")}, ids[0], []org.SplitShare[org.AdminUnitInput]{
		{Unit: org.AdminUnitInput{Code: "C11", Name: "X", Level: org.Commune, ParentID: province}, Share: 0.5},
		{Unit: org.AdminUnitInput{Code: "C12", Name: "Y", Level: org.Commune, ParentID: province}, Share: 0.3},
	})
	if msg := apperr.Field(err, "successors"); !strings.Contains(msg, "80,00") && !strings.Contains(msg, "80.00") {
		t.Fatalf("shares adding to 80 %%: %v", err)
	}
}

func TestAsOfTreeAndHamletLinks(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	province, commune, h1 := f.adminCommune(org.HamletFacts{})
	h2 := f.tree.Admin(org.AdminUnitInput{Code: "A-AP-2", Name: "Ấp Bàu Cạn", Level: org.Hamlet, LocalWord: "ấp", ParentID: commune, From: day("2016-01-01")}).ID

	// A hamlet under a province is refused: hamlets belong to communes.
	_, err := org.CreateAdminUnit(ctx, f.db, all, org.AdminUnitInput{Code: "BAD", Name: "Ấp lạc", Level: org.Hamlet, ParentID: province, From: day("2016-01-01")})
	if apperr.Field(err, "parent_id") == "" {
		t.Fatalf("hamlet under a province: %v", err)
	}

	if err := org.SetLink(ctx, f.db, all, h1, f.cellA, org.OwnCell, false, day("2012-01-01")); err != nil {
		t.Fatal(err)
	}
	if err := org.SetLink(ctx, f.db, all, h2, f.cellA, org.CombinedCell, false, day("2016-01-01")); err != nil {
		t.Fatal(err)
	}
	if err := org.SetLink(ctx, f.db, all, h2, f.cellB, org.OwnCell, false, day("2019-01-01")); err != nil {
		t.Fatal(err)
	}

	kids2015, _ := org.AdminChildren(ctx, f.db, all, commune, day("2015-12-31"))
	kids2020, _ := org.AdminChildren(ctx, f.db, all, commune, day("2020-01-01"))
	if len(kids2015) != 1 || len(kids2020) != 2 {
		t.Fatalf("hamlets in 2015: %d, in 2020: %d", len(kids2015), len(kids2020))
	}
	served2017, _ := org.CellHamlets(ctx, f.db, all, f.cellA, day("2017-01-01"))
	served2020, _ := org.CellHamlets(ctx, f.db, all, f.cellA, day("2020-01-01"))
	if len(served2017) != 2 || len(served2020) != 1 {
		t.Fatalf("cell A served %d hamlets in 2017, %d in 2020", len(served2017), len(served2020))
	}
	history, err := org.HamletLinks(ctx, f.db, all, h2, day("2026-01-01"))
	if err != nil || len(history) != 2 || history[0].Mode != org.CombinedCell || history[0].Span.To == nil || !history[0].Span.To.Equal(day("2019-01-01")) {
		t.Fatalf("hamlet 2 history: %+v %v", history, err)
	}

	// A link to a committee instead of a cell is refused.
	err = org.SetLink(ctx, f.db, all, h1, f.communeA, org.OwnCell, false, day("2021-01-01"))
	if apperr.Field(err, "cell_id") == "" {
		t.Fatalf("link to a commune committee: %v", err)
	}
}

func TestSearchIgnoresAccentsAndRespectsScope(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	for _, q := range []string{"dong nai", "ĐỒNG NAI", "tinh uy dong"} {
		hits, err := org.Search(ctx, f.db, all, q, day("2024-01-01"), 10)
		if err != nil || len(hits) != 1 || hits[0].ID != f.province {
			t.Errorf("search %q: %+v %v", q, hits, err)
		}
	}
	hits, _ := org.Search(ctx, f.db, all, "bau can", day("2024-01-01"), 10)
	if len(hits) != 1 || hits[0].Name != "Chi bộ ấp Bàu Cạn" {
		t.Fatalf("search bau can: %+v", hits)
	}
	// Commune A's staff do not find commune B's cell.
	hits, _ = org.Search(ctx, f.db, org.Under(f.communeA), "chi bo", day("2024-01-01"), 10)
	if len(hits) != 1 || hits[0].ID != f.cellA {
		t.Fatalf("scoped search: %+v", hits)
	}
	// A LIKE wildcard in the text matches itself only.
	if hits, _ := org.Search(ctx, f.db, all, "%", day("2024-01-01"), 10); len(hits) != 0 {
		t.Fatalf("search %%: %+v", hits)
	}
}

func TestOutOfScopeUnitIsNotFound(t *testing.T) {
	f := newFixture(t)
	_, err := org.GetPartyUnit(t.Context(), f.db, org.Under(f.communeA), f.cellB, day("2024-01-01"))
	if !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("commune A reading commune B's cell: %v", err)
	}
	if _, err := org.PartyChildren(t.Context(), f.db, org.Under(f.communeA), f.communeB, day("2024-01-01")); !errors.Is(err, apperr.ErrNotFound) {
		t.Fatalf("commune A listing commune B: %v", err)
	}
	tops, err := org.PartyChildren(t.Context(), f.db, org.Under(f.communeA), 0, day("2024-01-01"))
	if err != nil || len(tops) != 1 || tops[0].ID != f.communeA {
		t.Fatalf("commune A's top: %+v %v", tops, err)
	}
	// Creating a unit under someone else's commune is refused the same way.
	_, _, err = org.CreatePartyUnit(t.Context(), f.db, org.Under(f.communeA), org.PartyUnitInput{Code: "Z", Name: "Chi bộ lạ", Kind: org.AffiliatedCell, OrgType: "territorial", ParentID: f.communeB, From: day("2020-01-01"), FullMembers: 5})
	if msg := apperr.Field(err, "parent_id"); !strings.Contains(msg, "Không tìm thấy") {
		t.Fatalf("create under another commune: %v", err)
	}
}

func TestStaleEditIsAConflict(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	u, _ := org.GetPartyUnit(ctx, f.db, all, f.cellA, day("2026-01-01"))
	in := org.PartyUnitInput{Name: "Chi bộ ấp Một", Kind: u.Kind, OrgType: u.OrgType, TermMonths: 60, FullMembers: 13}
	if _, err := org.UpdatePartyUnit(ctx, f.db, all, f.cellA, u.Version, in, day("2026-01-01")); err != nil {
		t.Fatal(err)
	}
	if _, err := org.UpdatePartyUnit(ctx, f.db, all, f.cellA, u.Version, in, day("2026-01-01")); !errors.Is(err, apperr.ErrConflict) {
		t.Fatalf("second save with the old version: %v", err)
	}
	got, _ := org.GetPartyUnit(ctx, f.db, all, f.cellA, day("2026-01-01"))
	if got.Name != "Chi bộ ấp Một" || got.FullMembers != 13 {
		t.Fatalf("after edit: %+v", got)
	}
}

func TestEveryChangeIsAuditedWithActorAndOldNew(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	clerk := all.As(audit.Actor{UserID: 0, Login: "tinh.ban-to-chuc", Addr: "10.0.0.7"})
	u, _ := org.GetPartyUnit(ctx, f.db, all, f.cellB, day("2026-01-01"))
	if _, err := org.UpdatePartyUnit(ctx, f.db, clerk, f.cellB, u.Version, org.PartyUnitInput{Name: u.Name, Kind: u.Kind, OrgType: u.OrgType, FullMembers: 6, TermMonths: 60}, day("2026-01-01")); err != nil {
		t.Fatal(err)
	}
	if err := org.RenameUnit(ctx, f.db, clerk, org.PartyTree, org.Reorg{Effective: day("2024-01-01"), Note: "QĐ 5"}, f.cellB, "Chi bộ ấp Bàu Cạn 2"); err != nil {
		t.Fatal(err)
	}
	rows, err := audit.List(ctx, f.db, audit.Filter{All: true, Login: "tinh.ban-to-chuc"})
	if err != nil || len(rows) != 2 {
		t.Fatalf("audit rows: %+v %v", rows, err)
	}
	rename, update := rows[0], rows[1]
	if update.Action != "update" || !strings.Contains(update.Old, `"full_members": 5`) || !strings.Contains(update.New, `"full_members": 6`) || update.Addr != "10.0.0.7" {
		t.Errorf("update row: %+v", update)
	}
	if rename.Action != "rename" || rename.Reason != "QĐ 5" || !strings.Contains(rename.New, "Chi bộ ấp Bàu Cạn 2") || rename.Label != "DN-B-1" {
		t.Errorf("rename row: %+v", rename)
	}
	// Commune A's staff do not see commune B's changes.
	scoped, err := audit.List(ctx, f.db, audit.Filter{Roots: []int64{f.communeA}, Login: "tinh.ban-to-chuc"})
	if err != nil || len(scoped) != 0 {
		t.Fatalf("commune A sees %d of commune B's audit rows (%v)", len(scoped), err)
	}
	mine, _ := audit.List(ctx, f.db, audit.Filter{Roots: []int64{f.communeB}, Login: "tinh.ban-to-chuc"})
	if len(mine) != 2 {
		t.Fatalf("commune B sees %d rows", len(mine))
	}
}

func TestAuditLogCannotBeAlteredOrDeleted(t *testing.T) {
	f := newFixture(t)
	owner := pgtest.Owner(t, f.db)
	for _, stmt := range []string{`UPDATE audit_log SET actor_login = 'x'`, `DELETE FROM audit_log`, `TRUNCATE audit_log`} {
		// The server's role has no right to change the log (package pg tests the rest)…
		if _, err := f.db.Exec(t.Context(), stmt); err == nil || !strings.Contains(err.Error(), "permission denied") {
			t.Errorf("as the server: %s: %v", stmt, err)
		}
		// …and the owner, who has, meets the log's triggers.
		if _, err := owner.Exec(t.Context(), stmt); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("as the owner: %s: %v", stmt, err)
		}
	}
	var n int
	f.db.QueryRow(t.Context(), `SELECT count(*) FROM audit_log`).Scan(&n)
	if n != 5 { // the fixture's five creations
		t.Fatalf("%d audit rows", n)
	}
}

func TestLinksAndChildrenStartingOnTheEffectiveDayFollowTheMerge(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	_, _, hamlet := f.adminCommune(org.HamletFacts{})
	d := day("2025-07-01")
	if err := org.SetLink(ctx, f.db, all, hamlet, f.cellA, org.OwnCell, false, d); err != nil {
		t.Fatal(err)
	}
	newCell, _, _ := org.CreatePartyUnit(ctx, f.db, all, org.PartyUnitInput{Code: "LATE", Name: "Chi bộ mới", Kind: org.AffiliatedCell, OrgType: "territorial", ParentID: f.communeA, From: d, FullMembers: 4})
	merged, err := org.MergePartyUnits(ctx, f.db, all, org.Reorg{Effective: d}, []int64{f.communeA, f.communeB},
		org.PartyUnitInput{Code: "AB", Name: "Đảng bộ xã AB", Kind: org.CommuneCommittee, OrgType: "territorial", ParentID: f.province})
	if err != nil {
		t.Fatal(err)
	}
	if u, _ := org.GetPartyUnit(ctx, f.db, all, newCell, d); u.ParentID != merged {
		t.Errorf("a cell founded on the merge day stays under the closed commune %d", u.ParentID)
	}
	cellMerged, err := org.MergePartyUnits(ctx, f.db, all, org.Reorg{Effective: d}, []int64{f.cellA, f.cellB},
		org.PartyUnitInput{Code: "CAB", Name: "Chi bộ ghép", Kind: org.AffiliatedCell, OrgType: "territorial", ParentID: merged, FullMembers: 17})
	if err != nil {
		t.Fatal(err)
	}
	served, _ := org.CellHamlets(ctx, f.db, all, cellMerged, d)
	if len(served) != 1 || served[0].HamletID != hamlet {
		t.Fatalf("the hamlet linked on the merge day: %+v", served)
	}
}

func TestACommuneBecomesATownOnADate(t *testing.T) {
	db := pgtest.New(t)
	ctx := t.Context()
	province, _ := org.CreateAdminUnit(ctx, db, all, org.AdminUnitInput{Code: "P", Name: "Đồng Nai", Level: org.Province, LocalWord: "tỉnh", From: day("2000-01-01")})
	commune, _ := org.CreateAdminUnit(ctx, db, all, org.AdminUnitInput{Code: "C", Name: "Trảng Bom", Level: org.Commune, LocalWord: "xã", ParentID: province, From: day("2000-01-01")})
	if err := org.RenameAdminUnit(ctx, db, all, org.Reorg{Effective: day("2020-01-01")}, commune, "Trảng Bom", "xã"); apperr.Field(err, "name") == "" {
		t.Fatalf("a rename that changes nothing: %v", err)
	}
	if err := org.RenameAdminUnit(ctx, db, all, org.Reorg{Effective: day("2020-01-01"), Note: "NQ 869"}, commune, "Trảng Bom", "Thị trấn"); err != nil {
		t.Fatal(err)
	}
	before, _ := org.GetAdminUnit(ctx, db, all, commune, day("2019-12-31"))
	after, _ := org.GetAdminUnit(ctx, db, all, commune, day("2020-01-01"))
	if before.LocalWord != "xã" || after.LocalWord != "thị trấn" || after.Name != "Trảng Bom" {
		t.Fatalf("local word before %q, after %q (%q)", before.LocalWord, after.LocalWord, after.Name)
	}
}
