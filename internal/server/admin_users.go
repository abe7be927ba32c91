package server

import (
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

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
	unit := s.unitByCode(r, c.Scope, org.PartyTree, f, "unit_code", time.Now())
	v := web.FormView{Title: "Thêm người dùng", Action: "/admin/users/new", Submit: "Tạo tài khoản", Cancel: "/admin/users"}
	if s.saveForm(w, r, f, &v, func() (string, error) {
		id, err := account.CreateUser(r.Context(), s.DB, c.Scope, account.NewUser{Login: f.text("login"), Name: f.text("name"),
			Password: f.values.Get("password"), Role: account.Role(f.text("role")), UnitID: unit})
		return fmt.Sprintf("/admin/users/%d", id), err
	}) {
		return
	}
	v.Fields = newUserFields(c, valuesOf(f), f)
	s.renderForm(w, r, c, v)
}

// userDetail shows one user; message and f carry the outcome of an action on the page.
func (s *Server) userDetail(w http.ResponseWriter, r *http.Request, c caller) {
	s.showUser(w, r, c, "", nil)
}

func (s *Server) showUser(w http.ResponseWriter, r *http.Request, c caller, message string, f *form) {
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
	v := web.UserDetailView{ID: strconv.FormatInt(u.ID, 10), Login: u.Login, Name: u.Name, Status: statusText(u), Disabled: u.Disabled, Message: message}
	for _, g := range u.Grants {
		row := web.GrantRow{Role: g.Role.Label(), Unit: g.UnitName}
		if g.UnitCode != "" {
			row.Unit += " (" + g.UnitCode + ")"
		}
		revocable := c.Scope.All()
		if g.Role != account.SystemAdmin {
			_, err := org.GetPartyUnit(r.Context(), s.DB, c.Scope, g.UnitID, time.Now())
			revocable = err == nil
		}
		if revocable {
			row.RevokeAction = fmt.Sprintf("/admin/users/%d/grants/%d/revoke", u.ID, g.ID)
		}
		v.Grants = append(v.Grants, row)
	}
	grant := fields{}
	pw := fields{vals: map[string]string{"password": newPassword()}}
	status := http.StatusOK
	if f != nil {
		grant.vals, grant.inv, pw.inv = valuesOf(f), &f.inv, &f.inv
		if len(f.inv.Fields) > 0 {
			v.Error, status = msgFixErrors, http.StatusUnprocessableEntity
		}
	}
	grant.add("select", "role", "Vai trò", "", roleOptions(c)...)
	grant.add("text", "unit_code", "Mã tổ chức đảng", "")
	pw.add("text", "password", "Mật khẩu mới", "Ít nhất 10 ký tự.")
	v.AddGrant, v.Password = grant.list, pw.list
	s.render(w, r, status, web.UserDetail(c.page(u.Name, "users"), v))
}

// userAction runs one administrator's action on a user and shows the user page again.
func (s *Server) userAction(do func(r *http.Request, c caller, f *form, user int64) (string, error)) callerHandler {
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
		msg, err := do(r, c, f, id)
		var inv *apperr.Invalid
		switch {
		case errors.As(err, &inv):
			f.merge(err)
			msg = ""
		case errors.Is(err, apperr.ErrForbidden):
			f.inv.Add("role", "Đồng chí không được bỏ vai trò này.")
			msg = ""
		case err != nil:
			s.fail(w, r, err)
			return
		}
		s.showUser(w, r, c, msg, f)
	}
}

func (s *Server) userAddGrant(r *http.Request, c caller, f *form, user int64) (string, error) {
	unit := s.unitByCode(r, c.Scope, org.PartyTree, f, "unit_code", time.Now())
	if f.inv.Err() != nil {
		return "", nil
	}
	return "Đã giao vai trò.", account.AddGrant(r.Context(), s.DB, c.Scope, user, account.Role(f.text("role")), unit)
}

func (s *Server) userRevokeGrant(r *http.Request, c caller, f *form, user int64) (string, error) {
	grant, ok := idParam(r, "grant")
	if !ok {
		return "", apperr.ErrNotFound
	}
	return "Đã bỏ vai trò.", account.RevokeGrant(r.Context(), s.DB, c.Scope, user, grant)
}

func (s *Server) userResetPassword(r *http.Request, c caller, f *form, user int64) (string, error) {
	pw := f.values.Get("password")
	return "Đã cấp lại mật khẩu: " + pw + " — xin báo cho người dùng; họ sẽ phải đổi khi đăng nhập.",
		account.ResetPassword(r.Context(), s.DB, c.Scope, user, pw)
}

func (s *Server) userSetDisabled(r *http.Request, c caller, f *form, user int64) (string, error) {
	disabled := f.text("disabled") == "true"
	msg := "Đã mở khóa tài khoản."
	if disabled {
		msg = "Đã khóa tài khoản."
	}
	return msg, account.SetDisabled(r.Context(), s.DB, c.Scope, user, disabled)
}
