package web

import (
	"fmt"
	"strconv"
	"strings"

	"ptdang/internal/account"
	"ptdang/internal/apperr"
	"ptdang/internal/org"
)

// The user pages' words and rows: how an account, its roles and its forms read.

// UserStatus names an account's state.
func UserStatus(u account.User) string {
	switch {
	case u.Disabled:
		return "Đã khóa"
	case u.MustChangePassword:
		return "Chờ đổi mật khẩu"
	}
	return "Đang dùng"
}

// NewUserListView lists users, each with their roles on one line.
func NewUserListView(users []account.User) UserListView {
	var v UserListView
	for _, u := range users {
		grants := make([]string, len(u.Grants))
		for i, g := range u.Grants {
			grants[i] = g.Role.Label() + " – " + g.UnitName
		}
		v.Users = append(v.Users, UserRow{Href: fmt.Sprintf("/admin/users/%d", u.ID), Login: u.Login, Name: u.Name,
			Grants: strings.Join(grants, "; "), Status: UserStatus(u)})
	}
	return v
}

func roleOptions(roles []account.Role) []Option {
	opts := make([]Option, len(roles))
	for i, r := range roles {
		opts[i] = Option{Value: string(r), Label: r.Label()}
	}
	return opts
}

// NewUserForm is the form of a new account, offering roles, filled with vals and errs.
func NewUserForm(roles []account.Role, vals, errs map[string]string, msg string) FormView {
	fs := []FormField{field("text", "name", "Họ và tên", ""),
		field("text", "login", "Tên đăng nhập", "Chữ thường không dấu, ví dụ: nguyen.van.an"),
		field("select", "role", "Vai trò", "", roleOptions(roles)...),
		field("unit", "unit_code", "Mã tổ chức đảng làm việc", "Người dùng xem và làm việc trong tổ chức này và các tổ chức trực thuộc."),
		field("text", "password", "Mật khẩu ban đầu", "Ít nhất 10 ký tự; người dùng phải đổi khi đăng nhập lần đầu.")}
	return FormView{Title: "Thêm người dùng", Action: "/admin/users/new", Submit: "Tạo tài khoản", Cancel: "/admin/users",
		Error: msg, Fields: Fill(fs, vals, errs)}
}

// UserPageState is what the user page shows besides the account: the message of an action done,
// or the problem that refused it with the grant form as typed (vals) and its errors; and the
// password the reset form suggests.
type UserPageState struct {
	Message, Problem string
	Vals, Errs       map[string]string
	Password         string
}

// NewUserDetailView is u's page for a caller who may grant roles.
func NewUserDetailView(u account.User, roles []account.Role, st UserPageState) UserDetailView {
	v := UserDetailView{ID: strconv.FormatInt(u.ID, 10), Version: strconv.Itoa(u.Version), Login: u.Login, Name: u.Name,
		Status: UserStatus(u), Disabled: u.Disabled, Manageable: u.Manageable(), Message: st.Message, Error: st.Problem}
	if !u.Manageable() {
		v.NotManaged = apperr.Message(account.ErrNotManaged)
	}
	for _, g := range u.Grants { // those within the caller's scope: each may be revoked
		row := GrantRow{Role: g.Role.Label(), Unit: g.UnitName, RevokeAction: fmt.Sprintf("/admin/users/%d/grants/%d/revoke", u.ID, g.ID)}
		if g.UnitCode != "" {
			row.Unit += " (" + g.UnitCode + ")"
		}
		v.Grants = append(v.Grants, row)
	}
	v.AddGrant = Fill([]FormField{field("select", "role", "Vai trò", "", roleOptions(roles)...),
		field("unit", "unit_code", "Mã tổ chức đảng", "Gõ mã hoặc tên để chọn.")}, st.Vals, st.Errs)
	v.Password = Fill([]FormField{field("text", "password", "Mật khẩu mới", "Ít nhất 10 ký tự.")},
		map[string]string{"password": st.Password}, st.Errs)
	return v
}

// PasswordForm is the form to change one's own password; mustChange when the account has to first.
func PasswordForm(mustChange bool, errs map[string]string, msg string) FormView {
	intro := ""
	if mustChange {
		intro = "Đồng chí cần đặt mật khẩu riêng trước khi làm việc."
	}
	fs := []FormField{field("password", "current", "Mật khẩu hiện tại", ""),
		field("password", "next", "Mật khẩu mới", "Ít nhất 10 ký tự. Nên dùng một câu dễ nhớ, ví dụ: hoa sen nở ở đầm làng")}
	return FormView{Title: "Đổi mật khẩu", Intro: intro, Action: "/account/password", Submit: "Đổi mật khẩu", Error: msg,
		Fields: Fill(fs, nil, errs)}
}

// UnitOptionsID names the unit picker's list (there is one picker on a page).
const UnitOptionsID = "unit-options"

// PartyUnitOptions offers the Party units among hits: value the code, label the name.
func PartyUnitOptions(hits []org.Hit) []Option {
	var opts []Option
	for _, h := range hits {
		if h.Tree == org.PartyTree {
			opts = append(opts, Option{Value: h.Code, Label: h.Name})
		}
	}
	return opts
}
