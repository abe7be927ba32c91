package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"os/user"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"ptdang/internal/account"
	"ptdang/internal/audit"
	"ptdang/internal/format"
	"ptdang/internal/org"
)

const userUsage = `ptdang user: accounts, for the operator

  ptdang user add -login LOGIN -name "Full name" -role ROLE [-unit CODE] [-password PASSWORD]
  ptdang user password -login LOGIN [-password PASSWORD]

ROLE is sysadmin, province_staff, commune_staff, cell_secretary or viewer; every role but sysadmin
needs -unit, the code of the Party unit whose subtree the user works in. Without -password a
password is generated and printed. The user must change it at the first sign-in.
`

// cliActor is the operator at the command line, for the audit log.
func cliActor() audit.Actor {
	name := "cli"
	if u, err := user.Current(); err == nil {
		name = "cli:" + u.Username
	}
	return audit.Actor{Login: name}
}

func userCommand(ctx context.Context, db *pgxpool.Pool, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stdout, userUsage)
		return errors.New("user: want add or password")
	}
	fs := flag.NewFlagSet("ptdang user "+args[0], flag.ContinueOnError)
	login := fs.String("login", "", "sign-in name")
	name := fs.String("name", "", "full name")
	role := fs.String("role", "", "role")
	unit := fs.String("unit", "", "code of the Party unit")
	password := fs.String("password", "", "password (generated when empty)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *password == "" {
		*password = strings.ToLower(rand.Text()[:12])
	}
	scope := org.Everything().As(cliActor())
	switch args[0] {
	case "add":
		var unitID int64
		today := format.Today(time.Now())
		if *unit != "" {
			u, err := org.GetPartyUnitByCode(ctx, db, scope, *unit, today)
			if err != nil {
				return fmt.Errorf("-unit %s: %w", *unit, err)
			}
			unitID = u.ID
		}
		if _, err := account.CreateUser(ctx, db, scope, account.NewUser{Login: *login, Name: *name, Password: *password,
			Role: account.Role(*role), UnitID: unitID}, today); err != nil {
			return explain(err)
		}
	case "password":
		id, err := account.UserIDByLogin(ctx, db, *login)
		if err != nil {
			return fmt.Errorf("-login %s: %w", *login, err)
		}
		u, err := account.GetUser(ctx, db, scope, id)
		if err != nil {
			return fmt.Errorf("-login %s: %w", *login, err)
		}
		if err := account.ResetPassword(ctx, db, scope, id, u.Version, *password); err != nil {
			return explain(err)
		}
	default:
		fmt.Fprint(stdout, userUsage)
		return fmt.Errorf("user %q: want add or password", args[0])
	}
	fmt.Fprintf(stdout, "Đăng nhập: %s / %s (phải đổi mật khẩu khi đăng nhập lần đầu)\n", strings.ToLower(*login), *password)
	return nil
}
