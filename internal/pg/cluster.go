package pg

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
)

// Cluster is a private PostgreSQL cluster in Dir, run with the system's initdb and pg_ctl.
// It listens on 127.0.0.1 only, trusts local connections and has no Unix socket, so it
// never clashes with a server already running on the machine. As root, its programs run as
// the postgres user through runuser, because PostgreSQL refuses to run as root.
type Cluster struct {
	Dir string // the data directory; created by Init
	// Throwaway turns durability off (fsync, full-page writes): right for tests, wrong for data
	// anyone wants to keep.
	Throwaway bool
}

const confFile = "ptdang.conf" // our settings, included from postgresql.conf

// BinDir finds the directory of the newest installed PostgreSQL server binaries.
func BinDir() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int { return majorOf(a) - majorOf(b) })
	for i := len(dirs) - 1; i >= 0; i-- {
		if _, err := os.Stat(filepath.Join(dirs[i], "initdb")); err == nil {
			return dirs[i], nil
		}
	}
	if path, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(path), nil
	}
	return "", errors.New("PostgreSQL server binaries not found (initdb): install them with `apt-get install postgresql`")
}

func majorOf(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

// Exists reports whether Init has already created the cluster.
func (c *Cluster) Exists() bool {
	_, err := os.Stat(filepath.Join(c.Dir, confFile))
	return err == nil
}

// Init creates the cluster with UTF-8 encoding and the C.UTF-8 locale (ICU collations such as
// "vi-x-icu" do the Vietnamese sorting) listening on port.
func (c *Cluster) Init(port int) error {
	if err := os.MkdirAll(c.Dir, 0o700); err != nil {
		return err
	}
	if err := chownToServerUser(c.Dir); err != nil {
		return err
	}
	if err := c.run("initdb", "-D", c.Dir, "--auth=trust", "--username=postgres",
		"--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"); err != nil {
		return err
	}
	settings := []string{
		fmt.Sprintf("port = %d", port),
		"listen_addresses = '127.0.0.1'",
		"unix_socket_directories = ''",
		"max_connections = 300",
		"logging_collector = off",
	}
	if c.Throwaway {
		settings = append(settings, "fsync = off", "synchronous_commit = off", "full_page_writes = off")
	}
	if err := c.writeAsServerUser(confFile, strings.Join(settings, "\n")+"\n"); err != nil {
		return err
	}
	conf, err := os.ReadFile(filepath.Join(c.Dir, "postgresql.conf"))
	if err != nil {
		return err
	}
	return c.writeAsServerUser("postgresql.conf", string(conf)+"\ninclude '"+confFile+"'\n")
}

// Port reads the port the cluster was initialised with.
func (c *Cluster) Port() (int, error) {
	conf, err := os.ReadFile(filepath.Join(c.Dir, confFile))
	if err != nil {
		return 0, err
	}
	m := regexp.MustCompile(`(?m)^port = (\d+)$`).FindSubmatch(conf)
	if m == nil {
		return 0, fmt.Errorf("%s: no port", confFile)
	}
	return strconv.Atoi(string(m[1]))
}

// Running reports whether the cluster's server is up.
func (c *Cluster) Running() bool {
	return c.run("pg_ctl", "status", "-D", c.Dir) == nil
}

// Start starts the server and waits until it accepts connections. Starting a running
// cluster does nothing.
func (c *Cluster) Start() error {
	if c.Running() {
		return nil
	}
	return c.run("pg_ctl", "start", "-w", "-t", "60", "-D", c.Dir, "-l", filepath.Join(c.Dir, "server.log"))
}

// Stop stops the server, letting it finish writing; stopping a stopped cluster does nothing.
func (c *Cluster) Stop() error {
	if !c.Running() {
		return nil
	}
	mode := "fast"
	if c.Throwaway {
		mode = "immediate"
	}
	return c.run("pg_ctl", "stop", "-w", "-m", mode, "-D", c.Dir)
}

// URL is the connection URL of database db in the cluster, as the superuser postgres.
func (c *Cluster) URL(db string) (string, error) {
	return c.RoleURL("postgres", db)
}

// RoleURL is the connection URL of database db in the cluster, as role (no password: the
// cluster trusts connections from 127.0.0.1).
func (c *Cluster) RoleURL(role, db string) (string, error) {
	port, err := c.Port()
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("postgres://%s@127.0.0.1:%d/%s?sslmode=disable", role, port, db), nil
}

// FreePort asks the kernel for a port on 127.0.0.1 that nothing listens on, preferring
// preferred when it is free.
func FreePort(preferred int) (int, error) {
	if preferred > 0 {
		if l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", preferred)); err == nil {
			l.Close()
			return preferred, nil
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// run runs a PostgreSQL program, as the postgres user when we are root, and returns its
// output in the error when it fails.
func (c *Cluster) run(program string, args ...string) error {
	bin, err := BinDir()
	if err != nil {
		return err
	}
	path := filepath.Join(bin, program)
	var cmd *exec.Cmd
	if os.Geteuid() == 0 {
		cmd = exec.Command("runuser", append([]string{"-u", "postgres", "--", path}, args...)...)
	} else {
		cmd = exec.Command(path, args...)
	}
	cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	// The server must outlive `make run`'s shell and must not get its Ctrl-C.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %w\n%s", program, strings.Join(args, " "), err, strings.TrimSpace(out.String()))
	}
	return nil
}

// PrivateDir returns where a new private cluster meant for dir (such as ./.data/pg) can live.
// That is dir itself, unless we are root and the postgres user, which runs the server, cannot
// reach dir's parent: a checkout under /root or under a directory made by mktemp -d (mode 0700).
// Then it is a directory of the postgres user's own, ptdang/<checkout's name>-<hash of dir>
// under its home (/var/lib/postgresql on Debian), so no permission outside the project changes;
// the same dir always gives the same place. PrivateDir creates that ptdang directory, not the
// cluster's own.
func PrivateDir(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	if os.Geteuid() != 0 || serverUserCanReach(filepath.Dir(dir)) {
		return dir, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return "", fmt.Errorf("running as root needs the postgres user (apt-get install postgresql): %w", err)
	}
	if u.HomeDir == "" || !serverUserCanReach(u.HomeDir) {
		return "", fmt.Errorf("the postgres user can reach neither %s nor its home %q", filepath.Dir(dir), u.HomeDir)
	}
	base := filepath.Join(u.HomeDir, "ptdang")
	if err := os.MkdirAll(base, 0o700); err != nil {
		return "", err
	}
	if err := chownToServerUser(base); err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(dir))
	checkout := filepath.Base(filepath.Dir(filepath.Dir(dir))) // /root/ptdang/.data/pg: ptdang
	if checkout == "/" || checkout == "." {
		checkout = "cluster"
	}
	return filepath.Join(base, checkout+"-"+hex.EncodeToString(sum[:4])), nil
}

// serverUserCanReach reports whether the postgres user may search dir and every directory above it.
func serverUserCanReach(dir string) bool {
	return exec.Command("runuser", "-u", "postgres", "--", "test", "-x", dir).Run() == nil
}

// chownToServerUser gives dir to the postgres user when we are root.
func chownToServerUser(dir string) error {
	if os.Geteuid() != 0 {
		return nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return fmt.Errorf("running as root needs the postgres user (apt-get install postgresql): %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return os.Chown(dir, uid, gid)
}

func (c *Cluster) writeAsServerUser(name, content string) error {
	path := filepath.Join(c.Dir, name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		return err
	}
	return chownToServerUser(path)
}
