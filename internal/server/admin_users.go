package server

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"ptdang/internal/account"
	"ptdang/internal/apperr"
	"ptdang/internal/org"
	"ptdang/web"
)

func roleOptions(c caller) []web.Option {
	var opts []web.Option
	for _, r := range account.Roles {
		if r == account.SystemAdmin && !c.Scope.All() {
			continue
		}
		opts = append(opts, web.Option{Value: string(r), Label: r.Label()})
	}
	return opts
}

func (s *Server) userList(w http.ResponseWriter, r *http.Request, c caller) {
	users, err := account.ListUsers(r.Context(), s.DB, c.Scope)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var v web.UserListView
	for _, u := range users {
		v.Users = append(v.Users, web.UserRow{Href: fmt.Sprintf("/admin/users/%d", u.ID), Login: u.Login, Name: u.Name,
			Grants: grantsText(u.Grants), Status: statusText(u)})
	}
	s.render(w, r, http.StatusOK, web.UserList(c.page("Người dùng", "users"), v))
}

func grantsText(gs []account.Grant) string {
	parts := make([]string, len(gs))
	for i, g := range gs {
		parts[i] = g.Role.Label() + " – " + g.UnitName
	}
	return strings.Join(parts, "; ")
}

func statusText(u account.User) string {
	switch {
	case u.Disabled:
		return "Đã khóa"
	case u.MustChangePassword:
		return "Chờ đổi mật khẩu"
	}
	return "Đang dùng"
}

func newUserFields(c caller, vals map[string]string, f *form) []web.FormField {
	fl := fields{vals: vals}
	if f != nil {
		fl.inv = &f.inv
	}
	fl.add("text", "name", "Họ và tên", "")
	fl.add("text", "login", "Tên đăng nhập", "Chữ thường không dấu, ví dụ: nguyen.van.an")
	fl.add("select", "role", "Vai trò", "", roleOptions(c)...)
	fl.add("text", "unit_code", "Mã tổ chức đảng làm việc", "Người dùng xem và làm việc trong tổ chức này và các tổ chức trực thuộc.")
	fl.add("text", "password", "Mật khẩu ban đầu", "Ít nhất 10 ký tự; người dùng phải đổi khi đăng nhập lần đầu.")
	return fl.list
}

// newPassword suggests a first password: ten readable characters.
func newPassword() string { return strings.ToLower(rand.Text()[:12]) }

func (s *Server) userNew(w http.ResponseWriter, r *http.Request, c caller) {
	s.renderForm(w, r, c, web.FormView{Title: "Thêm người dùng", Action: "/admin/users/new", Submit: "Tạo tài khoản", Cancel: "/admin/users",
		Fields: newUserFields(c, map[string]string{"password": newPassword()}, nil)})
}

func (s *Server) userCreate(w http.ResponseWriter, r *http.Request, c caller) {
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	unit := s.unitByCode(r, c.Scope, org.PartyTree, f, "unit_code", s.today())
	v := web.FormView{Title: "Thêm người dùng", Action: "/admin/users/new", Submit: "Tạo tài khoản", Cancel: "/admin/users"}
	if s.saveForm(w, r, f, &v, func() (string, error) {
		id, err := account.CreateUser(r.Context(), s.DB, c.Scope, account.NewUser{Login: f.text("login"), Name: f.text("name"),
			Password: f.values.Get("password"), Role: account.Role(f.text("role")), UnitID: unit}, s.today())
		return fmt.Sprintf("/admin/users/%d", id), err
	}) {
		return
	}
	v.Fields = newUserFields(c, valuesOf(f), f)
	s.renderForm(w, r, c, v)
}

// userDetail shows one user as the caller sees them.
func (s *Server) userDetail(w http.ResponseWriter, r *http.Request, c caller) {
	s.showUser(w, r, c, userOutcome{status: http.StatusOK})
}

// userOutcome is what an action on the user page leaves to show: a message when it was done,
// otherwise the form with its field errors, or a problem the page states, under status.
type userOutcome struct {
	message, problem string
	f                *form
	status           int
}

