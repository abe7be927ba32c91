package web

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/a-h/templ"

	"ptdang/internal/exchange"
	"ptdang/internal/format"
)

// ProblemRow is one problem of an imported file.
type ProblemRow struct {
	Sheet, Row, Column, Message string
}

// ImportView is the model of an import page (ImportPage): what the page says and offers before
// the upload form, the form, and the result of the last upload.
type ImportView struct {
	Heading string
	Back    *Link           // the breadcrumb, if any
	Intro   templ.Component // the page's own text: its rules, exports and template
	Action  string          // where the form posts
	Hidden  []Field         // hidden form values (Name, Value)
	Fields  templ.Component // the form's own fields besides the file and the dry run, if any
	Error   string          // a problem with the upload itself
	Result  *ImportResult
}

// ImportResult is what an import did or, on a dry run, would do; or the problems that kept it
// from writing anything.
type ImportResult struct {
	DryRun   bool
	FileName string
	Counts   []string        // one line each: "thêm 3 đơn vị"
	Changes  []string        // one line per changed row
	Notice   templ.Component // what the import took but the user should look at again, if any
	Problems []ProblemRow
}

// ProblemGroup is the problems of one kind: the same message on the same column, but for the
// values it quotes.
type ProblemGroup struct {
	Sheet, Column string
	Message       string       // the first problem's message
	Count         int          // how many problems of this kind
	First         []ProblemRow // the first few, in file order
}

// firstOfKind is how many problems of each kind the page lists.
const firstOfKind = 5

// quotedOrNumber is what varies between problems of one kind: quoted values and numbers.
var quotedOrNumber = regexp.MustCompile(`"[^"]*"|“[^”]*”|\d+`)

// Groups sorts the problems by kind, the kinds in the order of their first problem.
func (r ImportResult) Groups() []ProblemGroup {
	var groups []ProblemGroup
	index := map[string]int{}
	for _, p := range r.Problems {
		key := p.Sheet + "\x00" + p.Column + "\x00" + quotedOrNumber.ReplaceAllString(p.Message, "#")
		i, ok := index[key]
		if !ok {
			i = len(groups)
			index[key] = i
			groups = append(groups, ProblemGroup{Sheet: p.Sheet, Column: p.Column, Message: p.Message})
		}
		g := &groups[i]
		g.Count++
		if len(g.First) < firstOfKind {
			g.First = append(g.First, p)
		}
	}
	return groups
}

// ImportProgressView is the page of an import still running.
type ImportProgressView struct {
	Heading  string
	FileName string
	Poll     string // the URL the page asks again every second
	Step     string // "Đang đọc tệp", "Đang kiểm tra", "Đang ghi"
	Done     int    // rows checked
	Total    int    // rows read; 0 while reading
}

// Percent is how far the rows are checked, 0 to 100.
func (v ImportProgressView) Percent() string {
	if v.Total == 0 {
		return "0"
	}
	return strconv.Itoa(v.Done * 100 / v.Total)
}

func count(n int) string { return format.Int(int64(n)) }

// quoted is a value a message quotes.
var quoted = regexp.MustCompile(`"[^"]*"|“[^”]*”`)

// problemKind names a kind of problem: where, and the message without the values it quotes.
func problemKind(g ProblemGroup) string {
	var where []string
	if g.Sheet != "" {
		where = append(where, "trang “"+g.Sheet+"”")
	}
	if g.Column != "" {
		where = append(where, "cột “"+g.Column+"”")
	}
	kind := quoted.ReplaceAllString(g.Message, "…")
	if len(where) > 0 {
		kind = strings.Join(where, ", ") + ": " + kind
	}
	r, n := utf8.DecodeRuneInString(kind)
	return string(unicode.ToUpper(r)) + kind[n:]
}

// NewImportProgressView is how far a running import of fileName is; poll is where the page asks
// again.
func NewImportProgressView(heading, fileName, poll string, phase exchange.Phase, done, total int) ImportProgressView {
	step := map[exchange.Phase]string{exchange.Reading: "Đang đọc tệp", exchange.Checking: "Đang kiểm tra",
		exchange.Writing: "Đang ghi", exchange.Finished: "Sắp xong"}[phase]
	return ImportProgressView{Heading: heading, FileName: fileName, Poll: poll, Step: step, Done: done, Total: total}
}

// ProblemRows shows a refused file's problems, row numbers as Excel shows them.
func ProblemRows(ps exchange.Problems) []ProblemRow {
	rows := make([]ProblemRow, len(ps))
	for i, p := range ps {
		rows[i] = ProblemRow{Sheet: p.Sheet, Column: p.Column, Message: p.Message}
		if p.Row > 0 {
			rows[i].Row = strconv.Itoa(p.Row)
		}
	}
	return rows
}
