// Command ptdang is the whole application in one binary: the web server and the operator's
// tools (migrations, the local development database, demo data).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"ptdang/internal/config"
	"ptdang/internal/dashboard"
	"ptdang/internal/demo"
	"ptdang/internal/httpx"
	"ptdang/internal/notify"
	"ptdang/internal/notify/remind"
	"ptdang/internal/pg"
	"ptdang/internal/register"
	"ptdang/internal/server"
)

const usage = `ptdang: theo dõi công tác phát triển đảng viên (Party membership development)

Usage:
  ptdang serve [flags]             migrate the database, then serve HTTP until SIGINT/SIGTERM
  ptdang migrate up                apply pending migrations
  ptdang migrate down [N|all]      revert the newest N migrations (default 1), or all
  ptdang migrate version           print the database's schema version
  ptdang migrate force VERSION     mark VERSION as applied and clean, after a manual repair
  ptdang demo                      load the demo data set (each part once)
  ptdang gen [-scale province|national] [-years N] [-seed S]   load a synthetic data set for
                                   measuring into an empty database (docs/performance.md)
  ptdang reorg rename|move|merge|split ...   record a reorganisation ('ptdang reorg' for details)
  ptdang user add|password ...     accounts ('ptdang user' for details)
  ptdang calendar list|add|remove ...   days off and make-up working days ('ptdang calendar')
  ptdang register purge            delete the removed persons' files past their province's
                                   retention (docs/register.md); 'serve' does it daily
  ptdang import [-dry-run] [-table party|admin|links] FILE   import the structure (docs/import.md)
  ptdang localdb [-owner] start|stop|url   the private PostgreSQL cluster of 'make run' (-dir .data);
                                   prints the server's URL, or with -owner the migrations' URL

Every command takes the flags of 'ptdang serve -h'; each flag has an environment variable.
`

// errUsage marks errors after which the usage text helps.
var errUsage = errors.New("see `ptdang help`")

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "ptdang:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("no command: %w", errUsage)
	}
	cmd, args := args[0], args[1:]
	fs := flag.NewFlagSet("ptdang "+cmd, flag.ContinueOnError)
	switch cmd {
	case "localdb":
		return localDB(fs, args, stdout, os.Stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	case "serve", "migrate", "demo", "gen", "reorg", "import", "user", "calendar", "register":
	default:
		return fmt.Errorf("unknown command %q: %w", cmd, errUsage)
	}
	imp := newImportFlags(fs)
	gf := newGenFlags(fs)
	cfg, err := config.Load(fs, args, os.Getenv)
	if err != nil {
		return err
	}
	if err := cfg.RequireDatabase(); err != nil {
		return err
	}
	switch cmd {
	case "serve":
		return serve(ctx, cfg)
	case "migrate":
		return migrate(ctx, cfg, fs.Args(), stdout)
	}
	// The remaining commands work on a database at this binary's schema.
	db, err := pg.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := pg.CheckSchema(ctx, db); err != nil {
		return fmt.Errorf("%w (run `ptdang migrate up` first)", err)
	}
	switch cmd {
	case "reorg":
		return reorg(ctx, db, fs.Args(), stdout)
	case "import":
		return importStructure(ctx, db, imp, fs.Args(), stdout)
	case "user":
		return userCommand(ctx, db, fs.Args(), stdout)
	case "calendar":
		return calendarCommand(ctx, db, fs.Args(), stdout)
	case "register":
		return registerCommand(ctx, db, fs.Args(), time.Now(), stdout)
	case "gen":
		// gen switches the dashboards' triggers off for its load and analyses the tables after:
		// both are the owner's rights.
		owner, err := pg.Open(ctx, cfg.OwnerURL())
		if err != nil {
			return err
		}
		defer owner.Close()
		return generate(ctx, owner, gf, time.Now(), stdout)
	}
	if err := demo.Load(ctx, db, demo.Parts, stdout); err != nil {
		return err
	}
	fmt.Fprint(stdout, "Tài khoản mẫu (đăng nhập tại http://localhost:8080/login):\n"+demo.Logins())
	return nil
}

