// Package account holds users (tài khoản), the roles they are granted on subtrees of the Party
// tree, what each role may do, sign-in with throttling, and passwords.
package account

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/alexedwards/argon2id"
	"github.com/jackc/pgx/v5"
	"golang.org/x/text/unicode/norm"

	"ptdang/internal/apperr"
	"ptdang/internal/audit"
	"ptdang/internal/org"
	"ptdang/internal/pg"
)

// Role is what a user may do within the subtree of the unit it is granted on.
type Role string

// The roles.
const (
	SystemAdmin   Role = "sysadmin"
	ProvinceStaff Role = "province_staff"
	CommuneStaff  Role = "commune_staff"
	CellSecretary Role = "cell_secretary"
	Viewer        Role = "viewer"
)

// Roles lists every role, the most powerful first.
var Roles = []Role{SystemAdmin, ProvinceStaff, CommuneStaff, CellSecretary, Viewer}

var roleLabels = map[Role]string{
	SystemAdmin:   "Quản trị hệ thống",
	ProvinceStaff: "Cán bộ Ban Tổ chức Tỉnh ủy",
	CommuneStaff:  "Cán bộ Đảng ủy xã, phường",
	CellSecretary: "Bí thư chi bộ",
	Viewer:        "Chỉ xem",
}

// Label is the role's Vietnamese name.
func (r Role) Label() string { return roleLabels[r] }

// Valid reports whether r is one of Roles.
func (r Role) Valid() bool { _, ok := roleLabels[r]; return ok }

// Permission is one thing a role allows.
type Permission string

// The permissions.
const (
	ReadStructure   Permission = "read_structure"   // see the trees
	ManageStructure Permission = "manage_structure" // create, correct, close, reorganise units; import
	ManageUsers     Permission = "manage_users"     // create users, grant roles, reset passwords
	ReadAudit       Permission = "read_audit"       // browse the change log
	EnterReports    Permission = "enter_reports"    // enter and submit cells' quarterly reports
	ReviewReports   Permission = "review_reports"   // return, approve or reopen cells' reports
	AcceptReports   Permission = "accept_reports"   // the province's acceptance after approval
	ManageTargets   Permission = "manage_targets"   // set and allocate admission targets, import them
)

var rolePermissions = map[Role][]Permission{
	SystemAdmin:   {ReadStructure, ManageStructure, ManageUsers, ReadAudit, EnterReports, ReviewReports, AcceptReports, ManageTargets},
	ProvinceStaff: {ReadStructure, ManageStructure, ManageUsers, ReadAudit, EnterReports, ReviewReports, AcceptReports, ManageTargets},
	CommuneStaff:  {ReadStructure, EnterReports, ReviewReports, ManageTargets},
	CellSecretary: {ReadStructure, EnterReports},
	Viewer:        {ReadStructure},
}

// Allows reports whether role r has permission p.
func (r Role) Allows(p Permission) bool { return slices.Contains(rolePermissions[r], p) }

// Grant is a role held on a Party unit's subtree.
type Grant struct {
	ID       int64
	Role     Role
	UnitID   int64 // 0 for a system administrator: the whole system
	UnitCode string
	UnitName string
}

// User is an account with its grants.
type User struct {
	ID                 int64
	Login              string
	Name               string
	Disabled           bool
	MustChangePassword bool
	Version            int
	Grants             []Grant
}

// Can reports whether any of u's grants allows p somewhere.
func (u User) Can(p Permission) bool {
	for _, g := range u.Grants {
		if g.Role.Allows(p) {
			return true
		}
	}
	return false
}

// Scope is where u may use p: everything for a system administrator, otherwise the subtrees of
// the grants that allow p. Changes made with it are audited in u's name, from addr.
func (u User) Scope(p Permission, addr string) org.Scope {
	actor := audit.Actor{UserID: u.ID, Login: u.Login, Addr: addr}
	var roots []int64
	for _, g := range u.Grants {
		if g.Role == SystemAdmin {
			return org.Everything().As(actor)
		}
		if g.Role.Allows(p) {
			roots = append(roots, g.UnitID)
		}
	}
	return org.Under(roots...).As(actor)
}

