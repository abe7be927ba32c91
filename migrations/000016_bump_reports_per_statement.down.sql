DROP TRIGGER dashboard_generation ON quarterly_report;
DROP TRIGGER dashboard_generation_update ON quarterly_report;
DROP TRIGGER dashboard_generation_delete ON quarterly_report;
DROP FUNCTION dashboard_bump_reports();
CREATE TRIGGER dashboard_generation AFTER INSERT OR UPDATE OR DELETE ON quarterly_report
    FOR EACH ROW EXECUTE FUNCTION dashboard_bump_cell();
