package pg

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// appendOnly are the tables the server may read and add to but never change: the role that
// serves gets SELECT and INSERT on them and nothing else. Their triggers refuse changes by the
// owner too, but the owner could switch the triggers off; the server's role cannot.
var appendOnly = []string{"audit_log"}

// GrantApp gives the role that appURL connects as what the server needs on the schema that the
// role of ownerURL migrated: SELECT, INSERT, UPDATE and DELETE on every table, except SELECT and
// INSERT only on the append-only ones and SELECT only on schema_migrations; USAGE and SELECT on
// the sequences; TEMPORARY on the database (the dashboards' triggers keep a temporary table);
// and the same by default on the tables and sequences the owner creates later. It owns nothing,
// so it can neither alter nor truncate a table, nor switch a trigger off.
//
// It runs after every migration (ptdang migrate up, serve), so the grants follow the schema and
// whichever role DATABASE_URL names. When both URLs connect as the same role (one URL for
// everything), there is nothing to grant and it does nothing.
func GrantApp(ctx context.Context, ownerURL, appURL string) error {
	appCfg, err := pgx.ParseConfig(appURL)
	if err != nil {
		return fmt.Errorf("database URL: %w", err)
	}
	conn, err := pgx.Connect(ctx, ownerURL)
	if err != nil {
		return fmt.Errorf("migrate database URL: %w", err)
	}
	defer conn.Close(ctx)
	var owner, db string
	if err := conn.QueryRow(ctx, `SELECT current_user, current_database()`).Scan(&owner, &db); err != nil {
		return err
	}
	if owner == appCfg.User {
		return nil
	}
	app := pgx.Identifier{appCfg.User}.Sanitize()
	stmts := []string{
		// Concurrent GRANTs on one table can fail with "tuple concurrently updated": several
		// servers starting at once take turns.
		`SELECT pg_advisory_xact_lock(hashtext('ptdang.GrantApp'))`,
		`GRANT CONNECT, TEMPORARY ON DATABASE ` + pgx.Identifier{db}.Sanitize() + ` TO ` + app,
		`GRANT USAGE ON SCHEMA public TO ` + app,
		`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ` + app,
		`REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON schema_migrations FROM ` + app,
		`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ` + app,
		`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ` + app,
		`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ` + app,
	}
	for _, t := range appendOnly {
		stmts = append(stmts, `REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON `+pgx.Identifier{t}.Sanitize()+` FROM `+app)
	}
	return pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		for _, s := range stmts {
			if _, err := tx.Exec(ctx, s); err != nil {
				return fmt.Errorf("granting %s what the server needs: %s: %w", appCfg.User, s, err)
			}
		}
		return nil
	})
}

// CreateRole creates the login role name with password (none when empty) unless it exists. It
// is safe to call from several processes at once: the loser of a race finds the role made.
func CreateRole(ctx context.Context, q Querier, name, password string) error {
	create := `CREATE ROLE ` + pgx.Identifier{name}.Sanitize() + ` LOGIN`
	if password != "" {
		create += ` PASSWORD ` + quoteLiteral(password)
	}
	// One DO block, so that the duplicate of a concurrent creation is caught in the server.
	_, err := q.Exec(ctx, `DO $do$ BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = `+quoteLiteral(name)+`) THEN
		EXECUTE `+quoteLiteral(create)+`;
	END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $do$`)
	if err != nil {
		return fmt.Errorf("create role %s: %w", name, err)
	}
	return nil
}

// quoteLiteral is s as a string literal of SQL.
func quoteLiteral(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
