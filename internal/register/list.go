package register

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"ptdang/internal/calendar"
	"ptdang/internal/org"
	"ptdang/internal/pg"
)

// Row is a file as the register's list shows it: no sensitive field.
type Row struct {
	ID       int64
	CellID   int64
	CellName string
	Name     string
	Stage    Kind // the latest step, "" for none
	StageOn  time.Time
	Closed   bool
}

// Task is a deadline of a file that needs doing (việc cần làm). Its File carries the file's
// number, cell and name only.
type Task struct {
	File     Row
	Clock    Clock
	Overdue  bool
	DaysLeft int // working days from today to the due day; negative when overdue
}

// A Page asks for Limit rows from the Offset-th (from 0); Limit 0 asks for them all.
type Page struct{ Offset, Limit int }

// limit is the page's LIMIT: NULL for all.
func (p Page) limit() *int {
	if p.Limit <= 0 {
		return nil
	}
	return &p.Limit
}

// Files is a page of the register's list and the number of files on the whole list.
type Files struct {
	Rows  []Row
	Total int
}

// List reads a page of the files whose cell is in by's scope on today, by cell and name, with
// their stage; with a name, only the files whose person's name holds it (capitals and accents
// aside: "nguyen van" finds Nguyễn Văn An). It returns only database errors.
func List(ctx context.Context, q pg.Querier, by org.Scope, today time.Time, name string, page Page) (Files, error) {
	return listFiles(ctx, q, by, today, page, nil, strings.TrimSpace(name))
}

// FindByNationalID lists the files in by's scope on today that hold national ID id (compared
// by its keyed hash, never in clear). It returns only database errors.
func (r Register) FindByNationalID(ctx context.Context, q pg.Querier, by org.Scope, id string, today time.Time) ([]Row, error) {
	files, err := listFiles(ctx, q, by, today, Page{}, r.Keys.hash(strings.TrimSpace(id)), "")
	return files.Rows, err
}

// listFiles reads a page of the files in by's scope with their stage; a non-nil mac keeps only
// those of that national ID, a name only those whose name holds it.
func listFiles(ctx context.Context, q pg.Querier, by org.Scope, today time.Time, page Page, mac []byte, name string) (Files, error) {
	var files Files
	rows, err := q.Query(ctx, `
		WITH RECURSIVE `+cellsInScope+`,
		f AS MATERIALIZED (
			SELECT c.id, c.cell_id, c.full_name FROM candidate c
			WHERE `+inScopedCells+` AND ($3::bytea IS NULL OR c.national_id_mac = $3)
				AND ($6 = '' OR lower(f_unaccent(c.full_name)) LIKE '%' || lower(f_unaccent($6)) || '%')
		),
		-- each cell's name looked up once, not once per file
		names AS MATERIALIZED (SELECT cells.cell_id, cv.name FROM (SELECT DISTINCT cell_id FROM f) cells
			LEFT JOIN LATERAL party_version_at(cells.cell_id, $2) cv ON true)
		SELECT f.id, f.cell_id, COALESCE(n.name, ''), f.full_name, count(*) OVER ()
		FROM f JOIN names n ON n.cell_id = f.cell_id
		ORDER BY n.name COLLATE "vi-x-icu", f.cell_id, f.full_name COLLATE "vi-x-icu", f.id
		LIMIT $4 OFFSET $5`, planEach, by.SQLRoots(), today, mac, page.limit(), page.Offset, likeEscaper.Replace(name))
	if err != nil {
		return files, err
	}
	files.Rows, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (Row, error) {
		var x Row
		err := r.Scan(&x.ID, &x.CellID, &x.CellName, &x.Name, &files.Total)
		return x, err
	})
	if err != nil {
		return files, err
	}
	ids := make([]int64, len(files.Rows))
	for i, x := range files.Rows {
		ids[i] = x.ID
	}
	steps, err := readClockSteps(ctx, q, ids)
	if err != nil {
		return files, err
	}
	for i := range files.Rows {
		f := File{Steps: steps[files.Rows[i].ID]}
		files.Rows[i].Stage = f.Stage()
		files.Rows[i].StageOn, _ = f.Last(files.Rows[i].Stage)
		files.Rows[i].Closed = f.Closed()
	}
	return files, nil
}

// likeEscaper makes a text match itself in LIKE: its % and _ are not wildcards.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// Tasks is a page of Việc cần làm and the size of the whole list.
type Tasks struct {
	Tasks          []Task
	Total, Overdue int
}

