-- The two dated trees: the Party tree (cây tổ chức đảng) and the administrative tree (cây đơn vị
-- hành chính), the dated link between hamlets and the cells that serve them, and the
-- reorganisation events (sáp nhập, chia tách, đổi tên, chuyển trực thuộc) that close old units
-- and open new ones. A unit's identity (code) never changes; what changes over time (name,
-- kind, parent) lives in dated versions whose validity never overlaps. Dates are half-open:
-- valid_from is the first day, valid_to the first day no longer valid, NULL for "still valid".

-- gist exclusion constraints on (id WITH =, daterange WITH &&) need btree_gist; search by any
-- part of a name needs pg_trgm. Both are trusted extensions.
CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE reorg_event (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tree       text NOT NULL CHECK (tree IN ('party', 'admin')),
    kind       text NOT NULL CHECK (kind IN ('merge', 'split', 'rename', 'move')),
    effective  date NOT NULL,
    note       text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE reorg_event IS 'reorganisation (sắp xếp tổ chức): sáp nhập, chia tách, đổi tên, chuyển trực thuộc';

CREATE TABLE admin_unit (
    id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code                  text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9._-]{1,40}$'),
    level                 text NOT NULL CHECK (level IN ('province', 'district', 'commune', 'hamlet')),
    population            integer CHECK (population >= 0),
    households            integer CHECK (households >= 0),
    religious_share       numeric(5, 4) CHECK (religious_share BETWEEN 0 AND 1),
    ethnic_minority_share numeric(5, 4) CHECK (ethnic_minority_share BETWEEN 0 AND 1),
    version               integer NOT NULL DEFAULT 1
);
COMMENT ON TABLE admin_unit IS 'administrative unit: tỉnh/thành phố, huyện (before 2025), xã/phường/đặc khu, thôn/ấp/bản/tổ dân phố/khu phố';
COMMENT ON COLUMN admin_unit.religious_share IS 'share of the population following a religion (tỷ lệ đồng bào có đạo)';
COMMENT ON COLUMN admin_unit.ethnic_minority_share IS 'share of ethnic minorities (tỷ lệ đồng bào dân tộc thiểu số)';

CREATE TABLE admin_unit_version (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id    bigint NOT NULL REFERENCES admin_unit (id),
    valid_from date NOT NULL,
    valid_to   date CHECK (valid_to > valid_from),
    name       text NOT NULL CHECK (name <> ''),
    local_word text NOT NULL DEFAULT '' ,
    parent_id  bigint REFERENCES admin_unit (id),
    event_id   bigint REFERENCES reorg_event (id),
    CHECK (parent_id <> unit_id),
    EXCLUDE USING gist (unit_id WITH =, daterange(valid_from, valid_to) WITH &&)
);
COMMENT ON COLUMN admin_unit_version.local_word IS 'the local word for the unit: thôn, ấp, bản, tổ dân phố, khu phố, xã, phường, đặc khu';
CREATE INDEX admin_unit_version_parent ON admin_unit_version (parent_id, valid_from);
CREATE INDEX admin_unit_version_name ON admin_unit_version USING gin (lower(f_unaccent(name)) gin_trgm_ops);

CREATE TABLE party_unit (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code            text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9._-]{1,40}$'),
    territory_id    bigint REFERENCES admin_unit (id),
    term_months     integer NOT NULL DEFAULT 60 CHECK (term_months BETWEEN 1 AND 120),
    committee_since date,
    full_members    integer NOT NULL DEFAULT 0 CHECK (full_members >= 0),
    version         integer NOT NULL DEFAULT 1
);
COMMENT ON TABLE party_unit IS 'Party organisation (tổ chức đảng): Tỉnh ủy, Đảng bộ xã/phường, đảng bộ cơ sở, chi bộ…';
COMMENT ON COLUMN party_unit.territory_id IS 'for territorial committees: the province or commune they lead';
COMMENT ON COLUMN party_unit.term_months IS 'congress term (nhiệm kỳ đại hội): 30 or 60 months';
COMMENT ON COLUMN party_unit.committee_since IS 'the cell has elected a committee (chi ủy) since this date; NULL: none';
COMMENT ON COLUMN party_unit.full_members IS 'current number of full members (đảng viên chính thức)';

