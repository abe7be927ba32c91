DROP TABLE register_retention;
DROP TABLE candidate_readmission;
DROP TABLE candidate_sponsor;
ALTER TABLE admission_rules DROP COLUMN sponsor_months, DROP COLUMN readmission_months,
    DROP COLUMN readmission_conviction_months;
