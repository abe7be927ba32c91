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

// SponsorsTable is the layout of the sponsors sheet: one row per sponsor of a sponsors step of the
// steps sheet, found by the person's "Mã trong tệp" and the step's day. A Youth Union committee
// has no dates. A workbook made before the sheet existed may leave it out.
var SponsorsTable = exchange.Table{Sheet: "Người giới thiệu", Optional: true, Columns: []exchange.Column{
	{Key: "ref", Header: "Mã trong tệp", Required: true},
	{Key: "on", Header: "Ngày giới thiệu", Required: true},
	{Key: "name", Header: "Họ và tên", Required: true, Width: 24},
	{Key: "youth_union", Header: "Ban Chấp hành Đoàn giới thiệu"},
	{Key: "member_since", Header: "Đảng viên chính thức từ ngày"},
	{Key: "known_since", Header: "Cùng công tác, học tập, cư trú từ ngày"},
	{Key: "ceased_on", Header: "Không còn đủ điều kiện từ ngày"},
}}

// Tables are the sheets of a register workbook, in order: the template's, the import's and the
// export's.
var Tables = []exchange.Table{FilesTable, StepsTable, SponsorsTable}

// MaxImportBytes bounds an uploaded register file.
const MaxImportBytes = 20 << 20

// ImportResult says what a register import did, or would do on a dry run.
type ImportResult struct {
	exchange.Outcome
	Created, Steps, Unchanged int // files added, steps recorded, files left as they were
}

// Import reads files, their steps and the sponsors of their sponsors steps (an .xlsx of Tables,
// or a .csv of FilesTable alone) and, in by's name on today, adds the new files (no "Số hồ sơ")
// and records each step a file does not hold yet, checked as the pages check them (Create,
// RecordStep, SponsorCeased). A row equal to what is stored changes nothing, so an Export
// imported back changes nothing; a file whose person differs from the stored one is a problem
// (corrections are made on the file's page). All or nothing: any problem, or a dry run, writes
// nothing. The error is the database's or the upload's.
func (r Register) Import(ctx context.Context, db pg.Beginner, by org.Scope, file io.Reader, filename string, dryRun bool, today time.Time) (ImportResult, error) {
	var res ImportResult
	im := exchange.Import{Tables: Tables, CSV: FilesTable, MaxBytes: MaxImportBytes,
		Apply: func(ctx context.Context, tx pgx.Tx, tables [][]*exchange.Row, p *exchange.Progress) error {
			var steps, sponsors []*exchange.Row
			if len(tables) > 1 {
				steps, sponsors = tables[1], tables[2]
			}
			return r.importRows(ctx, tx, by, tables[0], steps, sponsors, today, &res, p)
		}}
	return exchange.RunInto(ctx, db, im, file, filename, dryRun, &res)
}

