DROP TRIGGER register_generation ON candidate;
DROP TRIGGER register_generation_update ON candidate;
DROP TRIGGER register_generation_delete ON candidate;
DROP TRIGGER register_generation ON candidate_step;
DROP TRIGGER register_generation_update ON candidate_step;
DROP TRIGGER register_generation_delete ON candidate_step;
DROP TRIGGER register_generation ON candidate_sponsor;
DROP TRIGGER register_generation_update ON candidate_sponsor;
DROP TRIGGER register_generation_delete ON candidate_sponsor;
DROP TRIGGER register_generation ON party_unit;
DROP TRIGGER register_generation ON party_unit_version;
DROP TRIGGER register_generation ON party_unit_succession;
DROP TRIGGER register_generation ON reorg_event;
DROP TRIGGER register_generation ON admission_rules;
DROP TRIGGER register_generation ON calendar_exception;
DROP FUNCTION register_bump_all();
DROP FUNCTION register_bump_files();
DROP TRIGGER register_bump_at_commit ON register_pending;
DROP FUNCTION register_bump_at_commit();
DROP FUNCTION register_note(bigint[]);
DROP TABLE register_pending;
DROP FUNCTION register_bump(bigint[]);
DROP TABLE register_generation;
DROP TABLE candidate_clock;
CREATE OR REPLACE FUNCTION candidate_summary_stale() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE candidate SET summary_stale = true WHERE NOT closed AND NOT summary_stale;
    RETURN NULL;
END $$;
