package server

import (
	"errors"
	"net/http"
	"net/url"

	"ptdang/internal/account"
	"ptdang/internal/apperr"
	"ptdang/internal/httpx"
	"ptdang/internal/org"
	"ptdang/web"
)

// The session holds the signed-in user's id and the account's session epoch at sign-in.
const (
	sessionUserKey  = "user_id"
	sessionEpochKey = "session_epoch"
)

// caller is the signed-in user of a request and the scope the route's permission gives them.
// Handlers receive it as a parameter: identity never travels in the context.
type caller struct {
	account.User
	Scope org.Scope
}

// page is the layout's model for c.
func (c caller) page(title, nav string) web.Page { return web.NewPage(title, nav, c.User) }

type callerHandler func(w http.ResponseWriter, r *http.Request, c caller)

// signedIn returns the signed-in user, reading the account afresh so that a disabled account
// or a revoked grant takes effect on the next request. A session signed in before the account's
// session epoch moved on (a password changed or reset, the account disabled) has ended: it is
// destroyed, and the request is a visitor's.
func (s *Server) signedIn(r *http.Request) (account.User, bool, error) {
	id := s.Sessions.GetInt64(r.Context(), sessionUserKey)
	if id == 0 {
		return account.User{}, false, nil
	}
	u, err := account.UserByID(r.Context(), s.DB, id)
	if errors.Is(err, apperr.ErrNotFound) || (err == nil && (u.Disabled || u.SessionEpoch != s.Sessions.GetInt64(r.Context(), sessionEpochKey))) {
		return account.User{}, false, s.Sessions.Destroy(r.Context())
	}
	return u, err == nil, err
}

// need lets through signed-in users whose grants allow p, giving h their scope for p. A visitor
// goes to the sign-in page; a user without p gets 403; a user who must change their password
// goes to that page first.
func (s *Server) need(p account.Permission, h callerHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, ok, err := s.signedIn(r)
		switch {
		case err != nil:
			s.serverError(w, r, err)
			return
		case !ok:
			target := "/login"
			if r.Method == http.MethodGet {
				target += "?next=" + url.QueryEscape(r.URL.RequestURI())
			}
			http.Redirect(w, r, target, http.StatusSeeOther)
			return
		case u.MustChangePassword && r.URL.Path != "/account/password":
			http.Redirect(w, r, "/account/password", http.StatusSeeOther)
			return
		case p != "" && !u.Can(p):
			c := caller{User: u}
			s.errorPageFor(w, r, c.page("Không có quyền", ""), web.ErrorView{Status: http.StatusForbidden, Heading: "Không có quyền",
				Message: "Tài khoản của đồng chí không được giao việc này. Nếu cần, xin liên hệ Ban Tổ chức Tỉnh ủy."})
			return
		}
		h(w, r, caller{User: u, Scope: u.Scope(p, httpx.ClientAddr(r))})
	}
}

// signedInOnly is need without a permission: any signed-in user.
func (s *Server) signedInOnly(h callerHandler) http.HandlerFunc { return s.need("", h) }

// homeUnit is the unit a page opens on when the URL names none (account.HomeUnit).
func (s *Server) homeUnit(r *http.Request, c caller, p account.Permission) (int64, error) {
	return account.HomeUnit(r.Context(), s.DB, c.User, c.Scope, p, s.today())
}
