// Package config reads the server's settings (cấu hình) from environment variables, which
// command-line flags may override. The defaults are the ones `make run` needs.
package config

import (
	"flag"
	"fmt"
	"log/slog"
	"net/mail"
	"net/netip"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Config is the typed configuration of `ptdang serve` and the other subcommands.
type Config struct {
	DatabaseURL     string        // DATABASE_URL: the server's role, which owns nothing
	MigrateURL      string        // DATABASE_MIGRATE_URL: the schema owner's, for migrations; see OwnerURL
	ReplicaURL      string        // DATABASE_REPLICA_URL: dashboards read from it when set
	CacheRows       int           // PTDANG_DASHBOARD_CACHE_ROWS
	ListenAddr      string        // PTDANG_LISTEN_ADDR
	BaseURL         string        // PTDANG_BASE_URL
	LogLevel        slog.Level    // PTDANG_LOG_LEVEL
	LogFormat       string        // PTDANG_LOG_FORMAT: text or json
	SecureCookies   bool          // PTDANG_SECURE_COOKIES
	ShutdownTimeout time.Duration // PTDANG_SHUTDOWN_TIMEOUT
	// TrustedProxies (PTDANG_TRUSTED_PROXIES) are the reverse proxies whose X-Forwarded-For
	// names the client; from anyone else the header is ignored.
	TrustedProxies []netip.Prefix
	// E-mail notifications go through this SMTP server (docs/notifications.md); no host: no e-mail.
	SMTPHost       string        // PTDANG_SMTP_HOST
	SMTPPort       int           // PTDANG_SMTP_PORT
	SMTPUser       string        // PTDANG_SMTP_USER: "" for a server that needs no sign-in
	SMTPPassword   string        // PTDANG_SMTP_PASSWORD
	SMTPFrom       string        // PTDANG_SMTP_FROM: the sender's address
	NotifyInterval time.Duration // PTDANG_NOTIFY_INTERVAL: how often the outbox is delivered
	// Web Push's VAPID keys (docs/notifications.md says how to make them); none: push off.
	VAPIDPublicKey  string // PTDANG_VAPID_PUBLIC_KEY
	VAPIDPrivateKey string // PTDANG_VAPID_PRIVATE_KEY
	VAPIDSubject    string // PTDANG_VAPID_SUBJECT: mailto: or https: contact for the push services
	// RegisterKey (PTDANG_REGISTER_KEY) is the secret that encrypts the national IDs in the
	// admission register; unset, a development key known to all is used (docs/register.md).
	RegisterKey string
}

// Load fills a Config from the environment (getenv) and then from args parsed by fs, so a flag
// wins over its variable. It returns an error naming the variable or flag whose value is wrong.
func Load(fs *flag.FlagSet, args []string, getenv func(string) string) (Config, error) {
	env := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	var (
		c        Config
		level    string
		secure   string
		shutdown string
		rows     string
		proxies  string
		smtpPort string
		interval string
	)
	fs.StringVar(&c.DatabaseURL, "database-url", env("DATABASE_URL", ""), "PostgreSQL URL (DATABASE_URL)")
	fs.StringVar(&c.MigrateURL, "database-migrate-url", env("DATABASE_MIGRATE_URL", ""), "PostgreSQL URL of the role that owns the schema, for migrations; DATABASE_URL when unset (DATABASE_MIGRATE_URL)")
	fs.StringVar(&c.ReplicaURL, "database-replica-url", env("DATABASE_REPLICA_URL", ""), "PostgreSQL read replica for the dashboards, optional (DATABASE_REPLICA_URL)")
	fs.StringVar(&rows, "dashboard-cache-rows", env("PTDANG_DASHBOARD_CACHE_ROWS", "20000"), "dashboard rows each server remembers, about 2 KB each (PTDANG_DASHBOARD_CACHE_ROWS)")
	fs.StringVar(&c.ListenAddr, "listen", env("PTDANG_LISTEN_ADDR", ":8080"), "listen address (PTDANG_LISTEN_ADDR)")
	fs.StringVar(&c.BaseURL, "base-url", env("PTDANG_BASE_URL", "http://localhost:8080"), "public base URL (PTDANG_BASE_URL)")
	fs.StringVar(&level, "log-level", env("PTDANG_LOG_LEVEL", "info"), "debug, info, warn or error (PTDANG_LOG_LEVEL)")
	fs.StringVar(&c.LogFormat, "log-format", env("PTDANG_LOG_FORMAT", "text"), "text or json (PTDANG_LOG_FORMAT)")
	fs.StringVar(&secure, "secure-cookies", env("PTDANG_SECURE_COOKIES", "false"), "send cookies over HTTPS only (PTDANG_SECURE_COOKIES)")
	fs.StringVar(&shutdown, "shutdown-timeout", env("PTDANG_SHUTDOWN_TIMEOUT", "30s"), "how long in-flight requests may run after SIGTERM (PTDANG_SHUTDOWN_TIMEOUT)")
	fs.StringVar(&c.RegisterKey, "register-key", env("PTDANG_REGISTER_KEY", ""), "secret encrypting national IDs in the admission register, at least 32 characters; a development key when unset (PTDANG_REGISTER_KEY)")
	fs.StringVar(&proxies, "trusted-proxies", env("PTDANG_TRUSTED_PROXIES", ""), "reverse proxies whose X-Forwarded-For is believed, as CIDRs or addresses separated by commas (PTDANG_TRUSTED_PROXIES)")
	fs.StringVar(&c.SMTPHost, "smtp-host", env("PTDANG_SMTP_HOST", ""), "SMTP server for e-mail notifications; none turns e-mail off (PTDANG_SMTP_HOST)")
	fs.StringVar(&smtpPort, "smtp-port", env("PTDANG_SMTP_PORT", "587"), "SMTP port (PTDANG_SMTP_PORT)")
	fs.StringVar(&c.SMTPUser, "smtp-user", env("PTDANG_SMTP_USER", ""), "SMTP user, none for a server that needs no sign-in (PTDANG_SMTP_USER)")
	fs.StringVar(&c.SMTPPassword, "smtp-password", env("PTDANG_SMTP_PASSWORD", ""), "SMTP password (PTDANG_SMTP_PASSWORD)")
	fs.StringVar(&c.SMTPFrom, "smtp-from", env("PTDANG_SMTP_FROM", ""), "sender of e-mail notifications, e.g. thongbao@tinhuy.vn (PTDANG_SMTP_FROM)")
	fs.StringVar(&interval, "notify-interval", env("PTDANG_NOTIFY_INTERVAL", "30s"), "how often each server delivers waiting notifications (PTDANG_NOTIFY_INTERVAL)")
	fs.StringVar(&c.VAPIDPublicKey, "vapid-public-key", env("PTDANG_VAPID_PUBLIC_KEY", ""), "Web Push VAPID public key, base64url; none turns push off (PTDANG_VAPID_PUBLIC_KEY)")
	fs.StringVar(&c.VAPIDPrivateKey, "vapid-private-key", env("PTDANG_VAPID_PRIVATE_KEY", ""), "Web Push VAPID private key, base64url (PTDANG_VAPID_PRIVATE_KEY)")
	fs.StringVar(&c.VAPIDSubject, "vapid-subject", env("PTDANG_VAPID_SUBJECT", ""), "contact for push services: mailto:address or https URL (PTDANG_VAPID_SUBJECT)")
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}

	if err := c.LogLevel.UnmarshalText([]byte(level)); err != nil {
		return Config{}, fmt.Errorf("log level %q: want debug, info, warn or error", level)
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return Config{}, fmt.Errorf("log format %q: want text or json", c.LogFormat)
	}
	var err error
	if c.SecureCookies, err = strconv.ParseBool(secure); err != nil {
		return Config{}, fmt.Errorf("secure cookies %q: want true or false", secure)
	}
	if c.ShutdownTimeout, err = time.ParseDuration(shutdown); err != nil || c.ShutdownTimeout < 0 {
		return Config{}, fmt.Errorf("shutdown timeout %q: want a duration such as 30s", shutdown)
	}
	if c.CacheRows, err = strconv.Atoi(rows); err != nil || c.CacheRows < 1 {
		return Config{}, fmt.Errorf("dashboard cache rows %q: want a positive number such as 20000", rows)
	}
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return Config{}, fmt.Errorf("base URL %q: want http(s)://host[:port]", c.BaseURL)
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if c.TrustedProxies, err = ParsePrefixes(proxies); err != nil {
		return Config{}, fmt.Errorf("trusted proxies %q: %w", proxies, err)
	}
	if c.SMTPPort, err = strconv.Atoi(smtpPort); err != nil || c.SMTPPort < 1 || c.SMTPPort > 65535 {
		return Config{}, fmt.Errorf("SMTP port %q: want a port such as 587", smtpPort)
	}
	if _, err := mail.ParseAddress(c.SMTPFrom); c.SMTPHost != "" && err != nil {
		return Config{}, fmt.Errorf("SMTP sender %q: want an address such as thongbao@tinhuy.vn", c.SMTPFrom)
	}
	if (c.VAPIDPublicKey == "") != (c.VAPIDPrivateKey == "") {
		return Config{}, fmt.Errorf("VAPID keys: set both the public and the private key, or neither")
	}
	if c.VAPIDPublicKey != "" && !strings.HasPrefix(c.VAPIDSubject, "mailto:") && !strings.HasPrefix(c.VAPIDSubject, "https:") {
		return Config{}, fmt.Errorf("VAPID subject %q: want mailto:address or an https URL", c.VAPIDSubject)
	}
	if c.NotifyInterval, err = time.ParseDuration(interval); err != nil || c.NotifyInterval <= 0 {
		return Config{}, fmt.Errorf("notify interval %q: want a duration such as 30s", interval)
	}
	if c.RegisterKey != "" && len(c.RegisterKey) < 32 {
		return Config{}, fmt.Errorf("register key: want at least 32 characters, got %d", len(c.RegisterKey))
	}
	return c, nil
}

