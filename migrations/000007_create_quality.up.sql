-- Annual quality ratings (đánh giá, xếp loại chất lượng hằng năm): each cell's rating of its
-- members, counted per category, and the cell's own rating as an organisation; and the dated
-- rule that caps "excellent". Categories since 2018 (Quy định 132-QĐ/TW and after):
--   excellent      hoàn thành xuất sắc nhiệm vụ
--   good           hoàn thành tốt nhiệm vụ
--   satisfactory   hoàn thành nhiệm vụ
--   unsatisfactory không hoàn thành nhiệm vụ
-- Years before 2018 used other category names and are not stored here.

CREATE TABLE quality_rating (
    id                       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    cell_id                  bigint NOT NULL REFERENCES party_unit (id),
    year                     integer NOT NULL CHECK (year BETWEEN 2018 AND 2100),
    excellent                integer NOT NULL DEFAULT 0 CHECK (excellent >= 0),
    good                     integer NOT NULL DEFAULT 0 CHECK (good >= 0),
    satisfactory             integer NOT NULL DEFAULT 0 CHECK (satisfactory >= 0),
    unsatisfactory           integer NOT NULL DEFAULT 0 CHECK (unsatisfactory >= 0),
    exempt                   integer NOT NULL DEFAULT 0 CHECK (exempt >= 0),
    unsatisfactory_two_years integer NOT NULL DEFAULT 0 CHECK (unsatisfactory_two_years >= 0),
    own_rating               text CHECK (own_rating IN ('excellent', 'good', 'satisfactory', 'unsatisfactory')),
    version                  integer NOT NULL DEFAULT 1,
    created_at               timestamptz NOT NULL DEFAULT now(),
    updated_at               timestamptz NOT NULL DEFAULT now(),
    updated_by               bigint REFERENCES app_user (id),
    UNIQUE (cell_id, year),
    CHECK (unsatisfactory_two_years <= unsatisfactory)
);
COMMENT ON TABLE quality_rating IS 'a cell''s annual quality rating (đánh giá, xếp loại chất lượng hằng năm) of its members, per category, and of the cell itself';
COMMENT ON COLUMN quality_rating.excellent IS 'members rated hoàn thành xuất sắc nhiệm vụ';
COMMENT ON COLUMN quality_rating.good IS 'members rated hoàn thành tốt nhiệm vụ';
COMMENT ON COLUMN quality_rating.satisfactory IS 'members rated hoàn thành nhiệm vụ';
COMMENT ON COLUMN quality_rating.unsatisfactory IS 'members rated không hoàn thành nhiệm vụ';
COMMENT ON COLUMN quality_rating.exempt IS 'members exempt from activities, not rated (miễn sinh hoạt, không xếp loại)';
COMMENT ON COLUMN quality_rating.unsatisfactory_two_years IS 'of the unsatisfactory, those also unsatisfactory the year before (hai năm liền không hoàn thành nhiệm vụ: a ground for removal)';
COMMENT ON COLUMN quality_rating.own_rating IS 'the cell''s own rating as an organisation (xếp loại tổ chức đảng); NULL: not rated';

-- The cap on "excellent", dated: the rule in force for a year's ratings is the latest whose
-- valid_from is on or before 31 December of that year. The number rated excellent may not
-- exceed excellent_cap_percent % of the base: with base good_or_better, of those rated good or
-- better (hoàn thành tốt nhiệm vụ trở lên, the excellent included), i.e.
-- excellent × 100 ≤ percent × (excellent + good); with base good, of those rated good only.
CREATE TABLE quality_rule (
    valid_from            date PRIMARY KEY,
    excellent_cap_percent numeric(5, 2) NOT NULL CHECK (excellent_cap_percent > 0 AND excellent_cap_percent <= 100),
    excellent_cap_base    text NOT NULL DEFAULT 'good_or_better' CHECK (excellent_cap_base IN ('good_or_better', 'good'))
);
COMMENT ON TABLE quality_rule IS 'quy định tỷ lệ "hoàn thành xuất sắc nhiệm vụ" tối đa, so với số "hoàn thành tốt nhiệm vụ" (trở lên)';
INSERT INTO quality_rule (valid_from, excellent_cap_percent, excellent_cap_base) VALUES ('2018-01-01', 20, 'good_or_better');
