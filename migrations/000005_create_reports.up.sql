-- Quarterly reports of cells (báo cáo quý của chi bộ): figures, workflow, deadlines, history.

-- The provincial committee a unit belongs to on date d: its nearest ancestor (or itself) of
-- kind province_committee. Report settings are the province's.
CREATE FUNCTION party_province_of(unit bigint, d date) RETURNS bigint
LANGUAGE sql STABLE AS $$
    WITH RECURSIVE up (id, kind, depth) AS (
        SELECT v.unit_id, v.kind, 0 FROM party_version_at(unit, d) v
        UNION ALL
        SELECT p.unit_id, p.kind, up.depth + 1
        FROM up
        CROSS JOIN LATERAL (SELECT parent_id FROM party_version_at(up.id, d)) c
        CROSS JOIN LATERAL party_version_at(c.parent_id, d) p
        WHERE c.parent_id IS NOT NULL AND up.depth < 32
    )
    SELECT id FROM up WHERE kind = 'province_committee' ORDER BY depth LIMIT 1
$$;

CREATE TABLE report_setting (
    province_id   bigint PRIMARY KEY REFERENCES party_unit (id),
    deadline_days integer NOT NULL DEFAULT 10 CHECK (deadline_days BETWEEN 0 AND 90),
    grace_days    integer NOT NULL DEFAULT 20 CHECK (grace_days BETWEEN 0 AND 365),
    two_step      boolean NOT NULL DEFAULT false,
    version       integer NOT NULL DEFAULT 1
);
COMMENT ON TABLE report_setting IS 'a province''s reporting rules: deadline (days after the quarter), grace before the period locks, whether the province accepts after the commune approves';

CREATE TABLE report_exception (
    cell_id bigint NOT NULL REFERENCES party_unit (id),
    year    integer NOT NULL,
    quarter integer NOT NULL CHECK (quarter BETWEEN 1 AND 4),
    until   date NOT NULL,
    PRIMARY KEY (cell_id, year, quarter)
);
COMMENT ON TABLE report_exception IS 'a cell may still enter a locked period until this date (gia hạn)';

