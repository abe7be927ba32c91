DROP TABLE IF EXISTS quality_rule;
DROP TABLE IF EXISTS quality_rating;
