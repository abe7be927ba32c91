-- The admission register at national scale (docs/performance.md, "The admission register").

-- Each open deadline of a file (register.clocks), written with the file's summary by the same
-- function: Việc cần làm reads the deadlines of a scope's cells warned of on a day, most urgent
-- first, a page at a time, instead of every step of every file that may have one.
CREATE TABLE candidate_clock (
    candidate_id bigint NOT NULL REFERENCES candidate (id) ON DELETE CASCADE,
    cell_id      bigint NOT NULL, -- the file's, as candidate.cell_id: written again with the file's summary
    kind         text NOT NULL,
    start        date NOT NULL,
    due          date NOT NULL,
    warn_from    date NOT NULL,
    rules        date NOT NULL,
    PRIMARY KEY (candidate_id, kind)
);
COMMENT ON TABLE candidate_clock IS 'the open deadlines of a file (việc cần làm), worked out in Go with its summary';
CREATE INDEX candidate_clock_cell ON candidate_clock (cell_id, warn_from) INCLUDE (due, kind, candidate_id, start, rules);
-- The files held now have no deadlines written yet: `ptdang migrate up` writes them.
UPDATE candidate SET summary_stale = true WHERE NOT closed;
-- A stale file's deadlines are not trusted: they go with its summary, and come back when the
-- summary is written again (a stale file is read the slow way meanwhile).
CREATE OR REPLACE FUNCTION candidate_summary_stale() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    WITH stale AS (UPDATE candidate SET summary_stale = true WHERE NOT closed AND NOT summary_stale RETURNING id)
    DELETE FROM candidate_clock WHERE candidate_id IN (SELECT id FROM stale);
    RETURN NULL;
END $$;

-- The pipeline board's rows are remembered by each server (register.BoardCache) while their
-- generation stands, as the dashboards' are (000009): a unit's is bumped, in the same
-- transaction, by any change to a file, step or sponsor of a cell that is, was or succeeded into
-- a unit below it; the register's whole generation (unit_id 0), by a change to the Party tree,
-- the rules or the calendar, which every row depends on.
CREATE TABLE register_generation (
    unit_id bigint PRIMARY KEY,
    gen     bigint NOT NULL
);
COMMENT ON TABLE register_generation IS 'version of the register''s files under a Party unit (0: of everything), for the pipeline board''s cache';
INSERT INTO register_generation VALUES (0, 1);

-- register_bump bumps the generations of the units above cells, in id order.
CREATE FUNCTION register_bump(cells bigint[]) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO register_generation (unit_id, gen)
    SELECT id, 1 FROM (SELECT DISTINCT dashboard_units_above_all(cells) AS id) u ORDER BY id
    ON CONFLICT (unit_id) DO UPDATE SET gen = register_generation.gen + 1
$$;

-- The bump waits for the commit: each statement notes the cells whose files it changed, and one
-- bump for them all runs as the transaction commits (a deferred trigger on register_pending).
-- A transaction that changes files of many communes (an import) then takes the generations'
-- locks at once, in id order, at its very end: two such transactions never hold one each while
-- waiting for the other's (a deadlock), and no generation is locked while a transaction works.
CREATE TABLE register_pending (txid bigint PRIMARY KEY);
COMMENT ON TABLE register_pending IS 'a transaction whose register changes bump the generations at its commit (a row lives until then)';

CREATE FUNCTION register_note(cells bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF cells IS NULL THEN
        RETURN;
    END IF;
    IF to_regclass('pg_temp.register_touched') IS NULL THEN
        CREATE TEMP TABLE register_touched (cell_id bigint PRIMARY KEY) ON COMMIT DELETE ROWS;
    END IF;
    INSERT INTO pg_temp.register_touched SELECT DISTINCT c FROM unnest(cells) c WHERE c IS NOT NULL ON CONFLICT DO NOTHING;
    INSERT INTO register_pending VALUES (txid_current()) ON CONFLICT DO NOTHING;
END
$$;

CREATE FUNCTION register_bump_at_commit() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM register_bump(ARRAY(SELECT cell_id FROM pg_temp.register_touched));
    DELETE FROM pg_temp.register_touched;
    DELETE FROM register_pending WHERE txid = NEW.txid;
    RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER register_bump_at_commit AFTER INSERT ON register_pending
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION register_bump_at_commit();

-- register_bump_files notes the cells of the rows a statement changed, for the bump at commit (a
-- trigger with transition tables fires on one event only: the rows are new_rows, old_rows or both).
CREATE FUNCTION register_bump_files() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    changed text := CASE TG_OP WHEN 'INSERT' THEN 'new_rows' WHEN 'DELETE' THEN 'old_rows'
        ELSE '(SELECT * FROM old_rows UNION ALL SELECT * FROM new_rows)' END;
    cells bigint[];
BEGIN
    EXECUTE format(CASE TG_TABLE_NAME
        WHEN 'candidate' THEN 'SELECT array_agg(DISTINCT cell_id) FROM %s r'
        WHEN 'candidate_step' THEN 'SELECT array_agg(DISTINCT c.cell_id) FROM candidate c WHERE c.id IN (SELECT candidate_id FROM %s r)'
        ELSE 'SELECT array_agg(DISTINCT c.cell_id) FROM candidate c JOIN candidate_step s ON s.candidate_id = c.id
            WHERE s.id IN (SELECT step_id FROM %s r)' END, changed) INTO cells;
    PERFORM register_note(cells);
    RETURN NULL;
END
$$;

CREATE FUNCTION register_bump_all() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE register_generation SET gen = gen + 1 WHERE unit_id = 0;
    RETURN NULL;
END
$$;

CREATE TRIGGER register_generation AFTER INSERT ON candidate
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION register_bump_files();
CREATE TRIGGER register_generation_update AFTER UPDATE ON candidate
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION register_bump_files();
CREATE TRIGGER register_generation_delete AFTER DELETE ON candidate
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION register_bump_files();
CREATE TRIGGER register_generation AFTER INSERT ON candidate_step
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION register_bump_files();
CREATE TRIGGER register_generation_update AFTER UPDATE ON candidate_step
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION register_bump_files();
CREATE TRIGGER register_generation_delete AFTER DELETE ON candidate_step
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION register_bump_files();
CREATE TRIGGER register_generation AFTER INSERT ON candidate_sponsor
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION register_bump_files();
CREATE TRIGGER register_generation_update AFTER UPDATE ON candidate_sponsor
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION register_bump_files();
CREATE TRIGGER register_generation_delete AFTER DELETE ON candidate_sponsor
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION register_bump_files();

-- The tree (which cells a row counts), the rules and the calendar (the clocks) under every row.
CREATE TRIGGER register_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON party_unit
    FOR EACH STATEMENT EXECUTE FUNCTION register_bump_all();
CREATE TRIGGER register_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON party_unit_version
    FOR EACH STATEMENT EXECUTE FUNCTION register_bump_all();
CREATE TRIGGER register_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON party_unit_succession
    FOR EACH STATEMENT EXECUTE FUNCTION register_bump_all();
CREATE TRIGGER register_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON reorg_event
    FOR EACH STATEMENT EXECUTE FUNCTION register_bump_all();
CREATE TRIGGER register_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON admission_rules
    FOR EACH STATEMENT EXECUTE FUNCTION register_bump_all();
CREATE TRIGGER register_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON calendar_exception
    FOR EACH STATEMENT EXECUTE FUNCTION register_bump_all();
