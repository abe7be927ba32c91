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
	ManageRules     Permission = "manage_rules"     // add the register's dated rule sets (system-wide deadlines)
)

var rolePermissions = map[Role][]Permission{
	SystemAdmin:   {ReadStructure, ManageStructure, ManageUsers, ReadAudit, EnterReports, ReviewReports, AcceptReports, ManageTargets, ManageRules},
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
	// SessionEpoch is the account's generation of sessions: a session signed in under an
	// earlier epoch has ended. ResetPassword, SetDisabled and ChangePassword move it on.
	SessionEpoch int64
	Grants       []Grant
	// OutsideScope: the account was read through a scope (GetUser, ListUsers) and holds grants
	// outside it, which Grants leaves out.
	OutsideScope bool
}

// Manageable reports whether the scope u was read through may act on the whole account (reset
// its password, disable or re-enable it): only when every grant of the account lies within that
// scope. A system administrator's grant lies within the system administrator's scope only.
func (u User) Manageable() bool { return !u.OutsideScope }

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

// changeHashes bounds the hashes that account changes make or compare (creating an account,
// resetting or changing a password): one at a time, a short queue, the rest told to retry.
// They are rare, but any signed-in user can change their password, and each hash takes some
// 64 MiB and all the CPUs for a moment; sign-ins have their own Hasher.
var changeHashes = NewHasher(1, 32)

// hash makes password's hash with a slot of changeHashes: ErrBusy when too many wait.
func hash(ctx context.Context, password string) (string, error) {
	release, err := changeHashes.Acquire(ctx)
	if err != nil {
		return "", err
	}
	defer release()
	return argon2id.CreateHash(normalisePassword(password), argon2id.DefaultParams)
}

// matches compares password with hash with a slot of changeHashes: ErrBusy when too many wait.
func matches(ctx context.Context, password, hash string) (bool, error) {
	release, err := changeHashes.Acquire(ctx)
	if err != nil {
		return false, err
	}
	defer release()
	return argon2id.ComparePasswordAndHash(normalisePassword(password), hash)
}

// NewUser is what an administrator enters to create an account.
type NewUser struct {
	Login    string
	Name     string
	Password string // the first password; the user must change it at first sign-in
	Role     Role
	UnitID   int64
}

