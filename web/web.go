// Package web holds the templ components (giao diện) and the static assets embedded into the
// binary. Components render view models and nothing else: no I/O, numbers and dates come
// formatted by package format.
package web

import "embed"

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

// User is the signed-in user as the header shows them.
type User struct {
	Name string
}

// NavItem is one entry of the main navigation.
type NavItem struct {
	Key, Label, Href string
}

// Nav lists the main navigation; entries join it as their pages land.
var Nav = []NavItem{
	{Key: "home", Label: "Trang chủ", Href: "/"},
	{Key: "org", Label: "Cơ cấu tổ chức", Href: "/org"},
}
