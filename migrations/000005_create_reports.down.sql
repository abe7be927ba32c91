DROP TABLE IF EXISTS quarterly_report_revision;
DROP TABLE IF EXISTS quarterly_report;
DROP TABLE IF EXISTS report_exception;
DROP TABLE IF EXISTS report_setting;
DROP FUNCTION IF EXISTS party_province_of(bigint, date);
