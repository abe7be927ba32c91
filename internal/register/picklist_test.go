package register_test

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"ptdang/internal/apperr"
	"ptdang/internal/pg"
	"ptdang/internal/pgtest"
	"ptdang/internal/register"
)

func TestTheListsAreTheOfficialOnes(t *testing.T) {
	if n := len(register.Ethnicities); n != 54 || register.Ethnicities[0] != "Kinh" || register.Ethnicities[53] != "Rơ-măm" {
		t.Fatalf("%d ethnic groups from %s to %s, want the 54 of 121-TCTK/PPCĐ from Kinh to Rơ-măm", n, register.Ethnicities[0], register.Ethnicities[n-1])
	}
	if n := len(register.Religions); n != 17 || register.Religions[16] != register.OtherReligion {
		t.Fatalf("%d religions, want the 16 the State recognises and %q", n, register.OtherReligion)
	}
}

func TestSaveRefusesAnEthnicityOrReligionNotOnTheList(t *testing.T) {
	f := newFixture(t)
	p := person("1995-05-01")
	p.Ethnicity, p.Religion = "Người sao Hỏa", ""
	_, err := f.reg.Create(t.Context(), f.db, f.secretary, f.cell, p, today)
	var inv *apperr.Invalid
	if !errors.As(err, &inv) || !strings.HasPrefix(inv.Fields["ethnicity"], "Dân tộc:") || !strings.Contains(inv.Fields["ethnicity"], "Người sao Hỏa") {
		t.Fatalf("unknown ethnicity: %v, want a Vietnamese refusal naming the field and the value", err)
	}
	p.Ethnicity, p.Religion = "Kinh", "Đạo ông bà"
	if _, err := f.reg.Create(t.Context(), f.db, f.secretary, f.cell, p, today); !errors.As(err, &inv) || !strings.HasPrefix(inv.Fields["religion"], "Tôn giáo:") {
		t.Fatalf("unknown religion: %v", err)
	}
	// A listed name spelled otherwise is saved as listed; so is an update.
	p.Ethnicity, p.Religion = " khơ  me ", "PHẬT GIÁO hoà hảo"
	id, err := f.reg.Create(t.Context(), f.db, f.secretary, f.cell, p, today)
	if err != nil {
		t.Fatal(err)
	}
	file, err := f.reg.Get(t.Context(), f.db, f.secretary, id, today)
	if err != nil || file.Ethnicity != "Khơ-me" || file.Religion != "Phật giáo Hòa Hảo" {
		t.Fatalf("stored %q, %q (%v), want Khơ-me, Phật giáo Hòa Hảo", file.Ethnicity, file.Religion, err)
	}
	p.Ethnicity = "Kinh (Việt) Nam"
	if err := f.reg.Update(t.Context(), f.db, f.secretary, id, file.Version, p, today); !errors.As(err, &inv) || inv.Fields["ethnicity"] == "" {
		t.Fatalf("update to an unknown ethnicity: %v", err)
	}
}