CREATE TABLE party_unit_version (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id    bigint NOT NULL REFERENCES party_unit (id),
    valid_from date NOT NULL,
    valid_to   date CHECK (valid_to > valid_from),
    name       text NOT NULL CHECK (name <> ''),
    kind       text NOT NULL CHECK (kind IN ('province_committee', 'commune_committee', 'district_committee',
                   'bloc_committee', 'grassroots_committee', 'grassroots_cell', 'intermediate_committee',
                   'affiliated_cell')),
    org_type   text NOT NULL CHECK (org_type IN ('territorial', 'party_mass', 'state_agency', 'public_service',
                   'non_public_service', 'enterprise_state', 'enterprise_non_state', 'enterprise_foreign',
                   'press', 'armed_forces', 'other')),
    parent_id  bigint REFERENCES party_unit (id),
    event_id   bigint REFERENCES reorg_event (id),
    CHECK (parent_id <> unit_id),
    EXCLUDE USING gist (unit_id WITH =, daterange(valid_from, valid_to) WITH &&)
);
COMMENT ON COLUMN party_unit_version.kind IS 'cấp/loại tổ chức: tỉnh ủy, đảng bộ xã/phường/đặc khu, huyện ủy (trước 2025), đảng bộ khối, đảng bộ cơ sở, chi bộ cơ sở, đảng bộ bộ phận, chi bộ trực thuộc';
COMMENT ON COLUMN party_unit_version.org_type IS 'loại hình tổ chức cơ sở đảng';
CREATE INDEX party_unit_version_parent ON party_unit_version (parent_id, valid_from);
CREATE INDEX party_unit_version_name ON party_unit_version USING gin (lower(f_unaccent(name)) gin_trgm_ops);

CREATE TABLE hamlet_cell_link (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    hamlet_id  bigint NOT NULL REFERENCES admin_unit (id),
    cell_id    bigint NOT NULL REFERENCES party_unit (id),
    mode       text NOT NULL CHECK (mode IN ('own', 'combined')),
    valid_from date NOT NULL,
    valid_to   date CHECK (valid_to > valid_from),
    EXCLUDE USING gist (hamlet_id WITH =, daterange(valid_from, valid_to) WITH &&)
);
COMMENT ON TABLE hamlet_cell_link IS 'which cell serves a hamlet: its own cell (chi bộ độc lập) or a neighbour''s (sinh hoạt ghép); no row: no Party member (trắng đảng viên)';
CREATE INDEX hamlet_cell_link_cell ON hamlet_cell_link (cell_id, valid_from);

-- Succession: figures of a predecessor are restated on its successors by share (1 for merge,
-- rename and move; the recorded shares of a split, summing to 1).
CREATE TABLE party_unit_succession (
    event_id       bigint NOT NULL REFERENCES reorg_event (id),
    predecessor_id bigint NOT NULL REFERENCES party_unit (id),
    successor_id   bigint NOT NULL REFERENCES party_unit (id),
    share          numeric(7, 6) NOT NULL CHECK (share > 0 AND share <= 1),
    PRIMARY KEY (event_id, predecessor_id, successor_id)
);
CREATE INDEX party_unit_succession_successor ON party_unit_succession (successor_id);
CREATE INDEX party_unit_succession_predecessor ON party_unit_succession (predecessor_id);

CREATE TABLE admin_unit_succession (
    event_id       bigint NOT NULL REFERENCES reorg_event (id),
    predecessor_id bigint NOT NULL REFERENCES admin_unit (id),
    successor_id   bigint NOT NULL REFERENCES admin_unit (id),
    share          numeric(7, 6) NOT NULL CHECK (share > 0 AND share <= 1),
    PRIMARY KEY (event_id, predecessor_id, successor_id)
);
CREATE INDEX admin_unit_succession_successor ON admin_unit_succession (successor_id);
CREATE INDEX admin_unit_succession_predecessor ON admin_unit_succession (predecessor_id);

