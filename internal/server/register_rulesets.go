package server

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"ptdang/internal/account"
	"ptdang/internal/format"
	"ptdang/internal/register"
	"ptdang/web"
)

// registerRuleSets shows every rule set of the register (quy định về thời hạn kết nạp), the one
// in force today marked; ?added= names the set just added.
func (s *Server) registerRuleSets(w http.ResponseWriter, r *http.Request, c caller) {
	book, err := register.RuleBook(r.Context(), s.DB)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := web.NewRegisterRulesView(book, s.today())
	// The files of the whole country being recomputed: for those who add rule sets (and see all).
	if v.CanAdd = c.Can(account.ManageRules); v.CanAdd {
		if v.Stale, err = register.StaleFiles(r.Context(), s.DB); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if d, err := format.ParseDate(r.URL.Query().Get("added")); err == nil {
		v.Added = format.Date(d)
	}
	s.render(w, r, http.StatusOK, web.RegisterRules(c.page("Quy định về thời hạn kết nạp", "register"), v))
}

// registerRuleSetNew adds a rule set from a day (?from=, tomorrow when none), its form starting
// from the values of the set in force on that day. Once added, the open files' deadlines are
// written again in the background.
func (s *Server) registerRuleSetNew(w http.ResponseWriter, r *http.Request, c caller) {
	book, err := register.RuleBook(r.Context(), s.DB)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	from, err := format.ParseDate(r.URL.Query().Get("from"))
	if err != nil {
		from = s.today().AddDate(0, 0, 1)
	}
	base := book.On(from)
	vals := map[string]string{"from": format.ISODate(from)}
	fields := []web.FormField{input("date", "from", "Áp dụng từ ngày", "Các con số dưới đây lấy từ bộ quy định áp dụng vào ngày "+
		format.Date(from)+" (bộ từ "+format.Date(base.From)+"): chỉ sửa những gì văn bản mới thay đổi.")}
	for _, f := range register.RuleFields {
		fields = append(fields, input("number", f.Name, f.Label, "Từ "+strconv.Itoa(f.Min)+" đến "+strconv.Itoa(f.Max)+"."))
		vals[f.Name] = strconv.Itoa(*f.Of(&base))
	}
	fields = append(fields, input("text", "source", "Căn cứ", "Số, ngày của văn bản quy định, ví dụ: Quy định 294-QĐ/TW (26/5/2025); không quá "+
		strconv.Itoa(register.MaxSourceLength)+" ký tự."))
	// The day the values came from travels in the address, so that a refused form says it again.
	v := web.FormView{Title: "Thêm bộ quy định về thời hạn kết nạp", Action: "/register/rules/new?from=" + format.ISODate(from), Submit: "Thêm bộ quy định", Cancel: "/register/rules",
		Intro: "Bộ quy định mới áp dụng cho các bước ghi từ ngày của nó; hồ sơ có bước trước ngày đó giữ quy định cũ. " +
			"Đã thêm thì không sửa, không xóa được: xin kiểm tra kỹ trước khi lưu.",
		Fields: fields}
	s.registerForm(w, r, c, v, vals, func(f *form) (string, error) {
		x, err := register.ReadRules(f.text)
		if err == nil {
			err = orFormErr(f, func() error { return register.AddRules(r.Context(), s.DB, c.Scope, x) })
		}
		if err != nil {
			return "", err
		}
		s.resummariseLater(r)
		return "/register/rules?added=" + url.QueryEscape(format.ISODate(x.From)), nil
	})
}

// resummariseLater writes again, in the background, the summaries of every open file after a
// rule set was added (register.Resummarise). Every open file, not only those marked stale: the
// add marked them all, but a run already going (another add's, `ptdang migrate up`) may have
// read the rules before the add committed and cleared the mark of its batch after it; this run
// starts after the commit and locks each file after any such batch, so it writes last and with
// the new set. Two runs at once are safe: both lock their batch in id order. The files are read
// the slow way, and right, until it is done, or until the next `ptdang migrate up` if the server
// stops first.
func (s *Server) resummariseLater(r *http.Request) {
	ctx := context.WithoutCancel(r.Context())
	s.background.Go(func() {
		n, err := register.Resummarise(ctx, s.DB, true)
		if err != nil {
			s.Log.Error("register: writing the files' summaries again after a rule set was added", "err", err, "files", n)
			return
		}
		s.Log.Info("register: files' summaries written again after a rule set was added", "files", n)
	})
}
