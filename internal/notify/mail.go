package notify

import (
	"context"
	"fmt"
	"time"

	"github.com/wneessen/go-mail"
)

// SMTP is how to reach the mail server that sends e-mails.
type SMTP struct {
	Host     string // "" turns e-mail off
	Port     int
	User     string // "" for a server that needs no sign-in
	Password string
	From     string // the sender's address, e.g. "Phát triển Đảng <thongbao@tinhuy.vn>"
	BaseURL  string // the site's address, before each message's link
}

// Mailer sends messages by e-mail through an SMTP server, STARTTLS when the server offers it.
type Mailer struct{ cfg SMTP }

// NewMailer returns a Mailer for cfg, or nil when cfg names no host (e-mail off).
func NewMailer(cfg SMTP) *Mailer {
	if cfg.Host == "" {
		return nil
	}
	return &Mailer{cfg}
}

// Send e-mails m to the address to; the error is the mail server's or the network's.
func (s *Mailer) Send(ctx context.Context, to string, m Message) error {
	msg := mail.NewMsg()
	if err := msg.From(s.cfg.From); err != nil {
		return fmt.Errorf("sender %q: %w", s.cfg.From, err)
	}
	if err := msg.To(to); err != nil {
		return fmt.Errorf("recipient: %w", err)
	}
	msg.Subject(m.Subject)
	msg.SetBodyString(mail.TypeTextPlain, m.Body+"\n\n"+s.cfg.BaseURL+m.Link+"\n")
	opts := []mail.Option{mail.WithPort(s.cfg.Port), mail.WithTLSPolicy(mail.TLSOpportunistic), mail.WithTimeout(20 * time.Second)}
	if s.cfg.User != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover), mail.WithUsername(s.cfg.User), mail.WithPassword(s.cfg.Password))
	}
	c, err := mail.NewClient(s.cfg.Host, opts...)
	if err != nil {
		return err
	}
	return c.DialAndSendWithContext(ctx, msg)
}
