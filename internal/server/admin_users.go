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

func (s *Server) userList(w http.ResponseWriter, r *http.Request, c caller) {
	users, err := account.ListUsers(r.Context(), s.DB, c.Scope)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, web.UserList(c.page("Người dùng", "users"), web.NewUserListView(users)))
}

// newPassword suggests a first password: twelve readable characters.
func newPassword() string { return strings.ToLower(rand.Text()[:12]) }

// userNew shows the form of a new account and creates it.
func (s *Server) userNew(w http.ResponseWriter, r *http.Request, c caller) {
	view := func(vals, errs map[string]string, msg string) web.FormView {
		return web.NewUserForm(account.GrantableRoles(c.Scope), vals, errs, msg)
	}
	s.formPage(w, r, c, "users", view, map[string]string{"password": newPassword()}, func(f *form) (string, error) {
		unit := s.unitByCode(r, c.Scope, org.PartyTree, f, "unit_code", s.today())
		if err := f.inv.Err(); err != nil {
			return "", err
		}
		id, err := account.CreateUser(r.Context(), s.DB, c.Scope, account.NewUser{Login: f.text("login"), Name: f.text("name"),
			Password: f.values.Get("password"), Role: account.Role(f.text("role")), UnitID: unit}, s.today())
		return fmt.Sprintf("/admin/users/%d", id), err
	}, nil)
}

// unitOptions answers the unit code pickers: the Party units in the caller's scope whose code or
// name matches what was typed (accents aside), at most 20.
func (s *Server) unitOptions(w http.ResponseWriter, r *http.Request, c caller) {
	const limit = 20
	typed := strings.TrimSpace(r.URL.Query().Get("unit_code"))
	hits, err := org.Search(r.Context(), s.DB, c.Scope, typed, s.today(), limit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, web.UnitOptions(web.PartyUnitOptions(hits), typed, len(hits) >= limit))
}

// userDetail shows one user as the caller sees them.
func (s *Server) userDetail(w http.ResponseWriter, r *http.Request, c caller) {
	s.showUser(w, r, c, http.StatusOK, web.UserPageState{})
}

// showUser shows the user page in the state an action left it.
func (s *Server) showUser(w http.ResponseWriter, r *http.Request, c caller, status int, st web.UserPageState) {
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
	st.Password = newPassword()
	v := web.NewUserDetailView(u, account.GrantableRoles(c.Scope), st)
	s.render(w, r, status, web.UserDetail(c.page(u.Name, "users"), v))
}

// userAction runs one administrator's action on a user, from the version of the account the
// page showed, and shows the user page again.
func (s *Server) userAction(do func(r *http.Request, c caller, f *form, user int64, version int) (string, error)) callerHandler {
	return s.withID(func(w http.ResponseWriter, r *http.Request, c caller, id int64) {
		f, ok := s.parseForm(w, r)
		if !ok {
			return
		}
		// A missing or malformed version is a stale one: the action is refused as a conflict.
		version, _ := strconv.Atoi(f.text("version"))
		msg, err := do(r, c, f, id, version)
		if err == nil {
			s.showUser(w, r, c, http.StatusOK, web.UserPageState{Message: msg})
			return
		}
		problem, status, ok := f.refused(err)
		if !ok {
			s.fail(w, r, err)
			return
		}
		st := web.UserPageState{Problem: problem}
		if len(f.inv.Fields) > 0 { // else the account changed or is not the caller's: show it as it is now
			st.Vals, st.Errs = valuesOf(f), f.inv.Fields
		}
		s.showUser(w, r, c, status, st)
	})
}

func (s *Server) userAddGrant(r *http.Request, c caller, f *form, user int64, version int) (string, error) {
	unit := s.unitByCode(r, c.Scope, org.PartyTree, f, "unit_code", s.today())
	if err := f.inv.Err(); err != nil {
		return "", err
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
