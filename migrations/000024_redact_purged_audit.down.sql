-- Entries already redacted stay so: their values are gone.
DROP INDEX audit_log_candidate;
DROP FUNCTION audit_redact_candidate(bigint);
CREATE OR REPLACE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
DROP FUNCTION audit_candidate_redacted(audit_log);
DROP FUNCTION audit_redacted(jsonb);
