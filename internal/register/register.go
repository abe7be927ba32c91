// Package register is the per-person admission register (sổ theo dõi phát triển đảng viên): a
// candidate's file (hồ sơ) in a cell, the dated steps of the admission procedure recorded on it,
// the deadlines those steps start under the rule set of their day, and the list of tasks
// (việc cần làm) the deadlines make.
//
// A file holds personal data, some of it sensitive (ethnicity, religion): only the scope over
// its cell (the cell's secretary, the commune, the province) reads it, every read of a file is
// audited, and the national ID is stored encrypted and shown masked.
package register

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"ptdang/internal/apperr"
	"ptdang/internal/audit"
	"ptdang/internal/calendar"
	"ptdang/internal/format"
	"ptdang/internal/org"
	"ptdang/internal/pg"
)

// Person is what a file records about the person: only these fields.
type Person struct {
	Name        string
	BirthDate   time.Time
	Sex         string // a code of Sexes
	Ethnicity   string // one of Ethnicities
	Religion    string // one of Religions, "" for none
	Occupation  string // a code of Occupations
	Education   string // a code of Educations
	YouthUnion  bool
	HamletID    int64  // the hamlet where the person lives, 0 for none
	Workplace   string // or where the person works
	Readmission bool
	// NationalID is the 12-digit personal identification number, optional. Reading a file
	// gives it masked (Mask); an edit that leaves it "" keeps the stored one.
	NationalID string
}

// File is a candidate's file with its steps and deadlines.
type File struct {
	ID       int64
	CellID   int64
	CellName string
	Person
	HamletName string
	Version    int
	Steps      []Step
	Clocks     []Clock
	// Committee: the reader's scope holds the committee over the file's cell (the commune, the
	// province), who records the committee's decisions (Kind.ByCommittee).
	Committee bool
	// FullFrom is the day full membership takes effect (12 months after the ceremony, however
	// late the vote); zero before the ceremony or after non-recognition.
	FullFrom time.Time
	book     Book // the rule sets the file was read with
}

// Step is one dated step of a file.
type Step struct {
	ID          int64
	Kind        Kind
	On          time.Time
	Document    string
	Helper      string // the helping member; the sponsors
	Issuer      string // who issued the course certificate
	VotesFor    int
	FullMembers int
	Consent     string // the province's consent for a person over the age limit
	Extended    bool   // taken in the extra period
	ToCellID    int64
	Sponsors    []Sponsor // the sponsors step's sponsors, when recorded with their dates
	By          string
	At          time.Time
}

// Closed reports whether the file has ended (recognised, not recognised, withdrawn).
func (f File) Closed() bool {
	for _, s := range f.Steps {
		if s.Kind.Closes() {
			return true
		}
	}
	return false
}

// Last is the date of the latest step of kind k, and whether there is one.
func (f File) Last(k Kind) (time.Time, bool) {
	var d time.Time
	ok := false
	for _, s := range f.Steps {
		if s.Kind == k {
			d, ok = s.On, true
		}
	}
	return d, ok
}

// Stage is the furthest step of the procedure recorded (transfers left out), "" for none.
func (f File) Stage() Kind {
	var k Kind
	for _, s := range f.Steps {
		if s.Kind != Transferred && slices.Index(Kinds, s.Kind) > slices.Index(Kinds, k) {
			k = s.Kind
		}
	}
	return k
}

var nationalIDPattern = regexp.MustCompile(`^[0-9]{12}$`)