func serve(ctx context.Context, cfg config.Config) error {
	log := cfg.Logger()
	log.Info("starting", "config", cfg.String())
	if err := migrateUp(ctx, cfg); err != nil {
		return err
	}
	db, err := pg.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	// Another server may have run a newer binary's migrations: refuse to serve a schema we do
	// not know.
	if err := pg.CheckSchema(ctx, db); err != nil {
		return err
	}
	l, err := net.Listen("tcp", cfg.ListenAddr)
	if err != nil {
		return err
	}
	s := server.New(db, log, cfg.SecureCookies)
	s.TrustedProxies = cfg.TrustedProxies
	s.PushKey = cfg.VAPIDPublicKey
	s.Dashboards = dashboard.NewCache(cfg.CacheRows)
	s.Register = register.Register{Keys: register.NewKeys(cfg.RegisterKey)}
	if cfg.ReplicaURL != "" {
		replica, err := pg.Open(ctx, cfg.ReplicaURL)
		if err != nil {
			return fmt.Errorf("replica: %w", err)
		}
		defer replica.Close()
		s.ReadDB = replica
	}
	// The outbox's worker and the reminder scheduler run until SIGTERM, like the web server, and
	// finish their batch before the process exits.
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	var background sync.WaitGroup
	w := &notify.Worker{DB: db, Log: log, Mail: notify.NewMailer(notify.SMTP{Host: cfg.SMTPHost, Port: cfg.SMTPPort,
		User: cfg.SMTPUser, Password: cfg.SMTPPassword, From: cfg.SMTPFrom, BaseURL: cfg.BaseURL}),
		Push: notify.NewPusher(notify.VAPID{PublicKey: cfg.VAPIDPublicKey, PrivateKey: cfg.VAPIDPrivateKey,
			Subject: cfg.VAPIDSubject, BaseURL: cfg.BaseURL})}
	background.Go(func() { w.Run(ctx, cfg.NotifyInterval) })
	background.Go(func() { remind.Run(ctx, db, time.Hour, log) })
	background.Go(func() { register.PurgeDaily(ctx, db, log) })
	background.Go(func() { s.Boards.KeepWarm(ctx, s.ReadDB, 5*time.Minute, log) })
	err = httpx.Run(ctx, l, s.Routes(), cfg.ShutdownTimeout, log)
	stop()
	background.Wait()
	return err
}

func migrate(ctx context.Context, cfg config.Config, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("migrate: want up, down, version or force")
	}
	switch args[0] {
	case "up":
		return migrateUp(ctx, cfg)
	case "down":
		steps := 1
		if len(args) > 1 {
			if args[1] == "all" {
				steps = 0
			} else if n, err := strconv.Atoi(args[1]); err == nil && n > 0 {
				steps = n
			} else {
				return fmt.Errorf("migrate down %q: want a positive number or all", args[1])
			}
		}
		return pg.MigrateDown(cfg.OwnerURL(), steps)
	case "version":
		db, err := pg.Open(ctx, cfg.DatabaseURL)
		if err != nil {
			return err
		}
		defer db.Close()
		v, dirty, err := pg.SchemaVersion(ctx, db)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "database %d (dirty: %t), binary %d\n", v, dirty, pg.LatestVersion())
		return nil
	case "force":
		if len(args) < 2 {
			return errors.New("migrate force: want a VERSION")
		}
		v, err := strconv.Atoi(args[1])
		if err != nil {
			return fmt.Errorf("migrate force %q: want a number", args[1])
		}
		return pg.MigrateForce(cfg.OwnerURL(), v)
	}
	return fmt.Errorf("migrate %q: want up, down, version or force", args[0])
}

// migrateUp applies the pending migrations as the schema's owner (DATABASE_MIGRATE_URL, or
// DATABASE_URL when unset) and then grants the server's role (DATABASE_URL's) what it needs.
func migrateUp(ctx context.Context, cfg config.Config) error {
	if err := pg.MigrateUp(cfg.OwnerURL()); err != nil {
		if cfg.MigrateURL == "" && pg.IsInsufficientPrivilege(err) {
			return fmt.Errorf("%w (DATABASE_URL's role may not change the schema: set DATABASE_MIGRATE_URL to the owner's URL)", err)
		}
		return err
	}
	if err := pg.GrantApp(ctx, cfg.OwnerURL(), cfg.DatabaseURL); err != nil {
		return err
	}
	// Data the schema needs worked out in Go: the register's file summaries (stale after
	// migration 000019 or a calendar change).
	db, err := pg.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = register.Resummarise(ctx, db, false)
	return err
}

