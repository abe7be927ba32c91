package server

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"

	"ptdang/internal/account"
	"ptdang/internal/exchange"
	"ptdang/web"
)

// An import of a large file takes seconds to minutes: the upload starts it as a job the server
// owns, in memory, and the browser is sent to the job's page, which shows how far it is every
// second and the import page with the result once it is done. Only the user who started a job
// sees it; at most maxRunningImports run at once.
const (
	maxRunningImports = 2
	keepFinishedJob   = 30 * time.Minute
	maxKeptJobs       = 200
)

// importWait is how long an upload waits for its import before showing the progress page: a
// small file's result shows at once. Tests lengthen or shorten it.
var importWait = 2 * time.Second

// uploadLimit bounds an upload: the largest import file (20 MB) and the form around it. Each
// import checks its own limit.
const uploadLimit = 21 << 20

// importPage is one import page: its title, menu entry and view.
type importPage struct {
	title, nav string
	view       web.ImportView
}

// importRun runs an import of file with the signed-in user's scope, form holding the upload's
// other values; the job's context carries its progress (exchange.WithProgress).
type importRun func(ctx context.Context, file io.Reader, filename string, dryRun bool, form url.Values) (*web.ImportResult, error)

// importJob is one import, running or done.
type importJob struct {
	owner    int64
	page     importPage
	fileName string
	started  time.Time
	progress exchange.Progress
	done     chan struct{} // closed once result and err are set
	result   *web.ImportResult
	err      error
}

// importJobs are the jobs of a server.
type importJobs struct {
	mu      sync.Mutex
	jobs    map[string]*importJob
	running int
}

// errImportsBusy refuses an import while maxRunningImports are running.
type errImportsBusy struct{}

func (errImportsBusy) Error() string { return "too many imports running" }
func (errImportsBusy) Unwrap() error { return account.ErrBusy }
func (errImportsBusy) Message() string {
	return "Hệ thống đang nhập hai tệp khác, chưa nhận thêm được. Xin đợi vài phút rồi tải tệp lên lại."
}

// start runs an import as a job of owner, unless too many are running.
func (js *importJobs) start(owner int64, page importPage, fileName string, run func(ctx context.Context) (*web.ImportResult, error)) (string, *importJob, error) {
	js.mu.Lock()
	defer js.mu.Unlock()
	if js.running >= maxRunningImports {
		return "", nil, errImportsBusy{}
	}
	if js.jobs == nil {
		js.jobs = map[string]*importJob{}
	}
	js.forgetOld(time.Now())
	id := rand.Text()
	job := &importJob{owner: owner, page: page, fileName: fileName, started: time.Now(), done: make(chan struct{})}
	js.jobs[id] = job
	js.running++
	go func() {
		defer func() {
			if p := recover(); p != nil { // no request's recoverPanics is there to catch it
				job.result, job.err = nil, fmt.Errorf("import panicked: %v", p)
			}
			close(job.done)
			js.mu.Lock()
			js.running--
			js.mu.Unlock()
		}()
		// The job outlives the upload's request, but its time budget (exchange.Import) ends it.
		job.result, job.err = run(exchange.WithProgress(context.Background(), &job.progress))
	}()
	return id, job, nil
}

// forgetOld drops finished jobs past keepFinishedJob, and the oldest finished ones past maxKeptJobs.
func (js *importJobs) forgetOld(now time.Time) {
	var oldest string
	for id, j := range js.jobs {
		select {
		case <-j.done:
			if now.Sub(j.started) > keepFinishedJob {
				delete(js.jobs, id)
			} else if oldest == "" || j.started.Before(js.jobs[oldest].started) {
				oldest = id
			}
		default:
		}
	}
	if len(js.jobs) >= maxKeptJobs && oldest != "" {
		delete(js.jobs, oldest)
	}
}

