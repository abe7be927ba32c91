package pg_test

import (
	"strings"
	"testing"

	"ptdang/internal/pg"
	"ptdang/internal/pgtest"
)

// TestServerRoleCannotRewriteTheAuditLog: the role the server runs as (issue #13, item 7) owns
// nothing, so it can neither change nor remove audit rows, nor switch the triggers that guard
// them off, while it reads and adds them like any other row.
func TestServerRoleCannotRewriteTheAuditLog(t *testing.T) {
	db := pgtest.New(t)
	ctx := t.Context()
	if _, err := db.Exec(ctx, `INSERT INTO audit_log (action, entity, entity_id, actor_login) VALUES ('create', 'test', 1, 'tester')`); err != nil {
		t.Fatalf("the server must add to the log: %v", err)
	}
	var n int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM audit_log`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("the server must read the log: %d rows, %v", n, err)
	}
	for _, stmt := range []string{
		`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update`,
		`ALTER TABLE audit_log DISABLE TRIGGER ALL`,
		`ALTER TABLE audit_log OWNER TO CURRENT_USER`,
		`DROP TRIGGER audit_log_no_update ON audit_log`,
		`CREATE OR REPLACE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$`,
		`UPDATE audit_log SET actor_login = 'x'`,
		`DELETE FROM audit_log`,
		`TRUNCATE audit_log`,
		`DROP TABLE audit_log`,
		`SET session_replication_role = replica`,
	} {
		_, err := db.Exec(ctx, stmt)
		if !pg.IsInsufficientPrivilege(err) || strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v, want PostgreSQL's own refusal (permission denied, must be owner)", stmt, err)
		}
	}
	if err := db.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE actor_login = 'tester'`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("after the attempts: %d rows, %v", n, err)
	}
}

// TestServerRoleGetsWhatTheOwnerCreatesLater: tables a later migration creates are the
// server's to use without a new grant, but still not its to alter.
func TestServerRoleGetsWhatTheOwnerCreatesLater(t *testing.T) {
	db := pgtest.New(t)
	owner := pgtest.Owner(t, db)
	ctx := t.Context()
	if _, err := owner.Exec(ctx, `CREATE TABLE later (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, note text)`); err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{`INSERT INTO later (note) VALUES ('a')`, `UPDATE later SET note = 'b'`, `SELECT count(*) FROM later`, `DELETE FROM later`} {
		if _, err := db.Exec(ctx, stmt); err != nil {
			t.Errorf("%s: %v", stmt, err)
		}
	}
	if _, err := db.Exec(ctx, `ALTER TABLE later ADD COLUMN x int`); !pg.IsInsufficientPrivilege(err) {
		t.Errorf("ALTER TABLE by the server: %v, want must be owner", err)
	}
	if _, err := db.Exec(ctx, `UPDATE schema_migrations SET dirty = true`); !pg.IsInsufficientPrivilege(err) {
		t.Errorf("the server changing the schema's version: %v, want permission denied", err)
	}
}

// TestGrantAppWithOneURLDoesNothing: an installation with one URL (the owner serves) keeps
// working as before.
func TestGrantAppWithOneURLDoesNothing(t *testing.T) {
	owner := pgtest.OwnerURL(pgtest.URL(t))
	if err := pg.GrantApp(t.Context(), owner, owner); err != nil {
		t.Fatal(err)
	}
}