func (s *Server) showUser(w http.ResponseWriter, r *http.Request, c caller, o userOutcome) {
	id, ok := idParam(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	u, err := account.GetUser(r.Context(), s.DB, c.Scope, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := web.UserDetailView{ID: strconv.FormatInt(u.ID, 10), Version: strconv.Itoa(u.Version), Login: u.Login, Name: u.Name,
		Status: statusText(u), Disabled: u.Disabled, Manageable: u.Manageable(), Message: o.message, Error: o.problem}
	if !u.Manageable() {
		v.NotManaged = apperr.Message(account.ErrNotManaged)
	}
	for _, g := range u.Grants { // those within the caller's scope: each may be revoked
		row := web.GrantRow{Role: g.Role.Label(), Unit: g.UnitName, RevokeAction: fmt.Sprintf("/admin/users/%d/grants/%d/revoke", u.ID, g.ID)}
		if g.UnitCode != "" {
			row.Unit += " (" + g.UnitCode + ")"
		}
		v.Grants = append(v.Grants, row)
	}
	grant := fields{}
	pw := fields{vals: map[string]string{"password": newPassword()}}
	if o.f != nil {
		grant.vals, grant.inv, pw.inv = valuesOf(o.f), &o.f.inv, &o.f.inv
		if len(o.f.inv.Fields) > 0 && o.problem == "" {
			v.Error, o.status = msgFixErrors, http.StatusUnprocessableEntity
		}
	}
	grant.add("select", "role", "Vai trò", "", roleOptions(c)...)
	grant.add("text", "unit_code", "Mã tổ chức đảng", "")
	pw.add("text", "password", "Mật khẩu mới", "Ít nhất 10 ký tự.")
	v.AddGrant, v.Password = grant.list, pw.list
	s.render(w, r, o.status, web.UserDetail(c.page(u.Name, "users"), v))
}

// userAction runs one administrator's action on a user, from the version of the account the
// page showed, and shows the user page again.
func (s *Server) userAction(do func(r *http.Request, c caller, f *form, user int64, version int) (string, error)) callerHandler {
	return func(w http.ResponseWriter, r *http.Request, c caller) {
		id, ok := idParam(r, "id")
		if !ok {
			s.notFound(w, r)
			return
		}
		f, ok := s.parseForm(w, r)
		if !ok {
			return
		}
		// A missing or malformed version is a stale one: the action is refused as a conflict.
		version, err := strconv.Atoi(f.text("version"))
		if err != nil {
			version = 0
		}
		msg, err := do(r, c, f, id, version)
		o := userOutcome{message: msg, f: f, status: http.StatusOK}
		if err != nil {
			problem, status, ok := f.refused(err)
			if !ok {
				s.fail(w, r, err)
				return
			}
			o = userOutcome{f: f, problem: problem, status: status}
			if len(f.inv.Fields) == 0 { // the account changed or is not the caller's: show it as it is now
				o.f = nil
			}
		}
		s.showUser(w, r, c, o)
	}
}

func (s *Server) userAddGrant(r *http.Request, c caller, f *form, user int64, version int) (string, error) {
	unit := s.unitByCode(r, c.Scope, org.PartyTree, f, "unit_code", s.today())
	if f.inv.Err() != nil {
		return "", nil
	}
	return "Đã giao vai trò.", account.AddGrant(r.Context(), s.DB, c.Scope, user, version, account.Role(f.text("role")), unit, s.today())
}

func (s *Server) userRevokeGrant(r *http.Request, c caller, f *form, user int64, version int) (string, error) {
	grant, ok := idParam(r, "grant")
	if !ok {
		return "", apperr.ErrNotFound
	}
	return "Đã bỏ vai trò.", account.RevokeGrant(r.Context(), s.DB, c.Scope, user, version, grant)
}

func (s *Server) userResetPassword(r *http.Request, c caller, f *form, user int64, version int) (string, error) {
	pw := f.values.Get("password")
	return "Đã cấp lại mật khẩu: " + pw + " — xin báo cho người dùng; họ sẽ phải đổi khi đăng nhập. Mọi phiên đăng nhập của tài khoản đã kết thúc.",
		account.ResetPassword(r.Context(), s.DB, c.Scope, user, version, pw)
}

func (s *Server) userSetDisabled(r *http.Request, c caller, f *form, user int64, version int) (string, error) {
	disabled := f.text("disabled") == "true"
	msg := "Đã mở khóa tài khoản."
	if disabled {
		msg = "Đã khóa tài khoản; mọi phiên đăng nhập của tài khoản đã kết thúc."
	}
	return msg, account.SetDisabled(r.Context(), s.DB, c.Scope, user, version, disabled)
}
