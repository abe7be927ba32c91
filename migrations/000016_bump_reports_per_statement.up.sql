-- A report change bumps the dashboards once per statement, not once per row: an import of
-- 100.000 reports in a few statements then walks up from each cell once (internal/report
-- ImportFigures; docs/performance.md). The units bumped are those the row trigger bumped: the
-- units above every cell whose report changed, drafts left out as before (a draft counts
-- nowhere). A trigger with transition tables fires on one event only, hence three; the one on
-- insert keeps the name dashboard_generation, which a bulk load (internal/gen) disables.
CREATE FUNCTION dashboard_bump_reports() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM dashboard_bump(ARRAY(
            SELECT dashboard_units_above(c.cell_id) FROM (SELECT DISTINCT cell_id FROM new_rows WHERE state <> 'draft') c));
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM dashboard_bump(ARRAY(
            SELECT dashboard_units_above(c.cell_id) FROM (SELECT DISTINCT cell_id FROM old_rows WHERE state <> 'draft') c));
    ELSE
        PERFORM dashboard_bump(ARRAY(
            SELECT dashboard_units_above(c.cell_id) FROM (
                SELECT o.cell_id FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE NOT (o.state = 'draft' AND n.state = 'draft')
                UNION
                SELECT n.cell_id FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE NOT (o.state = 'draft' AND n.state = 'draft')) c));
    END IF;
    RETURN NULL;
END
$$;

DROP TRIGGER dashboard_generation ON quarterly_report;
CREATE TRIGGER dashboard_generation AFTER INSERT ON quarterly_report
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dashboard_bump_reports();
CREATE TRIGGER dashboard_generation_update AFTER UPDATE ON quarterly_report
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dashboard_bump_reports();
CREATE TRIGGER dashboard_generation_delete AFTER DELETE ON quarterly_report
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION dashboard_bump_reports();
