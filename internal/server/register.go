package server

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"ptdang/internal/account"
	"ptdang/internal/format"
	"ptdang/internal/register"
	"ptdang/web"
)

// The admission register (docs/register.md): the list with its Việc cần làm, adding a person,
// a person's file and recording its next step. Addresses carry file numbers, never names.

// registerList shows the files and tasks of the caller's scope.
func (s *Server) registerList(w http.ResponseWriter, r *http.Request, c caller) {
	today := s.today()
	// Pages from 1: "viec" of Việc cần làm, "trang" of the files.
	pageOf := func(key string) (int, register.Page) {
		n, _ := strconv.Atoi(r.URL.Query().Get(key))
		n = min(max(n, 1), 1_000_000)
		return n, register.Page{Offset: (n - 1) * web.RegisterPageSize, Limit: web.RegisterPageSize}
	}
	taskPage, tasksAt := pageOf("viec")
	filePage, filesAt := pageOf("trang")
	name := strings.TrimSpace(r.URL.Query().Get("ten"))
	if utf8.RuneCountInString(name) > 100 {
		name = string([]rune(name)[:100])
	}
	files, err := register.List(r.Context(), s.DB, c.Scope, today, name, filesAt)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	todo, err := register.Todo(r.Context(), s.DB, c.Scope, today, tasksAt)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := web.NewRegisterListView(files, todo, taskPage, filePage, name)
	v.CanImport = c.Can(account.ReviewReports)
	v.CanSetRetention = c.Can(account.AcceptReports)
	s.render(w, r, http.StatusOK, web.RegisterList(c.page("Hồ sơ phát triển đảng viên", "register"), v))
}

// registerNew adds a person's file and goes to it.
func (s *Server) registerNew(w http.ResponseWriter, r *http.Request, c caller) {
	cells, hamlets, err := register.Places(r.Context(), s.DB, c.Scope, s.today())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	vals := map[string]string{"ethnicity": register.Ethnicities[0], "religion": register.NoReligion, "youth_union": "0", "readmission": "0"}
	if len(cells) == 1 {
		vals["cell"] = strconv.FormatInt(cells[0].ID, 10)
	}
	v := web.FormView{Title: "Thêm người vào danh sách", Action: "/register/new", Submit: "Thêm hồ sơ", Cancel: "/register",
		Fields: web.RegisterPersonFields(cells, hamlets)}
	s.personForm(w, r, c, v, vals, func(f *form, p register.Person) (int64, error) {
		cell := formID(f, "cell")
		if cell == 0 {
			f.inv.Add("cell", "Chi bộ: chọn một chi bộ.")
		}
		var id int64
		err := orFormErr(f, func() (err error) {
			id, err = s.Register.Create(r.Context(), s.DB, c.Scope, cell, p, s.today())
			return err
		})
		return id, err
	})
}

