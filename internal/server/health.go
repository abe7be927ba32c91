package server

import (
	"context"
	"net/http"
	"time"

	"ptdang/internal/httpx"
	"ptdang/internal/pg"
)

// healthz answers while the process is up, whatever the database does.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	httpx.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readyz answers 200 only when the database is reachable and its schema is this binary's.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.DB.Ping(ctx); err != nil {
		s.Log.Warn("not ready: database unreachable", "err", err)
		httpx.WriteJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "database unreachable"})
		return
	}
	if err := pg.CheckSchema(ctx, s.DB); err != nil {
		s.Log.Warn("not ready: schema", "err", err)
		httpx.WriteJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "schema not current"})
		return
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"status": "ok", "schema": pg.LatestVersion()})
}
