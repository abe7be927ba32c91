package gen_test

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"ptdang/internal/gen"
	"ptdang/internal/pgtest"
	"ptdang/internal/register"
	"ptdang/internal/report"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

var small = gen.Options{Scale: gen.Scale{Name: "small", Provinces: 2, Communes: 7}, Years: 3, Seed: 42, Last: report.Period{Year: 2026, Quarter: 3}}

func TestGeneratedDataHasTheRealShape(t *testing.T) {
	db := pgtest.New(t)
	ctx := t.Context()
	var out bytes.Buffer
	if err := gen.Load(ctx, pgtest.Owner(t, db), small, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"2 provinces, 7 communes", "quarterly_report", "rows/s"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	counts := map[string]string{
		"communes after the reform": `SELECT count(*) = 7 FROM admin_unit_version v JOIN admin_unit a ON a.id = v.unit_id
			WHERE a.level = 'commune' AND v.valid_from <= '2025-07-01' AND (v.valid_to IS NULL OR v.valid_to > '2025-07-01')`,
		"more communes before": `SELECT count(*) > 7 FROM admin_unit_version v JOIN admin_unit a ON a.id = v.unit_id
			WHERE a.level = 'commune' AND v.valid_from <= '2025-06-30' AND (v.valid_to IS NULL OR v.valid_to > '2025-06-30')`,
		"no district after":         `SELECT count(*) = 0 FROM party_unit_version WHERE kind = 'district_committee' AND (valid_to IS NULL OR valid_to > '2025-07-01')`,
		"merged communes succeeded": `SELECT count(*) > 0 FROM party_unit_succession s JOIN reorg_event e ON e.id = s.event_id WHERE e.effective = '2025-07-01'`,
		"every hamlet under a commune on both sides of the reform": `SELECT bool_and(EXISTS (
				SELECT 1 FROM admin_unit_version v JOIN admin_unit p ON p.id = v.parent_id AND p.level = 'commune'
				WHERE v.unit_id = a.id AND v.valid_from <= d AND (v.valid_to IS NULL OR v.valid_to > d)))
			FROM admin_unit a, (VALUES (date '2025-06-30'), (date '2025-07-01')) days (d) WHERE a.level = 'hamlet'`,
		"every cell in the tree today": `SELECT bool_and(party_province_of(unit_id, '2026-11-24') IS NOT NULL) FROM party_unit_version
			WHERE kind IN ('affiliated_cell', 'grassroots_cell') AND valid_to IS NULL`,
		"each quarter opens where the last closed": `SELECT bool_and(r.opening = p.closing) FROM quarterly_report r
			JOIN quarterly_report p ON p.cell_id = r.cell_id AND (p.year * 4 + p.quarter) = (r.year * 4 + r.quarter) - 1`,
		"the last quarter in every state": `SELECT count(DISTINCT state) >= 4 FROM quarterly_report WHERE year = 2026 AND quarter = 3`,
		"earlier quarters all counted":    `SELECT bool_and(state IN ('approved', 'accepted')) FROM quarterly_report WHERE year * 4 + quarter < 2026 * 4 + 3`,
		"targets for every year":          `SELECT count(DISTINCT year) = 3 FROM admission_target`,
		"ratings for the years ended":     `SELECT array_agg(DISTINCT year ORDER BY year) = '{2024,2025}' FROM quality_rating`,
		"one to three files a cell a year": `SELECT count(*) / 2.75 / (SELECT count(*) FROM party_unit_version
				WHERE kind IN ('affiliated_cell', 'grassroots_cell') AND valid_to IS NULL) BETWEEN 1 AND 3 FROM candidate`,
		"every step on a working day":    `SELECT bool_and(extract(isodow FROM on_date) < 6) FROM candidate_step`,
		"some admitted, some withdrawn":  `SELECT count(*) FILTER (WHERE kind = 'ceremony') > 100 AND count(*) FILTER (WHERE kind = 'withdrawn') > 0 FROM candidate_step`,
		"no step after the last quarter": `SELECT max(on_date) <= '2026-09-30' FROM candidate_step`,
	}
	for name, sql := range counts {
		var ok bool
		if err := db.QueryRow(ctx, sql).Scan(&ok); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !ok {
			t.Errorf("%s: does not hold", name)
		}
	}
	// Every file's ethnicity and religion are on the lists, as a saved file's are.
	var unlisted int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM candidate WHERE NOT (ethnicity = ANY ($1) AND (religion = '' OR religion = ANY ($2)))`,
		register.Ethnicities, register.Religions).Scan(&unlisted); err != nil || unlisted > 0 {
		t.Errorf("%d files with an unlisted ethnicity or religion (%v)", unlisted, err)
	}
	// Every report, drafts included, passes the checks a secretary's form makes.
	rows, err := db.Query(ctx, `SELECT id, to_jsonb(r) FROM quarterly_report r`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var id int64
		var raw []byte
		if err := rows.Scan(&id, &raw); err != nil {
			t.Fatal(err)
		}
		var all map[string]any
		if err := json.Unmarshal(raw, &all); err != nil {
			t.Fatal(err)
		}
		f := report.Figures{}
		for _, fl := range report.Fields {
			f[fl.Key] = int(all[fl.Key].(float64))
		}
		if errs := f.Check(); len(errs) > 0 {
			t.Fatalf("report %d fails the form's checks: %v", id, errs)
		}
		n++
	}
	if rows.Err() != nil || n == 0 {
		t.Fatalf("%d reports read: %v", n, rows.Err())
	}
}

func TestSameSeedSameData(t *testing.T) {
	ctx := t.Context()
	digest := func(db *pgxpool.Pool) string {
		var d string
		err := db.QueryRow(ctx, `SELECT md5(string_agg(t, '|')) FROM (
			(SELECT md5(string_agg(to_jsonb(v)::text, ',' ORDER BY unit_id, valid_from)) t FROM party_unit_version v)
			UNION ALL (SELECT md5(string_agg(to_jsonb(v)::text, ',' ORDER BY unit_id, valid_from)) FROM admin_unit_version v)
			UNION ALL (SELECT md5(string_agg(to_jsonb(r)::text, ',' ORDER BY id)) FROM (SELECT id, cell_id, year, quarter, state, opening, admitted, closing, late FROM quarterly_report) r)
			UNION ALL (SELECT md5(string_agg(to_jsonb(q)::text, ',' ORDER BY id)) FROM (SELECT id, cell_id, year, excellent, good FROM quality_rating) q)
		) parts`).Scan(&d)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	var digests []string
	for _, seed := range []uint64{42, 42, 43} {
		db := pgtest.New(t)
		opt := small
		opt.Seed = seed
		if err := gen.Load(ctx, pgtest.Owner(t, db), opt, &bytes.Buffer{}); err != nil {
			t.Fatal(err)
		}
		digests = append(digests, digest(db))
	}
	if digests[0] != digests[1] {
		t.Errorf("the same seed gave different data: %s, %s", digests[0], digests[1])
	}
	if digests[0] == digests[2] {
		t.Errorf("another seed gave the same data")
	}
}

func TestRefusesADatabaseWithUnits(t *testing.T) {
	db := pgtest.New(t)
	if err := gen.Load(t.Context(), pgtest.Owner(t, db), small, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	err := gen.Load(t.Context(), pgtest.Owner(t, db), small, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "empty database") {
		t.Fatalf("a second load: %v, want a refusal", err)
	}
}