// importRows applies the files' rows, their steps' rows and their sponsors' rows in tx, leaving
// problems on the rows.
func (r Register) importRows(ctx context.Context, tx pgx.Tx, by org.Scope, files, steps, sponsors []*exchange.Row, today time.Time, res *ImportResult, p *exchange.Progress) error {
	stepsOf := map[string][]*exchange.Row{}
	for _, row := range steps {
		ref := row.Text("ref")
		stepsOf[ref] = append(stepsOf[ref], row)
	}
	refs := map[string]bool{}
	for _, row := range files {
		refs[row.Text("ref")] = true
	}
	sponsorsOf := sponsorRows(refs, steps, sponsors)
	seen := map[string]bool{}
	for _, row := range files {
		p.Checked(1)
		ref := row.Text("ref")
		if seen[ref] {
			row.Problemf("ref", "mã %q đã có ở dòng trên", ref)
			continue
		}
		seen[ref] = true
		if err := r.importFile(ctx, tx, by, row, stepsOf[ref], sponsorsOf, today, res); err != nil {
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
	p.Checked(len(steps) + len(sponsors))
	return nil
}

// sponsorRows ties each sponsor's row to the row of the sponsors step of the same person and day,
// leaving a problem on a row that names no such step, or two.
func sponsorRows(refs map[string]bool, steps, sponsors []*exchange.Row) map[*exchange.Row][]*exchange.Row {
	key := func(row *exchange.Row) (string, string, bool) {
		on, ok := row.Date("on")
		return row.Text("ref") + "\x00" + on.Format(time.DateOnly), dateText(on), ok
	}
	stepOf := map[string][]*exchange.Row{}
	for _, row := range steps {
		kind, _ := row.Choice("kind", Choices())
		if k, _, ok := key(row); ok && Kind(kind) == Sponsors {
			stepOf[k] = append(stepOf[k], row)
		}
	}
	out := map[*exchange.Row][]*exchange.Row{}
	for _, row := range sponsors {
		ref := row.Text("ref")
		k, on, ok := key(row)
		switch {
		case !ok || ref == "": // a problem of the cell already
		case !refs[ref]:
			row.Problemf("ref", "không có người mã %q ở trang %q", ref, FilesTable.Sheet)
		case len(stepOf[k]) == 0:
			row.Problemf("on", "không có bước “%s” của mã %q ngày %s ở trang %q", Sponsors.Label(), ref, on, StepsTable.Sheet)
		case len(stepOf[k]) > 1:
			row.Problemf("on", "mã %q có %d bước “%s” ngày %s ở trang %q: không biết người này thuộc bước nào",
				ref, len(stepOf[k]), Sponsors.Label(), on, StepsTable.Sheet)
		default:
			out[stepOf[k][0]] = append(out[stepOf[k][0]], row)
		}
	}
	return out
}

// importFile adds or checks the file of row and records its steps' rows it does not hold yet,
// a sponsors step with its sponsors' rows (sponsorsOf). Refusals are left as problems on the
// rows; the error is the database's.
func (r Register) importFile(ctx context.Context, tx pgx.Tx, by org.Scope, row *exchange.Row, stepRows []*exchange.Row, sponsorsOf map[*exchange.Row][]*exchange.Row, today time.Time, res *ImportResult) error {
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
		rows := sponsorsOf[sr]
		if s.Kind == Sponsors {
			var named bool
			s.Sponsors, named = readSponsorRows(rows)
			ok = ok && named
			s.Helper = cmp.Or(s.Helper, SponsorNames(s.Sponsors))
		}
		if !ok || f.ID == 0 {
			continue
		}
		if i := slices.IndexFunc(f.Steps, func(x Step) bool { return sameStep(x, s) }); i >= 0 {
			// Held already; only a sponsor's ceasing may be new.
			n, err := r.importCeased(ctx, tx, by, &f, i, s.Sponsors, rows, today)
			if err != nil {
				return err
			}
			recorded += n
			continue
		}
		if s.Kind == Sponsors && len(rows) == 0 {
			// The page always asks for the sponsors with their dates; so does the import.
			sr.Problemf("kind", "cần ghi người giới thiệu ở trang %q, mỗi người một dòng với mã trong tệp và ngày như dòng này", SponsorsTable.Sheet)
			continue
		}
		v, err := r.RecordStep(ctx, tx, by, f.ID, f.Version, s, today)
		if refusedStep(sr, rows, err) {
			continue
		} else if err != nil {
			return err
		}
		f.Version, f.Steps = v, append(f.Steps, s)
		recorded++
		if slices.ContainsFunc(s.Sponsors, func(p Sponsor) bool { return !p.CeasedOn.IsZero() }) {
			// The sponsors' ids, to record their ceasing as the page does.
			if f, err = r.read(ctx, tx, by, f.ID, today); err != nil {
				return err
			}
			i := len(f.Steps) - 1 // the step just recorded: the latest one like it
			for i >= 0 && !sameStep(f.Steps[i], s) {
				i--
			}
			if i < 0 {
				return fmt.Errorf("register: file %d: the sponsors step just recorded is not read back", f.ID)
			}
			if _, err := r.importCeased(ctx, tx, by, &f, i, s.Sponsors, rows, today); err != nil {
				return err
			}
		}
	}
	res.Steps += recorded
	if recorded == 0 && row.Text("id") != "" {
		res.Unchanged++
	}
	return nil
}

// importCeased records with SponsorCeased, on the sponsors of f.Steps[i], each day read (from
// their rows, in the same order) on which a sponsor ceased to qualify and that f does not hold
// yet, and keeps f's version; a day other than the one held is a problem on its row. It returns
// how many it recorded; the error is the database's.
func (r Register) importCeased(ctx context.Context, tx pgx.Tx, by org.Scope, f *File, i int, read []Sponsor, rows []*exchange.Row, today time.Time) (int, error) {
	n := 0
	for k, p := range read {
		held := f.Steps[i].Sponsors[k]
		switch {
		case p.CeasedOn.IsZero() || p.CeasedOn.Equal(held.CeasedOn):
			continue
		case !held.CeasedOn.IsZero():
			rows[k].Problemf("ceased_on", "khác với ngày đang lưu (%s); không sửa được bằng tệp", dateText(held.CeasedOn))
			continue
		}
		v, err := r.SponsorCeased(ctx, tx, by, f.ID, f.Version, held.ID, p.CeasedOn, today)
		if errors.Is(err, apperr.ErrNotFound) {
			rows[k].Problemf("ceased_on", "chỉ ghi được cho người giới thiệu của bước “%s” sau cùng của hồ sơ", Sponsors.Label())
			continue
		}
		if refused(rows[k], err, ceasedColumns) {
			continue
		} else if err != nil {
			return n, err
		}
		f.Version = v
		n++
	}
	return n, nil
}

// refusedStep is refused for a step's row and its sponsors' rows: the refusal of the i-th
// sponsor (SponsorField) goes on rows[i], the rest on row.
func refusedStep(row *exchange.Row, rows []*exchange.Row, err error) bool {
	var inv *apperr.Invalid
	if errors.As(err, &inv) && len(rows) > 0 {
		rest := &apperr.Invalid{}
		for field, msg := range inv.Fields {
			rest.Add(field, msg)
		}
		for i, sr := range rows {
			for _, c := range [][2]string{{"name", "name"}, {"kind", "youth_union"}, {"member_since", "member_since"}, {"known_since", "known_since"}} {
				if msg, ok := rest.Fields[SponsorField(i, c[0])]; ok {
					sr.Problemf(c[1], "%s", msg)
					delete(rest.Fields, SponsorField(i, c[0]))
				}
			}
		}
		if len(rest.Fields) == 0 {
			return true
		}
		err = rest
	}
	return refused(row, err, stepColumns)
}

// The columns of the fields a refusal names, where they differ.
var (
	personColumns = map[string]string{"hamlet": "hamlet_code"}
	stepColumns   = map[string]string{FieldToCell: "to_cell_code"}
	ceasedColumns = map[string]string{"on": "ceased_on", "kind": "ceased_on"}
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
	for field, msg := range p.readListed() {
		row.Problemf(field, "%s", msg)
	}
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

// readSponsorRows reads the sponsors of a sponsors step's rows, as the page reads them (a Youth
// Union committee without dates); ok is false when a row has problems.
func readSponsorRows(rows []*exchange.Row) (list []Sponsor, ok bool) {
	ok = true
	for _, row := range rows {
		p := Sponsor{Name: row.Text("name")}
		p.YouthUnion, _ = row.Bool("youth_union")
		if !p.YouthUnion {
			p.MemberSince, _ = row.Date("member_since")
			p.KnownSince, _ = row.Date("known_since")
		}
		p.CeasedOn, _ = row.Date("ceased_on")
		list = append(list, p)
		ok = ok && len(row.Problems()) == 0
	}
	return list, ok
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

// sameStep reports whether stored step a is the step b an import reads; b's sponsors are
// compared when it names some (a workbook may leave their sheet out).
func sameStep(a, b Step) bool {
	return a.Kind == b.Kind && a.On.Equal(b.On) && a.Document == b.Document && a.Helper == b.Helper &&
		a.Issuer == b.Issuer && a.VotesFor == b.VotesFor && a.FullMembers == b.FullMembers &&
		a.Consent == b.Consent && a.Extended == b.Extended && a.ToCellID == b.ToCellID &&
		(len(b.Sponsors) == 0 || slices.EqualFunc(a.Sponsors, b.Sponsors, func(x, y Sponsor) bool { // their ceasing apart: importCeased's
			return x.Name == y.Name && x.YouthUnion == y.YouthUnion && x.MemberSince.Equal(y.MemberSince) && x.KnownSince.Equal(y.KnownSince)
		}))
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

// Export is every file in by's scope on today with its steps and their sponsors, in the layout
// Import reads back unchanged (Tables): the national ID masked, never in clear. It audits the
// export in by's name (the files' numbers): the sheets hold personal data. The files are read
// in a few queries, whatever their number. The error is the database's.
func (r Register) Export(ctx context.Context, db pg.Beginner, by org.Scope, today time.Time) ([]exchange.Sheet, error) {
	files, steps, sponsors := exchange.Sheet{Table: FilesTable}, exchange.Sheet{Table: StepsTable}, exchange.Sheet{Table: SponsorsTable}
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
			var err error
			if f.NationalID, err = r.maskedID(f.ID, enc); err != nil {
				return err
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
		var (
			to        []int64
			sponsored []Step
		)
		for _, ss := range byFile {
			for _, s := range ss {
				to = append(to, s.ToCellID)
				if s.Kind == Sponsors {
					sponsored = append(sponsored, s)
				}
			}
		}
		if err := readSponsors(ctx, tx, sponsored); err != nil {
			return err
		}
		sponsorsOf := make(map[int64][]Sponsor, len(sponsored))
		for _, s := range sponsored {
			sponsorsOf[s.ID] = s.Sponsors
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
				for _, p := range sponsorsOf[s.ID] {
					sponsors.Rows = append(sponsors.Rows, []any{strconv.FormatInt(id, 10), s.On, p.Name, yesNo(p.YouthUnion),
						dateOrNil(p.MemberSince), dateOrNil(p.KnownSince), dateOrNil(p.CeasedOn)})
				}
			}
		}
		return audit.Record(ctx, tx, by.Actor, audit.Entry{Action: "export", Entity: "candidate",
			Label: "xuất " + strconv.Itoa(len(ids)) + " hồ sơ", New: map[string]any{"files": ids}})
	})
	return []exchange.Sheet{files, steps, sponsors}, err
}

// dateOrNil is a date as exported: empty when there is none.
func dateOrNil(d time.Time) any {
	if d.IsZero() {
		return nil
	}
	return d
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
