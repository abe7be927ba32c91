package dashboard_test

import (
	"io"
	"testing"

	"ptdang/internal/dashboard"
	"ptdang/internal/demo"
	"ptdang/internal/pgtest"
)

// BenchmarkProvinceDashboard builds the demo province's dashboard (91 communes, 1.383 cells,
// reports of 2025–2026): `make bench` or
// go test -run '^$' -bench ProvinceDashboard ./internal/dashboard/
func BenchmarkProvinceDashboard(b *testing.B) {
	db := pgtest.New(b)
	if err := demo.Load(b.Context(), db, demo.Parts, io.Discard); err != nil {
		b.Fatal(err)
	}
	var province int64
	if err := db.QueryRow(b.Context(), `SELECT unit_id FROM party_unit_version WHERE kind = 'province_committee' AND valid_to IS NULL`).Scan(&province); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := dashboard.Build(b.Context(), db, all, province, 2026, day("2026-09-30")); err != nil {
			b.Fatal(err)
		}
	}
}
