package server

import (
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"ptdang/internal/account"
	"ptdang/internal/dashboard"
	"ptdang/internal/gen/gentest"
	"ptdang/internal/org"
)

// BenchmarkDashboardPage measures the dashboard page as a browser gets it, rendering
// included, for the nation, the largest province and one commune; "cached" reuses the rows
// of the requests before (as a running server does), "cold" computes every row:
// go test -run '^$' -bench DashboardPage ./internal/server/ (docs/performance.md).
func BenchmarkDashboardPage(b *testing.B) {
	db := gentest.Data(b)
	ctx := b.Context()
	s := New(db, slog.New(slog.NewTextHandler(io.Discard, nil)), false)
	s.Now = func() time.Time { return time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC) }
	ts := httptest.NewServer(s.Routes())
	b.Cleanup(ts.Close)
	login := fmt.Sprintf("bench%d", rand.IntN(1e9))
	id, err := account.CreateUser(ctx, db, org.Everything(), account.NewUser{Login: login, Name: "Đo hiệu năng",
		Password: testPassword, Role: account.SystemAdmin}, s.today())
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.Exec(ctx, `UPDATE app_user SET must_change_password = false WHERE id = $1`, id); err != nil {
		b.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	resp, err := client.PostForm(ts.URL+"/login", url.Values{"login": {login}, "password": {testPassword}})
	if err != nil {
		b.Fatal(err)
	}
	resp.Body.Close()
	var province, commune int64
	err = db.QueryRow(ctx, `
		SELECT v.unit_id, (SELECT c.unit_id FROM party_unit_version c WHERE c.parent_id = v.unit_id
			AND c.kind = 'commune_committee' AND c.valid_to IS NULL ORDER BY c.unit_id LIMIT 1)
		FROM party_unit_version v WHERE v.kind = 'province_committee' AND v.valid_to IS NULL
		ORDER BY (SELECT count(*) FROM party_unit_version c WHERE c.parent_id = v.unit_id AND c.valid_to IS NULL) DESC
		LIMIT 1`).Scan(&province, &commune)
	if err != nil {
		b.Fatal(err)
	}
	get := func(b *testing.B, unit int64) int64 {
		resp, err := client.Get(fmt.Sprintf("%s/dashboard?unit=%d&year=2026", ts.URL, unit))
		if err != nil {
			b.Fatal(err)
		}
		defer resp.Body.Close()
		n, _ := io.Copy(io.Discard, resp.Body)
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("unit %d: %d", unit, resp.StatusCode)
		}
		return n
	}
	for _, level := range []struct {
		name string
		unit int64
	}{{"nation", org.Nation}, {"province", province}, {"commune", commune}} {
		for _, cached := range []bool{true, false} {
			name := level.name + "/cold"
			if cached {
				name = level.name + "/cached"
			}
			b.Run(name, func(b *testing.B) {
				b.SetBytes(get(b, level.unit))
				for b.Loop() {
					if !cached {
						s.Dashboards = dashboard.NewCache(DefaultCacheRows)
					}
					get(b, level.unit)
				}
			})
		}
	}
}