// The roles of the private cluster: the owner of the ptdang database, which migrates it, and the
// role the server connects as, which owns nothing (docs/deployment.md).
const (
	localOwner = "ptdang_owner"
	localApp   = "ptdang_app"
)

// localDB manages the private cluster of `make run`: `start` creates it on first use, starts it,
// makes sure the roles and the ptdang database exist and prints the server's URL; `url` prints
// that URL; `stop` stops the cluster. With -owner, start and url print the owner's URL instead.
// The cluster is in <dir>/pg, or, as root when the postgres user cannot reach <dir>, in a
// directory of the postgres user's (pg.PrivateDir) that the symbolic link <dir>/pg names.
func localDB(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) error {
	dir := fs.String("dir", ".data", "directory holding the cluster")
	owner := fs.Bool("owner", false, "print the URL of the role that owns the database, for migrations")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("localdb: want start, stop or url")
	}
	link, err := filepath.Abs(filepath.Join(*dir, "pg"))
	if err != nil {
		return err
	}
	c := &pg.Cluster{Dir: link}
	if target, err := os.Readlink(link); err == nil {
		c.Dir = target
	}
	switch fs.Arg(0) {
	case "stop":
		if !c.Exists() {
			return nil
		}
		return c.Stop()
	case "url":
		if !c.Exists() {
			return fmt.Errorf("no local cluster in %s: run `ptdang localdb start`", c.Dir)
		}
	case "start":
		if err := startLocalDB(c, link); err != nil {
			return err
		}
		if c.Dir != link {
			fmt.Fprintf(stderr, "PostgreSQL data: %s (the postgres user cannot reach %s; %s links to it)\n", c.Dir, filepath.Dir(link), link)
		}
	default:
		return fmt.Errorf("localdb %q: want start, stop or url", fs.Arg(0))
	}
	role := localApp
	if *owner {
		var err error
		if role, err = localDBOwner(c); err != nil {
			return err
		}
	}
	url, err := c.RoleURL(role, "ptdang")
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, url)
	return nil
}

// localDBOwner returns the role that owns the ptdang database: ptdang_owner, or postgres in a
// cluster made before the roles were split, whose tables postgres owns.
func localDBOwner(c *pg.Cluster) (string, error) {
	url, err := c.URL("postgres")
	if err != nil {
		return "", err
	}
	ctx := context.Background()
	db, err := pg.Open(ctx, url)
	if err != nil {
		return "", err
	}
	defer db.Close()
	var owner string
	err = db.QueryRow(ctx, `SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'ptdang'`).Scan(&owner)
	return owner, err
}

// startLocalDB starts the cluster c recorded at link, creating it first when it does not exist.
func startLocalDB(c *pg.Cluster, link string) error {
	if !c.Exists() {
		if entries, _ := os.ReadDir(c.Dir); len(entries) > 0 {
			return fmt.Errorf("%s holds an unfinished cluster: remove it and run again", c.Dir)
		}
		if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
			return err
		}
		place, err := pg.PrivateDir(link)
		if err != nil {
			return err
		}
		if place != link {
			// Record the place, replacing a stale link or the empty directory a failed start left.
			if err := os.Remove(link); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
			if err := os.Symlink(place, link); err != nil {
				return err
			}
			c.Dir = place
		}
	}
	if !c.Exists() {
		// 5432 is the system server's; take a port of our own.
		port, err := pg.FreePort(54329)
		if err != nil {
			return err
		}
		if err := c.Init(port); err != nil {
			return err
		}
	}
	if err := c.Start(); err != nil {
		return err
	}
	url, err := c.URL("postgres")
	if err != nil {
		return err
	}
	ctx := context.Background()
	db, err := pg.Open(ctx, url)
	if err != nil {
		return err
	}
	defer db.Close()
	for _, role := range []string{localOwner, localApp} {
		if err := pg.CreateRole(ctx, db, role, ""); err != nil {
			return err
		}
	}
	var exists bool
	if err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'ptdang')`).Scan(&exists); err != nil {
		return err
	}
	if !exists {
		_, err = db.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{"ptdang"}.Sanitize()+" OWNER "+pgx.Identifier{localOwner}.Sanitize())
	}
	return err
}
