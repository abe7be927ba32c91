package register

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"ptdang/internal/apperr"
	"ptdang/internal/audit"
	"ptdang/internal/exchange"
	"ptdang/internal/org"
	"ptdang/internal/pg"
)

// FilesTable is the layout of the files sheet (docs/import.md): one row per person. "Mã trong
// tệp" ties a person to their steps; "Số hồ sơ" is the file's number, empty for a new file.
var FilesTable = exchange.Table{Sheet: "Hồ sơ", Columns: []exchange.Column{
	{Key: "ref", Header: "Mã trong tệp", Required: true},
	{Key: "id", Header: "Số hồ sơ"},
	{Key: "cell_code", Header: "Mã chi bộ", Required: true},
	{Key: "cell_name", Header: "Tên chi bộ (để đối chiếu)", Width: 28}, // for the reader; never read
	{Key: "name", Header: "Họ và tên", Required: true, Width: 24},
	{Key: "birth_date", Header: "Ngày sinh", Required: true},
	{Key: "sex", Header: "Giới tính", Required: true},
	{Key: "ethnicity", Header: "Dân tộc", Required: true},
	{Key: "religion", Header: "Tôn giáo"},
	{Key: "occupation", Header: "Nghề nghiệp", Required: true},
	{Key: "education", Header: "Trình độ học vấn", Required: true},
	{Key: "youth_union", Header: "Đoàn viên"},
	{Key: "hamlet_code", Header: "Mã ấp, khu phố"},
	{Key: "workplace", Header: "Nơi làm việc"},
	{Key: "readmission", Header: "Kết nạp lại"},
	{Key: "national_id", Header: "Số định danh cá nhân"},
}}

// StepsTable is the layout of the steps sheet: one row per step of a person of the files sheet.
var StepsTable = exchange.Table{Sheet: "Các bước", Columns: []exchange.Column{
	{Key: "ref", Header: "Mã trong tệp", Required: true},
	{Key: "kind", Header: "Bước", Required: true, Width: 30},
	{Key: "on", Header: "Ngày", Required: true},
	{Key: "document", Header: "Số văn bản"},
	{Key: FieldHelper, Header: "Đảng viên giúp đỡ, người giới thiệu"},
	{Key: FieldIssuer, Header: "Nơi cấp giấy chứng nhận"},
	{Key: FieldVotesFor, Header: "Số tán thành"},
	{Key: FieldFullMembers, Header: "Số đảng viên chính thức"},
	{Key: FieldConsent, Header: "Văn bản đồng ý của Tỉnh ủy"},
	{Key: FieldExtended, Header: "Trong thời gian gia hạn"},
	{Key: "to_cell_code", Header: "Mã chi bộ nhận"},
}}

// MaxImportBytes bounds an uploaded register file.
const MaxImportBytes = 20 << 20

// ImportResult says what a register import did, or would do on a dry run.
type ImportResult struct {
	exchange.Outcome
	Created, Steps, Unchanged int // files added, steps recorded, files left as they were
}

// Import reads files and their steps (an .xlsx of FilesTable and StepsTable, or a .csv of
// FilesTable alone) and, in by's name on today, adds the new files (no "Số hồ sơ") and records
// each step a file does not hold yet, checked as the pages check them (Create, RecordStep). A
// row equal to what is stored changes nothing, so an Export imported back changes nothing; a
// file whose person differs from the stored one is a problem (corrections are made on the
// file's page). All or nothing: any problem, or a dry run, writes nothing. The error is the
// database's or the upload's.
func (r Register) Import(ctx context.Context, db pg.Beginner, by org.Scope, file io.Reader, filename string, dryRun bool, today time.Time) (ImportResult, error) {
	var res ImportResult
	im := exchange.Import{Tables: []exchange.Table{FilesTable, StepsTable}, CSV: FilesTable, MaxBytes: MaxImportBytes,
		Apply: func(ctx context.Context, tx pgx.Tx, tables [][]*exchange.Row, p *exchange.Progress) error {
			var steps []*exchange.Row
			if len(tables) > 1 {
				steps = tables[1]
			}
			return r.importRows(ctx, tx, by, tables[0], steps, today, &res, p)
		}}
	return exchange.RunInto(ctx, db, im, file, filename, dryRun, &res)
}

