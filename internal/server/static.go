package server

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"net/http"
	"strings"

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
		if strings.HasSuffix(r.URL.Path, ".webmanifest") { // a type Go's mime table lacks
			w.Header().Set("Content-Type", "application/manifest+json")
		}
		files.ServeHTTP(w, r)
	})
}

// serviceWorker serves the offline worker (docs/offline.md) from the root, so that it may answer
// for every page. It starts with the version of the static files, a hash of them all: a binary
// with changed assets changes the worker, which browsers then install anew with fresh copies.
// The browser must ask for the worker each time, or it would keep an old one.
func serviceWorker() http.HandlerFunc {
	h := sha256.New()
	err := fs.WalkDir(web.Static, "static", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(web.Static, path)
		fmt.Fprintf(h, "%s %d\n", path, len(b))
		h.Write(b)
		return err
	})
	sw, readErr := fs.ReadFile(web.Static, "static/sw.js")
	if err != nil || readErr != nil {
		panic(fmt.Sprint(err, readErr)) // the embed directive guarantees the files
	}
	body := fmt.Appendf(nil, "const version = \"%x\";\n%s", h.Sum(nil)[:6], sw)
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		_, _ = w.Write(body)
	}
}