// Todo reads a page of the tasks of the open files in by's scope on today, most urgent first:
// overdue ones, longest overdue first, then those soonest due (by due day: a task is overdue
// exactly when its due day is past). A task is a deadline inside its warning window: a
// certificate past 4,5 years, a dossier near 12 months without a cell vote, a decision,
// ceremony or recognition due within the rules' warning days or overdue, probation ending
// within its warning days, a sponsor who ceased to qualify. It returns only database errors.
//
// The deadlines are those stored with each file's summary (candidate_clock, written by
// summarise, gone while it is stale); a file whose summary is stale has its worked out from its
// steps, as its page does.
func Todo(ctx context.Context, q pg.Querier, by org.Scope, today time.Time, page Page) (Tasks, error) {
	var out Tasks
	book, cal, err := load(ctx, q)
	if err != nil {
		return out, err
	}
	// The first Offset+Limit tasks of the stored deadlines: the stale files' may come between them.
	upTo := page
	if page.Limit > 0 {
		upTo.Limit += page.Offset
	}
	rows, err := q.Query(ctx, `
		WITH RECURSIVE `+cellsInScope+`,
		t (id, kind, start, due, warn_from, rules) AS (
			SELECT c.candidate_id, c.kind, c.start, c.due, c.warn_from, c.rules
			FROM candidate_clock c -- an open file's, not stale
			WHERE `+inScopedCells+` AND c.warn_from <= $2 AND (c.kind <> 'probation' OR c.due > $2) -- Clock.Warned
			UNION ALL
			SELECT s.candidate_id, 'sponsor', s.start, s.due, s.due, NULL
			FROM (`+ceasedSponsors("$2")+`) s JOIN candidate c ON c.id = s.candidate_id
			WHERE `+inScopedCells+` AND NOT c.closed
		)
		SELECT id, kind, start, due, warn_from, rules, count(*) OVER (), count(*) FILTER (WHERE due < $2) OVER ()
		FROM t ORDER BY due, id, kind COLLATE "C" LIMIT $3`, planEach, by.SQLRoots(), today, upTo.limit())
	if err != nil {
		return out, err
	}
	var (
		t     Task
		rules *time.Time
	)
	_, err = pgx.ForEachRow(rows, []any{&t.File.ID, &t.Clock.Kind, &t.Clock.Start, &t.Clock.Due, &t.Clock.WarnFrom, &rules, &out.Total, &out.Overdue}, func() error {
		t.Clock.Rules = time.Time{}
		if rules != nil {
			t.Clock.Rules = *rules
		}
		out.Tasks = append(out.Tasks, t)
		return nil
	})
	if err != nil {
		return out, err
	}
	stale, err := staleTasks(ctx, q, by, today, book, cal)
	if err != nil {
		return out, err
	}
	for _, t := range stale {
		out.Total++
		if t.Clock.Due.Before(today) {
			out.Overdue++
		}
	}
	out.Tasks = append(out.Tasks, stale...)
	slices.SortFunc(out.Tasks, func(a, b Task) int {
		// the order of the query above (kind COLLATE "C": bytes, as Go compares strings)
		return cmp.Or(a.Clock.Due.Compare(b.Clock.Due), cmp.Compare(a.File.ID, b.File.ID), cmp.Compare(a.Clock.Kind, b.Clock.Kind))
	})
	out.Tasks = out.Tasks[min(page.Offset, len(out.Tasks)):]
	if page.Limit > 0 {
		out.Tasks = out.Tasks[:min(page.Limit, len(out.Tasks))]
	}
	ids := make([]int64, len(out.Tasks))
	for i := range out.Tasks {
		t := &out.Tasks[i]
		t.Overdue, t.DaysLeft = today.After(t.Clock.Due), cal.WorkingDaysBetween(today, t.Clock.Due)
		ids[i] = t.File.ID
	}
	names, err := q.Query(ctx, `
		SELECT c.id, c.cell_id, COALESCE(cv.name, ''), c.full_name FROM candidate c
		LEFT JOIN LATERAL party_version_at(c.cell_id, $2) cv ON true WHERE c.id = ANY ($1)`, ids, today)
	if err != nil {
		return out, err
	}
	files := map[int64]Row{}
	var f Row
	if _, err := pgx.ForEachRow(names, []any{&f.ID, &f.CellID, &f.CellName, &f.Name}, func() error {
		files[f.ID] = f
		return nil
	}); err != nil {
		return out, err
	}
	for i := range out.Tasks {
		out.Tasks[i].File = files[out.Tasks[i].File.ID]
	}
	return out, nil
}