// registerEdit corrects the person's fields of file id; the cell changes by a transfer.
func (s *Server) registerEdit(w http.ResponseWriter, r *http.Request, c caller, id int64) {
	today := s.today()
	file, err := s.Register.Get(r.Context(), s.DB, c.Scope, id, today)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	_, hamlets, err := register.Places(r.Context(), s.DB, c.Scope, today)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	bit := map[bool]string{true: "1", false: "0"}
	vals := map[string]string{"name": file.Name, "birth_date": format.ISODate(file.BirthDate), "sex": file.Sex, "ethnicity": file.Ethnicity,
		"religion": cmp.Or(file.Religion, register.NoReligion), "occupation": file.Occupation, "education": file.Education, "youth_union": bit[file.YouthUnion],
		"hamlet": strconv.FormatInt(file.HamletID, 10), "workplace": file.Workplace, "readmission": bit[file.Readmission]}
	fields := slices.DeleteFunc(web.RegisterPersonFields(nil, hamlets), func(f web.FormField) bool { return f.Name == "cell" })
	// A value typed before the pick-lists and not on them (migration 000021 mapped the known
	// spellings) asks for a choice: the select shows none chosen.
	_, knownEthnicity := register.Ethnicity(file.Ethnicity)
	_, knownReligion := register.Religion(file.Religion)
	for i := range fields {
		switch {
		case fields[i].Name == "national_id" && file.NationalID != "":
			fields[i].Hint = "Đã lưu " + file.NationalID + ". Để trống để giữ số đã lưu."
		case fields[i].Name == "ethnicity" && !knownEthnicity:
			fields[i].Hint = "Đã ghi " + strconv.Quote(file.Ethnicity) + ", không có trong danh sách: chọn lại."
		case fields[i].Name == "religion" && !knownReligion:
			fields[i].Hint = "Đã ghi " + strconv.Quote(file.Religion) + ", không có trong danh sách: chọn lại."
		}
	}
	href := web.RegisterFileHref(id)
	v := web.FormView{Title: "Sửa thông tin hồ sơ", Action: href + "/edit", Submit: "Lưu", Cancel: href, Fields: fields,
		Hidden: []web.Field{{Name: "version", Value: strconv.Itoa(file.Version)}}}
	s.personForm(w, r, c, v, vals, func(f *form, p register.Person) (int64, error) {
		version := read(f, "version", format.ReadInt)
		return id, orFormErr(f, func() error { return s.Register.Update(r.Context(), s.DB, c.Scope, id, version, p, today) })
	})
}

// personForm shows a person's form v filled with vals on GET; on POST it reads the person and
// saves it with save, then goes to the file save names (registerForm).
func (s *Server) personForm(w http.ResponseWriter, r *http.Request, c caller, v web.FormView, vals map[string]string,
	save func(f *form, p register.Person) (int64, error)) {
	v.Intro = "Chỉ ghi các thông tin dưới đây; dân tộc, tôn giáo là dữ liệu cá nhân nhạy cảm."
	s.registerForm(w, r, c, v, vals, func(f *form) (string, error) {
		// The form names no religion NoReligion; its empty choice is no choice made.
		if f.text("religion") == "" {
			f.inv.Add("religion", "Tôn giáo: chọn một mục, "+strconv.Quote(register.NoReligion)+" nếu không theo tôn giáo nào.")
		}
		p := register.Person{Name: f.text("name"), BirthDate: f.date("birth_date"), Sex: f.text("sex"), Ethnicity: f.text("ethnicity"),
			Religion: f.text("religion"), Occupation: f.text("occupation"), Education: f.text("education"),
			YouthUnion: f.text("youth_union") == "1", HamletID: formID(f, "hamlet"), Workplace: f.text("workplace"),
			Readmission: f.text("readmission") == "1", NationalID: f.text("national_id")}
		id, err := save(f, p)
		return web.RegisterFileHref(id), err
	})
}

// registerForm shows the register's form v filled with vals on GET (dates as dd/mm/yyyy). On
// POST save reads and saves it and names the page to go to; or the form shows again with what was
// typed and the errors (422, or 409 when the record changed meanwhile).
func (s *Server) registerForm(w http.ResponseWriter, r *http.Request, c caller, v web.FormView, vals map[string]string,
	save func(f *form) (string, error)) {
	show := func(status int, vals, errs map[string]string, msg string) {
		v.Fields, v.Error = web.Fill(v.Fields, vals, errs), msg
		s.render(w, r, status, web.RegisterNew(c.page(v.Title, "register"), v))
	}
	if r.Method == http.MethodGet {
		show(http.StatusOK, vals, nil, "")
		return
	}
	s.submitForm(w, r, save, func(f *form, status int, msg string) {
		if status == http.StatusConflict {
			msg = "Vừa có người khác sửa: xin mở lại trang để xem thông tin mới rồi sửa lại."
		}
		show(status, valuesOf(f), f.inv.Fields, msg)
	})
}

// formID reads a chosen id; none or a malformed one is 0.
func formID(f *form, name string) int64 {
	id, _ := strconv.ParseInt(f.text(name), 10, 64)
	return id
}

