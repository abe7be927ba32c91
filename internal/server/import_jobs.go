package server

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/go-chi/chi/v5"

	"ptdang/internal/apperr"
	"ptdang/internal/exchange"
	"ptdang/web"
)

// maxRunningImports imports run at once; a finished one's result stays for keepFinishedImport.
const (
	maxRunningImports  = 2
	keepFinishedImport = 30 * time.Minute
)

// errImportsBusy refuses an import while maxRunningImports are running.
var errImportsBusy = apperr.Refuse(apperr.ErrBusy, "Hệ thống đang nhập hai tệp khác, chưa nhận thêm được. Xin đợi vài phút rồi tải tệp lên lại.")

// importAbout is what an import job is: the page it belongs to and the file it reads.
type importAbout struct {
	page     importPage
	fileName string
}

// newImportJobs returns the import jobs of a server.
func newImportJobs() *exchange.Jobs[importAbout, *web.ImportResult] {
	return exchange.NewJobs[importAbout, *web.ImportResult](maxRunningImports, keepFinishedImport, errImportsBusy)
}

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

// importer is an import page: GET shows page, POST starts an import of the uploaded file with
// the run that run returns.
func (s *Server) importer(page func(*http.Request, caller) (importPage, error), run func(*http.Request, caller) importRun) callerHandler {
	return func(w http.ResponseWriter, r *http.Request, c caller) {
		if r.Method == http.MethodGet {
			p, err := page(r, c)
			s.showImport(w, r, c, p, err)
			return
		}
		s.startImport(w, r, c, func() (importPage, error) { return page(r, c) }, run(r, c))
	}
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
	id, job, err := s.imports.Start(c.ID, importAbout{p, header.Filename}, func(ctx context.Context) (*web.ImportResult, error) {
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
	case <-job.Done():
	case <-time.After(importWait):
	}
	http.Redirect(w, r, "/imports/"+id, http.StatusSeeOther)
}

// importJobPage shows a job: how far it is, or its result once done. htmx asks again every
// second for the progress panel; once the job is done it has the browser load the whole page.
func (s *Server) importJobPage(w http.ResponseWriter, r *http.Request, c caller) {
	job := s.imports.Get(chi.URLParam(r, "id"), c.ID)
	if job == nil {
		s.notFound(w, r)
		return
	}
	page := c.page(job.About.page.title, job.About.page.nav)
	select {
	case <-job.Done():
	default:
		phase, done, total := job.Progress.State()
		v := web.NewImportProgressView(job.About.page.title, job.About.fileName, r.URL.Path, phase, done, total)
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
	case job.Err != nil:
		s.fail(w, r, job.Err)
	default:
		v := job.About.page.view
		v.Result = job.Result
		status := http.StatusOK
		if len(v.Result.Problems) > 0 {
			status = http.StatusUnprocessableEntity
		}
		s.render(w, r, status, web.ImportPage(page, v))
	}
}

// problemRows shows a refused file's problems.
var problemRows = web.ProblemRows
