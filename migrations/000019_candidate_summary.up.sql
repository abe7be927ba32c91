-- Each file's summary (docs/performance.md, "The admission register"), written in Go by
-- register.summarise in the transaction that records a step: its stage and the day it entered it,
-- whether it is closed, the day of its latest step, the day its earliest open deadline starts to
-- be warned of, the day it first counts as overdue, and the day it first reached each step the
-- board's flow counts. Việc cần làm and the pipeline board read it instead of every step of every
-- open file. The dates depend on the working-day calendar: a file
-- whose summary may no longer hold (summary_stale) is read the slow way until `ptdang register
-- resummarise` (run by `ptdang migrate up` and `ptdang calendar add|remove`) writes it again.
ALTER TABLE candidate
    ADD COLUMN stage smallint,
    ADD COLUMN stage_on date,
    ADD COLUMN closed boolean NOT NULL DEFAULT false,
    ADD COLUMN last_on date,
    ADD COLUMN warn_from date,
    ADD COLUMN overdue_from date,
    -- the board's flow: the day the file first reached each step it counts
    ADD COLUMN first_sympathiser date,
    ADD COLUMN first_course date,
    ADD COLUMN first_resolution date,
    ADD COLUMN first_ceremony date,
    -- the files held now have no summary yet; a new file has none to be wrong about
    ADD COLUMN summary_stale boolean NOT NULL DEFAULT true;
ALTER TABLE candidate ALTER COLUMN summary_stale SET DEFAULT false;

CREATE INDEX candidate_todo ON candidate (cell_id, warn_from) WHERE NOT closed;
CREATE INDEX candidate_last_on ON candidate (last_on);
CREATE INDEX candidate_stale ON candidate (id) WHERE summary_stale;

-- A day off or worked day added or removed moves working-day deadlines, and a rule set (added by a
-- migration) may apply to steps already recorded: every open file's summary is stale until
-- recomputed.
CREATE FUNCTION candidate_summary_stale() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE candidate SET summary_stale = true WHERE NOT closed AND NOT summary_stale;
    RETURN NULL;
END $$;
CREATE TRIGGER calendar_exception_stales_summaries AFTER INSERT OR UPDATE OR DELETE ON calendar_exception
    FOR EACH STATEMENT EXECUTE FUNCTION candidate_summary_stale();
CREATE TRIGGER admission_rules_stales_summaries AFTER INSERT OR UPDATE OR DELETE ON admission_rules
    FOR EACH STATEMENT EXECUTE FUNCTION candidate_summary_stale();

-- A file has some seven steps: ANALYZE's sample guesses five times fewer files than there are
-- (250.911 of 1.343.197 on the national data set), and a read of the steps of some thousand files
-- then scanned all the steps instead of their index.
ALTER TABLE candidate_step ALTER COLUMN candidate_id SET (n_distinct = -0.14);
ANALYZE candidate_step;
