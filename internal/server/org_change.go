package server

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"ptdang/internal/apperr"
	"ptdang/internal/format"
	"ptdang/internal/org"
	"ptdang/web"
)

// unitHeader is what the change forms need to know of the unit they change.
type unitHeader struct {
	id      int64
	name    string
	version int
	open    bool
}

func (s *Server) header(r *http.Request, scope org.Scope, tree org.Tree, id int64) (unitHeader, error) {
	if tree == org.PartyTree {
		u, err := org.GetPartyUnit(r.Context(), s.DB, scope, id, s.today())
		return unitHeader{u.ID, u.Name, u.Version, u.Life.Open()}, err
	}
	u, err := org.GetAdminUnit(r.Context(), s.DB, scope, id, s.today())
	return unitHeader{u.ID, u.Name, u.Version, u.Life.Open()}, err
}

// change describes one of the dated changes of a unit: close, rename, move, link.
type change struct {
	title, intro, submit string
	fields               func(f *fields)
	defaults             func(u unitHeader) map[string]string
	// apply performs the change; the domain's field names come back in *apperr.Invalid.
	apply func(s *Server, r *http.Request, c caller, f *form, u unitHeader) error
}

func (s *Server) changeForm(tree org.Tree, ch change) callerHandler {
	return func(w http.ResponseWriter, r *http.Request, c caller) {
		id, ok := idParam(r, "id")
		if !ok {
			s.notFound(w, r)
			return
		}
		u, err := s.header(r, c.Scope, tree, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		vals := map[string]string{"effective": format.ISODate(s.today())}
		if ch.defaults != nil {
			for k, v := range ch.defaults(u) {
				vals[k] = v
			}
		}
		if r.Method == http.MethodGet {
			s.renderForm(w, r, c, s.changeView(tree, ch, u, vals, nil, ""))
			return
		}
		f, ok := s.parseForm(w, r)
		if !ok {
			return
		}
		var err2 error
		if err2 = ch.apply(s, r, c, f, u); err2 == nil && f.inv.Err() == nil {
			http.Redirect(w, r, unitHref(tree, id, s.today()), http.StatusSeeOther)
			return
		}
		v := web.FormView{}
		if err2 != nil && !formFailure(err2, f, &v) {
			s.fail(w, r, err2)
			return
		}
		msg := v.Error
		if msg == "" {
			msg = msgFixErrors
		}
		s.renderForm(w, r, c, s.changeView(tree, ch, u, valuesOf(f), &f.inv, msg))
	}
}

func (s *Server) changeView(tree org.Tree, ch change, u unitHeader, vals map[string]string, inv *apperr.Invalid, msg string) web.FormView {
	f := fields{vals: vals, inv: inv}
	ch.fields(&f)
	return web.FormView{Title: ch.title + ": " + u.name, Intro: ch.intro, Submit: ch.submit, Error: msg,
		Action: "", Cancel: unitHref(tree, u.id, s.today()),
		Hidden: []web.Field{{Name: "version", Value: strconv.Itoa(u.version)}},
		Fields: f.list}
}

func noteField(f *fields) {
	f.add("text", "note", "Căn cứ (số quyết định, nghị quyết)", "Ví dụ: Quyết định số 1234-QĐ/TU ngày 20/6/2025")
}

func closeChange(tree org.Tree) change {
	return change{
		title: "Giải thể", submit: "Giải thể",
		intro: "Đơn vị không còn hiệu lực từ ngày được chọn; lịch sử và số liệu cũ của đơn vị vẫn được giữ.",
		fields: func(f *fields) {
			f.add("date", "on", "Không còn hiệu lực từ ngày", "")
		},
		defaults: func(unitHeader) map[string]string { return map[string]string{"on": ""} },
		apply: func(s *Server, r *http.Request, c caller, f *form, u unitHeader) error {
			on, version := f.date("on"), f.int("version")
			if f.inv.Err() != nil {
				return nil
			}
			if on.IsZero() {
				f.inv.Add("on", "Nhập ngày giải thể.")
				return nil
			}
			if tree == org.PartyTree {
				return org.ClosePartyUnit(r.Context(), s.DB, c.Scope, u.id, version, on)
			}
			return org.CloseAdminUnit(r.Context(), s.DB, c.Scope, u.id, version, on)
		},
	}
}

func renameChange(tree org.Tree) change {
	return change{
		title: "Đổi tên", submit: "Đổi tên",
		intro: "Đơn vị vẫn là đơn vị cũ, chỉ mang tên mới từ ngày có hiệu lực; tên cũ được giữ trong lịch sử.",
		fields: func(f *fields) {
			f.add("text", "name", "Tên mới", "")
			if tree == org.AdminTree {
				f.add("text", "local_word", "Gọi là (nếu đổi)", "Ví dụ xã thành thị trấn, ấp thành khu phố; để trống nếu không đổi.")
			}
			f.add("date", "effective", "Ngày có hiệu lực", "")
			noteField(f)
		},
		apply: func(s *Server, r *http.Request, c caller, f *form, u unitHeader) error {
			re := org.Reorg{Effective: f.date("effective"), Note: f.text("note")}
			if f.inv.Err() != nil {
				return nil
			}
			if tree == org.AdminTree {
				return org.RenameAdminUnit(r.Context(), s.DB, c.Scope, re, u.id, f.text("name"), f.text("local_word"))
			}
			return org.RenameUnit(r.Context(), s.DB, c.Scope, tree, re, u.id, f.text("name"))
		},
	}
}

func moveChange(tree org.Tree) change {
	return change{
		title: "Chuyển trực thuộc", submit: "Chuyển",
		intro: "Đơn vị cùng các đơn vị trực thuộc nó chuyển sang cấp trên mới từ ngày có hiệu lực.",
		fields: func(f *fields) {
			f.add("text", "parent_code", "Mã đơn vị cấp trên mới", "")
			f.add("date", "effective", "Ngày có hiệu lực", "")
			noteField(f)
		},
		apply: func(s *Server, r *http.Request, c caller, f *form, u unitHeader) error {
			re := org.Reorg{Effective: f.date("effective"), Note: f.text("note")}
			if f.text("parent_code") == "" {
				f.inv.Add("parent_code", "Nhập mã đơn vị cấp trên mới.")
			}
			parent := s.unitByCode(r, c.Scope, tree, f, "parent_code", re.Effective)
			if f.inv.Err() != nil {
				return nil
			}
			err := org.MoveUnit(r.Context(), s.DB, c.Scope, tree, re, u.id, parent)
			if inv, ok := err.(*apperr.Invalid); ok {
				renameKey(inv, "parent_id", "parent_code")
			}
			return err
		},
	}
}

var linkChange = change{
	title: "Đổi chi bộ phụ trách", submit: "Lưu",
	intro: "Từ ngày được chọn, thôn, tổ dân phố này do chi bộ dưới đây phụ trách. Chi bộ trước đó vẫn được ghi trong lịch sử.",
	fields: func(f *fields) {
		f.add("select", "mode", "Hình thức", "",
			web.Option{Value: string(org.OwnCell), Label: org.OwnCell.Label()},
			web.Option{Value: string(org.CombinedCell), Label: org.CombinedCell.Label() + " với chi bộ thôn khác"},
			web.Option{Value: "none", Label: "Chưa có đảng viên (trắng đảng viên)"})
		f.add("text", "cell_code", "Mã chi bộ", "Để trống nếu thôn chưa có đảng viên.")
		f.add("date", "from", "Từ ngày", "")
	},
	defaults: func(unitHeader) map[string]string { return map[string]string{"mode": string(org.OwnCell)} },
	apply: func(s *Server, r *http.Request, c caller, f *form, u unitHeader) error {
		from := f.date("from")
		mode := org.LinkMode(f.text("mode"))
		var cell int64
		if mode != "none" {
			if f.text("cell_code") == "" {
				f.inv.Add("cell_code", "Nhập mã chi bộ phụ trách.")
			}
			cell = s.unitByCode(r, c.Scope, org.PartyTree, f, "cell_code", from)
		}
		if f.inv.Err() != nil {
			return nil
		}
		err := org.SetLink(r.Context(), s.DB, c.Scope, u.id, cell, mode, from)
		if inv, ok := err.(*apperr.Invalid); ok {
			renameKey(inv, "cell_id", "cell_code")
			renameKey(inv, "hamlet_id", "from")
		}
		return err
	},
}

// --- Merges ---

// mergeForm merges several units of tree into a new one: GET shows the form, POST merges.
func (s *Server) mergeForm(tree org.Tree) callerHandler {
	return func(w http.ResponseWriter, r *http.Request, c caller) {
		vals := map[string]string{"effective": format.ISODate(s.today())}
		if r.Method == http.MethodGet {
			s.renderForm(w, r, c, mergeView(tree, vals, nil, ""))
			return
		}
		f, ok := s.parseForm(w, r)
		if !ok {
			return
		}
		re := org.Reorg{Effective: f.date("effective"), Note: f.text("note")}
		var preds []int64
		for _, code := range strings.FieldsFunc(f.text("predecessors"), func(r rune) bool { return r == '\n' || r == ',' || r == ';' || r == ' ' || r == '\r' }) {
			u, err := s.lookupCode(r, c.Scope, tree, code, re.Effective)
			if err != nil {
				f.inv.Add("predecessors", fmt.Sprintf("Không tìm thấy đơn vị có mã %q.", code))
				continue
			}
			preds = append(preds, u)
		}
		on := re.Effective
		if on.IsZero() {
			on = s.today()
		}
		parent := s.unitByCode(r, c.Scope, tree, f, "parent_code", on)
		var (
			id  int64
			err error
		)
		if f.inv.Err() == nil {
			if tree == org.PartyTree {
				id, err = org.MergePartyUnits(r.Context(), s.DB, c.Scope, re, preds, org.PartyUnitInput{
					Code: f.text("code"), Name: f.text("name"), Kind: org.Kind(f.text("kind")), OrgType: org.OrgType(f.text("org_type")),
					ParentID: parent, TermMonths: 60})
			} else {
				id, err = org.MergeAdminUnits(r.Context(), s.DB, c.Scope, re, preds, org.AdminUnitInput{
					Code: f.text("code"), Name: f.text("name"), Level: org.Level(f.text("level")), LocalWord: f.text("local_word"),
					ParentID: parent})
			}
			if err == nil {
				http.Redirect(w, r, unitHref(tree, id, re.Effective), http.StatusSeeOther)
				return
			}
		}
		v := web.FormView{}
		if err != nil && !formFailure(err, f, &v) {
			s.fail(w, r, err)
			return
		}
		renameKey(&f.inv, "parent_id", "parent_code")
		s.renderForm(w, r, c, mergeView(tree, valuesOf(f), &f.inv, msgFixErrors))
	}
}

func (s *Server) lookupCode(r *http.Request, scope org.Scope, tree org.Tree, code string, on time.Time) (int64, error) {
	if tree == org.PartyTree {
		u, err := org.GetPartyUnitByCode(r.Context(), s.DB, scope, code, on)
		return u.ID, err
	}
	u, err := org.GetAdminUnitByCode(r.Context(), s.DB, scope, code, on)
	return u.ID, err
}

func mergeView(tree org.Tree, vals map[string]string, inv *apperr.Invalid, msg string) web.FormView {
	f := fields{vals: vals, inv: inv}
	f.add("textarea", "predecessors", "Mã các đơn vị được sáp nhập", "Mỗi mã một dòng. Các đơn vị này hết hiệu lực từ ngày sáp nhập; đơn vị trực thuộc của chúng chuyển sang đơn vị mới.")
	f.add("date", "effective", "Ngày có hiệu lực", "")
	noteField(&f)
	f.add("text", "code", "Mã đơn vị mới", "")
	f.add("text", "name", "Tên đơn vị mới", "")
	title := "Sáp nhập đơn vị hành chính"
	if tree == org.PartyTree {
		title = "Sáp nhập tổ chức đảng"
		f.add("select", "kind", "Cấp, loại tổ chức của đơn vị mới", "", kindOptions()...)
		f.add("select", "org_type", "Loại hình", "", orgTypeOptions()...)
	} else {
		f.add("select", "level", "Cấp hành chính của đơn vị mới", "", levelOptions()...)
		f.add("text", "local_word", "Gọi là", "Ví dụ: xã, phường, ấp, khu phố")
	}
	f.add("text", "parent_code", "Mã đơn vị cấp trên của đơn vị mới", "")
	return web.FormView{Title: title, Submit: "Sáp nhập", Cancel: "/org", Error: msg, Fields: f.list,
		Intro: "Số liệu của các đơn vị cũ được quy về đơn vị mới khi so sánh qua các năm."}
}

// splitParts is how many successors the split form offers.
const splitParts = 4

var splitChange = func(tree org.Tree) change {
	return change{
		title: "Chia tách", submit: "Chia tách",
		intro: "Đơn vị hết hiệu lực từ ngày chia tách; các đơn vị mới cùng cấp, cùng cấp trên, mỗi đơn vị nhận một phần số liệu cũ theo tỷ lệ (tổng 100 %). Điền ít nhất hai đơn vị mới. Nếu đơn vị còn đơn vị trực thuộc, chuyển chúng trước.",
		fields: func(f *fields) {
			f.add("date", "effective", "Ngày có hiệu lực", "")
			noteField(f)
			for i := 1; i <= splitParts; i++ {
				n := strconv.Itoa(i)
				f.add("text", "code_"+n, "Đơn vị mới "+n+": mã", "")
				f.add("text", "name_"+n, "Đơn vị mới "+n+": tên", "")
				f.add("text", "share_"+n, "Đơn vị mới "+n+": tỷ lệ số liệu (%)", "")
			}
		},
		apply: func(s *Server, r *http.Request, c caller, f *form, u unitHeader) error {
			re := org.Reorg{Effective: f.date("effective"), Note: f.text("note")}
			var parts []org.NewPart
			for i := 1; i <= splitParts; i++ {
				n := strconv.Itoa(i)
				if f.text("code_"+n) == "" && f.text("name_"+n) == "" {
					continue
				}
				share := f.optPercent("share_" + n)
				if share == nil {
					f.inv.Add("share_"+n, "Nhập tỷ lệ phần trăm số liệu đơn vị này nhận.")
					continue
				}
				parts = append(parts, org.NewPart{Code: f.text("code_" + n), Name: f.text("name_" + n), Share: *share})
			}
			if f.inv.Err() != nil {
				return nil
			}
			if re.Effective.IsZero() {
				f.inv.Add("effective", "Nhập ngày có hiệu lực.")
				return nil
			}
			_, err := org.SplitInto(r.Context(), s.DB, c.Scope, tree, re, u.id, parts)
			if inv, ok := err.(*apperr.Invalid); ok {
				// A successor's own fields come back unnumbered: show them with the first part.
				renameKey(inv, "code", "code_1")
				renameKey(inv, "name", "name_1")
				renameKey(inv, "successors", "share_1")
				renameKey(inv, "predecessors", "effective")
			}
			return err
		},
	}
}
