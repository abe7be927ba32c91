package httpx

import (
	"context"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// SafeNext keeps a post-sign-in redirect on this site: next must be an absolute path on it,
// or the redirect goes to "/". Browsers drop tabs and newlines from a URL and read a
// backslash as a slash, so "/<tab>/evil.example" or "/<backslash>evil.example" would leave
// the site: any control character or backslash is refused, and so is anything a URL parser
// reads with a scheme or a host.
func SafeNext(next string) string {
	if len(next) > 2048 || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") ||
		!utf8.ValidString(next) || strings.ContainsRune(next, '\\') {
		return "/"
	}
	for _, c := range next {
		if unicode.IsControl(c) || unicode.Is(unicode.Zl, c) || unicode.Is(unicode.Zp, c) {
			return "/"
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(u.Path, "/") ||
		strings.HasPrefix(path.Clean(u.Path), "//") {
		return "/"
	}
	return next
}

// dirtyKey is the request context key of the names of the fields CleanText cleaned.
type dirtyKey struct{}

// CleanText takes NUL bytes and invalid UTF-8 out of the query and of url-encoded forms before
// next sees them; the names of the fields it cleaned are DirtyFields. A form larger than maxForm
// bytes, or unreadable, is answered by refuse instead.
func CleanText(next http.Handler, maxForm int64, refuse http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var dirty []string
		if r.URL.RawQuery != "" {
			q := r.URL.Query()
			if names := CleanValues(q); len(names) > 0 {
				r.URL.RawQuery = q.Encode()
				dirty = append(dirty, names...)
			}
		}
		if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); r.Method == http.MethodPost && mt == "application/x-www-form-urlencoded" {
			r.Body = http.MaxBytesReader(w, r.Body, maxForm)
			if err := r.ParseForm(); err != nil {
				refuse(w, r)
				return
			}
			dirty = append(dirty, CleanValues(r.PostForm)...)
			CleanValues(r.Form)
		}
		if len(dirty) > 0 {
			r = r.WithContext(context.WithValue(r.Context(), dirtyKey{}, dirty))
		}
		next.ServeHTTP(w, r)
	})
}

// DirtyFields returns the names of the fields of r that CleanText cleaned.
func DirtyFields(r *http.Request) []string {
	names, _ := r.Context().Value(dirtyKey{}).([]string)
	return names
}

// CleanValues takes NUL bytes and invalid UTF-8 out of vs in place, and returns the names of the
// values it changed.
func CleanValues(vs url.Values) []string {
	var names []string
	for name, values := range vs {
		for i, v := range values {
			if strings.IndexByte(v, 0) >= 0 || !utf8.ValidString(v) {
				values[i] = strings.ReplaceAll(strings.ToValidUTF8(v, ""), "\x00", "")
				names = append(names, name)
			}
		}
	}
	return names
}