var loginPattern = regexp.MustCompile(`^[a-z0-9._-]{3,40}$`)

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 10

// normalisePassword makes the same password typed on any keyboard hash alike.
func normalisePassword(p string) string { return norm.NFC.String(p) }

func checkPassword(field, p string, inv *apperr.Invalid) {
	if len([]rune(p)) < MinPasswordLength {
		inv.Add(field, fmt.Sprintf("Mật khẩu cần ít nhất %d ký tự.", MinPasswordLength))
	}
}

func hash(password string) (string, error) {
	return argon2id.CreateHash(normalisePassword(password), argon2id.DefaultParams)
}

// NewUser is what an administrator enters to create an account.
type NewUser struct {
	Login    string
	Name     string
	Password string // the first password; the user must change it at first sign-in
	Role     Role
	UnitID   int64
}

// CreateUser creates an account with one grant. by must allow ManageUsers on the unit, and only
// a system administrator creates system administrators.
func CreateUser(ctx context.Context, db pg.Beginner, by org.Scope, in NewUser) (int64, error) {
	in.Login = strings.ToLower(strings.TrimSpace(in.Login))
	in.Name = norm.NFC.String(strings.Join(strings.Fields(in.Name), " "))
	var id int64
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		inv := &apperr.Invalid{}
		if !loginPattern.MatchString(in.Login) {
			inv.Add("login", "Tên đăng nhập gồm 3–40 chữ thường không dấu, chữ số, dấu chấm, gạch ngang hoặc gạch dưới.")
		}
		if in.Name == "" {
			inv.Add("name", "Nhập họ và tên.")
		}
		checkPassword("password", in.Password, inv)
		if err := checkGrant(ctx, tx, by, in.Role, in.UnitID, inv); err != nil {
			return err
		}
		if err := inv.Err(); err != nil {
			return err
		}
		h, err := hash(in.Password)
		if err != nil {
			return err
		}
		err = tx.QueryRow(ctx, `INSERT INTO app_user (login, name, password_hash, must_change_password) VALUES ($1, $2, $3, true) RETURNING id`,
			in.Login, in.Name, h).Scan(&id)
		var pgErr interface{ SQLState() string }
		if errors.As(err, &pgErr) && pgErr.SQLState() == "23505" {
			inv.Add("login", fmt.Sprintf("Tên đăng nhập %q đã có người dùng.", in.Login))
			return inv
		}
		if err != nil {
			return err
		}
		if in.Role == SystemAdmin {
			in.UnitID = 0
		}
		if _, err := tx.Exec(ctx, `INSERT INTO role_grant (user_id, role, unit_id) VALUES ($1, $2, NULLIF($3, 0))`, id, in.Role, in.UnitID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by.Actor, audit.Entry{Action: "create", Entity: "user", EntityID: id, Label: in.Login, UnitID: in.UnitID,
			New: map[string]any{"name": in.Name, "role": in.Role, "unit_id": in.UnitID}})
	})
	return id, err
}

// checkGrant checks that by may grant role on unit.
func checkGrant(ctx context.Context, tx pgx.Tx, by org.Scope, role Role, unit int64, inv *apperr.Invalid) error {
	if !role.Valid() {
		inv.Add("role", "Chọn vai trò.")
	}
	if role == SystemAdmin {
		if !by.All() {
			inv.Add("role", "Chỉ quản trị hệ thống mới cấp được quyền quản trị hệ thống.")
		}
		return nil // a system administrator's grant covers everything
	}
	if unit == 0 {
		inv.Add("unit_code", "Nhập mã tổ chức đảng mà người dùng làm việc.")
		return nil
	}
	if _, err := org.GetPartyUnit(ctx, tx, by, unit, time.Now()); errors.Is(err, apperr.ErrNotFound) {
		inv.Add("unit_code", "Không tìm thấy tổ chức đảng này trong phạm vi đồng chí quản lý.")
	} else if err != nil {
		return err
	}
	return nil
}

