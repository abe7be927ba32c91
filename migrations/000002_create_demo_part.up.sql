-- Each part of the demo data set is loaded once; this table remembers which parts are in.
CREATE TABLE demo_part (
    name      text PRIMARY KEY,
    loaded_at timestamptz NOT NULL DEFAULT now()
);

COMMENT ON TABLE demo_part IS 'parts of the demo data set already loaded (dữ liệu mẫu)';
