-- Annual admission targets (chỉ tiêu kết nạp đảng viên) that cascade down the Party tree, and the
-- settings each province chooses for them: strict allocation, status thresholds, and per year the
-- lock date and the quarterly milestone profile. docs/targets.md states the rules.

CREATE TABLE admission_target (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id    bigint NOT NULL REFERENCES party_unit (id),
    year       integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    basis      text NOT NULL CHECK (basis IN ('number', 'share_year', 'share_term')),
    share      numeric(5, 2) CHECK (share > 0 AND share <= 100),
    base       integer CHECK (base >= 0),
    target     integer NOT NULL CHECK (target >= 0),
    version    integer NOT NULL DEFAULT 1,
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (unit_id, year),
    -- A number has no share; a share keeps the share and the base it was applied to.
    CHECK ((basis = 'number') = (share IS NULL)),
    CHECK ((basis = 'number') = (base IS NULL))
);
COMMENT ON TABLE admission_target IS 'annual admission target of a Party unit (chỉ tiêu kết nạp đảng viên), set by the level above';
COMMENT ON COLUMN admission_target.basis IS 'number: a number (số lượng); share_year / share_term: a share of the members at the start of the year / of the term (tỷ lệ trên số đảng viên đầu năm / đầu nhiệm kỳ)';
COMMENT ON COLUMN admission_target.share IS 'the share in percent, e.g. 3.00 for "at least 3 %" (ít nhất 3 %)';
COMMENT ON COLUMN admission_target.base IS 'members at the start of the year or term the share was applied to';
COMMENT ON COLUMN admission_target.target IS 'the number of admissions: ceil(share × base / 100) for a share';

-- Settings that hold for every year, keyed by the province committee (Tỉnh ủy, Thành ủy).
CREATE TABLE target_setting (
    province_id       bigint PRIMARY KEY REFERENCES party_unit (id),
    strict_allocation boolean NOT NULL DEFAULT false,
    ahead_points      numeric(5, 2) NOT NULL DEFAULT 5 CHECK (ahead_points >= 0),
    on_track_points   numeric(5, 2) NOT NULL DEFAULT 5 CHECK (on_track_points >= 0),
    behind_points     numeric(5, 2) NOT NULL DEFAULT 15 CHECK (behind_points >= on_track_points),
    version           integer NOT NULL DEFAULT 1
);
COMMENT ON TABLE target_setting IS 'a province''s rules for targets (quy định về chỉ tiêu của tỉnh)';
COMMENT ON COLUMN target_setting.strict_allocation IS 'the targets given to the units below must add up to the unit''s own (bắt buộc giao đủ, khớp chỉ tiêu)';
COMMENT ON COLUMN target_setting.ahead_points IS 'ahead of pace (vượt tiến độ) when the percent of target is at least expected + this';
COMMENT ON COLUMN target_setting.on_track_points IS 'on track (đúng tiến độ) down to expected − this';
COMMENT ON COLUMN target_setting.behind_points IS 'behind (chậm tiến độ) down to expected − this; far behind (chậm nhiều) below';

-- Settings that vary by year.
CREATE TABLE target_year (
    province_id bigint NOT NULL REFERENCES party_unit (id),
    year        integer NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    lock_date   date,
    milestones  numeric(5, 2)[] NOT NULL DEFAULT '{25,50,75,100}'
                CHECK (array_length(milestones, 1) = 4 AND milestones[4] = 100
                       AND 0 <= milestones[1] AND milestones[1] <= milestones[2]
                       AND milestones[2] <= milestones[3] AND milestones[3] <= milestones[4]),
    version     integer NOT NULL DEFAULT 1,
    PRIMARY KEY (province_id, year)
);
COMMENT ON TABLE target_year IS 'a province''s target settings for one year: lock date (ngày khóa chỉ tiêu) and quarterly milestones (tiến độ theo quý)';
COMMENT ON COLUMN target_year.lock_date IS 'from this day on, targets of the year change only by province staff, with a reason; NULL: never locked';
COMMENT ON COLUMN target_year.milestones IS 'cumulative percent of the target expected by the end of each quarter, ending at 100';

-- The units under unit on date d, with their depth below it (1 for its children).
CREATE FUNCTION party_descendants(unit bigint, d date)
RETURNS TABLE (id bigint, parent_id bigint, depth integer)
LANGUAGE sql STABLE AS $$
    WITH RECURSIVE down (id, parent_id, depth) AS (
        SELECT v.unit_id, v.parent_id, 1
        FROM party_unit_version v
        WHERE v.parent_id = unit AND v.valid_from <= d AND (v.valid_to IS NULL OR v.valid_to > d)
        UNION ALL
        SELECT v.unit_id, v.parent_id, down.depth + 1
        FROM down
        JOIN party_unit_version v ON v.parent_id = down.id
        WHERE v.valid_from <= d AND (v.valid_to IS NULL OR v.valid_to > d) AND down.depth < 32
    )
    SELECT id, parent_id, depth FROM down
$$;