// AddGrant gives user the role on unit.
func AddGrant(ctx context.Context, db pg.Beginner, by org.Scope, user int64, role Role, unit int64) error {
	return pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		u, err := GetUser(ctx, tx, by, user)
		if err != nil {
			return err
		}
		inv := &apperr.Invalid{}
		if err := checkGrant(ctx, tx, by, role, unit, inv); err != nil {
			return err
		}
		if err := inv.Err(); err != nil {
			return err
		}
		if role == SystemAdmin {
			unit = 0
		}
		if _, err := tx.Exec(ctx, `INSERT INTO role_grant (user_id, role, unit_id) VALUES ($1, $2, NULLIF($3, 0)) ON CONFLICT DO NOTHING`, user, role, unit); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by.Actor, audit.Entry{Action: "grant", Entity: "user", EntityID: user, Label: u.Login, UnitID: unit,
			New: map[string]any{"role": role, "unit_id": unit}})
	})
}

// RevokeGrant takes grant away from user; the grant's unit must be within by.
func RevokeGrant(ctx context.Context, db pg.Beginner, by org.Scope, user, grant int64) error {
	return pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		u, err := GetUser(ctx, tx, by, user)
		if err != nil {
			return err
		}
		for _, g := range u.Grants {
			if g.ID != grant {
				continue
			}
			if g.Role == SystemAdmin && !by.All() {
				return apperr.ErrForbidden
			}
			if g.Role != SystemAdmin {
				if _, err := org.GetPartyUnit(ctx, tx, by, g.UnitID, time.Now()); err != nil {
					return err
				}
			}
			if _, err := tx.Exec(ctx, `DELETE FROM role_grant WHERE id = $1`, grant); err != nil {
				return err
			}
			return audit.Record(ctx, tx, by.Actor, audit.Entry{Action: "revoke", Entity: "user", EntityID: user, Label: u.Login, UnitID: g.UnitID,
				Old: map[string]any{"role": g.Role, "unit_id": g.UnitID}})
		}
		return apperr.ErrNotFound
	})
}

// GetUser returns user id with its grants, or apperr.ErrNotFound when it does not exist or has
// no grant within by (a user's administrators are those above one of its units).
func GetUser(ctx context.Context, q pg.Querier, by org.Scope, id int64) (User, error) {
	u, err := loadUser(ctx, q, `id = $1`, id)
	if err != nil {
		return User{}, err
	}
	if by.All() {
		return u, nil
	}
	for _, g := range u.Grants {
		if g.Role == SystemAdmin {
			continue // only system administrators manage system administrators
		}
		if _, err := org.GetPartyUnit(ctx, q, by, g.UnitID, time.Now()); err == nil {
			return u, nil
		}
	}
	return User{}, apperr.ErrNotFound
}

// loadUser reads one user and its grants, with no scope: for sign-in and the session.
func loadUser(ctx context.Context, q pg.Querier, where string, arg any) (User, error) {
	var u User
	err := q.QueryRow(ctx, `SELECT id, login, name, disabled, must_change_password, version FROM app_user WHERE `+where, arg).
		Scan(&u.ID, &u.Login, &u.Name, &u.Disabled, &u.MustChangePassword, &u.Version)
	if errors.Is(err, pgx.ErrNoRows) {
		return User{}, apperr.ErrNotFound
	}
	if err != nil {
		return User{}, err
	}
	rows, err := q.Query(ctx, `
		SELECT g.id, g.role, COALESCE(g.unit_id, 0), COALESCE(p.code, ''), COALESCE(v.name, 'Toàn hệ thống')
		FROM role_grant g
		LEFT JOIN party_unit p ON p.id = g.unit_id
		LEFT JOIN LATERAL party_version_at(g.unit_id, now()::date) v ON true
		WHERE g.user_id = $1
		ORDER BY array_position(ARRAY['sysadmin','province_staff','commune_staff','cell_secretary','viewer'], g.role), v.name COLLATE "vi-x-icu"`, u.ID)
	if err != nil {
		return User{}, err
	}
	u.Grants, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (Grant, error) {
		var g Grant
		err := row.Scan(&g.ID, &g.Role, &g.UnitID, &g.UnitCode, &g.UnitName)
		return g, err
	})
	return u, err
}

// UserByID reads a signed-in user's account for their session; apperr.ErrNotFound once deleted.
func UserByID(ctx context.Context, q pg.Querier, id int64) (User, error) {
	return loadUser(ctx, q, `id = $1`, id)
}

