package register

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"ptdang/internal/apperr"
	"ptdang/internal/audit"
	"ptdang/internal/format"
	"ptdang/internal/org"
	"ptdang/internal/pg"
)

// Tally is the people behind each figure of a cell's quarterly report that the register gives,
// by the report's field key (internal/report's column names): the files' ids, by id.
type Tally map[string][]int64

// TallyKeys are the report figures the register gives, each defined once in Count.
var TallyKeys = []string{"admitted", "outstanding", "sympathisers", "course_completed", "dossiers", "recognised",
	"not_recognised", "adm_women", "adm_youth_union", "adm_ethnic_minority", "adm_religious", "adm_workers",
	"adm_private_owners", "adm_students", "adm_readmitted"}

// Count tallies the files cell holds now (in by's scope on to) for the quarter [from, to]:
//   - admitted: a ceremony (the Party entry date) within the quarter (Admitted); the adm_ breakdowns
//     are those people who are women, Youth Union members, of an ethnic minority (not Kinh), of
//     a religion, workers in enterprises, private business owners, students, readmitted;
//   - outstanding: introduced by the cell (outstanding) within the quarter;
//   - sympathisers: on the sympathiser list at some time in the quarter (listed on or before its
//     end, not admitted or withdrawn before it began);
//   - course_completed: those sympathisers whose course falls within the quarter;
//   - dossiers: an application on or before the quarter's end, no ceremony, not withdrawn by then;
//   - recognised, not_recognised: that decision within the quarter.
//
// A transferred file counts in the cell that holds it now. It returns only database errors.
func Count(ctx context.Context, q pg.Querier, by org.Scope, cell int64, from, to time.Time) (Tally, error) {
	t := Tally{}
	admitted, err := Admitted(ctx, q, by, from, to)
	if err != nil {
		return nil, err
	}
	for _, a := range admitted {
		if a.CellID != cell {
			continue
		}
		for key, yes := range map[string]bool{"admitted": true, "adm_women": a.Sex == "female", "adm_youth_union": a.YouthUnion,
			"adm_ethnic_minority": EthnicMinority(a.Ethnicity), "adm_religious": Religious(a.Religion),
			"adm_workers": a.Occupation == "worker", "adm_private_owners": a.Occupation == "business_owner",
			"adm_students": a.Occupation == "student", "adm_readmitted": a.Readmission} {
			if yes {
				t[key] = append(t[key], a.FileID)
			}
		}
	}
	rows, err := q.Query(ctx, `SELECT c.id FROM candidate c WHERE c.cell_id = $3 AND `+inScope+` ORDER BY c.id`,
		by.SQLRoots(), to, cell)
	if err != nil {
		return nil, err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, err
	}
	steps, err := readSteps(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	within := func(d time.Time) bool { return !d.Before(from) && !d.After(to) }
	for _, id := range ids {
		f := File{Steps: steps[id]}
		first := func(k Kind) (time.Time, bool) { // the earliest step of kind k
			for _, s := range f.Steps {
				if s.Kind == k {
					return s.On, true
				}
			}
			return time.Time{}, false
		}
		gone := func(before time.Time) bool { // admitted or withdrawn before the day
			for _, k := range []Kind{Ceremony, Withdrawn} {
				if d, ok := first(k); ok && d.Before(before) {
					return true
				}
			}
			return false
		}
		add := func(key string, yes bool) {
			if yes {
				t[key] = append(t[key], id)
			}
		}
		for _, s := range f.Steps {
			add("outstanding", s.Kind == Outstanding && within(s.On))
			add("recognised", s.Kind == RecognitionDecision && within(s.On))
			add("not_recognised", s.Kind == NotRecognised && within(s.On))
		}
		listed, ok := first(Sympathiser)
		sympathiser := ok && !listed.After(to) && !gone(from)
		add("sympathisers", sympathiser)
		course := false
		for _, s := range f.Steps {
			course = course || s.Kind == Course && within(s.On)
		}
		add("course_completed", sympathiser && course)
		applied, ok := first(Application)
		add("dossiers", ok && !applied.After(to) && !gone(to.AddDate(0, 0, 1)))
	}
	return t, nil
}

// EthnicMinority reports whether ethnicity is one of the minorities: any but Kinh.
func EthnicMinority(ethnicity string) bool {
	e := strings.ToLower(strings.TrimSpace(ethnicity))
	return e != "" && e != "kinh"
}

// Religious reports whether religion names a religion ("", "không" name none).
func Religious(religion string) bool {
	r := strings.ToLower(strings.TrimSpace(religion))
	return r != "" && r != "không"
}

// KeptFrom is the first day of the first quarter whose report cell fills from the register,
// and whether it keeps one at all. It returns only database errors.
func KeptFrom(ctx context.Context, q pg.Querier, cell int64) (time.Time, bool, error) {
	kept, err := KeptFromAll(ctx, q, []int64{cell})
	from, ok := kept[cell]
	return from, ok, err
}

// KeptFromAll is KeptFrom of each of cells that keeps a register, read at once (for imports).
// It returns only database errors.
func KeptFromAll(ctx context.Context, q pg.Querier, cells []int64) (map[int64]time.Time, error) {
	rows, err := q.Query(ctx, `SELECT cell_id, kept_from FROM register_keeping WHERE cell_id = ANY ($1)`, cells)
	if err != nil {
		return nil, err
	}
	kept := map[int64]time.Time{}
	for rows.Next() {
		var (
			cell int64
			from time.Time
		)
		if err := rows.Scan(&cell, &from); err != nil {
			return nil, err
		}
		kept[cell] = from
	}
	return kept, rows.Err()
}

// errNotCommittee: only the committee over a cell chooses how its report is made.
var errNotCommittee = apperr.Refuse(apperr.ErrForbidden,
	"Chỉ cấp ủy cấp trên của chi bộ mới chọn được cách lập báo cáo quý từ sổ theo dõi.")

// Keep makes cell's quarterly reports fill from the register from the quarter starting on from
// (zero: no longer), in by's name, when its choice is still was (zero: none), and audits it.
// Reports already submitted keep their figures; the next save of a report of a quarter from
// then on takes the register's. It returns apperr.ErrNotFound for a cell outside by's scope,
// apperr.ErrForbidden when by does not hold the committee over the cell (a secretary),
// apperr.ErrConflict when the choice changed since was, and an *apperr.Invalid for a from that
// is no quarter's first day.
func Keep(ctx context.Context, db pg.Beginner, by org.Scope, cell int64, was, from, today time.Time) error {
	if !from.IsZero() && (from.Day() != 1 || (from.Month()-1)%3 != 0) {
		return &apperr.Invalid{Fields: map[string]string{"kept_from": "Quý bắt đầu: chọn ngày đầu một quý."}}
	}
	return pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		if err := checkCell(ctx, tx, by, cell, today); err != nil {
			return err
		}
		var committee bool
		if err := tx.QueryRow(ctx, `SELECT $1::bigint[] IS NULL OR EXISTS (SELECT 1 FROM party_version_at($3, $2) v
			WHERE v.parent_id IS NOT NULL AND party_in_scope(v.parent_id, $1, $2))`, by.SQLRoots(), today, cell).Scan(&committee); err != nil {
			return err
		}
		if !committee {
			return errNotCommittee
		}
		// Only over the choice that was read: the row is locked, and a first choice is inserted
		// only if none came meanwhile, so of two simultaneous choices one applies.
		var cur time.Time
		err := tx.QueryRow(ctx, `SELECT kept_from FROM register_keeping WHERE cell_id = $1 FOR UPDATE`, cell).Scan(&cur)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		if !cur.Equal(was) {
			return apperr.ErrConflict
		}
		if _, err := tx.Exec(ctx, `DELETE FROM register_keeping WHERE cell_id = $1 AND kept_from = $2`, cell, was); err != nil {
			return err
		}
		if !from.IsZero() {
			tag, err := tx.Exec(ctx, `INSERT INTO register_keeping (cell_id, kept_from, set_by, set_by_login)
				VALUES ($1, $2, NULLIF($3, 0), $4) ON CONFLICT (cell_id) DO NOTHING`,
				cell, from, by.Actor.UserID, actorName(by.Actor))
			if err != nil {
				return err
			}
			if tag.RowsAffected() != 1 {
				return apperr.ErrConflict
			}
		}
		return audit.Record(ctx, tx, by.Actor, audit.Entry{Action: "update", Entity: "register_keeping", EntityID: cell,
			UnitID: cell, Label: "lập báo cáo quý từ sổ theo dõi",
			Old: map[string]any{"kept_from": dateOrNone(was)}, New: map[string]any{"kept_from": dateOrNone(from)}})
	})
}

