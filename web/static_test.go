package web

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"testing"
)

// The vendored htmx must be the file VENDOR.md records.
func TestVendoredHtmxMatchesRecordedHash(t *testing.T) {
	js, err := Static.ReadFile("static/htmx.min.js")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := Static.ReadFile("static/VENDOR.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`\| htmx\.min\.js \|[^|]*\| 2\.[0-9.]+ \| ([0-9a-f]{64}) \|`).FindSubmatch(doc)
	if m == nil {
		t.Fatal("VENDOR.md has no htmx 2.x row with a sha256")
	}
	sum := sha256.Sum256(js)
	if got := hex.EncodeToString(sum[:]); got != string(m[1]) {
		t.Fatalf("htmx.min.js sha256 %s, VENDOR.md records %s", got, m[1])
	}
}
