package report

import (
	"context"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"ptdang/internal/apperr"
	"ptdang/internal/audit"
	"ptdang/internal/exchange"
	"ptdang/internal/format"
	"ptdang/internal/org"
	"ptdang/internal/pg"
	"ptdang/internal/register"
)

// FiguresTable is the layout of a bulk import of quarterly figures: one row per cell and
// quarter, one column per figure (headers are the form's labels), for provinces that still
// collect on paper. docs/import.md describes it.
var FiguresTable = func() exchange.Table {
	t := exchange.Table{Sheet: "Báo cáo quý", Columns: []exchange.Column{
		{Key: "cell_code", Header: "Mã chi bộ", Required: true},
		{Key: "cell_name", Header: "Tên chi bộ (để đối chiếu)", Width: 32}, // for the person filling the file in; never read
		{Key: "year", Header: "Năm", Required: true},
		{Key: "quarter", Header: "Quý", Required: true},
		{Key: "submitted_on", Header: "Ngày nộp"},
	}}
	for _, s := range Sections {
		for _, f := range s.Fields {
			t.Columns = append(t.Columns, exchange.Column{Key: f.Key, Header: columnHeader(s, f)})
		}
	}
	return t
}()

// columnHeader makes a figure's column header unique: labels such as "Nữ" repeat across sections.
func columnHeader(s Section, f Field) string {
	if f.YesNo {
		return s.Title[3:] + " – " + f.Label + " (1 = có, 0 = chưa)"
	}
	return s.Title[3:] + " – " + f.Label
}

// ImportResult says what a figures import did, or would do on a dry run.
type ImportResult struct {
	exchange.Outcome
	Submitted int
	Unchanged int // rows equal to a report already submitted or approved
	Skipped   int // rows left as the sample gave them: no figure typed (ImportSample)
}

// ImportBudget is how long an import may take, its transaction included: past it the import
// stops, writes nothing and says the file is too large. 100.000 rows (the most a file may hold)
// took 13 to 75 s on the shared 2-core development machine (docs/performance.md).
const ImportBudget = 90 * time.Second

// importBudget is ImportBudget; tests shorten it.
var importBudget = ImportBudget

// testHook, when set, runs at each step of a set-based import: "read" once everything is read
// and checked, "written" once the reports are written and before their history. Tests use it
// to change a report meanwhile, or to run out the time budget mid-import.
var testHook func(ctx context.Context, step string)

// TooLargeMessage is the problem an import reports when it ran out of its time budget.
const TooLargeMessage = exchange.TooLargeMessage

// ImportFigures reads a quarter's figures for many cells and submits each report on the cell's
// behalf, checked as a submission is (unusual values are taken as confirmed: the paper was
// signed). All or nothing: any problem, or a dry run, writes nothing.
//
// An import is recorded as what it is: a revision "import" by the importing user at the real
// time of the import. Lateness is decided by today, the day of the import, never by the
// "Ngày nộp" a file states (that date is only kept in the revision's note). A quarter that has
// not ended on today is refused. A locked period is refused too, unless historic is set: province
// staff loading past years' paper reports, which are then marked late (docs/import.md).
//
// The import is set-based: the rows are checked in Go against what a few queries read for all
// of them at once, then the reports, their revisions and their audit entries are written in a
// few statements, in one transaction. A report someone else changed between the read and the
// write is a problem on its row. An import that takes longer than ImportBudget writes nothing
// and reports TooLargeMessage as its problem. The error is the database's or the upload's.
func ImportFigures(ctx context.Context, db pg.Beginner, scope org.Scope, r io.Reader, filename string, dryRun, historic bool, today time.Time) (ImportResult, error) {
	var res ImportResult
	im := exchange.Import{Tables: []exchange.Table{FiguresTable}, MaxBytes: org.MaxImportBytes, Budget: importBudget,
		Apply: func(ctx context.Context, tx pgx.Tx, tables [][]*exchange.Row, p *exchange.Progress) (err error) {
			res.Submitted, res.Unchanged, res.Skipped, err = importRows(ctx, tx, scope, tables[0], historic, today, p)
			return err
		}}
	return exchange.RunInto(ctx, db, im, r, filename, dryRun, &res)
}