// CreateUser creates an account with one grant. by must allow ManageUsers on the unit, which
// must exist on today, and only a system administrator creates system administrators. Errors:
// *apperr.Invalid (a field, a login already taken, a unit out of by's reach), ErrBusy (too many
// password hashes wait), ctx's error.
func CreateUser(ctx context.Context, db pg.Beginner, by org.Scope, in NewUser, today time.Time) (int64, error) {
	in.Login = strings.ToLower(strings.TrimSpace(in.Login))
	in.Name = norm.NFC.String(strings.Join(strings.Fields(in.Name), " "))
	var id int64
	inv := &apperr.Invalid{}
	if !loginPattern.MatchString(in.Login) {
		inv.Add("login", "Tên đăng nhập gồm 3–40 chữ thường không dấu, chữ số, dấu chấm, gạch ngang hoặc gạch dưới.")
	}
	if in.Name == "" {
		inv.Add("name", "Nhập họ và tên.")
	}
	checkPassword("password", in.Password, inv)
	var h string
	if len(inv.Fields) == 0 {
		var err error
		if h, err = hash(ctx, in.Password); err != nil { // outside the transaction: it takes a while and much memory
			return 0, err
		}
	}
	err := pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		if err := checkGrant(ctx, tx, by, in.Role, in.UnitID, today, inv); err != nil {
			return err
		}
		if err := inv.Err(); err != nil {
			return err
		}
		err := tx.QueryRow(ctx, `INSERT INTO app_user (login, name, password_hash, must_change_password) VALUES ($1, $2, $3, true) RETURNING id`,
			in.Login, in.Name, h).Scan(&id)
		if pg.IsUniqueViolation(err) {
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

// GrantableRoles are the roles by may grant: a system administrator's only from the whole
// system's scope, as checkGrant requires.
func GrantableRoles(by org.Scope) []Role {
	if by.All() {
		return Roles
	}
	return slices.DeleteFunc(slices.Clone(Roles), func(r Role) bool { return r == SystemAdmin })
}

// checkGrant checks that by may grant role on unit, as the unit is on today.
func checkGrant(ctx context.Context, tx pgx.Tx, by org.Scope, role Role, unit int64, today time.Time, inv *apperr.Invalid) error {
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
	if _, err := org.GetPartyUnit(ctx, tx, by, unit, today); errors.Is(err, apperr.ErrNotFound) {
		inv.Add("unit_code", "Không tìm thấy tổ chức đảng này trong phạm vi đồng chí quản lý.")
	} else if err != nil {
		return err
	}
	return nil
}

// Who may do what to an account. A caller with ManageUsers over a scope
//   - sees an account when at least one of its grants lies within the scope (GetUser, ListUsers),
//     and sees only those grants: the others are neither shown nor changed;
//   - grants and revokes roles on units within the scope only (AddGrant, RevokeGrant);
//   - manages the account (ResetPassword, SetDisabled) only when every one of its grants lies
//     within the scope (User.Manageable): otherwise a staff member of one commune could take
//     over the account of someone who also works elsewhere, or of a system administrator who
//     also holds a grant in the commune.
// A system administrator's scope holds every grant. Every change to an account moves its
// version on, and is made only from the version the caller saw: any change made in between,
// a grant given elsewhere included, makes it apperr.ErrConflict.

// AddGrant gives user the role on unit, from the account's version. by must see the user and
// hold the unit, as it is on today. Errors: apperr.ErrNotFound (by does not see the user),
// *apperr.Invalid (role or unit), apperr.ErrConflict (version is stale).
func AddGrant(ctx context.Context, db pg.Beginner, by org.Scope, user int64, version int, role Role, unit int64, today time.Time) error {
	return pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		u, err := GetUser(ctx, tx, by, user)
		if err != nil {
			return err
		}
		inv := &apperr.Invalid{}
		if err := checkGrant(ctx, tx, by, role, unit, today, inv); err != nil {
			return err
		}
		if err := inv.Err(); err != nil {
			return err
		}
		if role == SystemAdmin {
			unit = 0
		}
		if err := update(ctx, tx, user, version, ``); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO role_grant (user_id, role, unit_id) VALUES ($1, $2, NULLIF($3, 0)) ON CONFLICT DO NOTHING`, user, role, unit); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by.Actor, audit.Entry{Action: "grant", Entity: "user", EntityID: user, Label: u.Login, UnitID: unit,
			New: map[string]any{"role": role, "unit_id": unit}})
	})
}

// RevokeGrant takes grant away from user, from the account's version. Errors: apperr.ErrNotFound
// (by does not see the user, or the grant is not one of theirs within by), apperr.ErrConflict.
func RevokeGrant(ctx context.Context, db pg.Beginner, by org.Scope, user int64, version int, grant int64) error {
	return pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		u, err := GetUser(ctx, tx, by, user)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(u.Grants, func(g Grant) bool { return g.ID == grant })
		if i < 0 {
			return apperr.ErrNotFound
		}
		g := u.Grants[i]
		if err := update(ctx, tx, user, version, ``); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM role_grant WHERE id = $1 AND user_id = $2`, grant, user); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by.Actor, audit.Entry{Action: "revoke", Entity: "user", EntityID: user, Label: u.Login, UnitID: g.UnitID,
			Old: map[string]any{"role": g.Role, "unit_id": g.UnitID}})
	})
}

// GetUser returns user id as by sees it: only its grants within by, OutsideScope set when it
// holds others. apperr.ErrNotFound when it does not exist or has no grant within by.
func GetUser(ctx context.Context, q pg.Querier, by org.Scope, id int64) (User, error) {
	u, err := readUser(ctx, q, by, `id = $1`, id)
	if err != nil {
		return User{}, err
	}
	if len(u.Grants) == 0 && !by.All() {
		return User{}, apperr.ErrNotFound
	}
	return u, nil
}

// manage reads user for a change to the whole account: apperr.ErrNotFound when by does not see
// it, apperr.ErrForbidden when it holds grants outside by.
func manage(ctx context.Context, tx pgx.Tx, by org.Scope, user int64) (User, error) {
	u, err := GetUser(ctx, tx, by, user)
	if err != nil {
		return User{}, err
	}
	if !u.Manageable() {
		return User{}, ErrNotManaged
	}
	return u, nil
}

// update moves user on from version to the next, with set's changes (assignments from $3 on,
// each followed by a comma): apperr.ErrConflict when the account is no longer at version. The
// version is checked in the UPDATE's own WHERE, so of concurrent changes from one version
// exactly one is made; compared as a bigint, a version no account reaches is only stale.
func update(ctx context.Context, tx pgx.Tx, user int64, version int, set string, args ...any) error {
	tag, err := tx.Exec(ctx, `UPDATE app_user SET `+set+` version = version + 1 WHERE id = $1 AND version = $2::bigint`,
		append([]any{user, version}, args...)...)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return errUserChanged
	}
	return nil
}

