-- A purged file's earlier audit entries lose the person's data (docs/register.md, "Retention and
-- purge"): the personal data protection law in force since 01/01/2026 asks that what the
-- retention period ends be erased, and the audit log held it old → new. The entries stay, with
-- who, when, from where, what and which file; their label and values are redacted
-- (xóa dữ liệu cá nhân). Every other change to the log is still refused.

-- v with each key's value replaced by a marker, except the keys that hold no personal data: a
-- step's kind and date, vote counts, cell ids, versions. A value that is not an object is
-- replaced whole. Redacting twice changes nothing more.
CREATE FUNCTION audit_redacted(v jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN v IS NULL OR jsonb_typeof(v) = 'null' THEN v
        WHEN jsonb_typeof(v) <> 'object' THEN m
        ELSE COALESCE((
            SELECT jsonb_object_agg(key, CASE
                WHEN key IN ('kind', 'date', 'votes_for', 'full_members', 'to_cell', 'cell_id', 'version') THEN value
                ELSE m END)
            FROM jsonb_each(v)), '{}'::jsonb)
    END
    FROM (SELECT to_jsonb('(đã xóa theo thời hạn lưu)'::text) AS m) marker
$$;
COMMENT ON FUNCTION audit_redacted(jsonb) IS 'an audit value without personal data (đã xóa theo thời hạn lưu)';

-- The entry r of a file (entity candidate) as its redaction leaves it: labelled by the file's
-- number only, its values redacted, every other column as it was.
CREATE FUNCTION audit_candidate_redacted(r audit_log) RETURNS audit_log LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    r.label := 'hồ sơ ' || r.entity_id;
    r.old_value := audit_redacted(r.old_value);
    r.new_value := audit_redacted(r.new_value);
    RETURN r;
END
$$;

-- The log refuses every UPDATE, DELETE and TRUNCATE but one: an UPDATE of an entry of a file that
-- no longer exists (purged), other than its purge entry, to exactly its redacted form. So nothing
-- else of any entry can change, nor the entries of a file still kept.
CREATE OR REPLACE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.entity = 'candidate' AND OLD.entity_id IS NOT NULL AND OLD.action <> 'purge'
        AND NOT EXISTS (SELECT 1 FROM candidate WHERE id = OLD.entity_id)
        AND NEW IS NOT DISTINCT FROM audit_candidate_redacted(OLD) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;

-- Redacts the earlier entries of purged file and returns how many changed. It runs as the
-- schema's owner: the server's role may only read and add to the log (docs/deployment.md), and
-- the trigger above still refuses a file that exists.
CREATE FUNCTION audit_redact_candidate(file bigint) RETURNS integer LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    n integer;
BEGIN
    UPDATE audit_log a SET label = (x.r).label, old_value = (x.r).old_value, new_value = (x.r).new_value
    FROM (SELECT l.id, audit_candidate_redacted(l) AS r FROM audit_log l
          WHERE l.entity = 'candidate' AND l.entity_id = file AND l.action <> 'purge') x
    WHERE a.id = x.id AND (a.label, a.old_value, a.new_value) IS DISTINCT FROM ((x.r).label, (x.r).old_value, (x.r).new_value);
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;
COMMENT ON FUNCTION audit_redact_candidate(bigint) IS 'removes a purged file''s personal data from its earlier audit entries (xóa dữ liệu cá nhân khỏi nhật ký)';

-- A file's entries, found at its purge without reading the whole log.
CREATE INDEX audit_log_candidate ON audit_log (entity_id) WHERE entity = 'candidate';