// registerFile shows a person's file with the form of the step ?step= names, or of the next.
func (s *Server) registerFile(w http.ResponseWriter, r *http.Request, c caller, id int64) {
	kind := register.Kind(r.URL.Query().Get("step"))
	if !kind.Valid() {
		kind = ""
	}
	s.showRegisterFile(w, r, c, id, http.StatusOK, kind, nil, nil, "")
}

// showRegisterFile renders file id (a read, audited) with its step form as typed.
func (s *Server) showRegisterFile(w http.ResponseWriter, r *http.Request, c caller, id int64, status int, kind register.Kind, vals, errs map[string]string, msg string) {
	today := s.today()
	f, err := s.Register.Get(r.Context(), s.DB, c.Scope, id, today)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var cells []register.Place
	if kind == register.Transferred {
		if cells, _, err = register.Places(r.Context(), s.DB, c.Scope, today); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	v := web.NewRegisterFileView(f, kind, today, vals, errs, cells)
	v.Form.Error = msg
	if m := errs["kind"]; m != "" { // the step itself is refused: no field of the form to show it beside
		v.Form.Error = m
	}
	v.Recorded = status == http.StatusOK && r.URL.Query().Get("recorded") != ""
	s.render(w, r, status, web.RegisterFile(c.page("Hồ sơ "+strconv.FormatInt(id, 10), "register"), v))
}

// registerStep records the step posted on file id and goes back to the file, or shows the form
// again with its errors.
func (s *Server) registerStep(w http.ResponseWriter, r *http.Request, c caller, id int64) {
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	st := register.Step{Kind: register.Kind(f.text("kind")), On: f.date("on"), Document: f.text("document"),
		Helper: f.text(register.FieldHelper), Issuer: f.text(register.FieldIssuer), Consent: f.text(register.FieldConsent),
		Extended: f.text(register.FieldExtended) == "1", ToCellID: formID(f, register.FieldToCell)}
	if st.Kind == register.Sponsors {
		st.Sponsors, st.Helper = sponsorsOf(f)
	}
	for _, n := range st.Kind.Needs() {
		switch n {
		case register.FieldVotesFor:
			st.VotesFor = read(f, n, format.ReadInt)
		case register.FieldFullMembers:
			st.FullMembers = read(f, n, format.ReadInt)
		}
	}
	version := read(f, "version", format.ReadInt)
	err := orFormErr(f, func() error {
		_, err := s.Register.RecordStep(r.Context(), s.DB, c.Scope, id, version, st, s.today())
		return err
	})
	if err == nil {
		http.Redirect(w, r, web.RegisterFileHref(id)+"?recorded=1", http.StatusSeeOther)
		return
	}
	msg, status, ok := f.refused(err)
	if !ok || (status != http.StatusUnprocessableEntity && status != http.StatusConflict) {
		s.fail(w, r, err)
		return
	}
	if status == http.StatusConflict {
		msg = "Hồ sơ vừa được người khác cập nhật: xin xem lại các bước rồi ghi lại."
	}
	kind := st.Kind
	if !kind.Valid() {
		kind = ""
	}
	s.showRegisterFile(w, r, c, id, status, kind, valuesOf(f), f.inv.Fields, msg)
}

// sponsorsOf reads the sponsors' inputs of a sponsors step, and their names in one line.
func sponsorsOf(f *form) ([]register.Sponsor, string) {
	var list []register.Sponsor
	for i := range 2 {
		p := register.Sponsor{Name: f.text(register.SponsorField(i, "name")), YouthUnion: f.text(register.SponsorField(i, "kind")) == "youth_union"}
		if !p.YouthUnion {
			p.MemberSince, p.KnownSince = f.date(register.SponsorField(i, "member_since")), f.date(register.SponsorField(i, "known_since"))
		}
		list = append(list, p)
	}
	return list, register.SponsorNames(list)
}
