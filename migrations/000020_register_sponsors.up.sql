-- The admission register's later rules (internal/register): the sponsors of a sponsors step with
-- the dates their qualification is checked on, a readmission's own facts, the dated numbers of
-- both rules, and each province's retention period for removed persons' files.

ALTER TABLE admission_rules
    ADD COLUMN sponsor_months                integer NOT NULL DEFAULT 12 CHECK (sponsor_months > 0),
    ADD COLUMN readmission_months            integer NOT NULL DEFAULT 36 CHECK (readmission_months > 0),
    ADD COLUMN readmission_conviction_months integer NOT NULL DEFAULT 60 CHECK (readmission_conviction_months > 0);
COMMENT ON COLUMN admission_rules.sponsor_months IS 'a sponsor: full member and has known the person at least this long on the sponsors step''s day';
COMMENT ON COLUMN admission_rules.readmission_months IS 'kết nạp lại: out of the Party at least this long on the cell resolution''s day';
COMMENT ON COLUMN admission_rules.readmission_conviction_months IS 'kết nạp lại after a less-serious conviction: this long after it was expunged';

-- The sponsors named by a sponsors step (người giới thiệu). A Youth Union member may be sponsored
-- by the Youth Union committee (youth_union, no dates) and one full member.
CREATE TABLE candidate_sponsor (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    step_id      bigint NOT NULL REFERENCES candidate_step (id) ON DELETE CASCADE,
    name         text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    youth_union  boolean NOT NULL DEFAULT false,
    member_since date,
    known_since  date,
    ceased_on    date,
    CHECK (youth_union OR (member_since IS NOT NULL AND known_since IS NOT NULL))
);
COMMENT ON COLUMN candidate_sponsor.member_since IS 'đảng viên chính thức từ ngày';
COMMENT ON COLUMN candidate_sponsor.known_since IS 'cùng công tác, học tập hoặc cư trú với người vào Đảng từ ngày';
COMMENT ON COLUMN candidate_sponsor.ceased_on IS 'the day the sponsor ceased to qualify (no longer a full member…); warned until the sponsors step is recorded again';
CREATE INDEX candidate_sponsor_step ON candidate_sponsor (step_id);
-- Việc cần làm reads the files whose sponsor ceased beside those their summary warns of: few rows.
CREATE INDEX candidate_sponsor_ceased ON candidate_sponsor (ceased_on) WHERE ceased_on IS NOT NULL;

-- A readmission's facts (kết nạp lại), one row per file flagged candidate.readmission.
CREATE TABLE candidate_readmission (
    candidate_id        bigint PRIMARY KEY REFERENCES candidate (id) ON DELETE CASCADE,
    left_on             date NOT NULL,
    cause               text NOT NULL CHECK (cause IN ('family_hardship', 'minor_crime', 'other', 'abandoned',
                            'applied_to_leave', 'disunity', 'corruption', 'serious_crime')),
    expunged_on         date CHECK ((cause = 'minor_crime') = (expunged_on IS NOT NULL)),
    readmitted_before   boolean NOT NULL DEFAULT false,
    consent_on          date,
    consent_document    text NOT NULL DEFAULT '' CHECK (length(consent_document) <= 200)
);
COMMENT ON COLUMN candidate_readmission.left_on IS 'ngày ra khỏi Đảng';
COMMENT ON COLUMN candidate_readmission.cause IS 'lý do ra khỏi Đảng';
COMMENT ON COLUMN candidate_readmission.expunged_on IS 'minor_crime (tội phạm ít nghiêm trọng): ngày được xóa án tích';
COMMENT ON COLUMN candidate_readmission.consent_on IS 'văn bản đồng ý của Ban Thường vụ Tỉnh ủy: ngày';

-- How long a removed person's file (withdrawn, not recognised) is kept, per province; no row is
-- the default (register.DefaultRetentionYears).
CREATE TABLE register_retention (
    province_id bigint PRIMARY KEY REFERENCES party_unit (id),
    years       integer NOT NULL CHECK (years BETWEEN 1 AND 100),
    version     integer NOT NULL DEFAULT 1
);
COMMENT ON TABLE register_retention IS 'thời hạn lưu hồ sơ của người đã rút khỏi danh sách hoặc không được công nhận';