// importItem is a row that passed the checks that need no database: what it asks to store.
type importItem struct {
	row    *exchange.Row
	period Period
	code   string
	figs   Figures
	paper  time.Time // the paper's date, zero when the file gives none

	cur  Report // as read, with its deadlines; cur.ID 0 for a report not started
	late bool
	note string // kept with the revision
}

type cellPeriod struct {
	cell int64
	Period
}

// importRows checks every row and, when none has a problem, writes them all; it returns how
// many reports it submitted, how many rows equal a report already submitted or approved (as
// an export of it does), which are left alone, and how many rows of the sample nobody filled
// in, which are skipped. Problems are left on the rows, in the words and
// on the columns the form uses.
func importRows(ctx context.Context, tx pgx.Tx, scope org.Scope, rows []*exchange.Row, historic bool, today time.Time, p *exchange.Progress) (submitted, unchanged, skipped int, err error) {
	items := make([]*importItem, 0, len(rows))
	for _, row := range rows {
		if unfilled(row) {
			skipped++
			p.Checked(1)
			continue
		}
		if it := parseImportRow(row, today); it != nil {
			items = append(items, it)
		} else {
			p.Checked(1)
		}
	}
	found, err := readImportReports(ctx, tx, scope, items)
	if err != nil {
		return 0, 0, 0, err
	}
	// In file order, as if each row were submitted in turn: a row sees what the rows above it
	// stored (a second row for the same report finds it submitted, a quarter opens on the
	// closing an earlier row gave the quarter before).
	cells := make([]int64, 0, len(found))
	for _, f := range found {
		cells = append(cells, f.report.CellID)
	}
	kept, err := register.KeptFromAll(ctx, tx, cells) // read once: imports are set-based
	if err != nil {
		return 0, 0, 0, err
	}
	stored := map[cellPeriod]Figures{}
	var writes []*importItem
	for i, it := range items {
		p.Checked(1)
		f, ok := found[i]
		if !ok {
			it.row.Problemf("cell_code", "không có chi bộ mã %q trong phạm vi đồng chí quản lý", it.code)
			continue
		}
		if !f.kind.IsCell() {
			it.row.Problemf("cell_code", "%q không phải là chi bộ", it.code)
			continue
		}
		cur := f.report
		if !cur.Held {
			it.row.Problemf("cell_code", "chi bộ %s nay thuộc đơn vị khác: báo cáo của chi bộ do cấp trên hiện nay của chi bộ nhập", cur.CellName)
			continue
		}
		key := cellPeriod{cur.CellID, it.period}
		if figs, done := stored[key]; done {
			cur.State, cur.Figures = Submitted, figs
		}
		if !cur.State.Editable() && cur.Figures.Equal(it.figs) {
			unchanged++
			continue
		}
		if !cur.State.Editable() {
			it.row.Problemf("", "báo cáo %s của %s đã gửi hoặc đã duyệt (%s); không ghi đè", it.period, cur.CellName, cur.State.Label())
			continue
		}
		// The paper's date decides nothing (a file could back-date it); it is kept as a note, and
		// only a date that could be true is taken. (A row left unchanged above is not checked: an
		// export states the day the report was really submitted.)
		if d := it.paper; !d.IsZero() {
			switch {
			case d.Before(it.period.End()):
				it.row.Problemf("submitted_on", "ngày nộp %s trước khi %s kết thúc", d.Format("02/01/2006"), it.period)
				continue
			case d.After(today):
				it.row.Problemf("submitted_on", "ngày nộp %s sau ngày nhập tệp", d.Format("02/01/2006"))
				continue
			}
			it.note = "Ngày nộp trên giấy: " + d.Format("02/01/2006")
		}
		if cur.ID == 0 {
			// A report not started opens on last quarter's closing.
			cur.Figures = Figures{}
			prevFigs, ok := stored[cellPeriod{cur.CellID, it.period.Previous()}]
			prev := prevFigs["closing"]
			if !ok && f.prevClosing != nil {
				prev, ok = *f.prevClosing, true
			}
			if ok {
				cur.Figures["opening"], cur.Figures["closing"] = prev, prev
			}
		}
		if cur.Locked(today) && !historic {
			it.row.Problemf("", "%s đã khóa sổ với %s", it.period, cur.CellName)
			continue
		}
		// As a save would: a cell that keeps a register reports what its files count.
		from, keeps := kept[cur.CellID]
		t, err := tallyFrom(ctx, tx, cur.CellID, it.period, from, keeps)
		if err != nil {
			return 0, 0, 0, err
		}
		it.figs = withRegister(it.figs, t)
		if inv := checkEntry(it.figs, Submitted); inv.Err() != nil {
			for _, fl := range Fields {
				if msg, ok := inv.Fields[fl.Key]; ok {
					it.row.Problemf(fl.Key, "%s", msg)
				}
			}
			continue
		}
		it.cur, it.late = cur, today.After(cur.Deadline)
		stored[key] = it.figs
		writes = append(writes, it)
	}
	for _, row := range rows {
		if len(row.Problems()) > 0 {
			return 0, 0, 0, nil // nothing will be written: no need to try
		}
	}
	if testHook != nil {
		testHook(ctx, "read")
	}
	p.Writing()
	if err := writeImport(ctx, tx, scope, writes); err != nil {
		return 0, 0, 0, err
	}
	return len(writes), unchanged, skipped, nil
}

