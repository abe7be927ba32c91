package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"ptdang/internal/account"
	"ptdang/internal/format"
	"ptdang/internal/org"
)

// DemoPassword signs every demo account in. It is printed by `ptdang demo` and `make run`:
// demo data is for trying the product on one's own machine, never for a real installation.
const DemoPassword = "ptdang-demo-2026"

// demoUser is one demo account; unit picks its unit by SQL (empty for the system administrator).
type demoUser struct {
	login, name string
	role        account.Role
	unit        string
}

var demoUsers = []demoUser{
	{"admin", "Quản trị hệ thống", account.SystemAdmin, ""},
	{"tinh", "Nguyễn Thị Thu Hà (Ban Tổ chức Tỉnh ủy)", account.ProvinceStaff,
		`SELECT unit_id FROM party_unit_version WHERE kind = 'province_committee' AND valid_to IS NULL ORDER BY unit_id LIMIT 1`},
	{"canboxa", "Trần Văn Bình (Đảng ủy xã)", account.CommuneStaff, demoCommuneSQL},
	{"bithu", "Lê Văn Tư (Bí thư chi bộ)", account.CellSecretary, demoCellSQL},
	{"xem", "Phạm Minh Châu (chỉ xem)", account.Viewer,
		`SELECT unit_id FROM party_unit_version WHERE kind = 'province_committee' AND valid_to IS NULL ORDER BY unit_id LIMIT 1`},
}

// The demo commune is the first of today's communes in Vietnamese order; its first hamlet cell
// is the demo cell.
const (
	demoCommuneSQL = `SELECT unit_id FROM party_unit_version
		WHERE kind = 'commune_committee' AND valid_to IS NULL ORDER BY name COLLATE "vi-x-icu", unit_id LIMIT 1`
	demoCellSQL = `SELECT v.unit_id FROM party_unit_version v
		WHERE v.kind = 'affiliated_cell' AND v.valid_to IS NULL AND v.parent_id = (` + demoCommuneSQL + `)
		ORDER BY v.name COLLATE "vi-x-icu", v.unit_id LIMIT 1`
)

var accountsPart = Part{Name: "accounts", Load: loadAccounts}

func loadAccounts(ctx context.Context, tx pgx.Tx) (string, error) {
	scope, today := org.Everything(), format.Today(time.Now()) // the units granted on are open today

	for _, u := range demoUsers {
		var unit int64
		if u.unit != "" {
			if err := tx.QueryRow(ctx, u.unit).Scan(&unit); err != nil {
				return "", fmt.Errorf("unit of %s: %w", u.login, err)
			}
		}
		id, err := account.CreateUser(ctx, tx, scope, account.NewUser{Login: u.login, Name: u.name, Password: DemoPassword, Role: u.role, UnitID: unit}, today)
		if err != nil {
			return "", err
		}
		// Demo accounts are ready to use: no first-sign-in password change.
		if err := account.SkipFirstPasswordChange(ctx, tx, id); err != nil {
			return "", err
		}
	}
	return fmt.Sprintf("%d tài khoản mẫu", len(demoUsers)), nil
}

// Logins describes the demo accounts, one line each, for the operator.
func Logins() string {
	var b strings.Builder
	for _, u := range demoUsers {
		fmt.Fprintf(&b, "  %-8s / %s   %s\n", u.login, DemoPassword, u.role.Label())
	}
	return b.String()
}