// importRows applies the files' rows and their steps' rows in tx, leaving problems on the rows.
func (r Register) importRows(ctx context.Context, tx pgx.Tx, by org.Scope, files, steps []*exchange.Row, today time.Time, res *ImportResult, p *exchange.Progress) error {
	stepsOf := map[string][]*exchange.Row{}
	for _, row := range steps {
		ref := row.Text("ref")
		stepsOf[ref] = append(stepsOf[ref], row)
	}
	seen := map[string]bool{}
	for _, row := range files {
		p.Checked(1)
		ref := row.Text("ref")
		if seen[ref] {
			row.Problemf("ref", "mã %q đã có ở dòng trên", ref)
			continue
		}
		seen[ref] = true
		if err := r.importFile(ctx, tx, by, row, stepsOf[ref], today, res); err != nil {
			return err
		}
		delete(stepsOf, ref)
	}
	for ref, rows := range stepsOf {
		for _, row := range rows {
			if !seen[ref] {
				row.Problemf("ref", "không có người mã %q ở trang %q", ref, FilesTable.Sheet)
			}
		}
	}
	p.Checked(len(steps))
	return nil
}

// importFile adds or checks the file of row and records its steps' rows it does not hold yet.
// Refusals are left as problems on the rows; the error is the database's.
func (r Register) importFile(ctx context.Context, tx pgx.Tx, by org.Scope, row *exchange.Row, stepRows []*exchange.Row, today time.Time, res *ImportResult) error {
	p, cell, ok, err := readPerson(ctx, tx, row)
	if err != nil || !ok {
		return err
	}
	var f File
	if n, given := row.Int("id"); given {
		if f, err = r.read(ctx, tx, by, n, today); errors.Is(err, apperr.ErrNotFound) {
			row.Problemf("id", "không có hồ sơ số %d trong phạm vi đồng chí quản lý", n)
			return nil
		} else if err != nil {
			return err
		}
		if diff := differs(f, p, cell, today); diff != "" {
			row.Problemf(diff, "khác với hồ sơ số %d đang lưu; sửa trên trang hồ sơ", n)
			return nil
		}
	} else if len(row.Problems()) == 0 {
		id, err := r.Create(ctx, tx, by, cell, p, today)
		if refused(row, err, personColumns) {
			return nil
		} else if err != nil {
			return err
		}
		if f, err = r.read(ctx, tx, by, id, today); err != nil {
			return err
		}
		res.Created++
	}
	recorded := 0
	for _, sr := range sortedByDate(stepRows) {
		s, ok, err := readStep(ctx, tx, sr)
		if err != nil {
			return err
		}
		if !ok || f.ID == 0 || slices.ContainsFunc(f.Steps, func(x Step) bool { return sameStep(x, s) }) {
			continue
		}
		v, err := r.RecordStep(ctx, tx, by, f.ID, f.Version, s, today)
		if refused(sr, err, stepColumns) {
			continue
		} else if err != nil {
			return err
		}
		f.Version, f.Steps = v, append(f.Steps, s)
		recorded++
	}
	res.Steps += recorded
	if recorded == 0 && row.Text("id") != "" {
		res.Unchanged++
	}
	return nil
}

// The columns of the fields a refusal names, where they differ.
var (
	personColumns = map[string]string{"hamlet": "hamlet_code"}
	stepColumns   = map[string]string{FieldToCell: "to_cell_code"}
)

// refused leaves err, a refusal of the domain, as problems on row (each field on its column:
// columns maps a field to its column key, the field itself by default) and reports whether it
// was one; any other error is the caller's.
func refused(row *exchange.Row, err error, columns map[string]string) bool {
	var inv *apperr.Invalid
	switch {
	case err == nil:
		return false
	case errors.As(err, &inv):
		for field, msg := range inv.Fields {
			row.Problemf(cmp.Or(columns[field], field), "%s", msg)
		}
	case errors.Is(err, apperr.ErrConflict) && apperr.Message(err) == "":
		row.Problemf("", "hồ sơ vừa được người khác thay đổi trong lúc nhập; xin nhập lại tệp")
	case errors.Is(err, apperr.ErrNotFound):
		row.Problemf("cell_code", "không có chi bộ này trong phạm vi đồng chí quản lý")
	case apperr.Message(err) != "":
		row.Problemf("", "%s", apperr.Message(err))
	default:
		return false
	}
	return true
}

