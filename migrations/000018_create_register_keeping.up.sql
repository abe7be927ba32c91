-- The cells whose quarterly report is filled from the admission register (chi bộ lập sổ theo
-- dõi phát triển đảng viên), each from a quarter chosen by the committee over it: an explicit,
-- dated choice, so a cell with a test file keeps typing its totals until it is set.
CREATE TABLE register_keeping (
    cell_id        bigint PRIMARY KEY REFERENCES party_unit (id),
    kept_from      date NOT NULL CHECK (extract(day FROM kept_from) = 1 AND extract(month FROM kept_from) IN (1, 4, 7, 10)),
    set_by         bigint REFERENCES app_user (id),
    set_by_login   text NOT NULL,
    set_at         timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE register_keeping IS 'chi bộ lập báo cáo quý từ sổ theo dõi phát triển đảng viên, từ quý bắt đầu kept_from';
COMMENT ON COLUMN register_keeping.kept_from IS 'the first day of the first quarter whose report the register fills';
