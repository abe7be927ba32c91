// Package web holds the templ components (giao diện) and the static assets embedded into the
// binary. Components render view models and nothing else: no I/O, numbers and dates come
// formatted by package format.
package web

import (
	"embed"
	"strconv"

	"ptdang/internal/account"
)

// Static holds our CSS and the vendored htmx, served under /static/.
//
//go:embed static
var Static embed.FS

// Page is what the layout needs from every page.
type Page struct {
	Title string // the page's own title, before the product name
	User  *User  // the signed-in user, nil for a visitor
	Nav   string // the key of the navigation entry to mark as current
}

// NewPage is the layout's model of a page for u, who is a visitor when u.ID is 0.
func NewPage(title, nav string, u account.User) Page {
	p := Page{Title: title, Nav: nav}
	if u.ID != 0 {
		p.User = &User{Name: u.Name, CanManageUsers: u.Can(account.ManageUsers), CanReadAudit: u.Can(account.ReadAudit),
			CanReport: u.Can(account.EnterReports), CanReview: u.Can(account.ReviewReports)}
	}
	return p
}

// User is the signed-in user as the header and navigation show them.
type User struct {
	Name           string
	CanManageUsers bool
	CanReadAudit   bool
	CanReport      bool
	CanReview      bool
}

// NavItem is one entry of the main navigation.
type NavItem struct {
	Key, Label, Href string
}

// nav lists the navigation entries the page's user may open.
func (p Page) nav() []NavItem {
	items := []NavItem{{Key: "home", Label: "Trang chủ", Href: "/"}}
	if p.User == nil {
		return items
	}
	items = append(items, NavItem{Key: "dashboard", Label: "Chỉ số", Href: "/dashboard"})
	if p.User.CanReport {
		items = append(items, NavItem{Key: "reports", Label: "Báo cáo quý", Href: "/reports"})
		items = append(items, NavItem{Key: "register", Label: "Hồ sơ phát triển đảng viên", Href: "/register"})
	}
	items = append(items, NavItem{Key: "org", Label: "Cơ cấu tổ chức", Href: "/org"})
	items = append(items, NavItem{Key: "targets", Label: "Chỉ tiêu", Href: "/targets"})
	if p.User.CanReview {
		items = append(items, NavItem{Key: "stats", Label: "Báo cáo thống kê", Href: "/stats"})
	}
	if p.User.CanManageUsers {
		items = append(items, NavItem{Key: "users", Label: "Người dùng", Href: "/admin/users"})
	}
	if p.User.CanReadAudit {
		items = append(items, NavItem{Key: "audit", Label: "Nhật ký thay đổi", Href: "/admin/audit"})
	}
	return items
}

// svgNum writes an SVG coordinate.
func svgNum(f float64) string { return strconv.FormatFloat(f, 'f', 2, 64) }