// readPerson reads the person of row and their cell; ok is false when the row has problems.
// The national ID is taken only in clear (12 digits); the masked form an export writes reads
// as "unchanged".
func readPerson(ctx context.Context, tx pgx.Tx, row *exchange.Row) (Person, int64, bool, error) {
	p := Person{Name: row.Text("name"), Ethnicity: row.Text("ethnicity"), Religion: row.Text("religion"),
		Workplace: row.Text("workplace"), NationalID: row.Text("national_id")}
	p.BirthDate, _ = row.Date("birth_date")
	p.Sex, _ = row.Choice("sex", choices(Sexes))
	p.Occupation, _ = row.Choice("occupation", choices(Occupations))
	p.Education, _ = row.Choice("education", choices(Educations))
	p.YouthUnion, _ = row.Bool("youth_union")
	p.Readmission, _ = row.Bool("readmission")
	readListed(row, &p)
	if masked(p.NationalID) {
		p.NationalID = ""
	}
	cell, err := unitID(ctx, tx, "party_unit", row, "cell_code")
	if err != nil {
		return p, 0, false, err
	}
	if p.HamletID, err = unitID(ctx, tx, "admin_unit", row, "hamlet_code"); err != nil {
		return p, 0, false, err
	}
	return p, cell, len(row.Problems()) == 0, nil
}

// masked reports whether id is in the masked form Mask writes.
func masked(id string) bool { return strings.HasPrefix(id, "•") }

// unitID is the id of the unit whose code row holds in column key, 0 for none; an unknown code is
// a problem. table is an allow-listed table name.
func unitID(ctx context.Context, tx pgx.Tx, table string, row *exchange.Row, key string) (int64, error) {
	code := row.Text(key)
	if code == "" {
		return 0, nil
	}
	var id int64
	err := tx.QueryRow(ctx, `SELECT id FROM `+map[string]string{"party_unit": "party_unit", "admin_unit": "admin_unit"}[table]+` WHERE code = $1`, code).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		row.Problemf(key, "không có đơn vị mã %q", code)
		return 0, nil
	}
	return id, err
}

// readStep reads the step of row; ok is false when the row has problems.
func readStep(ctx context.Context, tx pgx.Tx, row *exchange.Row) (Step, bool, error) {
	s := Step{Document: row.Text("document"), Helper: row.Text(FieldHelper), Issuer: row.Text(FieldIssuer), Consent: row.Text(FieldConsent)}
	kind, _ := row.Choice("kind", Choices())
	s.Kind = Kind(kind)
	s.On, _ = row.Date("on")
	votes, _ := row.Int(FieldVotesFor)
	members, _ := row.Int(FieldFullMembers)
	s.VotesFor, s.FullMembers = int(votes), int(members)
	s.Extended, _ = row.Bool(FieldExtended)
	var err error
	s.ToCellID, err = unitID(ctx, tx, "party_unit", row, "to_cell_code")
	return s, len(row.Problems()) == 0, err
}

// sortedByDate is rows by their steps' dates, in file order within a day; undated rows first,
// where their problem is reported.
func sortedByDate(rows []*exchange.Row) []*exchange.Row {
	out := slices.Clone(rows)
	slices.SortStableFunc(out, func(a, b *exchange.Row) int {
		da, _ := a.Date("on")
		db, _ := b.Date("on")
		return da.Compare(db)
	})
	return out
}

// sameStep reports whether stored step a is the step b an import reads.
func sameStep(a, b Step) bool {
	return a.Kind == b.Kind && a.On.Equal(b.On) && a.Document == b.Document && a.Helper == b.Helper &&
		a.Issuer == b.Issuer && a.VotesFor == b.VotesFor && a.FullMembers == b.FullMembers &&
		a.Consent == b.Consent && a.Extended == b.Extended && a.ToCellID == b.ToCellID
}

// differs names the first column in which p (in cell) differs from stored file f, "" for none.
// A national ID left empty (or masked) is not compared.
func differs(f File, p Person, cell int64, today time.Time) string {
	_ = p.check(today) // only to tidy the fields as a save would: a person that breaks a rule differs anyway
	for _, c := range []struct {
		key  string
		same bool
	}{{"cell_code", f.CellID == cell}, {"name", f.Name == p.Name}, {"birth_date", f.BirthDate.Equal(p.BirthDate)},
		{"sex", f.Sex == p.Sex}, {"ethnicity", f.Ethnicity == p.Ethnicity}, {"religion", f.Religion == p.Religion},
		{"occupation", f.Occupation == p.Occupation}, {"education", f.Education == p.Education},
		{"youth_union", f.YouthUnion == p.YouthUnion}, {"hamlet_code", f.HamletID == p.HamletID},
		{"workplace", f.Workplace == p.Workplace}, {"readmission", f.Readmission == p.Readmission},
		{"national_id", p.NationalID == "" || f.NationalID == Mask(p.NationalID)}} {
		if !c.same {
			return c.key
		}
	}
	return ""
}

// choices maps options' labels to their codes, as exchange.Row.Choice takes them.
func choices(options []Option) map[string]string {
	m := make(map[string]string, len(options))
	for _, o := range options {
		m[o.Label] = o.Code
	}
	return m
}

