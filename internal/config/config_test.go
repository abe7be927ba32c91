package config

import (
	"flag"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func load(args []string, env map[string]string) (Config, error) {
	return Load(flag.NewFlagSet("test", flag.ContinueOnError), args, func(k string) string { return env[k] })
}

func TestDefaultsServeLocalhost8080(t *testing.T) {
	c, err := load(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.ListenAddr != ":8080" || c.BaseURL != "http://localhost:8080" || c.LogLevel != slog.LevelInfo ||
		c.LogFormat != "text" || c.SecureCookies || c.ShutdownTimeout != 30*time.Second {
		t.Fatalf("defaults: %+v", c)
	}
	if c.RequireDatabase() == nil {
		t.Fatal("no DATABASE_URL must be an error")
	}
}

func TestFlagOverridesEnvironment(t *testing.T) {
	env := map[string]string{
		"DATABASE_URL":          "postgres://env/db",
		"PTDANG_LISTEN_ADDR":    ":9000",
		"PTDANG_LOG_FORMAT":     "json",
		"PTDANG_SECURE_COOKIES": "true",
		"PTDANG_BASE_URL":       "https://ptdang.example.vn/",
	}
	c, err := load([]string{"-listen", "127.0.0.1:7000", "-log-level", "debug"}, env)
	if err != nil {
		t.Fatal(err)
	}
	if c.ListenAddr != "127.0.0.1:7000" {
		t.Errorf("flag did not win: listen %q", c.ListenAddr)
	}
	if c.DatabaseURL != "postgres://env/db" || c.LogFormat != "json" || !c.SecureCookies || c.LogLevel != slog.LevelDebug {
		t.Errorf("environment not read: %+v", c)
	}
	if c.BaseURL != "https://ptdang.example.vn" {
		t.Errorf("base URL %q keeps its trailing slash", c.BaseURL)
	}
}

func TestBadValuesNameTheSetting(t *testing.T) {
	for name, env := range map[string]map[string]string{
		"log level":        {"PTDANG_LOG_LEVEL": "loud"},
		"log format":       {"PTDANG_LOG_FORMAT": "xml"},
		"secure cookies":   {"PTDANG_SECURE_COOKIES": "maybe"},
		"shutdown timeout": {"PTDANG_SHUTDOWN_TIMEOUT": "soon"},
		"base URL":         {"PTDANG_BASE_URL": "localhost"},
		"cache rows":       {"PTDANG_DASHBOARD_CACHE_ROWS": "0"},
		"SMTP port":        {"PTDANG_SMTP_PORT": "99999"},
		"SMTP sender":      {"PTDANG_SMTP_HOST": "mail.tinhuy.vn", "PTDANG_SMTP_FROM": "thông báo"},
		"notify interval":  {"PTDANG_NOTIFY_INTERVAL": "0s"},
		"VAPID keys":       {"PTDANG_VAPID_PUBLIC_KEY": "BPub"},
		"VAPID subject":    {"PTDANG_VAPID_PUBLIC_KEY": "BPub", "PTDANG_VAPID_PRIVATE_KEY": "priv", "PTDANG_VAPID_SUBJECT": "ops@tinhuy.vn"},
	} {
		if _, err := load(nil, env); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: error %v", name, err)
		}
	}
}

func TestStringMasksDatabasePassword(t *testing.T) {
	c, err := load(nil, map[string]string{"DATABASE_URL": "postgres://ptdang:s3cret@db:5432/ptdang",
		"DATABASE_REPLICA_URL": "postgres://ptdang:r3plica@replica:5432/ptdang",
		"DATABASE_MIGRATE_URL": "postgres://ptdang_owner:0wner@db:5432/ptdang",
		"PTDANG_SMTP_HOST":     "mail.tinhuy.vn", "PTDANG_SMTP_FROM": "thongbao@tinhuy.vn", "PTDANG_SMTP_PASSWORD": "m4il",
		"PTDANG_VAPID_PUBLIC_KEY": "BPub", "PTDANG_VAPID_PRIVATE_KEY": "pr1vate", "PTDANG_VAPID_SUBJECT": "mailto:ops@tinhuy.vn"})
	if err != nil {
		t.Fatal(err)
	}
	if s := c.String(); strings.Contains(s, "s3cret") || strings.Contains(s, "m4il") || strings.Contains(s, "pr1vate") || !strings.Contains(s, "mail.tinhuy.vn:587") || strings.Contains(s, "r3plica") || strings.Contains(s, "0wner") ||
		!strings.Contains(s, "ptdang:xxxxx@db") || !strings.Contains(s, "ptdang:xxxxx@replica") || !strings.Contains(s, "ptdang_owner:xxxxx@db") {
		t.Fatalf("String() = %s", s)
	}
}

func TestMigrationsUseTheOwnerURLOrElseTheDatabaseURL(t *testing.T) {
	c, err := load(nil, map[string]string{"DATABASE_URL": "postgres://ptdang_app@db/ptdang"})
	if err != nil {
		t.Fatal(err)
	}
	if c.OwnerURL() != "postgres://ptdang_app@db/ptdang" {
		t.Errorf("one URL: migrations use %q, want DATABASE_URL", c.OwnerURL())
	}
	c, err = load([]string{"-database-migrate-url", "postgres://ptdang_owner@db/ptdang"}, map[string]string{"DATABASE_URL": "postgres://ptdang_app@db/ptdang"})
	if err != nil {
		t.Fatal(err)
	}
	if c.OwnerURL() != "postgres://ptdang_owner@db/ptdang" || c.DatabaseURL != "postgres://ptdang_app@db/ptdang" {
		t.Errorf("two URLs: migrations use %q, the server %q", c.OwnerURL(), c.DatabaseURL)
	}
}

func TestTrustedProxiesAreCIDRsOrAddresses(t *testing.T) {
	for _, tc := range []struct {
		env, flag string
		want      string // the prefixes, joined by spaces; "error" for a refused value
	}{
		{"", "", ""},
		{"10.0.0.0/8", "", "10.0.0.0/8"},
		{"10.0.0.11, 10.0.0.12 ,192.168.1.7/24", "", "10.0.0.11/32 10.0.0.12/32 192.168.1.0/24"},
		{"::1 fd00::/8", "", "::1/128 fd00::/8"},
		{"::ffff:10.0.0.1", "", "10.0.0.1/32"},
		{"10.0.0.0/8", "127.0.0.1", "127.0.0.1/32"},
		{"10.0.0.0/33", "", "error"},
		{"proxy.example.vn", "", "error"},
		{"10.0.0.1:8080", "", "error"},
		{"fe80::1%eth0", "", "error"},
	} {
		var args []string
		if tc.flag != "" {
			args = []string{"-trusted-proxies", tc.flag}
		}
		c, err := load(args, map[string]string{"PTDANG_TRUSTED_PROXIES": tc.env})
		if tc.want == "error" {
			if err == nil || !strings.Contains(err.Error(), "trusted proxies") {
				t.Errorf("%q: error %v, want one naming the setting", tc.env, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.env, err)
			continue
		}
		var got []string
		for _, p := range c.TrustedProxies {
			got = append(got, p.String())
		}
		if strings.Join(got, " ") != tc.want {
			t.Errorf("%q %q: %v, want %s", tc.env, tc.flag, got, tc.want)
		}
		if !strings.Contains(c.String(), "trusted_proxies="+strings.ReplaceAll(tc.want, " ", ",")) {
			t.Errorf("String() = %s", c.String())
		}
	}
}

func TestRegisterKeyIsLongOrUnsetAndNeverDumped(t *testing.T) {
	if _, err := load(nil, map[string]string{"PTDANG_REGISTER_KEY": "short"}); err == nil || !strings.Contains(err.Error(), "register key") {
		t.Fatalf("a short key: %v, want an error naming the register key", err)
	}
	secret := "a register key of more than thirty-two characters"
	c, err := load(nil, map[string]string{"PTDANG_REGISTER_KEY": secret})
	if err != nil || c.RegisterKey != secret || strings.Contains(c.String(), secret) || !strings.Contains(c.String(), "register_key=set") {
		t.Fatalf("key %q, dump %q (%v)", c.RegisterKey, c.String(), err)
	}
	if c, _ := load(nil, nil); !strings.Contains(c.String(), "register_key=development") {
		t.Fatalf("unset key dumped as %q", c.String())
	}
}