// ParsePrefixes reads a list of CIDRs (10.0.0.0/8) or single addresses (10.0.0.5, ::1),
// separated by commas or spaces. It returns an error naming the first entry it cannot read.
func ParsePrefixes(list string) ([]netip.Prefix, error) {
	var ps []netip.Prefix
	for _, f := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || unicode.IsSpace(r) }) {
		if p, err := netip.ParsePrefix(f); err == nil {
			ps = append(ps, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil || a.Zone() != "" {
			return nil, fmt.Errorf("%q is neither a CIDR such as 10.0.0.0/8 nor an address", f)
		}
		a = a.Unmap()
		ps = append(ps, netip.PrefixFrom(a, a.BitLen()))
	}
	return ps, nil
}

// RequireDatabase returns an error when no database URL was configured.
func (c Config) RequireDatabase() error {
	if c.DatabaseURL == "" {
		return fmt.Errorf("no database: set DATABASE_URL or pass -database-url (or use `make run`, which starts a local one)")
	}
	return nil
}

// OwnerURL is the URL that migrations and bulk loads (ptdang gen) connect with: MigrateURL, or
// DatabaseURL when it is unset, for installations where one role both owns the schema and serves.
func (c Config) OwnerURL() string {
	if c.MigrateURL != "" {
		return c.MigrateURL
	}
	return c.DatabaseURL
}

// Logger builds the process logger the configuration asks for.
func (c Config) Logger() *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, opts))
}