func TestImportReadsAliasesAndRefusesAnUnknownValueNamingTheRow(t *testing.T) {
	f := newFixture(t)
	var code string
	if err := f.db.QueryRow(t.Context(), `SELECT code FROM party_unit WHERE id = $1`, f.cell).Scan(&code); err != nil {
		t.Fatal(err)
	}
	header := "Mã trong tệp;Mã chi bộ;Họ và tên;Ngày sinh;Giới tính;Dân tộc;Tôn giáo;Nghề nghiệp;Trình độ học vấn;Nơi làm việc\n"
	rows := "A;" + code + ";Lê Văn Nam;01/02/1997;Nam;Việt;không;Nông dân;Đại học;Hợp tác xã\n" +
		"B;" + code + ";Thạch Thị Sa;01/02/1998;Nữ;KHMER;Phật Giáo;Nông dân;Đại học;Hợp tác xã\n" +
		"C;" + code + ";Giàng A Páo;01/02/1996;Nam;H'mông;Tin Lành;Nông dân;Đại học;Hợp tác xã\n"
	bad := "D;" + code + ";Phạm Thị Mai;01/02/1999;Nữ;Kinh Việt Nam;Đạo ông bà;Nông dân;Đại học;Trường\n"
	res, err := f.reg.Import(t.Context(), f.db, f.province, strings.NewReader(header+rows+bad), "ho-so.csv", false, today)
	if err != nil {
		t.Fatal(err)
	}
	all := problemText(res)
	for _, want := range []string{`dòng 5, cột "Dân tộc": "Kinh Việt Nam" không có`, `dòng 5, cột "Tôn giáo": "Đạo ông bà" không có`} {
		if !strings.Contains(all, want) {
			t.Errorf("problems %q lack %s", all, want)
		}
	}
	if len(res.Problems) != 2 || f.stored(t) != "" {
		t.Fatalf("problems %q; stored %q: want only the unknown row's two, nothing written", all, f.stored(t))
	}
	if res, err := f.reg.Import(t.Context(), f.db, f.province, strings.NewReader(header+rows), "ho-so.csv", false, today); err != nil || res.Created != 3 {
		t.Fatalf("import: %+v %v", res, err)
	}
	var got string
	if err := f.db.QueryRow(t.Context(), `SELECT string_agg(ethnicity || '/' || religion, ', ' ORDER BY full_name) FROM candidate`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if want := "HMông/Tin lành, Kinh/, Khơ-me/Phật giáo"; got != want {
		t.Fatalf("stored %q, want %q", got, want)
	}
}

// TestMigrationMapsTheAliases stores, in the schema before migration 000021, every listed name
// and alias the way people typed them (capitals, spaces, without accents) and a few unknown
// values, then migrates: each becomes what register.Ethnicity (Religion) reads it as, the
// unknown ones stay, and each file changed is versioned and audited.
func TestMigrationMapsTheAliases(t *testing.T) {
	f := newFixture(t)
	url := pgtest.OwnerURL(f.db.Config().ConnString())
	if err := pg.MigrateDown(url, int(pg.LatestVersion())-20); err != nil { // to the schema before 000021
		t.Fatal(err)
	}
	variants := func(names []string, aliases map[string]string) []string {
		var out []string
		for _, n := range append(slices.Sorted(maps.Keys(aliases)), names...) {
			out = append(out, n, strings.ToUpper(n), strings.ReplaceAll(n, " ", "  ")+" ", unaccent(strings.ToLower(n)))
		}
		return out
	}
	ethnicities := append(variants(register.Ethnicities, register.EthnicityAliases), "Người sao Hỏa", "Kinh Việt Nam")
	religions := append(variants(register.Religions, register.ReligionAliases), "Đạo ông bà", "")
	type file struct {
		id                  int64
		ethnicity, religion string
	}
	var files []file
	for i := range max(len(ethnicities), len(religions)) {
		x := file{ethnicity: ethnicities[i%len(ethnicities)], religion: religions[i%len(religions)]}
		if utf8.RuneCountInString(x.religion) > 40 || strings.TrimSpace(x.ethnicity) == "" {
			x.religion = "" // the old schema held no longer religion
		}
		if err := f.db.QueryRow(t.Context(), `
			INSERT INTO candidate (cell_id, full_name, birth_date, sex, ethnicity, religion, occupation, education, workplace)
			VALUES ($1, 'Người thử', '1990-01-01', 'male', $2, $3, 'farmer', 'primary', 'Xã') RETURNING id`,
			f.cell, x.ethnicity, x.religion).Scan(&x.id); err != nil {
			t.Fatalf("%q %q: %v", x.ethnicity, x.religion, err)
		}
		files = append(files, x)
	}
	if err := pg.MigrateUp(url); err != nil {
		t.Fatal(err)
	}
	changed := 0
	for _, x := range files {
		wantE, ok := register.Ethnicity(x.ethnicity)
		if !ok {
			wantE = x.ethnicity
		}
		wantR, ok := register.Religion(x.religion)
		if !ok {
			wantR = x.religion
		}
		var e, r string
		var version, audits int
		if err := f.db.QueryRow(t.Context(), `SELECT ethnicity, religion, version,
			(SELECT count(*) FROM audit_log WHERE entity = 'candidate' AND entity_id = c.id AND action = 'update')
			FROM candidate c WHERE id = $1`, x.id).Scan(&e, &r, &version, &audits); err != nil {
			t.Fatal(err)
		}
		if e != wantE || r != wantR {
			t.Errorf("%q, %q migrated to %q, %q; want %q, %q", x.ethnicity, x.religion, e, r, wantE, wantR)
		}
		if moved := e != x.ethnicity || r != x.religion; moved != (version == 2 && audits == 1) {
			t.Errorf("%q, %q: version %d, %d audit entries", x.ethnicity, x.religion, version, audits)
		} else if moved {
			changed++
		}
	}
	if changed == 0 || changed == len(files) {
		t.Fatalf("%d of %d files changed", changed, len(files))
	}
}

// unaccent is s without its accents, đ as d, as people type without a Vietnamese keyboard.
func unaccent(s string) string {
	var b strings.Builder
	for _, r := range s {
		if i := strings.IndexRune("àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ", r); i >= 0 {
			r = []rune("aaaaaaaaaaaaaaaaaeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyyd")[utf8.RuneCountInString("àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"[:i])]
		}
		b.WriteRune(r)
	}
	return b.String()
}
