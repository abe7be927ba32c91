// Package server is the HTTP face of ptdang (máy chủ web): routes, middleware, the one place
// where errors become pages, and one thin handler per page or action.
package server

import (
	"log/slog"
	"net/http"
	"net/netip"
	"runtime"
	"sync"
	"time"

	"github.com/alexedwards/scs/pgxstore"
	"github.com/alexedwards/scs/v2"
	"github.com/jackc/pgx/v5/pgxpool"

	"ptdang/internal/account"
	"ptdang/internal/dashboard"
	"ptdang/internal/exchange"
	"ptdang/internal/lru"
	"ptdang/internal/register"
	"ptdang/web"
)

// Server holds what the handlers need.
type Server struct {
	DB *pgxpool.Pool
	// ReadDB serves the dashboards: DB, or a read replica of it.
	ReadDB     *pgxpool.Pool
	Dashboards *dashboard.Cache
	// Boards remembers the register's pipeline board rows.
	Boards *register.BoardCache
	// pages are dashboards' tables rendered, by dashboard version (under pagesMu).
	pages    *lru.Cache[string, string]
	pagesMu  sync.Mutex
	Log      *slog.Logger
	Sessions *scs.SessionManager
	Now      func() time.Time // the clock, replaceable in tests
	// Hashes bounds the password checks of sign-ins running at once.
	Hashes *account.Hasher
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names the client.
	TrustedProxies []netip.Prefix
	// HSTS tells browsers to reach the site over HTTPS only; on with secure cookies.
	HSTS bool
	// PushKey is the VAPID public key browsers subscribe to Web Push with; "" when push is off.
	PushKey string
	// Register reads and changes the admission register with the configured key.
	Register register.Register
	// imports are the file imports running or recently done (import_jobs.go).
	imports *exchange.Jobs[importAbout, *web.ImportResult]
	// background is the work handlers leave running after their answer (resummariseLater).
	background sync.WaitGroup
}

// Wait waits for the work handlers left running in the background: tests wait before their
// database goes.
func (s *Server) Wait() { s.background.Wait() }

// SignInQueue is how many sign-ins per CPU may wait for a password check; the next one is told
// to try again later (an argon2id check takes some 64 MiB and tens of milliseconds of every CPU).
const SignInQueue = 16

// DefaultCacheRows is how many dashboard rows a server remembers unless configured otherwise.
const DefaultCacheRows = 20000

// renderedPages is how many dashboards' rendered tables a server keeps (a large province's are
// some 400 KB: 64 are at most 26 MB).
const renderedPages = 64

// Session lifetimes: an idle session ends after IdleTimeout, any session after SessionLifetime.
const (
	IdleTimeout     = 2 * time.Hour
	SessionLifetime = 12 * time.Hour
)

// New returns a Server on db that logs to log. Sessions live in PostgreSQL, so every server
// on the database shares them; secureCookies sends the session cookie over HTTPS only and
// turns HSTS on.
func New(db *pgxpool.Pool, log *slog.Logger, secureCookies bool) *Server {
	sm := scs.New()
	sm.Store = pgxstore.NewWithCleanupInterval(db, 30*time.Minute)
	sm.IdleTimeout = IdleTimeout
	sm.Lifetime = SessionLifetime
	sm.Cookie.Name = "ptdang_session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.Secure = secureCookies
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Persist = false // a shared computer forgets the session when the browser closes
	s := &Server{DB: db, ReadDB: db, Dashboards: dashboard.NewCache(DefaultCacheRows), Boards: register.NewBoardCache(DefaultCacheRows), pages: lru.New[string, string](renderedPages, nil), imports: newImportJobs(),
		Log: log, Sessions: sm, Now: time.Now, Hashes: account.NewHasher(runtime.NumCPU(), SignInQueue*runtime.NumCPU()), HSTS: secureCookies,
		Register: register.Register{Keys: register.NewKeys("")}}
	// A session that cannot be read or saved (the database is gone) gets the Vietnamese 500
	// page, not scs's English one with the error's text.
	sm.ErrorFunc = s.serverError
	return s
}
