package exchange

import (
	"context"
	"crypto/rand"
	"fmt"
	"sync"
	"time"
)

// An import of a large file takes seconds to minutes: it runs as a Job the process owns, in
// memory, while its owner watches its Progress. Only the owner sees a job; a bounded number run
// at once. Jobs live in one process: behind several servers, a job's page must reach the server
// that runs it (docs/deployment.md).

// Job is one run, going or done: About says what it is for its page (A), Result is what it
// yields (R).
type Job[A, R any] struct {
	Owner    int64
	About    A
	Started  time.Time
	Progress Progress
	done     chan struct{} // closed once Result and Err are set
	Result   R
	Err      error
}

// Done is closed when the job has finished.
func (j *Job[A, R]) Done() <-chan struct{} { return j.done }

// Jobs runs and keeps the jobs of a process. The zero value is not ready: use NewJobs.
type Jobs[A, R any] struct {
	mu      sync.Mutex
	jobs    map[string]*Job[A, R]
	running int
	max     int           // jobs running at once
	keep    time.Duration // how long a finished job stays
	maxKept int           // how many jobs stay at most
	busy    error         // what a job past max gets
}

// NewJobs returns Jobs that run at most max at once, refusing the next with busy, and keep
// finished jobs for keep (200 at most).
func NewJobs[A, R any](max int, keep time.Duration, busy error) *Jobs[A, R] {
	return &Jobs[A, R]{jobs: map[string]*Job[A, R]{}, max: max, keep: keep, maxKept: 200, busy: busy}
}

// Start runs run as a job of owner about about, with the job's Progress in its context (WithProgress), and
// returns its id; the error busy (given to NewJobs) when max jobs are running, and no other. The job outlives the request that started it:
// run must bound its own time (Import's budget does).
func (js *Jobs[A, R]) Start(owner int64, about A, run func(ctx context.Context) (R, error)) (string, *Job[A, R], error) {
	js.mu.Lock()
	defer js.mu.Unlock()
	if js.running >= js.max {
		return "", nil, js.busy
	}
	js.forgetOld(time.Now())
	id := rand.Text()
	job := &Job[A, R]{Owner: owner, About: about, Started: time.Now(), done: make(chan struct{})}
	js.jobs[id] = job
	js.running++
	go func() {
		defer func() {
			if p := recover(); p != nil { // no request's panic handler is there to catch it
				var zero R
				job.Result, job.Err = zero, fmt.Errorf("job panicked: %v", p)
			}
			close(job.done)
			js.mu.Lock()
			js.running--
			js.mu.Unlock()
		}()
		job.Result, job.Err = run(WithProgress(context.Background(), &job.Progress))
	}()
	return id, job, nil
}

// Get returns owner's job id, or nil: another owner's job is not told apart from none.
func (js *Jobs[A, R]) Get(id string, owner int64) *Job[A, R] {
	js.mu.Lock()
	defer js.mu.Unlock()
	if j, ok := js.jobs[id]; ok && j.Owner == owner {
		return j
	}
	return nil
}

// forgetOld drops finished jobs past keep, and the oldest finished one past maxKept.
func (js *Jobs[A, R]) forgetOld(now time.Time) {
	var oldest string
	for id, j := range js.jobs {
		select {
		case <-j.done:
			if now.Sub(j.Started) > js.keep {
				delete(js.jobs, id)
			} else if oldest == "" || j.Started.Before(js.jobs[oldest].Started) {
				oldest = id
			}
		default:
		}
	}
	if len(js.jobs) >= js.maxKept && oldest != "" {
		delete(js.jobs, oldest)
	}
}
