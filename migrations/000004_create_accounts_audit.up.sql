-- Accounts (tài khoản), their role grants on subtrees of the Party tree, sessions, sign-in
-- attempts for throttling, and the append-only audit log (nhật ký thay đổi).

CREATE TABLE app_user (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    login         text NOT NULL CHECK (login ~ '^[a-z0-9._-]{3,40}$'),
    name          text NOT NULL CHECK (name <> ''),
    password_hash text NOT NULL,
    disabled      boolean NOT NULL DEFAULT false,
    must_change_password boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now(),
    version       integer NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX app_user_login ON app_user (login);
COMMENT ON TABLE app_user IS 'user account (tài khoản người dùng)';

CREATE TABLE role_grant (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    role       text NOT NULL CHECK (role IN ('sysadmin', 'province_staff', 'commune_staff', 'cell_secretary', 'viewer')),
    unit_id    bigint REFERENCES party_unit (id),
    granted_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE NULLS NOT DISTINCT (user_id, role, unit_id),
    -- A system administrator's grant covers everything: it names no unit.
    CHECK ((role = 'sysadmin') = (unit_id IS NULL))
);
CREATE INDEX role_grant_unit ON role_grant (unit_id);
COMMENT ON TABLE role_grant IS 'a role (quyền) held on a Party unit and its subtree';

-- The table of scs's pgxstore: server-side sessions shared by every server.
CREATE TABLE sessions (
    token  text PRIMARY KEY,
    data   bytea NOT NULL,
    expiry timestamptz NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expiry);

CREATE TABLE login_attempt (
    id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    login text NOT NULL,
    addr  text NOT NULL,
    ok    boolean NOT NULL,
    at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_attempt_login ON login_attempt (login, at);
CREATE INDEX login_attempt_addr ON login_attempt (addr, at);

CREATE TABLE audit_log (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    actor_id    bigint,
    actor_login text NOT NULL,
    addr        text NOT NULL DEFAULT '',
    action      text NOT NULL,
    entity      text NOT NULL,
    entity_id   bigint,
    label       text NOT NULL DEFAULT '',
    unit_id     bigint,
    old_value   jsonb,
    new_value   jsonb,
    reason      text NOT NULL DEFAULT ''
);
COMMENT ON TABLE audit_log IS 'append-only log of every change (nhật ký thay đổi): who, when, from where, old → new';
COMMENT ON COLUMN audit_log.unit_id IS 'the Party unit whose subtree the change belongs to, for scoped browsing';
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_unit ON audit_log (unit_id, at);
CREATE INDEX audit_log_actor ON audit_log (actor_id, at);

-- Append-only, whoever connects: the application's own role included.
CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();

-- The Party unit that leads an administrative unit's territory on date d: the committee whose
-- territory is the unit or its nearest ancestor. Audit rows of administrative changes carry it.
CREATE FUNCTION admin_leading_party_unit(unit bigint, d date) RETURNS bigint
LANGUAGE sql STABLE AS $$
    WITH RECURSIVE up (id, depth) AS (
        SELECT unit, 0
        UNION ALL
        SELECT v.parent_id, up.depth + 1
        FROM up CROSS JOIN LATERAL admin_version_at(up.id, d) v
        WHERE v.parent_id IS NOT NULL AND up.depth < 32
    )
    SELECT p.id FROM up JOIN party_unit p ON p.territory_id = up.id ORDER BY up.depth, p.id LIMIT 1
$$;
