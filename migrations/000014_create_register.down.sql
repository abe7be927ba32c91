DROP TABLE IF EXISTS candidate_step;
DROP TABLE IF EXISTS candidate;
DROP TABLE IF EXISTS admission_rules;