// staleTasks are the tasks on today of the open files in by's scope whose summary is stale,
// worked out from their steps.
func staleTasks(ctx context.Context, q pg.Querier, by org.Scope, today time.Time, book Book, cal *calendar.Calendar) ([]Task, error) {
	rows, err := q.Query(ctx, `
		WITH RECURSIVE `+cellsInScope+`
		SELECT c.id FROM candidate c WHERE c.summary_stale AND NOT c.closed AND `+inScopedCells, planEach, by.SQLRoots(), today)
	if err != nil {
		return nil, err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	steps, err := readClockSteps(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	var tasks []Task
	for _, id := range ids {
		for _, c := range clocks(steps[id], book, cal) {
			if c.Warned(today) {
				tasks = append(tasks, Task{File: Row{ID: id}, Clock: c})
			}
		}
	}
	return tasks, nil
}

// Admission is a person admitted, as the statistics forms count them (Biểu 2).
type Admission struct {
	FileID      int64
	CellID      int64 // the cell that holds the file now
	On          time.Time
	BirthDate   time.Time
	Sex         string
	Ethnicity   string
	Religion    string
	Occupation  string
	Education   string
	YouthUnion  bool
	Readmission bool
}

// Admitted lists the people in by's scope whose ceremony (the Party entry date) falls within
// [from, to], by date; the scope is taken on to. It returns only database errors.
func Admitted(ctx context.Context, q pg.Querier, by org.Scope, from, to time.Time) ([]Admission, error) {
	return admitted(ctx, q, `WITH RECURSIVE `+cellsInScope, inScopedCells, by.SQLRoots(), to, from)
}

// AdmittedIn lists the people of the files cells hold whose ceremony falls within [from, to], by
// date, for callers that have chosen the cells (in their scope). It returns only database errors.
func AdmittedIn(ctx context.Context, q pg.Querier, cells []int64, from, to time.Time) ([]Admission, error) {
	return admitted(ctx, q, ``, `c.cell_id = ANY ($1)`, cells, to, from)
}

// admitted runs Admitted's query with a CTE (with) and the test of the file's cell (in) over
// args: the cells ($1), to ($2) and from ($3).
func admitted(ctx context.Context, q pg.Querier, with, in string, args ...any) ([]Admission, error) {
	rows, err := q.Query(ctx, with+`
		SELECT c.id, c.cell_id, s.on_date, c.birth_date, c.sex, c.ethnicity, c.religion, c.occupation, c.education,
			c.youth_union, c.readmission
		FROM candidate_step s JOIN candidate c ON c.id = s.candidate_id
		WHERE s.kind = 'ceremony' AND s.on_date BETWEEN $3 AND $2 AND `+in+`
		ORDER BY s.on_date, c.id`, append([]any{planEach}, args...)...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Admission, error) {
		var a Admission
		err := r.Scan(&a.FileID, &a.CellID, &a.On, &a.BirthDate, &a.Sex, &a.Ethnicity, &a.Religion, &a.Occupation,
			&a.Education, &a.YouthUnion, &a.Readmission)
		return a, err
	})
}

// Place is a cell or hamlet a file may name, for the forms' choices.
type Place struct {
	ID   int64
	Name string
}

// Places lists the cells in by's scope on today and the hamlets those cells serve, by name. It
// returns only database errors.
func Places(ctx context.Context, q pg.Querier, by org.Scope, today time.Time) (cells, hamlets []Place, err error) {
	rows, err := q.Query(ctx, `
		SELECT v.unit_id, v.name, l.hamlet_id, hv.name
		FROM party_unit_version v
		LEFT JOIN hamlet_cell_link l ON l.cell_id = v.unit_id AND l.valid_from <= $2 AND (l.valid_to IS NULL OR l.valid_to > $2)
		LEFT JOIN LATERAL admin_version_at(l.hamlet_id, $2) hv ON true
		WHERE v.kind IN ('grassroots_cell', 'affiliated_cell') AND v.valid_from <= $2 AND (v.valid_to IS NULL OR v.valid_to > $2)
			AND ($1::bigint[] IS NULL OR party_in_scope(v.unit_id, $1, $2))
		ORDER BY v.name COLLATE "vi-x-icu", v.unit_id, hv.name COLLATE "vi-x-icu"`, by.SQLRoots(), today)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			cell       Place
			hamlet     *int64
			hamletName *string
		)
		if err := rows.Scan(&cell.ID, &cell.Name, &hamlet, &hamletName); err != nil {
			return nil, nil, err
		}
		if len(cells) == 0 || cells[len(cells)-1].ID != cell.ID {
			cells = append(cells, cell)
		}
		if hamlet != nil && hamletName != nil {
			hamlets = append(hamlets, Place{ID: *hamlet, Name: *hamletName})
		}
	}
	return cells, hamlets, rows.Err()
}