// get is owner's job id, or nil.
func (js *importJobs) get(id string, owner int64) *importJob {
	js.mu.Lock()
	defer js.mu.Unlock()
	if j, ok := js.jobs[id]; ok && j.owner == owner {
		return j
	}
	return nil
}

// showImport renders an import page before any upload.
func (s *Server) showImport(w http.ResponseWriter, r *http.Request, c caller, page importPage, err error) {
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, web.ImportPage(c.page(page.title, page.nav), page.view))
}

// startImport takes an upload, starts its import as a job and sends the browser to the job.
// page is read once the upload is.
func (s *Server) startImport(w http.ResponseWriter, r *http.Request, c caller, page func() (importPage, error), run importRun) {
	r.Body = http.MaxBytesReader(w, r.Body, uploadLimit)
	file, header, fileErr := r.FormFile("file")
	var data bytes.Buffer
	if fileErr == nil {
		_, fileErr = data.ReadFrom(file)
		file.Close()
	}
	p, err := page()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if fileErr != nil {
		p.view.Error = "Chọn một tệp .xlsx hoặc .csv (tối đa 20 MB) để tải lên."
		s.render(w, r, http.StatusUnprocessableEntity, web.ImportPage(c.page(p.title, p.nav), p.view))
		return
	}
	dryRun, form := r.FormValue("dry_run") != "", url.Values(r.MultipartForm.Value)
	id, job, err := s.imports.start(c.ID, p, header.Filename, func(ctx context.Context) (*web.ImportResult, error) {
		res, err := run(ctx, &data, header.Filename, dryRun, form)
		if res != nil {
			res.FileName, res.DryRun = header.Filename, dryRun
		}
		return res, err
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	select {
	case <-job.done:
	case <-time.After(importWait):
	}
	http.Redirect(w, r, "/imports/"+id, http.StatusSeeOther)
}

// importJobPage shows a job: how far it is, or its result once done. htmx asks again every
// second for the progress panel; once the job is done it has the browser load the whole page.
func (s *Server) importJobPage(w http.ResponseWriter, r *http.Request, c caller) {
	job := s.imports.get(chi.URLParam(r, "id"), c.ID)
	if job == nil {
		s.notFound(w, r)
		return
	}
	page := c.page(job.page.title, job.page.nav)
	select {
	case <-job.done:
	default:
		v := progressView(job, r.URL.Path)
		if r.Header.Get("HX-Request") != "" {
			s.render(w, r, http.StatusOK, web.ImportProgressPanel(v))
		} else {
			s.render(w, r, http.StatusOK, web.ImportProgress(page, v))
		}
		return
	}
	switch {
	case r.Header.Get("HX-Request") != "":
		w.Header().Set("HX-Refresh", "true")
	case job.err != nil:
		s.fail(w, r, job.err)
	default:
		v := job.page.view
		v.Result = job.result
		status := http.StatusOK
		if len(v.Result.Problems) > 0 {
			status = http.StatusUnprocessableEntity
		}
		s.render(w, r, status, web.ImportPage(page, v))
	}
}

// progressView is how far a running job is.
func progressView(job *importJob, poll string) web.ImportProgressView {
	phase, done, total := job.progress.State()
	step := map[exchange.Phase]string{exchange.Reading: "Đang đọc tệp", exchange.Checking: "Đang kiểm tra",
		exchange.Writing: "Đang ghi", exchange.Finished: "Sắp xong"}[phase]
	return web.ImportProgressView{Heading: job.page.title, FileName: job.fileName, Poll: poll, Step: step, Done: done, Total: total}
}

// problemRows shows a refused file's problems, row numbers as Excel shows them.
func problemRows(ps exchange.Problems) []web.ProblemRow {
	rows := make([]web.ProblemRow, len(ps))
	for i, p := range ps {
		rows[i] = web.ProblemRow{Sheet: p.Sheet, Column: p.Column, Message: p.Message}
		if p.Row > 0 {
			rows[i].Row = strconv.Itoa(p.Row)
		}
	}
	return rows
}
