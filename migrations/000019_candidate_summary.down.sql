DROP TRIGGER calendar_exception_stales_summaries ON calendar_exception;
DROP TRIGGER admission_rules_stales_summaries ON admission_rules;
DROP FUNCTION candidate_summary_stale();
ALTER TABLE candidate DROP COLUMN stage, DROP COLUMN stage_on, DROP COLUMN closed, DROP COLUMN last_on,
    DROP COLUMN warn_from, DROP COLUMN overdue_from, DROP COLUMN first_sympathiser, DROP COLUMN first_course,
    DROP COLUMN first_resolution, DROP COLUMN first_ceremony, DROP COLUMN summary_stale;
ALTER TABLE candidate_step ALTER COLUMN candidate_id RESET (n_distinct);
