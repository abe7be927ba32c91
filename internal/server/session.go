package server

import (
	"net/http"

	"ptdang/internal/account"
	"ptdang/internal/apperr"
	"ptdang/internal/httpx"
	"ptdang/web"
)

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, web.Login(web.Page{Title: "Đăng nhập"}, web.LoginView{Next: httpx.SafeNext(r.URL.Query().Get("next"))}))
}

// maxLoginBytes bounds the login name a sign-in looks up. Logins have at most 40 characters; a
// 900 KB one failed with a 500 (it is recorded, and indexed, with the attempt).
const maxLoginBytes = 100

// login signs a user in: a new session token (no fixation), the user's id in it.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	v := web.LoginView{Login: f.text("login"), Next: httpx.SafeNext(f.text("next"))}
	switch {
	case len(v.Login) > maxLoginBytes:
		v.Login, v.Error = "", "Tên đăng nhập dài quá: tên đăng nhập có nhiều nhất 40 ký tự. Xin kiểm tra lại."
	case f.inv.Err() != nil:
		v.Error = "Tên đăng nhập hoặc mật khẩu có ký tự không hợp lệ (ký tự NUL). Xin gõ lại."
	}
	if v.Error != "" {
		s.render(w, r, http.StatusUnprocessableEntity, web.Login(web.Page{Title: "Đăng nhập"}, v))
		return
	}
	u, err := account.SignIn(r.Context(), s.DB, s.Hashes, f.text("login"), f.values.Get("password"), httpx.ClientAddr(r), s.Now())
	if err != nil {
		// A wrong password or a locked account is told on the sign-in page; being busy or broken is not.
		if v.Error = apperr.Message(err); v.Error == "" {
			s.fail(w, r, err)
			return
		}
		s.Log.Warn("sign-in refused", "login", v.Login, "addr", httpx.ClientAddr(r), "err", err)
		s.render(w, r, http.StatusUnauthorized, web.Login(web.Page{Title: "Đăng nhập"}, v))
		return
	}
	if err := s.Sessions.RenewToken(r.Context()); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.Sessions.Put(r.Context(), sessionUserKey, u.ID)
	s.Sessions.Put(r.Context(), sessionEpochKey, u.SessionEpoch)
	next := v.Next
	if u.MustChangePassword {
		next = "/account/password"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if err := s.Sessions.Destroy(r.Context()); err != nil {
		s.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

func (s *Server) passwordPage(w http.ResponseWriter, r *http.Request, c caller) {
	s.renderForm(w, r, c, "", web.PasswordForm(c.MustChangePassword, nil, ""))
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request, c caller) {
	f, ok := s.parseForm(w, r)
	if !ok {
		return
	}
	epoch, err := account.ChangePassword(r.Context(), s.DB, c.Scope.Actor, f.values.Get("current"), f.values.Get("next"))
	if err == nil {
		// The change ended every session of the account; this one carries on, under a new token.
		if err := s.Sessions.RenewToken(r.Context()); err != nil {
			s.serverError(w, r, err)
			return
		}
		s.Sessions.Put(r.Context(), sessionEpochKey, epoch)
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	msg, _, ok := f.refused(err)
	if !ok {
		s.fail(w, r, err)
		return
	}
	s.renderForm(w, r, c, "", web.PasswordForm(c.MustChangePassword, f.inv.Fields, msg))
}