// check applies the rules on a person alone, as of today.
func (p *Person) check(today time.Time) error {
	p.Name = strings.Join(strings.Fields(p.Name), " ")
	p.Ethnicity = strings.TrimSpace(p.Ethnicity)
	p.Religion = strings.TrimSpace(p.Religion)
	p.Workplace = strings.TrimSpace(p.Workplace)
	p.NationalID = strings.TrimSpace(p.NationalID)
	inv := &apperr.Invalid{}
	if n := utf8.RuneCountInString(p.Name); n == 0 || n > 100 {
		inv.Add("name", "Họ và tên: cần nhập, tối đa 100 ký tự.")
	}
	if p.BirthDate.IsZero() || !p.BirthDate.Before(today) || p.BirthDate.Year() < 1900 {
		inv.Add("birth_date", "Ngày sinh: cần nhập một ngày trước hôm nay.")
	}
	if LabelOf(Sexes, p.Sex) == "" {
		inv.Add("sex", "Giới tính: chọn Nam hoặc Nữ.")
	}
	for field, msg := range p.readListed() {
		inv.Add(field, map[string]string{"ethnicity": "Dân tộc", "religion": "Tôn giáo"}[field]+": "+msg)
	}
	if LabelOf(Occupations, p.Occupation) == "" {
		inv.Add("occupation", "Nghề nghiệp: chọn một nhóm.")
	}
	if LabelOf(Educations, p.Education) == "" {
		inv.Add("education", "Trình độ học vấn: chọn một mức.")
	}
	if p.HamletID == 0 && p.Workplace == "" {
		inv.Add("hamlet", "Nơi cư trú: chọn ấp, khu phố hoặc ghi nơi làm việc.")
	}
	if utf8.RuneCountInString(p.Workplace) > 200 {
		inv.Add("workplace", "Nơi làm việc: tối đa 200 ký tự.")
	}
	if p.NationalID != "" && !nationalIDPattern.MatchString(p.NationalID) {
		inv.Add("national_id", "Số định danh cá nhân: gồm đúng 12 chữ số.")
	}
	return inv.Err()
}

// Register reads and changes files; it holds the keys of the national ID.
type Register struct {
	Keys Keys
}

// inScope is the SQL test that a file's cell lies in the scope of roots ($1) on day ($2).
const inScope = `($1::bigint[] IS NULL OR party_in_scope(c.cell_id, $1, $2))`

// Create adds the file of p to cell, in the name of by, on today, and audits it. It returns
// apperr.ErrNotFound when cell is not a cell in by's scope, and an *apperr.Invalid naming the
// field a rule refuses (the hamlet must be one in scope).
func (r Register) Create(ctx context.Context, db pg.Beginner, by org.Scope, cell int64, p Person, today time.Time) (int64, error) {
	if err := p.check(today); err != nil {
		return 0, err
	}
	var id int64
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		if err := checkCell(ctx, tx, by, cell, today); err != nil {
			return err
		}
		if err := checkHamlet(ctx, tx, by, p.HamletID, today); err != nil {
			return err
		}
		enc, mac := r.sealed(p.NationalID)
		err := tx.QueryRow(ctx, `
			INSERT INTO candidate (cell_id, full_name, birth_date, sex, ethnicity, religion, occupation, education,
				youth_union, hamlet_id, workplace, readmission, national_id_enc, national_id_mac)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULLIF($10, 0), $11, $12, $13, $14) RETURNING id`,
			cell, p.Name, p.BirthDate, p.Sex, p.Ethnicity, p.Religion, p.Occupation, p.Education,
			p.YouthUnion, p.HamletID, p.Workplace, p.Readmission, enc, mac).Scan(&id)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, by.Actor, audit.Entry{Action: "create", Entity: "candidate", EntityID: id,
			Label: label(id), UnitID: cell, New: p.audited()})
	})
	return id, err
}

// sealed is the stored form of a national ID: nil, nil for none.
func (r Register) sealed(id string) (enc, mac []byte) {
	if id == "" {
		return nil, nil
	}
	return r.Keys.seal(id)
}

// label names a file in the audit log by its number, not by the person's name.
func label(id int64) string { return fmt.Sprintf("hồ sơ %d", id) }

// audited is p as the audit log keeps it: the national ID never in clear.
func (p Person) audited() map[string]any {
	m := map[string]any{"name": p.Name, "birth_date": p.BirthDate.Format(time.RFC3339), "sex": p.Sex,
		"ethnicity": p.Ethnicity, "religion": p.Religion, "occupation": p.Occupation, "education": p.Education,
		"youth_union": p.YouthUnion, "hamlet_id": p.HamletID, "workplace": p.Workplace, "readmission": p.Readmission}
	if p.NationalID != "" {
		m["national_id"] = Mask(p.NationalID)
	}
	return m
}

// checkCell returns apperr.ErrNotFound unless cell is a cell in by's scope on day.
func checkCell(ctx context.Context, tx pgx.Tx, by org.Scope, cell int64, day time.Time) error {
	var kind org.Kind
	err := tx.QueryRow(ctx, `
		SELECT v.kind FROM party_version_at($3, $2) v
		WHERE ($1::bigint[] IS NULL OR party_in_scope($3, $1, $2))`, by.SQLRoots(), day, cell).Scan(&kind)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && !kind.IsCell()) {
		return apperr.ErrNotFound
	}
	return err
}