// unfilled tells a row of the sample that nobody filled in: every figure but the opening the
// sample wrote is empty. A row with any figure typed, even 0, is read as a report.
func unfilled(row *exchange.Row) bool {
	for _, f := range Fields {
		if f.Key != "opening" && row.Text(f.Key) != "" {
			return false
		}
	}
	return true
}

// parseImportRow reads a row's period, paper date and figures, leaving problems on the row; it
// returns nil when the row has a problem.
func parseImportRow(row *exchange.Row, today time.Time) *importItem {
	year, _ := row.Int("year")
	quarter, _ := row.Int("quarter")
	p := Period{Year: int(year), Quarter: int(quarter)}
	if !p.Valid() && len(row.Problems()) == 0 {
		row.Problemf("quarter", "quý phải từ 1 đến 4 và năm hợp lệ")
	}
	if len(row.Problems()) == 0 {
		if err := CheckEnded(p, today); err != nil {
			row.Problemf("quarter", "%s", err.(NotEndedError).Message())
		}
	}
	paper, _ := row.Date("submitted_on") // checked once the report is read (importRows)
	figs := make(Figures, len(Fields))
	for _, f := range Fields {
		n, _ := row.Int(f.Key)
		figs[f.Key] = int(n)
	}
	if len(row.Problems()) > 0 {
		return nil
	}
	return &importItem{row: row, period: p, code: row.Text("cell_code"), figs: figs, paper: paper}
}

// importFound is what the database holds for one item: its unit, and its report or, for a
// report not started, last quarter's closing.
type importFound struct {
	kind        org.Kind
	report      Report
	prevClosing *int
}

