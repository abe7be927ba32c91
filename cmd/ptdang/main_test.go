package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"ptdang/internal/account"
	"ptdang/internal/org"
	"ptdang/internal/pg"
	"ptdang/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func TestMigrateCommandsRoundTrip(t *testing.T) {
	app := pgtest.EmptyURL(t)
	// The server's role may not create the schema; the hint names the setting that fixes it.
	err := run(t.Context(), []string{"migrate", "-database-url=" + app, "up"}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "DATABASE_MIGRATE_URL") {
		t.Fatalf("migrate up as the server's role: %v, want a hint at DATABASE_MIGRATE_URL", err)
	}
	dbs := []string{"-database-url=" + app, "-database-migrate-url=" + pgtest.OwnerURL(app)}
	ptdang := func(args ...string) string {
		t.Helper()
		var out bytes.Buffer
		if err := run(t.Context(), append(args[:1:1], append(dbs, args[1:]...)...), &out); err != nil {
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
	if got := ptdang("migrate", "version"); strings.HasPrefix(got, fmt.Sprintf("database %d ", latest)) || strings.HasPrefix(got, "database 0 ") {
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

func TestReorgCommandMergesAndRefusesWithReasons(t *testing.T) {
	url := pgtest.URL(t)
	db, err := pg.Open(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	all := org.Everything()
	from := time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)
	province, err := org.CreateAdminUnit(t.Context(), db, all, org.AdminUnitInput{Code: "DN", Name: "Đồng Nai", Level: org.Province, From: from})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"X1", "X2", "X3"} {
		if _, err := org.CreateAdminUnit(t.Context(), db, all, org.AdminUnitInput{Code: c, Name: "Xã " + c, Level: org.Commune, LocalWord: "xã", ParentID: province, From: from}); err != nil {
			t.Fatal(err)
		}
	}
	ptdang := func(args ...string) error {
		return run(t.Context(), append([]string{"reorg", "-database-url=" + url}, args...), &bytes.Buffer{})
	}
	if err := ptdang("merge", "-tree", "admin", "-into", "X123", "-name", "Xã Long Thành", "-effective", "01/07/2025", "X1", "X2", "X3"); err != nil {
		t.Fatal(err)
	}
	merged, err := org.GetAdminUnitByCode(t.Context(), db, all, "X123", time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC))
	if err != nil || merged.Name != "Xã Long Thành" || merged.Level != org.Commune || merged.LocalWord != "xã" || merged.ParentID != province {
		t.Fatalf("merged unit: %+v %v", merged, err)
	}
	err = ptdang("split", "-tree", "admin", "-code", "X123", "-effective", "2026-01-01", "Y1:40%:Xã Một", "Y2:0,5:Xã Hai")
	if err == nil || !strings.Contains(err.Error(), "phải bằng 100 %") {
		t.Fatalf("split with shares adding to 90 %%: %v", err)
	}
}

func TestImportCommandReportsProblemsAndWritesNothing(t *testing.T) {
	url := pgtest.URL(t)
	dir := t.TempDir()
	file := dir + "/to-chuc.csv"
	csv := "Mã,Tên,Cấp tổ chức,Loại hình,Mã cấp trên,Ngày thành lập\n" +
		"TU,Tỉnh ủy Đồng Nai,Tỉnh ủy,Xã phường đặc khu thôn tổ dân phố,,01/01/2015\n" +
		"TU.X1,Đảng bộ xã An Phước,Đảng bộ xã phường đặc khu,Xã phường đặc khu thôn tổ dân phố,TU,01/01/2015\n"
	if err := os.WriteFile(file, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err := run(t.Context(), []string{"import", "-database-url=" + url, "-table", "party", file}, &out)
	// "Tỉnh ủy" alone is not a kind label: the first row is refused, so nothing is written.
	if err == nil || !strings.Contains(out.String(), `dòng 2, cột "Cấp tổ chức"`) {
		t.Fatalf("import with a bad kind: err %v, output:\n%s", err, out.String())
	}
	csv = strings.Replace(csv, ",Tỉnh ủy,", ",Tỉnh ủy Thành ủy,", 1)
	if err := os.WriteFile(file, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := run(t.Context(), []string{"import", "-database-url=" + url, "-table=party", file}, &out); err != nil {
		t.Fatalf("import: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "imported: 2 created") {
		t.Fatalf("output:\n%s", out.String())
	}
}

func TestUserAddCreatesTheFirstAdministrator(t *testing.T) {
	url := pgtest.URL(t)
	var out bytes.Buffer
	err := run(t.Context(), []string{"user", "-database-url=" + url, "add", "-login", "admin", "-name", "Quản trị hệ thống", "-role", "sysadmin"}, &out)
	if err != nil {
		t.Fatal(err)
	}
	var login, password string
	if _, err := fmt.Sscanf(out.String(), "Đăng nhập: %s / %s", &login, &password); err != nil || login != "admin" || len(password) < 10 {
		t.Fatalf("output %q: %v", out.String(), err)
	}
	db, err := pg.Open(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	u, err := account.SignIn(t.Context(), db, account.NewHasher(1, 0), "admin", password, "127.0.0.1", time.Now())
	if err != nil || !u.Can(account.ManageUsers) || !u.MustChangePassword {
		t.Fatalf("signing in with the printed password: %+v %v", u, err)
	}
	err = run(t.Context(), []string{"user", "-database-url=" + url, "add", "-login", "xa", "-name", "Cán bộ xã", "-role", "commune_staff"}, &out)
	if err == nil || !strings.Contains(err.Error(), "unit_code") {
		t.Fatalf("commune staff without a unit: %v", err)
	}

	// The operator's reset gives a new password and ends the account's sessions.
	out.Reset()
	if err := run(t.Context(), []string{"user", "-database-url=" + url, "password", "-login", "admin"}, &out); err != nil {
		t.Fatal(err)
	}
	if _, err := fmt.Sscanf(out.String(), "Đăng nhập: %s / %s", &login, &password); err != nil {
		t.Fatalf("output %q: %v", out.String(), err)
	}
	reset, err := account.SignIn(t.Context(), db, account.NewHasher(1, 0), "admin", password, "127.0.0.1", time.Now())
	if err != nil || reset.SessionEpoch == u.SessionEpoch {
		t.Fatalf("signing in after the operator's reset: %+v %v", reset, err)
	}
}

// TestLocalDBWorksInACheckoutBelowAPrivateDirectory starts the cluster of `make run` from a
// checkout below a 0700 directory, as /root is (issue #19). As root the postgres user cannot
// reach it, so the cluster lives in the postgres user's home and .data/pg links to it.
func TestLocalDBWorksInACheckoutBelowAPrivateDirectory(t *testing.T) {
	private := t.TempDir()
	if err := os.Chmod(private, 0o700); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(private, "ptdang", ".data")
	localdb := func(args ...string) string {
		t.Helper()
		var out, errs bytes.Buffer
		if err := localDB(flag.NewFlagSet("localdb", flag.ContinueOnError), append([]string{"-dir", data}, args...), &out, &errs); err != nil {
			t.Fatalf("localdb %s: %v\n%s", args, err, errs.String())
		}
		return strings.TrimSpace(out.String())
	}
	t.Cleanup(func() {
		localdb("stop")
		if target, err := os.Readlink(filepath.Join(data, "pg")); err == nil {
			os.RemoveAll(target)
			os.Remove(filepath.Dir(target)) // the postgres user's ptdang directory, when no other cluster is in it
		}
	})
	url := localdb("start")
	owner := localdb("-owner", "url")
	if !strings.Contains(url, "//ptdang_app@") || !strings.Contains(owner, "//ptdang_owner@") {
		t.Fatalf("start printed %s, -owner url %s: want the roles ptdang_app and ptdang_owner", url, owner)
	}
	// The owner migrates, then the server's role reads the schema.
	if err := run(t.Context(), []string{"migrate", "-database-url=" + url, "-database-migrate-url=" + owner, "up"}, &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	if target, err := os.Readlink(filepath.Join(data, "pg")); os.Geteuid() == 0 {
		if err != nil || !strings.HasPrefix(target, "/var/lib/postgresql/ptdang/ptdang-") {
			t.Fatalf("as root: .data/pg links to %q (%v), want a directory under the postgres user's home", target, err)
		}
	} else if err == nil {
		t.Fatalf("not root: .data/pg links to %s, want the cluster in it", target)
	}
	db, err := pg.Open(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	err = pg.CheckSchema(t.Context(), db)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	// A second start finds the same cluster, and so does url.
	localdb("stop")
	if again := localdb("start"); again != url {
		t.Fatalf("second start: %s, first %s", again, url)
	}
	if got := localdb("url"); got != url {
		t.Fatalf("url: %s, start printed %s", got, url)
	}
}

// TestServeAsTheServerRoleAlone: with DATABASE_URL only, naming a role that owns nothing, serve
// checks the schema and serves; on a schema behind its binary it stops and says how to migrate.
func TestServeAsTheServerRoleAlone(t *testing.T) {
	url := pgtest.URL(t)
	port, err := pg.FreePort(0)
	if err != nil {
		t.Fatal(err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	serve := func(ctx context.Context) error {
		return run(ctx, []string{"serve", "-database-url=" + url, "-listen=" + addr, "-log-level=error"}, &bytes.Buffer{})
	}
	ctx, cancel := context.WithCancel(t.Context())
	served := make(chan error, 1)
	go func() { served <- serve(ctx) }()
	ready := false
	for range 100 {
		if resp, err := http.Get("http://" + addr + "/readyz"); err == nil {
			resp.Body.Close()
			if ready = resp.StatusCode == http.StatusOK; ready {
				break
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	cancel()
	if err := <-served; err != nil || !ready {
		t.Fatalf("serve as the server's role: ready %t, %v", ready, err)
	}

	if _, err := pgtest.Owner(t, mustOpen(t, url)).Exec(t.Context(), `UPDATE schema_migrations SET version = $1`, pg.LatestVersion()-1); err != nil {
		t.Fatal(err)
	}
	if err := serve(t.Context()); err == nil || !strings.Contains(err.Error(), "DATABASE_MIGRATE_URL") {
		t.Fatalf("serve on a stale schema without the owner's URL: %v, want a hint at DATABASE_MIGRATE_URL", err)
	}
}

func mustOpen(t *testing.T, url string) *pgxpool.Pool {
	t.Helper()
	db, err := pg.Open(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	return db
}