-- Rules of structure change over time (DOMAIN.md): each value is dated, and the one in force
-- on a date is the latest whose valid_from is on or before it.
CREATE TABLE structure_rule (
    name       text NOT NULL CHECK (name IN ('cell_min_full_members', 'committee_min_full_members',
                   'grassroots_committee_min_members')),
    valid_from date NOT NULL,
    value      integer NOT NULL CHECK (value > 0),
    PRIMARY KEY (name, valid_from)
);
COMMENT ON TABLE structure_rule IS 'quy định về tổ chức: số đảng viên tối thiểu của chi bộ, để bầu chi ủy, để lập đảng bộ cơ sở';
INSERT INTO structure_rule (name, valid_from, value) VALUES
    ('cell_min_full_members', '1930-01-01', 3),
    ('committee_min_full_members', '1930-01-01', 9),
    ('grassroots_committee_min_members', '1930-01-01', 30);

-- The version of a unit that speaks for it on date d: the one in force, else the last one
-- before d (the unit had closed), else its first one (the unit did not exist yet).
CREATE FUNCTION party_version_at(unit bigint, d date) RETURNS SETOF party_unit_version
LANGUAGE sql STABLE AS $$
    SELECT * FROM party_unit_version
    WHERE unit_id = unit
    ORDER BY (valid_from <= d) DESC,
             CASE WHEN valid_from <= d THEN valid_from END DESC,
             valid_from
    LIMIT 1
$$;

CREATE FUNCTION admin_version_at(unit bigint, d date) RETURNS SETOF admin_unit_version
LANGUAGE sql STABLE AS $$
    SELECT * FROM admin_unit_version
    WHERE unit_id = unit
    ORDER BY (valid_from <= d) DESC,
             CASE WHEN valid_from <= d THEN valid_from END DESC,
             valid_from
    LIMIT 1
$$;

-- A unit's life: from its first version's start to its last one's end (NULL: still open).
CREATE FUNCTION party_life(unit bigint, OUT life_from date, OUT life_to date)
LANGUAGE sql STABLE AS $$
    SELECT min(valid_from), CASE WHEN bool_or(valid_to IS NULL) THEN NULL ELSE max(valid_to) END
    FROM party_unit_version WHERE unit_id = unit
$$;

CREATE FUNCTION admin_life(unit bigint, OUT life_from date, OUT life_to date)
LANGUAGE sql STABLE AS $$
    SELECT min(valid_from), CASE WHEN bool_or(valid_to IS NULL) THEN NULL ELSE max(valid_to) END
    FROM admin_unit_version WHERE unit_id = unit
$$;

-- Scope: a user holds grants on Party units and sees their subtrees. roots NULL means the whole
-- tree. A unit is in scope on date d when it or one of its ancestors on d is a root.
CREATE FUNCTION party_in_scope(unit bigint, roots bigint[], d date) RETURNS boolean
LANGUAGE sql STABLE AS $$
    WITH RECURSIVE up (id, depth) AS (
        SELECT unit, 0
        UNION ALL
        SELECT v.parent_id, up.depth + 1
        FROM up CROSS JOIN LATERAL party_version_at(up.id, d) v
        WHERE v.parent_id IS NOT NULL AND up.depth < 32
    )
    SELECT roots IS NULL OR EXISTS (SELECT 1 FROM up WHERE up.id = ANY (roots))
$$;

-- An administrative unit is in scope when it lies under the territory led by one of the
-- roots (a commune committee leads its commune), or it is a hamlet served by a root cell.
CREATE FUNCTION admin_in_scope(unit bigint, roots bigint[], d date) RETURNS boolean
LANGUAGE sql STABLE AS $$
    WITH RECURSIVE up (id, depth) AS (
        SELECT unit, 0
        UNION ALL
        SELECT v.parent_id, up.depth + 1
        FROM up CROSS JOIN LATERAL admin_version_at(up.id, d) v
        WHERE v.parent_id IS NOT NULL AND up.depth < 32
    )
    SELECT roots IS NULL
        OR EXISTS (SELECT 1 FROM up JOIN party_unit p ON p.territory_id = up.id WHERE p.id = ANY (roots))
        OR EXISTS (SELECT 1 FROM hamlet_cell_link l
                   WHERE l.hamlet_id = unit AND l.cell_id = ANY (roots)
                     AND l.valid_from <= d AND (l.valid_to IS NULL OR l.valid_to > d))
$$;
