package httpx

import (
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
