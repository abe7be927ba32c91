package server

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"ptdang/internal/pg"
)

// healthz answers while the process is up, whatever the database does.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readyz answers 200 only when the database is reachable and its schema is this binary's.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.DB.Ping(ctx); err != nil {
		s.Log.Warn("not ready: database unreachable", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "database unreachable"})
		return
	}
	if err := pg.CheckSchema(ctx, s.DB); err != nil {
		s.Log.Warn("not ready: schema", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "schema not current"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "schema": pg.LatestVersion()})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