// The refusals of a change to a whole account, as the account page states them.
var (
	errUserChanged = apperr.Refuse(apperr.ErrConflict, "Tài khoản này vừa được người khác thay đổi trong lúc đồng chí thao tác, "+
		"nên thao tác chưa được thực hiện. Trang dưới đây là thông tin mới nhất; xin xem lại rồi làm lại nếu vẫn cần.")
	// ErrNotManaged: the account holds grants outside the caller's scope (an apperr.ErrForbidden).
	ErrNotManaged = apperr.Refuse(apperr.ErrForbidden, "Người dùng này còn vai trò ở tổ chức ngoài phạm vi đồng chí quản lý, "+
		"nên đồng chí không cấp lại mật khẩu, khóa hay mở khóa được tài khoản. Xin đề nghị cấp quản lý chung hoặc quản trị hệ thống.")
	errPasswordChanged = apperr.Refuse(apperr.ErrConflict, "Mật khẩu vừa được đổi ở một phiên đăng nhập khác. Xin đăng nhập lại bằng mật khẩu mới.")
)

// readUser reads one user and its grants within by.
func readUser(ctx context.Context, q pg.Querier, by org.Scope, where string, arg any) (User, error) {
	var u User
	err := q.QueryRow(ctx, `SELECT id, login, name, disabled, must_change_password, version, session_epoch FROM app_user WHERE `+where, arg).
		Scan(&u.ID, &u.Login, &u.Name, &u.Disabled, &u.MustChangePassword, &u.Version, &u.SessionEpoch)
	if errors.Is(err, pgx.ErrNoRows) {
		return User{}, apperr.ErrNotFound
	}
	if err != nil {
		return User{}, err
	}
	// A system administrator's grant names no unit: it lies within everything only.
	rows, err := q.Query(ctx, `
		SELECT g.id, g.role, COALESCE(g.unit_id, 0), COALESCE(p.code, ''), COALESCE(v.name, 'Toàn hệ thống'),
			$2::bigint[] IS NULL OR (g.unit_id IS NOT NULL AND party_in_scope(g.unit_id, $2, now()::date))
		FROM role_grant g
		LEFT JOIN party_unit p ON p.id = g.unit_id
		LEFT JOIN LATERAL party_version_at(g.unit_id, now()::date) v ON true
		WHERE g.user_id = $1
		ORDER BY array_position(ARRAY['sysadmin','province_staff','commune_staff','cell_secretary','viewer'], g.role), v.name COLLATE "vi-x-icu"`,
		u.ID, by.SQLRoots())
	if err != nil {
		return User{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			g  Grant
			in bool
		)
		if err := rows.Scan(&g.ID, &g.Role, &g.UnitID, &g.UnitCode, &g.UnitName, &in); err != nil {
			return User{}, err
		}
		if in {
			u.Grants = append(u.Grants, g)
		} else {
			u.OutsideScope = true
		}
	}
	return u, rows.Err()
}

// loadUser reads one user and all its grants, with no scope: for sign-in and the session.
func loadUser(ctx context.Context, q pg.Querier, where string, arg any) (User, error) {
	return readUser(ctx, q, org.Everything(), where, arg)
}

// UserByID reads a signed-in user's account for their session; apperr.ErrNotFound once deleted.
func UserByID(ctx context.Context, q pg.Querier, id int64) (User, error) {
	return loadUser(ctx, q, `id = $1`, id)
}

// UserIDByLogin finds an account by its sign-in name, for the operator's tools; apperr.ErrNotFound
// when no account has it.
func UserIDByLogin(ctx context.Context, q pg.Querier, login string) (int64, error) {
	u, err := loadUser(ctx, q, `login = $1`, strings.ToLower(strings.TrimSpace(login)))
	return u.ID, err
}

