// Package notifytest runs a real SMTP server in the test process and makes people to notify.
package notifytest

import (
	"context"
	"errors"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"

	"github.com/emersion/go-smtp"

	"ptdang/internal/notify"
	"ptdang/internal/pg"
)

// Mail is an e-mail the server received, decoded.
type Mail struct {
	From, To, Subject, Body string
}

// Server is an SMTP server on loopback that keeps what it receives.
type Server struct {
	Host string
	Port int
	mu   sync.Mutex
	got  []Mail
	fail int // refuse this many messages before accepting
}

// NewServer starts an SMTP server on 127.0.0.1, stopped when t ends.
func NewServer(t testing.TB) *Server {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Host: "127.0.0.1", Port: l.Addr().(*net.TCPAddr).Port}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{s: s}, nil }))
	srv.Domain = "localhost"
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return s
}

// SMTP is the configuration that sends through s.
func (s *Server) SMTP() notify.SMTP {
	return notify.SMTP{Host: s.Host, Port: s.Port, From: "thongbao@ptdang.test", BaseURL: "https://ptdang.test"}
}

// FailNext makes the server refuse the next n messages.
func (s *Server) FailNext(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail = n
}

// Mails returns what the server has accepted so far.
func (s *Server) Mails() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.got...)
}

type session struct {
	s        *Server
	from, to string
}

func (c *session) Reset()        {}
func (c *session) Logout() error { return nil }
func (c *session) Mail(from string, _ *smtp.MailOptions) error {
	c.from = from
	return nil
}
func (c *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	c.to = to
	return nil
}

func (c *session) Data(r io.Reader) error {
	msg, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		return err
	}
	body := msg.Body
	if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		body = quotedprintable.NewReader(body)
	}
	text, err := io.ReadAll(body)
	if err != nil {
		return err
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	if c.s.fail > 0 {
		c.s.fail--
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	c.s.got = append(c.s.got, Mail{From: c.from, To: c.to, Subject: subject, Body: strings.ReplaceAll(string(text), "\r\n", "\n")})
	return nil
}

// User adds a person who may sign in as login, with role on unit (no grant when role is ""),
// and returns their id.
func User(t testing.TB, q pg.Querier, login, role string, unit int64) int64 {
	t.Helper()
	ctx := context.Background()
	var id int64
	err := q.QueryRow(ctx, `INSERT INTO app_user (login, name, password_hash) VALUES ($1, $2, 'x') RETURNING id`, login, "Nguyễn Văn "+login).Scan(&id)
	if err == nil && role != "" {
		_, err = q.Exec(ctx, `INSERT INTO role_grant (user_id, role, unit_id) VALUES ($1, $2, $3)`, id, role, unit)
	}
	if err != nil {
		t.Fatal(errors.Join(errors.New("notifytest: user "+login), err))
	}
	return id
}
