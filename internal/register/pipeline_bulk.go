package register

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// BulkFile is a file as a bulk load writes it (ptdang gen): the person, the cell, and its
// steps in date order. Steps carry no recorder (recorded by "hệ thống").
type BulkFile struct {
	ID     int64 // the file's id, given by the loader (the table must be empty)
	CellID int64
	Person
	Steps []Step
}

// CopyFiles writes files with two COPYs into an empty register, unaudited and unchecked, as a
// restore would; files is called once for each, and must give the same files both times. The
// national ID is left empty; each file's summary and open deadlines are written with it. It
// returns the rows written.
func CopyFiles(ctx context.Context, tx pgx.Tx, files func() func() (BulkFile, bool)) (int64, error) {
	book, cal, err := load(ctx, tx)
	if err != nil {
		return 0, err
	}
	next := files()
	n, err := tx.CopyFrom(ctx, pgx.Identifier{"candidate"},
		[]string{"id", "cell_id", "full_name", "birth_date", "sex", "ethnicity", "religion", "occupation", "education", "youth_union",
			"stage", "stage_on", "closed", "last_on", "warn_from", "overdue_from",
			flowColumns[0], flowColumns[1], flowColumns[2], flowColumns[3]},
		pgx.CopyFromFunc(func() ([]any, error) {
			f, ok := next()
			if !ok {
				return nil, nil
			}
			s := summarise(f.Steps, book, cal)
			stage, stageOn := s.stageColumns()
			return []any{f.ID, f.CellID, f.Name, f.BirthDate, f.Sex, f.Ethnicity, f.Religion, f.Occupation, f.Education, f.YouthUnion,
				stage, stageOn, s.Closed, date(s.LastOn), date(s.WarnFrom), date(s.OverdueFrom),
				date(s.First[0]), date(s.First[1]), date(s.First[2]), date(s.First[3])}, nil
		}))
	if err != nil {
		return n, err
	}
	next = files()
	var (
		f BulkFile
		i int
	)
	m, err := tx.CopyFrom(ctx, pgx.Identifier{"candidate_step"},
		[]string{"candidate_id", "kind", "on_date", "document", "helper", "issuer", "votes_for", "full_members", "extended", "from_cell_id", "recorded_by_login"},
		pgx.CopyFromFunc(func() ([]any, error) {
			for i >= len(f.Steps) {
				var ok bool
				if f, ok = next(); !ok {
					return nil, nil
				}
				i = 0
			}
			s := f.Steps[i]
			i++
			return []any{f.ID, string(s.Kind), s.On, s.Document, s.Helper, s.Issuer, nullCount(s, FieldVotesFor, s.VotesFor),
				nullCount(s, FieldFullMembers, s.FullMembers), s.Extended, f.CellID, "hệ thống"}, nil
		}))
	if err != nil {
		return n + m, err
	}
	next = files()
	var open []Clock
	k, err := tx.CopyFrom(ctx, pgx.Identifier{"candidate_clock"}, []string{"candidate_id", "cell_id", "kind", "start", "due", "warn_from", "rules"},
		pgx.CopyFromFunc(func() ([]any, error) {
			for len(open) == 0 {
				var ok bool
				if f, ok = next(); !ok {
					return nil, nil
				}
				open = summarise(f.Steps, book, cal).Open
			}
			c := open[0]
			open = open[1:]
			return []any{f.ID, f.CellID, string(c.Kind), c.Start, c.Due, c.WarnFrom, c.Rules}, nil
		}))
	if err != nil {
		return n + m + k, err
	}
	_, err = tx.Exec(ctx, `SELECT setval(pg_get_serial_sequence('candidate', 'id'), (SELECT max(id) FROM candidate))`)
	return n + m + k, err
}