// ListUsers lists the users with a grant within by, as GetUser reads them, in Vietnamese order
// of their names. It returns only database errors.
func ListUsers(ctx context.Context, q pg.Querier, by org.Scope) ([]User, error) {
	rows, err := q.Query(ctx, `SELECT u.id FROM app_user u
		WHERE $1::bigint[] IS NULL OR EXISTS (SELECT 1 FROM role_grant g WHERE g.user_id = u.id
			AND g.unit_id IS NOT NULL AND party_in_scope(g.unit_id, $1, now()::date))
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
		u, err := readUser(ctx, q, by, `id = $1`, id)
		if err != nil {
			return nil, err
		}
		users = append(users, u)
	}
	return users, nil
}

// ResetPassword sets user's password to password, to be changed at the next sign-in, unlocks the
// account and ends every session of it, from the account's version. Errors: *apperr.Invalid (the
// password), apperr.ErrNotFound (by does not see the user), apperr.ErrForbidden (the user holds
// grants outside by), apperr.ErrConflict (version is stale), ErrBusy (too many password hashes
// wait), ctx's error.
func ResetPassword(ctx context.Context, db pg.Beginner, by org.Scope, user int64, version int, password string) error {
	inv := &apperr.Invalid{}
	checkPassword("password", password, inv)
	if err := inv.Err(); err != nil {
		return err
	}
	h, err := hash(ctx, password) // outside the transaction: it takes a while and much memory
	if err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		u, err := manage(ctx, tx, by, user)
		if err != nil {
			return err
		}
		if err := update(ctx, tx, user, version, `password_hash = $3, must_change_password = true, session_epoch = session_epoch + 1,`, h); err != nil {
			return err
		}
		// A reset also lifts a lockout: the administrator has checked who is asking.
		if _, err := tx.Exec(ctx, `INSERT INTO login_attempt (login, addr, ok) VALUES ($1, 'reset', true)`, u.Login); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by.Actor, audit.Entry{Action: "reset_password", Entity: "user", EntityID: user, Label: u.Login,
			New: map[string]any{"sessions_ended": true}})
	})
}

// SetDisabled disables or re-enables user's account, from the account's version. Disabling ends
// every session of it, for good: re-enabling does not bring them back. Errors as ResetPassword's,
// and *apperr.Invalid when by's actor would disable themself.
func SetDisabled(ctx context.Context, db pg.Beginner, by org.Scope, user int64, version int, disabled bool) error {
	return pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		u, err := manage(ctx, tx, by, user)
		if err != nil {
			return err
		}
		if u.ID == by.Actor.UserID {
			inv := &apperr.Invalid{}
			inv.Add("disabled", "Không thể tự khóa tài khoản của mình.")
			return inv
		}
		set := `disabled = $3,`
		if disabled {
			set += ` session_epoch = session_epoch + 1,`
		}
		if err := update(ctx, tx, user, version, set, disabled); err != nil {
			return err
		}
		return audit.Record(ctx, tx, by.Actor, audit.Entry{Action: "set_disabled", Entity: "user", EntityID: user, Label: u.Login,
			Old: map[string]any{"disabled": u.Disabled}, New: map[string]any{"disabled": disabled, "sessions_ended": disabled}})
	})
}

// ChangePassword changes the signed-in user's own password after checking the current one, and
// ends every session of the account; it returns the account's new session epoch, for the
// session the change was made in to carry on. Errors: *apperr.Invalid, apperr.ErrConflict (the
// password was changed meanwhile, from another session), ErrBusy (too many password hashes
// wait), ctx's error.
func ChangePassword(ctx context.Context, db pg.DB, actor audit.Actor, current, next string) (int64, error) {
	// The hashes are compared and made outside the transaction: they take a while and much memory.
	var (
		h       string
		version int
	)
	if err := db.QueryRow(ctx, `SELECT password_hash, version FROM app_user WHERE id = $1`, actor.UserID).Scan(&h, &version); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return 0, apperr.ErrNotFound
		}
		return 0, err
	}
	inv := &apperr.Invalid{}
	if ok, err := matches(ctx, current, h); err != nil {
		return 0, err
	} else if !ok {
		inv.Add("current", "Mật khẩu hiện tại không đúng.")
	}
	checkPassword("next", next, inv)
	if current == next {
		inv.Add("next", "Mật khẩu mới phải khác mật khẩu hiện tại.")
	}
	if err := inv.Err(); err != nil {
		return 0, err
	}
	nh, err := hash(ctx, next)
	if err != nil {
		return 0, err
	}
	var epoch int64
	err = pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `UPDATE app_user SET password_hash = $3, must_change_password = false, version = version + 1,
			session_epoch = session_epoch + 1 WHERE id = $1 AND version = $2 RETURNING session_epoch`, actor.UserID, version, nh).Scan(&epoch)
		if errors.Is(err, pgx.ErrNoRows) {
			return errPasswordChanged
		}
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, actor, audit.Entry{Action: "change_password", Entity: "user", EntityID: actor.UserID, Label: actor.Login,
			New: map[string]any{"other_sessions_ended": true}})
	})
	return epoch, err
}