// readImportReports reads, in one query, for each item whose code names a unit in scope on the
// last day of its quarter or where it stands now (Report.Held, as Get decides): the unit, its report (state, version, figures), last quarter's
// closing, and its deadlines, as Get reads them for one report. Items are keyed by index.
func readImportReports(ctx context.Context, tx pgx.Tx, scope org.Scope, items []*importItem) (map[int]importFound, error) {
	codes := make([]string, len(items))
	years, quarters := make([]int32, len(items)), make([]int32, len(items))
	prevYears, prevQuarters := make([]int32, len(items)), make([]int32, len(items))
	lastDays := make([]time.Time, len(items))
	for i, it := range items {
		codes[i] = it.code
		years[i], quarters[i] = int32(it.period.Year), int32(it.period.Quarter)
		prev := it.period.Previous()
		prevYears[i], prevQuarters[i] = int32(prev.Year), int32(prev.Quarter)
		lastDays[i] = it.period.End().AddDate(0, 0, -1)
	}
	// The unit as GetPartyUnit reads it (its version on the day, in scope on the day), the
	// report as Get reads it, the deadlines as loadDeadlines reads them. A unit is in scope when
	// it is a root or its parent is in scope, and its province is itself or its parent's: so
	// scope and province are worked out once per parent and day (a few hundred communes), not
	// once per row (party_in_scope and party_province_of, for the parent).
	rows, err := tx.Query(ctx, `
		WITH c AS (
			SELECT i.n, i.year, i.quarter, i.prev_year, i.prev_quarter, i.last_day, u.id, v.name, v.kind, v.parent_id
			FROM unnest($1::text[], $2::int[], $3::int[], $4::int[], $5::int[], $6::date[])
				WITH ORDINALITY AS i (code, year, quarter, prev_year, prev_quarter, last_day, n)
			JOIN party_unit u ON u.code = i.code
			CROSS JOIN LATERAL party_version_at(u.id, i.last_day) v
		), latest AS (
			-- Where each unit stands now (its latest version), for Report.Held.
			SELECT DISTINCT ON (d.id) d.id, lv.parent_id, lv.valid_from
			FROM (SELECT DISTINCT id FROM c) d JOIN party_unit_version lv ON lv.unit_id = d.id
			ORDER BY d.id, lv.valid_from DESC
		), held AS (
			SELECT l.id, ($7::bigint[] IS NULL OR l.id = ANY ($7) OR COALESCE(lp.in_scope, false)) AS held
			FROM latest l
			LEFT JOIN (
				SELECT parent_id, valid_from, ($7::bigint[] IS NULL OR party_in_scope(parent_id, $7, valid_from)) AS in_scope
				FROM (SELECT DISTINCT parent_id, valid_from FROM latest WHERE parent_id IS NOT NULL) d
			) lp ON lp.parent_id = l.parent_id AND lp.valid_from = l.valid_from
		), parent AS (
			SELECT parent_id, last_day, ($7::bigint[] IS NULL OR party_in_scope(parent_id, $7, last_day)) AS in_scope,
				party_province_of(parent_id, last_day) AS province
			FROM (SELECT DISTINCT parent_id, last_day FROM c WHERE parent_id IS NOT NULL) d
		)
		SELECT c.n - 1, c.id, c.name, c.kind, h.held, COALESCE(r.id, 0), COALESCE(r.state, 'not_started'), COALESCE(r.version, 0),
			pr.closing, COALESCE(s.deadline_days, $8), COALESCE(s.grace_days, $9), e.until,
			`+prefixed("r.", columns)+`
		FROM c
		LEFT JOIN parent p ON p.parent_id = c.parent_id AND p.last_day = c.last_day
		JOIN held h ON h.id = c.id
		LEFT JOIN quarterly_report r ON r.cell_id = c.id AND r.year = c.year AND r.quarter = c.quarter
		LEFT JOIN quarterly_report pr ON pr.cell_id = c.id AND pr.year = c.prev_year AND pr.quarter = c.prev_quarter
		LEFT JOIN report_setting s ON s.province_id = CASE WHEN c.kind = 'province_committee' THEN c.id ELSE p.province END
		LEFT JOIN report_exception e ON e.cell_id = c.id AND e.year = c.year AND e.quarter = c.quarter
		WHERE $7::bigint[] IS NULL OR c.id = ANY ($7) OR p.in_scope OR h.held`,
		codes, years, quarters, prevYears, prevQuarters, lastDays, scope.SQLRoots(),
		DefaultSettings.DeadlineDays, DefaultSettings.GraceDays)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	found := make(map[int]importFound, len(items))
	vals := make([]*int, len(Fields))
	for rows.Next() {
		var (
			i           int
			f           importFound
			days, grace int
			until       *time.Time
		)
		r := &f.report
		dest := []any{&i, &r.CellID, &r.CellName, &f.kind, &r.Held, &r.ID, &r.State, &r.Version, &f.prevClosing, &days, &grace, &until}
		for k := range vals {
			dest = append(dest, &vals[k])
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		r.Period = items[i].period
		r.Figures = Figures{}
		for k, fl := range Fields {
			if vals[k] != nil {
				r.Figures[fl.Key] = *vals[k]
			}
		}
		r.setDeadlines(days, grace, until)
		found[i] = f
	}
	return found, rows.Err()
}

// prefixed puts prefix before each name of a comma-separated list.
func prefixed(prefix, list string) string {
	names := strings.Split(list, ", ")
	for i, n := range names {
		names[i] = prefix + n
	}
	return strings.Join(names, ", ")
}

// writeImport stores the items' reports as submitted on the cells' behalf, with their
// revisions and audit entries, as write would one by one: a new report is inserted only if
// nobody inserted it meanwhile, a stored one updated only at the version and in a state that
// were read. A report that changed meanwhile is a problem on its row (and then the caller
// writes nothing).
func writeImport(ctx context.Context, tx pgx.Tx, scope org.Scope, items []*importItem) error {
	if len(items) == 0 {
		return nil
	}
	if _, err := tx.Exec(ctx, `CREATE TEMP TABLE import_report (
		n integer, report_id bigint, cell_id bigint, year integer, quarter integer, version integer, late boolean, `+
		strings.ReplaceAll(columns, ",", " integer,")+` integer) ON COMMIT DROP`); err != nil {
		return err
	}
	cols := append([]string{"n", "report_id", "cell_id", "year", "quarter", "version", "late"}, strings.Split(columns, ", ")...)
	src := make([][]any, len(items))
	for n, it := range items {
		row := []any{n, nullID(it.cur.ID), it.cur.CellID, it.period.Year, it.period.Quarter, it.cur.Version, it.late}
		for _, f := range Fields {
			row = append(row, it.figs[f.Key])
		}
		src[n] = row
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"import_report"}, cols, pgx.CopyFromRows(src)); err != nil {
		return err
	}
	// Written as write writes them: submitted now, late by today, on the cell's behalf.
	written := make([]bool, len(items))
	ids := make([]int64, len(items))
	versions := make([]int, len(items))
	rows, err := tx.Query(ctx, `
		WITH ins AS (
			INSERT INTO quarterly_report (cell_id, year, quarter, state, version, updated_by, on_behalf, updated_at, submitted_at, late, `+columns+`)
			SELECT cell_id, year, quarter, 'submitted', 1, NULLIF($1, 0), true, now(), now(), late, `+columns+`
			FROM import_report WHERE report_id IS NULL ORDER BY n
			ON CONFLICT (cell_id, year, quarter) DO NOTHING
			RETURNING id, cell_id, year, quarter, version
		), upd AS (
			UPDATE quarterly_report r SET state = 'submitted', updated_by = NULLIF($1, 0), on_behalf = true, updated_at = now(),
				`+assignFrom("s.", columns)+`, submitted_at = now(), late = s.late, version = r.version + 1
			FROM import_report s
			WHERE s.report_id IS NOT NULL AND r.id = s.report_id AND r.version = s.version AND r.state = ANY($2)
			RETURNING r.id, s.n, r.version
		)
		SELECT s.n, ins.id, ins.version FROM ins JOIN import_report s USING (cell_id, year, quarter)
		UNION ALL
		SELECT n, id, version FROM upd`, scope.Actor.UserID, editableStates)
	if err != nil {
		return err
	}
	for rows.Next() {
		var n int
		var id int64
		var v int
		if err := rows.Scan(&n, &id, &v); err != nil {
			rows.Close()
			return err
		}
		written[n], ids[n], versions[n] = true, id, v
	}
	if err := rows.Err(); err != nil {
		return err
	}
	conflict := false
	for n, it := range items {
		if !written[n] {
			it.row.Problemf("", "báo cáo %s của %s vừa được người khác sửa hoặc gửi; xin nhập lại tệp", it.period, it.cur.CellName)
			conflict = true
		}
	}
	if conflict {
		return nil
	}
	if testHook != nil {
		testHook(ctx, "written")
	}
	login := revisionLogin(scope.Actor)
	revs := make([][]any, len(items))
	entries := make([]audit.Entry, len(items))
	for n, it := range items {
		r := it.cur
		r.ID, r.Version, r.State, r.OnBehalf, r.Figures = ids[n], versions[n], Submitted, true, it.figs
		figs := figuresJSON(r.Figures)
		revs[n] = []any{r.ID, r.Version, "import", string(r.State), figs, it.note, nullID(scope.Actor.UserID), login, r.OnBehalf}
		entries[n] = revisionAudit(r, "import", it.note, it.cur.Figures)
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"quarterly_report_revision"},
		[]string{"report_id", "version", "action", "state", "figures", "reason", "by_user", "by_login", "on_behalf"},
		pgx.CopyFromRows(revs)); err != nil {
		return err
	}
	return audit.RecordMany(ctx, tx, scope.Actor, entries)
}

