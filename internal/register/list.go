package register

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

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

// Task is a deadline of a file that needs doing (việc cần làm).
type Task struct {
	File     Row
	Clock    Clock
	Overdue  bool
	DaysLeft int // working days from today to the due day; negative when overdue
}

// List reads the files whose cell is in by's scope on today, by cell and name, with their
// stage. It returns only database errors.
func List(ctx context.Context, q pg.Querier, by org.Scope, today time.Time) ([]Row, error) {
	rows, _, err := listFiles(ctx, q, by, today, false, nil)
	return rows, err
}

// FindByNationalID lists the files in by's scope on today that hold national ID id (compared
// by its keyed hash, never in clear). It returns only database errors.
func (r Register) FindByNationalID(ctx context.Context, q pg.Querier, by org.Scope, id string, today time.Time) ([]Row, error) {
	rows, _, err := listFiles(ctx, q, by, today, false, r.Keys.hash(strings.TrimSpace(id)))
	return rows, err
}

// listFiles reads the files in by's scope with their steps; todo keeps only the open files that
// may have a task on today (their summary's first warned day has come, their summary is
// stale, or a sponsor of theirs ceased to qualify), a non-nil mac all but those of that national ID.
func listFiles(ctx context.Context, q pg.Querier, by org.Scope, today time.Time, todo bool, mac []byte) ([]Row, map[int64][]Step, error) {
	rows, err := q.Query(ctx, `
		WITH RECURSIVE `+cellsInScope+`
		SELECT c.id, c.cell_id, COALESCE(cv.name, ''), c.full_name
		FROM candidate c
		LEFT JOIN LATERAL party_version_at(c.cell_id, $2) cv ON true
		WHERE `+inScopedCells+`
			AND (NOT $3 OR (NOT c.closed AND (c.warn_from <= $2 OR c.summary_stale
				OR c.id IN (`+ceasedSponsorFiles("$2")+`)))) -- not among the summary's clocks
			AND ($4::bytea IS NULL OR c.national_id_mac = $4)
		ORDER BY cv.name COLLATE "vi-x-icu", c.cell_id, c.full_name COLLATE "vi-x-icu", c.id`, planEach, by.SQLRoots(), today, todo, mac)
	if err != nil {
		return nil, nil, err
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Row, error) {
		var x Row
		err := r.Scan(&x.ID, &x.CellID, &x.CellName, &x.Name)
		return x, err
	})
	if err != nil {
		return nil, nil, err
	}
	ids := make([]int64, len(list))
	for i, x := range list {
		ids[i] = x.ID
	}
	steps, err := readClockSteps(ctx, q, ids)
	if err != nil {
		return nil, nil, err
	}
	for i := range list {
		f := File{Steps: steps[list[i].ID]}
		list[i].Stage = f.Stage()
		list[i].StageOn, _ = f.Last(list[i].Stage)
		list[i].Closed = f.Closed()
	}
	return list, steps, nil
}

// Todo lists the tasks of the open files in by's scope on today, most urgent first: overdue
// ones, longest overdue first, then those soonest due. A task is a deadline inside its warning
// window: a certificate past 4,5 years, a dossier near 12 months without a cell vote, a decision,
// ceremony or recognition due within the rules' warning days or overdue, probation ending
// within its warning days. It returns only database errors.
//
// The files are those whose summary says a task may be due (summarise); their tasks are worked
// out from their steps, as the file's page does.
func Todo(ctx context.Context, q pg.Querier, by org.Scope, today time.Time) ([]Task, error) {
	files, steps, err := listFiles(ctx, q, by, today, true, nil)
	if err != nil {
		return nil, err
	}
	book, cal, err := load(ctx, q)
	if err != nil {
		return nil, err
	}
	var tasks []Task
	for _, f := range files {
		for _, c := range clocks(steps[f.ID], book, cal) {
			if c.Warned(today) {
				tasks = append(tasks, Task{File: f, Clock: c, Overdue: today.After(c.Due), DaysLeft: cal.WorkingDaysBetween(today, c.Due)})
			}
		}
	}
	if tasks, err = appendSponsorTasks(ctx, q, tasks, files, today); err != nil {
		return nil, err
	}
	slices.SortStableFunc(tasks, func(a, b Task) int {
		if a.Overdue != b.Overdue {
			if a.Overdue {
				return -1
			}
			return 1
		}
		return cmp.Or(a.Clock.Due.Compare(b.Clock.Due), cmp.Compare(a.File.ID, b.File.ID))
	})
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
	rows, err := q.Query(ctx, `
		WITH RECURSIVE `+cellsInScope+`
		SELECT c.id, c.cell_id, s.on_date, c.birth_date, c.sex, c.ethnicity, c.religion, c.occupation, c.education,
			c.youth_union, c.readmission
		FROM candidate_step s JOIN candidate c ON c.id = s.candidate_id
		WHERE s.kind = 'ceremony' AND s.on_date BETWEEN $3 AND $2 AND `+inScopedCells+`
		ORDER BY s.on_date, c.id`, planEach, by.SQLRoots(), to, from)
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
