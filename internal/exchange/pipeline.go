package exchange

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"ptdang/internal/pg"
)

// DefaultBudget is how long an import may take, its transaction included, unless its Import says
// otherwise: past it the import stops, writes nothing and says the file is too large. Imports run
// as jobs of the server, not within a request, so the budget bounds how long one transaction
// holds its locks; a structure file of 2.000 rows, checked row by row, took over 90 s on the
// shared 2-core development machine under load.
const DefaultBudget = 5 * time.Minute

// TooLargeMessage is the problem an import reports when it ran out of its time budget.
const TooLargeMessage = "Tệp quá lớn để nhập trong một lần: chưa xong sau %d giây nên không ghi gì. Xin chia tệp thành nhiều phần (ví dụ theo xã hoặc theo quý) rồi nhập lần lượt."

// Import is one kind of file import: the parts Run does not share. Run reads the file, gives the
// rows to Apply in one transaction, and commits only when no row has a problem and it is not a
// dry run; it also enforces the size and time limits and keeps the progress.
type Import struct {
	Tables   []Table // the sheets of a workbook, in the order Apply gets them
	CSV      Table   // the one table a .csv file holds; Tables[0] when empty
	MaxBytes int64   // the largest file taken (<= 0: no limit)
	Budget   time.Duration
	// Check, when set, looks at one table's rows before any database work (repeated keys, say).
	Check func(t Table, rows []*Row) Problems
	// Apply checks the rows against the database and writes them in tx, leaving each row's
	// problems on the row and calling p.Checked as it goes. An error (the database failed)
	// ends the import with nothing written. tables[i] holds the rows of the i-th table read.
	Apply func(ctx context.Context, tx pgx.Tx, tables [][]*Row, p *Progress) error
}

// errRollback ends an import's transaction without writing.
var errRollback = errors.New("rollback")

// Run imports the file r named filename as im describes and returns every problem found: the
// file's, then each row's in file order. With any problem, or on a dry run, nothing is written.
// The progress is that of WithProgress(ctx), if any. Run returns an error only when reading the
// upload or the database failed; running out of time is a problem (TooLargeMessage), not an
// error, and so is a file that cannot be read.
func (im Import) Run(ctx context.Context, db pg.Beginner, r io.Reader, filename string, dryRun bool) (Problems, error) {
	p := progressOf(ctx)
	defer p.set(Finished)
	budget := im.Budget
	if budget <= 0 {
		budget = DefaultBudget
	}
	timed, cancel := context.WithTimeout(ctx, budget)
	defer cancel()
	tables, problems, err := im.read(r, filename)
	if err != nil || len(problems) > 0 {
		return problems, err
	}
	for _, rows := range tables {
		p.addTotal(len(rows))
	}
	p.set(Checking)
	err = pgx.BeginFunc(timed, db, func(tx pgx.Tx) error {
		if err := im.Apply(timed, tx, tables, p); err != nil {
			return err
		}
		for _, rows := range tables {
			for _, row := range rows {
				problems = append(problems, row.Problems()...)
			}
		}
		if len(problems) > 0 || dryRun {
			return errRollback
		}
		p.Writing()
		return nil
	})
	switch {
	case errors.Is(err, errRollback):
		return problems, nil
	case err != nil && timed.Err() != nil && ctx.Err() == nil:
		// Out of time: the transaction was rolled back.
		return Problems{{Sheet: im.tables(filename)[0].Sheet, Message: fmt.Sprintf(TooLargeMessage, int(budget.Seconds()))}}, nil
	}
	return problems, err
}

// Outcome is what every import reports beside its own counts; each import's result embeds it.
type Outcome struct {
	DryRun   bool
	Problems Problems // when not empty, nothing was written
}

func (o *Outcome) outcome() *Outcome { return o }

// RunInto runs im as Run does, where im.Apply counts what it writes into *res, and returns *res
// with its Outcome set. With any problem nothing was written, so the counts are dropped. It
// returns an error only when reading the upload or the database failed, as Run does.
func RunInto[R any, P interface {
	*R
	outcome() *Outcome
}](ctx context.Context, db pg.Beginner, im Import, r io.Reader, filename string, dryRun bool, res P) (R, error) {
	problems, err := im.Run(ctx, db, r, filename, dryRun)
	if len(problems) > 0 {
		*res = *new(R)
	}
	*res.outcome() = Outcome{DryRun: dryRun, Problems: problems}
	return *res, err
}

// tables are the tables a file named filename holds.
func (im Import) tables(filename string) []Table {
	if strings.EqualFold(filepath.Ext(filename), ".csv") {
		if im.CSV.Columns != nil {
			return []Table{im.CSV}
		}
		return im.Tables[:1]
	}
	return im.Tables
}

// read reads the upload whole (no more than MaxBytes and a byte) and parses each of its tables.
func (im Import) read(r io.Reader, filename string) ([][]*Row, Problems, error) {
	data, err := readAll(r, im.MaxBytes)
	if err != nil {
		return nil, nil, err
	}
	var problems Problems
	tables := im.tables(filename)
	parsed := make([][]*Row, len(tables))
	for i, t := range tables {
		rows, ps := Read(bytes.NewReader(data), filename, t, im.MaxBytes)
		problems = append(problems, ps...)
		if len(ps) == 0 && im.Check != nil {
			problems = append(problems, im.Check(t, rows)...)
		}
		parsed[i] = rows
		if len(ps) > 0 && ps[0].Row == 0 && ps[0].Sheet == "" {
			break // the file itself is refused: once is enough
		}
	}
	return parsed, problems, nil
}

// Phase is the step a running import is at.
type Phase int

const (
	Reading  Phase = iota // reading the file
	Checking              // checking the rows
	Writing               // committing
	Finished
)

// Progress tells how far an import is. The import writes it, a page reads it: it is safe for
// concurrent use, and its zero value is ready.
type Progress struct {
	mu          sync.Mutex
	phase       Phase
	done, total int
}

// Checked counts n more rows checked.
func (p *Progress) Checked(n int) {
	p.mu.Lock()
	p.done = min(p.done+n, p.total)
	p.mu.Unlock()
}

// State is the phase, the rows checked and the rows read.
func (p *Progress) State() (phase Phase, done, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.phase, p.done, p.total
}

// Writing tells that every row is checked and the import is writing.
func (p *Progress) Writing() { p.set(Writing) }

func (p *Progress) addTotal(n int) {
	p.mu.Lock()
	p.total += n
	p.mu.Unlock()
}

func (p *Progress) set(phase Phase) {
	p.mu.Lock()
	p.phase = phase
	if phase >= Writing {
		p.done = p.total
	}
	p.mu.Unlock()
}

type progressKey struct{}

// WithProgress returns a context whose imports report their progress to p.
func WithProgress(ctx context.Context, p *Progress) context.Context {
	return context.WithValue(ctx, progressKey{}, p)
}

// progressOf is the progress of ctx, or one nobody reads.
func progressOf(ctx context.Context) *Progress {
	if p, ok := ctx.Value(progressKey{}).(*Progress); ok {
		return p
	}
	return &Progress{}
}