// checkHamlet refuses a hamlet outside by's scope on day; 0 is none.
func checkHamlet(ctx context.Context, tx pgx.Tx, by org.Scope, hamlet int64, day time.Time) error {
	if hamlet == 0 {
		return nil
	}
	var ok bool
	err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM admin_version_at($3, $2))
		AND ($1::bigint[] IS NULL OR admin_in_scope($3, $1, $2))`, by.SQLRoots(), day, hamlet).Scan(&ok)
	if err == nil && !ok {
		return &apperr.Invalid{Fields: map[string]string{"hamlet": "Ấp, khu phố: chọn một ấp trong phạm vi của đồng chí."}}
	}
	return err
}

// Update replaces the person's fields of file id, read at version, in the name of by on
// today, and audits old → new. An empty NationalID keeps the stored one. It returns
// apperr.ErrNotFound for a file outside by's scope, apperr.ErrConflict when the file changed
// since version, and an *apperr.Invalid naming the field a rule refuses.
func (r Register) Update(ctx context.Context, db pg.Beginner, by org.Scope, id int64, version int, p Person, today time.Time) error {
	if err := p.check(today); err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		old, err := r.claim(ctx, tx, by, id, version, today)
		if err != nil {
			return err
		}
		if err := old.editable(); err != nil {
			return err
		}
		if err := checkHamlet(ctx, tx, by, p.HamletID, today); err != nil {
			return err
		}
		enc, mac := r.sealed(p.NationalID)
		_, err = tx.Exec(ctx, `
			UPDATE candidate SET full_name = $2, birth_date = $3, sex = $4, ethnicity = $5, religion = $6,
				occupation = $7, education = $8, youth_union = $9, hamlet_id = NULLIF($10, 0), workplace = $11,
				readmission = $12, national_id_enc = COALESCE($13, national_id_enc), national_id_mac = COALESCE($14, national_id_mac)
			WHERE id = $1`,
			id, p.Name, p.BirthDate, p.Sex, p.Ethnicity, p.Religion, p.Occupation, p.Education,
			p.YouthUnion, p.HamletID, p.Workplace, p.Readmission, enc, mac)
		if err != nil {
			return err
		}
		oldValues, newValues := old.Person.audited(), p.audited()
		if p.NationalID == "" {
			delete(oldValues, "national_id")
		}
		for k, v := range oldValues {
			if newValues[k] == v {
				delete(oldValues, k)
				delete(newValues, k)
			}
		}
		return audit.Record(ctx, tx, by.Actor, audit.Entry{Action: "update", Entity: "candidate", EntityID: id,
			Label: label(id), UnitID: old.CellID, Old: oldValues, New: newValues})
	})
}

// claim moves file id on from version, inside tx, and returns it as it was: the versioned
// UPDATE lets one of simultaneous changes through and the others find the version gone.
func (r Register) claim(ctx context.Context, tx pgx.Tx, by org.Scope, id int64, version int, today time.Time) (File, error) {
	tag, err := tx.Exec(ctx, `UPDATE candidate c SET version = version + 1 WHERE c.id = $3 AND c.version = $4 AND `+inScope,
		by.SQLRoots(), today, id, version)
	if err != nil {
		return File{}, err
	}
	f, err := r.read(ctx, tx, by, id, today)
	if err != nil {
		return File{}, err
	}
	if tag.RowsAffected() == 0 {
		return File{}, apperr.ErrConflict
	}
	f.Version--
	return f, nil
}

// Get reads file id with its steps and deadlines as of today, the national ID masked, and
// audits the read in by's name. It returns apperr.ErrNotFound for a file outside by's scope.
func (r Register) Get(ctx context.Context, db pg.Beginner, by org.Scope, id int64, today time.Time) (File, error) {
	var f File
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		var err error
		if f, err = r.read(ctx, tx, by, id, today); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by.Actor, audit.Entry{Action: "read", Entity: "candidate", EntityID: id,
			Label: label(id), UnitID: f.CellID})
	})
	return f, err
}

// read reads file id in by's scope on today, the national ID masked, with its steps and clocks.
func (r Register) read(ctx context.Context, q pg.Querier, by org.Scope, id int64, today time.Time) (File, error) {
	var (
		f   File
		enc []byte
	)
	err := q.QueryRow(ctx, `
		SELECT c.id, c.cell_id, COALESCE(cv.name, ''), c.full_name, c.birth_date, c.sex, c.ethnicity, c.religion,
			c.occupation, c.education, c.youth_union, COALESCE(c.hamlet_id, 0), COALESCE(hv.name, ''), c.workplace,
			c.readmission, c.national_id_enc, c.version,
			($1::bigint[] IS NULL OR (cv.parent_id IS NOT NULL AND party_in_scope(cv.parent_id, $1, $2)))
		FROM candidate c
		LEFT JOIN LATERAL party_version_at(c.cell_id, $2) cv ON true
		LEFT JOIN LATERAL admin_version_at(c.hamlet_id, $2) hv ON true
		WHERE c.id = $3 AND `+inScope, by.SQLRoots(), today, id).Scan(
		&f.ID, &f.CellID, &f.CellName, &f.Name, &f.BirthDate, &f.Sex, &f.Ethnicity, &f.Religion,
		&f.Occupation, &f.Education, &f.YouthUnion, &f.HamletID, &f.HamletName, &f.Workplace,
		&f.Readmission, &enc, &f.Version, &f.Committee)
	if errors.Is(err, pgx.ErrNoRows) {
		return File{}, apperr.ErrNotFound
	}
	if err != nil {
		return File{}, err
	}
	if f.NationalID, err = r.maskedID(f.ID, enc); err != nil {
		return File{}, err
	}
	steps, err := readSteps(ctx, q, []int64{f.ID})
	if err != nil {
		return File{}, err
	}
	f.Steps = steps[f.ID]
	if err := readSponsors(ctx, q, f.Steps); err != nil {
		return File{}, err
	}
	book, cal, err := load(ctx, q)
	if err != nil {
		return File{}, err
	}
	f.derive(book, cal)
	return f, nil
}

// derive fills the file's clocks and the day full membership takes effect.
func (f *File) derive(book Book, cal *calendar.Calendar) {
	f.book = book
	f.Clocks = clocks(f.Steps, book, cal)
	if d, ok := f.Last(Ceremony); ok {
		if _, no := f.Last(NotRecognised); !no {
			f.FullFrom = probationEnd(d, book)
		}
	}
}

// load reads the rule sets and the working-day calendar.
func load(ctx context.Context, q pg.Querier) (Book, *calendar.Calendar, error) {
	book, err := loadBook(ctx, q)
	if err != nil {
		return nil, nil, err
	}
	if len(book) == 0 {
		return nil, nil, errors.New("register: no admission rules stored")
	}
	cal, err := calendar.Load(ctx, q)
	return book, cal, err
}

// readSteps reads the steps of files, each file's in date order.
func readSteps(ctx context.Context, q pg.Querier, files []int64) (map[int64][]Step, error) {
	rows, err := q.Query(ctx, `
		SELECT candidate_id, id, kind, on_date, document, helper, issuer, COALESCE(votes_for, 0), COALESCE(full_members, 0),
			consent, extended, COALESCE(to_cell_id, 0), recorded_by_login, recorded_at
		FROM candidate_step WHERE candidate_id = ANY ($1) ORDER BY candidate_id, on_date, id`, files)
	if err != nil {
		return nil, err
	}
	steps := map[int64][]Step{}
	for rows.Next() {
		var (
			file int64
			s    Step
		)
		if err := rows.Scan(&file, &s.ID, &s.Kind, &s.On, &s.Document, &s.Helper, &s.Issuer, &s.VotesFor, &s.FullMembers,
			&s.Consent, &s.Extended, &s.ToCellID, &s.By, &s.At); err != nil {
			return nil, err
		}
		steps[file] = append(steps[file], s)
	}
	return steps, rows.Err()
}

// dateText shows a date in messages.
func dateText(d time.Time) string { return format.Date(d) }

// Next is the step the file awaits: the one after the furthest of the procedure's main line
// recorded, "" for a closed or recognised file.
func (f File) Next() Kind {
	if f.Closed() {
		return ""
	}
	i := -1
	for _, s := range f.Steps {
		i = max(i, slices.Index(path, s.Kind))
	}
	if i+1 == len(path) {
		return ""
	}
	return path[i+1]
}

// maskedID is file's national ID, stored encrypted as enc (nil for none), shown masked.
func (r Register) maskedID(file int64, enc []byte) (string, error) {
	if enc == nil {
		return "", nil
	}
	id, err := r.Keys.open(enc)
	if err != nil {
		return "", fmt.Errorf("register: file %d: national ID: %w", file, err)
	}
	return Mask(id), nil
}
