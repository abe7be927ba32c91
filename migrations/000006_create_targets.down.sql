DROP FUNCTION IF EXISTS party_descendants(bigint, date);
DROP TABLE IF EXISTS target_year;
DROP TABLE IF EXISTS target_setting;
DROP TABLE IF EXISTS admission_target;