CREATE TABLE quarterly_report (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    cell_id   bigint NOT NULL REFERENCES party_unit (id),
    year      integer NOT NULL CHECK (year BETWEEN 1990 AND 2200),
    quarter   integer NOT NULL CHECK (quarter BETWEEN 1 AND 4),
    state     text NOT NULL DEFAULT 'draft'
              CHECK (state IN ('draft', 'submitted', 'returned', 'approved', 'accepted')),
    version   integer NOT NULL DEFAULT 1,

    -- Membership balance (biến động đảng viên)
    opening              integer NOT NULL DEFAULT 0 CHECK (opening >= 0),
    admitted             integer NOT NULL DEFAULT 0 CHECK (admitted >= 0),
    transferred_in       integer NOT NULL DEFAULT 0 CHECK (transferred_in >= 0),
    restored             integer NOT NULL DEFAULT 0 CHECK (restored >= 0),
    deceased             integer NOT NULL DEFAULT 0 CHECK (deceased >= 0),
    expelled             integer NOT NULL DEFAULT 0 CHECK (expelled >= 0),
    removed              integer NOT NULL DEFAULT 0 CHECK (removed >= 0),
    removed_probationary integer NOT NULL DEFAULT 0 CHECK (removed_probationary >= 0),
    withdrew             integer NOT NULL DEFAULT 0 CHECK (withdrew >= 0),
    transferred_out      integer NOT NULL DEFAULT 0 CHECK (transferred_out >= 0),
    closing              integer NOT NULL DEFAULT 0 CHECK (closing >= 0),
    -- Stock at quarter end
    full_members    integer NOT NULL DEFAULT 0 CHECK (full_members >= 0),
    probationary    integer NOT NULL DEFAULT 0 CHECK (probationary >= 0),
    women           integer NOT NULL DEFAULT 0 CHECK (women >= 0),
    exempt          integer NOT NULL DEFAULT 0 CHECK (exempt >= 0),
    working_away    integer NOT NULL DEFAULT 0 CHECK (working_away >= 0),
    youth_union     integer NOT NULL DEFAULT 0 CHECK (youth_union >= 0),
    religious       integer NOT NULL DEFAULT 0 CHECK (religious >= 0),
    ethnic_minority integer NOT NULL DEFAULT 0 CHECK (ethnic_minority >= 0),
    -- Pipeline (tạo nguồn)
    outstanding      integer NOT NULL DEFAULT 0 CHECK (outstanding >= 0),
    sympathisers     integer NOT NULL DEFAULT 0 CHECK (sympathisers >= 0),
    course_completed integer NOT NULL DEFAULT 0 CHECK (course_completed >= 0),
    dossiers         integer NOT NULL DEFAULT 0 CHECK (dossiers >= 0),
    recognised       integer NOT NULL DEFAULT 0 CHECK (recognised >= 0),
    not_recognised   integer NOT NULL DEFAULT 0 CHECK (not_recognised >= 0),
    -- Breakdown of the admitted
    adm_women           integer NOT NULL DEFAULT 0 CHECK (adm_women >= 0),
    adm_youth_union     integer NOT NULL DEFAULT 0 CHECK (adm_youth_union >= 0),
    adm_ethnic_minority integer NOT NULL DEFAULT 0 CHECK (adm_ethnic_minority >= 0),
    adm_religious       integer NOT NULL DEFAULT 0 CHECK (adm_religious >= 0),
    adm_workers         integer NOT NULL DEFAULT 0 CHECK (adm_workers >= 0),
    adm_private_owners  integer NOT NULL DEFAULT 0 CHECK (adm_private_owners >= 0),
    adm_students        integer NOT NULL DEFAULT 0 CHECK (adm_students >= 0),
    adm_readmitted      integer NOT NULL DEFAULT 0 CHECK (adm_readmitted >= 0),
    -- Cell life (sinh hoạt chi bộ)
    monthly_meetings  integer NOT NULL DEFAULT 0 CHECK (monthly_meetings BETWEEN 0 AND 3),
    thematic_meetings integer NOT NULL DEFAULT 0 CHECK (thematic_meetings >= 0),
    congress_held     integer NOT NULL DEFAULT 0 CHECK (congress_held BETWEEN 0 AND 1),

    -- Workflow
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    updated_by       bigint REFERENCES app_user (id),
    on_behalf        boolean NOT NULL DEFAULT false,
    submitted_at     timestamptz,
    late             boolean NOT NULL DEFAULT false,
    returned_reason  text NOT NULL DEFAULT '',
    reopen_requested text NOT NULL DEFAULT '',
    approved_at      timestamptz,
    accepted_at      timestamptz,
    UNIQUE (cell_id, year, quarter),
    -- A draft may be half typed; from submission on, the balance holds whatever wrote it.
    CHECK (state = 'draft' OR closing = opening + admitted + transferred_in + restored
                     - deceased - expelled - removed - withdrew - transferred_out),
    CHECK (state = 'draft' OR full_members + probationary = closing)
);
COMMENT ON TABLE quarterly_report IS 'a cell''s quarterly report (báo cáo quý): membership balance, stock, pipeline, admissions, cell life';
CREATE INDEX quarterly_report_period ON quarterly_report (year, quarter, state);

-- Every save and every step of the workflow, with the figures as they then were.
CREATE TABLE quarterly_report_revision (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_id  bigint NOT NULL REFERENCES quarterly_report (id),
    version    integer NOT NULL,
    action     text NOT NULL,
    state      text NOT NULL,
    figures    jsonb NOT NULL,
    reason     text NOT NULL DEFAULT '',
    by_user    bigint REFERENCES app_user (id),
    by_login   text NOT NULL,
    on_behalf  boolean NOT NULL DEFAULT false,
    at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX quarterly_report_revision_report ON quarterly_report_revision (report_id, version);
