-- The days the government announces against the working-day rules (internal/calendar): an
-- extra day off (ngày nghỉ), or a Saturday or Sunday worked in exchange for one (ngày làm bù).
-- The statutory holidays are computed, not stored; these rows override them.
CREATE TABLE calendar_exception (
    day        date PRIMARY KEY,
    kind       text NOT NULL CHECK (kind IN ('off', 'working')),
    note       text NOT NULL CHECK (length(btrim(note)) BETWEEN 1 AND 200),
    created_by bigint REFERENCES app_user (id),
    created_by_login text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE calendar_exception IS 'ngày nghỉ, ngày làm bù do Chính phủ công bố hằng năm, khác với lịch theo luật';
COMMENT ON COLUMN calendar_exception.kind IS 'off: ngày nghỉ; working: ngày làm việc bù';
COMMENT ON COLUMN calendar_exception.note IS 'the announcement, e.g. Thông báo của Bộ Nội vụ về lịch nghỉ Tết';