// Choices maps every step's label to its kind, as exchange.Row.Choice takes them.
func Choices() map[string]string { return exchange.Choices(Kinds...) }

// Export is every file in by's scope on today with its steps, in the layout Import reads back
// unchanged: the national ID masked, never in clear. It audits the export in by's name (the
// files' numbers): the sheets hold personal data. The files are read in a few queries, whatever
// their number. The error is the database's.
func (r Register) Export(ctx context.Context, db pg.Beginner, by org.Scope, today time.Time) ([]exchange.Sheet, error) {
	files, steps := exchange.Sheet{Table: FilesTable}, exchange.Sheet{Table: StepsTable}
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `
			WITH RECURSIVE `+cellsInScope+`
			SELECT c.id, u.code, COALESCE(cv.name, ''), c.full_name, c.birth_date, c.sex, c.ethnicity, c.religion,
				c.occupation, c.education, c.youth_union, COALESCE(h.code, ''), c.workplace, c.readmission, c.national_id_enc
			FROM candidate c
			JOIN party_unit u ON u.id = c.cell_id
			LEFT JOIN LATERAL party_version_at(c.cell_id, $2) cv ON true
			LEFT JOIN admin_unit h ON h.id = c.hamlet_id
			WHERE `+inScopedCells+`
			ORDER BY cv.name COLLATE "vi-x-icu", c.cell_id, c.full_name COLLATE "vi-x-icu", c.id`, planEach, by.SQLRoots(), today)
		if err != nil {
			return err
		}
		var ids []int64
		for rows.Next() {
			var (
				f            File
				code, hamlet string
				enc          []byte
			)
			if err := rows.Scan(&f.ID, &code, &f.CellName, &f.Name, &f.BirthDate, &f.Sex, &f.Ethnicity, &f.Religion,
				&f.Occupation, &f.Education, &f.YouthUnion, &hamlet, &f.Workplace, &f.Readmission, &enc); err != nil {
				return err
			}
			if enc != nil {
				id, err := r.Keys.open(enc)
				if err != nil {
					return fmt.Errorf("register: file %d: national ID: %w", f.ID, err)
				}
				f.NationalID = Mask(id)
			}
			ids = append(ids, f.ID)
			files.Rows = append(files.Rows, []any{strconv.FormatInt(f.ID, 10), f.ID, code, f.CellName, f.Name, f.BirthDate,
				LabelOf(Sexes, f.Sex), f.Ethnicity, f.Religion, LabelOf(Occupations, f.Occupation), LabelOf(Educations, f.Education),
				yesNo(f.YouthUnion), hamlet, f.Workplace, yesNo(f.Readmission), f.NationalID})
		}
		if err := rows.Err(); err != nil {
			return err
		}
		byFile, err := readSteps(ctx, tx, ids)
		if err != nil {
			return err
		}
		var to []int64
		for _, ss := range byFile {
			for _, s := range ss {
				to = append(to, s.ToCellID)
			}
		}
		codes, err := cellCodes(ctx, tx, to)
		if err != nil {
			return err
		}
		for _, id := range ids {
			for _, s := range byFile[id] {
				steps.Rows = append(steps.Rows, []any{strconv.FormatInt(id, 10), s.Kind.Label(), s.On, s.Document, s.Helper, s.Issuer,
					countOrNil(s, FieldVotesFor, s.VotesFor), countOrNil(s, FieldFullMembers, s.FullMembers), s.Consent,
					yesNo(s.Extended), codes[s.ToCellID]})
			}
		}
		return audit.Record(ctx, tx, by.Actor, audit.Entry{Action: "export", Entity: "candidate",
			Label: "xuất " + strconv.Itoa(len(ids)) + " hồ sơ", New: map[string]any{"files": ids}})
	})
	return []exchange.Sheet{files, steps}, err
}

// yesNo writes a yes/no the way Import reads it.
func yesNo(b bool) string {
	if b {
		return "Có"
	}
	return "Không"
}

// countOrNil is a vote count as exported: empty for a step that records none.
func countOrNil(s Step, field string, n int) any {
	if nullCount(s, field, n) == nil {
		return nil
	}
	return n
}

// cellCodes is the code of each of the party units ids name.
func cellCodes(ctx context.Context, q pg.Querier, ids []int64) (map[int64]string, error) {
	rows, err := q.Query(ctx, `SELECT id, code FROM party_unit WHERE id = ANY ($1)`, ids)
	if err != nil {
		return nil, err
	}
	codes := map[int64]string{}
	for rows.Next() {
		var (
			id   int64
			code string
		)
		if err := rows.Scan(&id, &code); err != nil {
			return nil, err
		}
		codes[id] = code
	}
	return codes, rows.Err()
}