// figuresJSON is json.Marshal(f) for figures holding every field, written straight out: a
// 100.000-row import spends a noticeable share of its time in Marshal's map reflection.
func figuresJSON(f Figures) []byte {
	b := make([]byte, 0, 24*len(Fields))
	b = append(b, '{')
	for i, fl := range Fields {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = append(b, fl.Key...)
		b = append(b, '"', ':')
		b = strconv.AppendInt(b, int64(f[fl.Key]), 10)
	}
	return append(b, '}')
}

// assignFrom is "a = prefix.a, b = prefix.b, …" for a comma-separated list of columns.
func assignFrom(prefix, list string) string {
	names := strings.Split(list, ", ")
	for i, n := range names {
		names[i] = n + " = " + prefix + n
	}
	return strings.Join(names, ", ")
}

// nullID is id, or NULL for 0.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// ExportFigures returns the reports of p already submitted, approved or accepted, of every cell
// within scope on the quarter's last day, in the layout of FiguresTable and in Vietnamese order
// of the cells' names: the file ImportFigures reads back unchanged. Drafts and returned reports
// are left out: imported, a row is a submission. The submission date is the day it was made,
// in Vietnam. A period that is not valid is apperr.ErrNotFound; other errors are the database's.
func ExportFigures(ctx context.Context, q pg.Querier, scope org.Scope, p Period) (exchange.Sheet, error) {
	sheet := exchange.Sheet{Table: FiguresTable}
	if !p.Valid() {
		return sheet, apperr.ErrNotFound
	}
	rows, err := q.Query(ctx, `
		SELECT u.code, v.name, r.submitted_at, r.`+strings.ReplaceAll(columns, ", ", ", r.")+`
		FROM quarterly_report r
		JOIN party_unit u ON u.id = r.cell_id
		CROSS JOIN LATERAL party_version_at(u.id, $1) v
		WHERE r.year = $2 AND r.quarter = $3 AND r.state IN ('submitted', 'approved', 'accepted')
			AND ($4::bigint[] IS NULL OR party_in_scope(u.id, $4, $1))
		ORDER BY v.name COLLATE "vi-x-icu", u.code`, p.End().AddDate(0, 0, -1), p.Year, p.Quarter, scope.SQLRoots())
	if err != nil {
		return sheet, err
	}
	for rows.Next() {
		var (
			code, name string
			submitted  *time.Time
			vals       = make([]int, len(Fields))
		)
		dest := []any{&code, &name, &submitted}
		for i := range vals {
			dest = append(dest, &vals[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return sheet, err
		}
		cells := []any{code, name, p.Year, p.Quarter, nil}
		if submitted != nil {
			d := submitted.In(format.Zone)
			cells[4] = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
		}
		for _, v := range vals {
			cells = append(cells, v)
		}
		sheet.Rows = append(sheet.Rows, cells)
	}
	return sheet, rows.Err()
}