// UserIDByLogin finds an account by its sign-in name, for the operator's tools.
func UserIDByLogin(ctx context.Context, q pg.Querier, login string) (int64, error) {
	u, err := loadUser(ctx, q, `login = $1`, strings.ToLower(strings.TrimSpace(login)))
	return u.ID, err
}

// ListUsers lists the users with a grant within by, in Vietnamese order of their names.
func ListUsers(ctx context.Context, q pg.Querier, by org.Scope) ([]User, error) {
	rows, err := q.Query(ctx, `SELECT u.id FROM app_user u
		WHERE EXISTS (SELECT 1 FROM role_grant g WHERE g.user_id = u.id
			AND ($1::bigint[] IS NULL OR (g.unit_id IS NOT NULL AND party_in_scope(g.unit_id, $1, now()::date))))
		ORDER BY u.name COLLATE "vi-x-icu", u.id`, by.SQLRoots())
	if err != nil {
		return nil, err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, err
	}
	users := make([]User, 0, len(ids))
	for _, id := range ids {
		u, err := loadUser(ctx, q, `id = $1`, id)
		if err != nil {
			return nil, err
		}
		users = append(users, u)
	}
	return users, nil
}

// ResetPassword sets user's password to password, to be changed at the next sign-in, and
// unlocks the account. by must manage the user.
func ResetPassword(ctx context.Context, db pg.Beginner, by org.Scope, user int64, password string) error {
	return pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		u, err := GetUser(ctx, tx, by, user)
		if err != nil {
			return err
		}
		inv := &apperr.Invalid{}
		checkPassword("password", password, inv)
		if err := inv.Err(); err != nil {
			return err
		}
		h, err := hash(password)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE app_user SET password_hash = $2, must_change_password = true, version = version + 1 WHERE id = $1`, user, h); err != nil {
			return err
		}
		// A reset also lifts a lockout: the administrator has checked who is asking.
		if _, err := tx.Exec(ctx, `INSERT INTO login_attempt (login, addr, ok) VALUES ($1, 'reset', true)`, u.Login); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by.Actor, audit.Entry{Action: "reset_password", Entity: "user", EntityID: user, Label: u.Login})
	})
}

// SetDisabled disables or re-enables user's account.
func SetDisabled(ctx context.Context, db pg.Beginner, by org.Scope, user int64, disabled bool) error {
	return pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		u, err := GetUser(ctx, tx, by, user)
		if err != nil {
			return err
		}
		if u.ID == by.Actor.UserID {
			inv := &apperr.Invalid{}
			inv.Add("disabled", "Không thể tự khóa tài khoản của mình.")
			return inv
		}
		if _, err := tx.Exec(ctx, `UPDATE app_user SET disabled = $2, version = version + 1 WHERE id = $1`, user, disabled); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by.Actor, audit.Entry{Action: "set_disabled", Entity: "user", EntityID: user, Label: u.Login,
			Old: map[string]any{"disabled": u.Disabled}, New: map[string]any{"disabled": disabled}})
	})
}

// ChangePassword changes the signed-in user's own password after checking the current one.
func ChangePassword(ctx context.Context, db pg.Beginner, actor audit.Actor, current, next string) error {
	return pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		var h string
		if err := tx.QueryRow(ctx, `SELECT password_hash FROM app_user WHERE id = $1`, actor.UserID).Scan(&h); err != nil {
			return err
		}
		inv := &apperr.Invalid{}
		if ok, err := argon2id.ComparePasswordAndHash(normalisePassword(current), h); err != nil {
			return err
		} else if !ok {
			inv.Add("current", "Mật khẩu hiện tại không đúng.")
		}
		checkPassword("next", next, inv)
		if current == next {
			inv.Add("next", "Mật khẩu mới phải khác mật khẩu hiện tại.")
		}
		if err := inv.Err(); err != nil {
			return err
		}
		nh, err := hash(next)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE app_user SET password_hash = $2, must_change_password = false, version = version + 1 WHERE id = $1`, actor.UserID, nh); err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "change_password", Entity: "user", EntityID: actor.UserID, Label: actor.Login})
	})
}