// dateOrNone shows a choice in the audit log.
func dateOrNone(d time.Time) string {
	if d.IsZero() {
		return "không"
	}
	return format.Date(d)
}

// People lists the files behind figure key of cell's report for the quarter [from, to] (Count),
// as the register's list shows them, and audits the read in by's name: the list names people.
// It returns apperr.ErrNotFound for a cell outside by's scope or a key not in TallyKeys.
func People(ctx context.Context, db pg.Beginner, by org.Scope, cell int64, key string, from, to, today time.Time) ([]Row, error) {
	if !slices.Contains(TallyKeys, key) {
		return nil, apperr.ErrNotFound
	}
	var out []Row
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		if err := checkCell(ctx, tx, by, cell, today); err != nil {
			return err
		}
		t, err := Count(ctx, tx, by, cell, from, to)
		if err != nil {
			return err
		}
		files, err := List(ctx, tx, by, today, "", Page{})
		if err != nil {
			return err
		}
		for _, r := range files.Rows {
			if slices.Contains(t[key], r.ID) {
				out = append(out, r)
			}
		}
		return audit.Record(ctx, tx, by.Actor, audit.Entry{Action: "read", Entity: "candidate", UnitID: cell,
			Label: "hồ sơ theo báo cáo quý: " + key + " " + format.Date(from) + "–" + format.Date(to),
			New:   map[string]any{"files": t[key]}})
	})
	return out, err
}
