package main

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"

	"ptdang/internal/pg"
	"ptdang/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func TestMigrateCommandsRoundTrip(t *testing.T) {
	db := "-database-url=" + pgtest.EmptyURL(t)
	ptdang := func(args ...string) string {
		t.Helper()
		var out bytes.Buffer
		if err := run(t.Context(), append(args[:1:1], append([]string{db}, args[1:]...)...), &out); err != nil {
			t.Fatalf("ptdang %s: %v", strings.Join(args, " "), err)
		}
		return out.String()
	}
	latest := pg.LatestVersion()
	ptdang("migrate", "up")
	if got, want := ptdang("migrate", "version"), fmt.Sprintf("database %d (dirty: false), binary %d\n", latest, latest); got != want {
		t.Fatalf("after up: %q, want %q", got, want)
	}
	ptdang("migrate", "down")
	if got := ptdang("migrate", "version"); !strings.HasPrefix(got, fmt.Sprintf("database %d ", latest-1)) {
		t.Fatalf("after down: %q", got)
	}
	ptdang("migrate", "down", "all")
	if got := ptdang("migrate", "version"); !strings.HasPrefix(got, "database 0 ") {
		t.Fatalf("after down all: %q", got)
	}
	ptdang("migrate", "up")
	if got := ptdang("migrate", "version"); !strings.HasPrefix(got, fmt.Sprintf("database %d (dirty: false)", latest)) {
		t.Fatalf("after up again: %q", got)
	}
	ptdang("demo")
}

func TestCommandErrorsAreClear(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "no command"},
		{[]string{"fly"}, `unknown command "fly"`},
		{[]string{"migrate", "-database-url=postgres://x/y", "sideways"}, `migrate "sideways"`},
		{[]string{"migrate", "-database-url=postgres://x/y", "down", "-3"}, "positive number"},
		{[]string{"serve", "-database-url="}, "DATABASE_URL"},
	} {
		err := run(t.Context(), c.args, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ptdang %v: error %v, want it to say %q", c.args, err, c.want)
		}
	}
}
