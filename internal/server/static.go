package server

import (
	"io/fs"
	"net/http"

	"ptdang/web"
)

// staticFiles serves the embedded CSS and JavaScript. They change only with the binary, so
// browsers may keep them for a day.
func staticFiles() http.Handler {
	sub, err := fs.Sub(web.Static, "static")
	if err != nil {
		panic(err) // the embed directive guarantees the directory
	}
	files := http.StripPrefix("/static/", http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		files.ServeHTTP(w, r)
	})
}