// String dumps the configuration with the database password masked, for the start-up log.
func (c Config) String() string {
	proxies := make([]string, len(c.TrustedProxies))
	for i, p := range c.TrustedProxies {
		proxies[i] = p.String()
	}
	smtp := "off"
	if c.SMTPHost != "" {
		smtp = fmt.Sprintf("%s@%s:%d from %s", c.SMTPUser, c.SMTPHost, c.SMTPPort, c.SMTPFrom)
	}
	push := "off"
	if c.VAPIDPublicKey != "" {
		push = c.VAPIDSubject
	}
	return fmt.Sprintf("database=%s migrate=%s replica=%s listen=%s base_url=%s log=%s/%s secure_cookies=%t shutdown_timeout=%s dashboard_cache_rows=%d trusted_proxies=%s smtp=%s push=%s notify_interval=%s register_key=%s",
		masked(c.DatabaseURL), masked(c.MigrateURL), masked(c.ReplicaURL), c.ListenAddr, c.BaseURL, c.LogLevel, c.LogFormat, c.SecureCookies, c.ShutdownTimeout, c.CacheRows,
		strings.Join(proxies, ","), smtp, push, c.NotifyInterval, map[bool]string{true: "set", false: "development"}[c.RegisterKey != ""])
}

// masked is a database URL with its password hidden.
func masked(db string) string {
	if u, err := url.Parse(db); err == nil && u.User != nil {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), "xxxxx")
		}
		return u.String()
	}
	return db
}
