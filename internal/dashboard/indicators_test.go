package dashboard

import (
	"flag"
	"fmt"
	"math"
	"os"
	"regexp"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the indicator tables of docs/api.md from the catalogue")

// The indicator tables of docs/api.md lie between these lines and are written from Sections.
const (
	docBegin = "<!-- indicators: written from internal/dashboard/indicators.go by `go test ./internal/dashboard -run TestAPIDocListsTheCatalogue -update`; do not edit by hand -->\n"
	docEnd   = "<!-- end of indicators -->\n"
)

// indicatorTables are the catalogue as docs/api.md shows it: a table per section.
func indicatorTables() string {
	var b strings.Builder
	kinds := map[Kind]string{Count: "count", Percentage: "percent"}
	for _, sec := range Sections {
		fmt.Fprintf(&b, "\n%s:\n\n| key | page column | kind | formula (Cách tính) |\n|---|---|---|---|\n", sec.Title)
		for _, ind := range sec.Indicators {
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", ind.Key, ind.Label, kinds[ind.Kind], ind.Formula)
		}
	}
	return b.String() + "\n"
}

// TestAPIDocListsTheCatalogue: docs/api.md lists every indicator of every section, with the
// page's column and formula, as the catalogue has them.
func TestAPIDocListsTheCatalogue(t *testing.T) {
	const path = "../../docs/api.md"
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(raw)
	begin, end := strings.Index(doc, docBegin), strings.Index(doc, docEnd)
	if begin < 0 || end < begin {
		t.Fatalf("docs/api.md lacks the lines around its indicator tables:\n%s%s", docBegin, docEnd)
	}
	got, want := doc[begin+len(docBegin):end], indicatorTables()
	if got == want {
		return
	}
	if *update {
		if err := os.WriteFile(path, []byte(doc[:begin+len(docBegin)]+want+doc[end:]), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("docs/api.md's indicator tables differ from the catalogue; run go test ./internal/dashboard -run TestAPIDocListsTheCatalogue -update")
}

// TestEveryKeyHasOneKind: the API's keys are snake_case, a percentage's end in _pct and no
// other's does, and a key in several sections is the same indicator in each.
func TestEveryKeyHasOneKind(t *testing.T) {
	snake := regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	r := Row{Admitted: 3, Target: 4, Hamlets: 2, Covered: 1, Sum: map[string]int{"adm_women": 1}, Stock: map[string]int{"closing": 5}}
	seen := map[string]Indicator{}
	for _, sec := range Sections {
		for _, ind := range sec.Indicators {
			if !snake.MatchString(ind.Key) || ind.Label == "" || ind.Formula == "" {
				t.Errorf("%s: %q: key, label and formula must all be set", sec.Title, ind.Key)
			}
			if (ind.Kind == Percentage) != strings.HasSuffix(ind.Key, "_pct") {
				t.Errorf("%s: kind %d does not match its key", ind.Key, ind.Kind)
			}
			if prev, ok := seen[ind.Key]; ok && (prev.Kind != ind.Kind || prev.Value(r) != ind.Value(r)) {
				t.Errorf("%s: two indicators under one key", ind.Key)
			}
			seen[ind.Key] = ind
		}
	}
	if len(Indicators()) != len(seen) {
		t.Errorf("Indicators lists %d keys, the sections %d", len(Indicators()), len(seen))
	}
}

// TestValuesAreWhatEveryWayOutShows: counts stay ints, percentages are rounded to two decimals,
// and a percentage without a denominator or a target not set is nil.
func TestValuesAreWhatEveryWayOutShows(t *testing.T) {
	r := Row{Covered: 1, Hamlets: 3, Admitted: 2}
	r.Progress.Percent = math.NaN()
	v := Values(r)
	for key, want := range map[string]any{"hamlets": 3, "coverage_pct": 33.33, "target": nil, "target_pct": nil, "conversion_pct": nil, "admitted": 2} {
		if v[key] != want {
			t.Errorf("%s = %#v, want %#v", key, v[key], want)
		}
	}
}
