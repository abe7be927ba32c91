-- The per-person admission register (sổ theo dõi phát triển đảng viên, internal/register): a
-- candidate's file in a cell, the dated steps recorded on it, and the dated rule sets whose
-- deadlines and age limits apply on a step's day.

-- One row per rule set; the set in force on a day is the latest valid_from on or before it.
CREATE TABLE admission_rules (
    valid_from                      date PRIMARY KEY,
    decision_days                   integer NOT NULL CHECK (decision_days > 0),
    decision_extra_days             integer NOT NULL CHECK (decision_extra_days >= 0),
    ceremony_days                   integer NOT NULL CHECK (ceremony_days > 0),
    probation_months                integer NOT NULL CHECK (probation_months > 0),
    recognition_vote_days           integer NOT NULL CHECK (recognition_vote_days > 0),
    recognition_decision_days       integer NOT NULL CHECK (recognition_decision_days > 0),
    recognition_decision_extra_days integer NOT NULL CHECK (recognition_decision_extra_days >= 0),
    certificate_years               integer NOT NULL CHECK (certificate_years > 0),
    certificate_warn_months         integer NOT NULL CHECK (certificate_warn_months > 0),
    dossier_months                  integer NOT NULL CHECK (dossier_months > 0),
    min_age                         integer NOT NULL CHECK (min_age > 0),
    max_age                         integer NOT NULL CHECK (max_age > min_age),
    warn_working_days               integer NOT NULL CHECK (warn_working_days >= 0),
    probation_warn_days             integer NOT NULL CHECK (probation_warn_days >= 0),
    source                          text NOT NULL CHECK (btrim(source) <> '')
);
COMMENT ON TABLE admission_rules IS 'quy định về thời hạn, tuổi kết nạp đảng viên theo từng thời kỳ; deadlines in working days unless named months or years';
COMMENT ON COLUMN admission_rules.decision_days IS 'quyết định kết nạp: working days after the cell resolution';
COMMENT ON COLUMN admission_rules.ceremony_days IS 'lễ kết nạp: working days after the decision';
COMMENT ON COLUMN admission_rules.recognition_vote_days IS 'chi bộ xét công nhận đảng viên chính thức: working days after probation ends';
COMMENT ON COLUMN admission_rules.warn_working_days IS 'a deadline within this many working days is warned of (ours, not the Party''s)';
COMMENT ON COLUMN admission_rules.probation_warn_days IS 'probation ending within this many calendar days is warned of (ours)';

INSERT INTO admission_rules VALUES
    ('2020-01-28', 60, 30, 30, 12, 30, 30, 30, 5, 54, 12, 18, 60, 10, 30,
     'Quy định 232-QĐ/TW (28/01/2020) thi hành Điều lệ Đảng; Hướng dẫn 01-HD/TW (28/9/2021)'),
    ('2025-07-01', 60, 30, 30, 12, 30, 30, 30, 5, 54, 12, 18, 60, 10, 30,
     'Quy định 294-QĐ/TW (26/5/2025, in force from 01/7/2025) thi hành Điều lệ Đảng; Hướng dẫn 06-HD/TW (2025)');

-- A candidate's file (hồ sơ người vào Đảng). Personal data under the personal data protection
-- law: only these fields; ethnicity and religion are sensitive. The national ID is stored
-- encrypted (AES-GCM) with a keyed HMAC beside it for search, never in clear.
CREATE TABLE candidate (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    cell_id         bigint NOT NULL REFERENCES party_unit (id),
    full_name       text NOT NULL CHECK (length(btrim(full_name)) BETWEEN 1 AND 100),
    birth_date      date NOT NULL,
    sex             text NOT NULL CHECK (sex IN ('male', 'female')),
    ethnicity       text NOT NULL CHECK (length(btrim(ethnicity)) BETWEEN 1 AND 40),
    religion        text NOT NULL DEFAULT '' CHECK (length(religion) <= 40),
    occupation      text NOT NULL CHECK (occupation IN ('farmer', 'worker', 'civil_servant', 'armed_forces',
                        'student', 'business_owner', 'hamlet_staff', 'other')),
    education       text NOT NULL CHECK (education IN ('primary', 'lower_secondary', 'upper_secondary',
                        'vocational', 'college', 'university', 'postgraduate')),
    youth_union     boolean NOT NULL DEFAULT false,
    hamlet_id       bigint REFERENCES admin_unit (id),
    workplace       text NOT NULL DEFAULT '' CHECK (length(workplace) <= 200),
    readmission     boolean NOT NULL DEFAULT false,
    national_id_enc bytea,
    national_id_mac bytea,
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CHECK ((national_id_enc IS NULL) = (national_id_mac IS NULL))
);
COMMENT ON TABLE candidate IS 'hồ sơ người vào Đảng, theo dõi tại chi bộ';
COMMENT ON COLUMN candidate.cell_id IS 'the cell (chi bộ) that holds the file now';
COMMENT ON COLUMN candidate.hamlet_id IS 'ấp, khu phố where the person lives; or workplace (nơi làm việc)';
COMMENT ON COLUMN candidate.readmission IS 'kết nạp lại';
COMMENT ON COLUMN candidate.national_id_enc IS 'số định danh cá nhân, AES-GCM: nonce || ciphertext';
COMMENT ON COLUMN candidate.national_id_mac IS 'HMAC-SHA256 of the national ID under the register key, for search';
CREATE INDEX candidate_cell ON candidate (cell_id);
CREATE INDEX candidate_national_id ON candidate (national_id_mac) WHERE national_id_mac IS NOT NULL;

-- The steps of a file, each with its date and document; appended, never changed.
CREATE TABLE candidate_step (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    candidate_id      bigint NOT NULL REFERENCES candidate (id),
    kind              text NOT NULL CHECK (kind IN ('outstanding', 'sympathiser', 'course', 'application',
                          'verification', 'sponsors', 'cell_resolution', 'decision', 'ceremony', 'recognition_vote',
                          'recognition_decision', 'not_recognised', 'withdrawn', 'transferred')),
    on_date           date NOT NULL,
    document          text NOT NULL DEFAULT '' CHECK (length(document) <= 200),
    helper            text NOT NULL DEFAULT '' CHECK (length(helper) <= 200),
    issuer            text NOT NULL DEFAULT '' CHECK (length(issuer) <= 200),
    votes_for         integer CHECK (votes_for >= 0),
    full_members      integer CHECK (full_members > 0),
    consent           text NOT NULL DEFAULT '' CHECK (length(consent) <= 200),
    extended          boolean NOT NULL DEFAULT false,
    from_cell_id      bigint REFERENCES party_unit (id),
    to_cell_id        bigint REFERENCES party_unit (id),
    recorded_by       bigint REFERENCES app_user (id),
    recorded_by_login text NOT NULL,
    recorded_at       timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE candidate_step IS 'các bước của hồ sơ: giới thiệu, cảm tình đảng, lớp bồi dưỡng, đơn và lý lịch, thẩm tra, giới thiệu, nghị quyết chi bộ, quyết định, lễ kết nạp, công nhận chính thức…';
COMMENT ON COLUMN candidate_step.helper IS 'sympathiser: đảng viên được phân công giúp đỡ; sponsors: hai người giới thiệu';
COMMENT ON COLUMN candidate_step.issuer IS 'course: nơi cấp giấy chứng nhận';
COMMENT ON COLUMN candidate_step.consent IS 'cell_resolution of a person over the age limit: the provincial standing committee''s consent';
COMMENT ON COLUMN candidate_step.extended IS 'decision or recognition_decision taken in the extra period allowed';
CREATE INDEX candidate_step_candidate ON candidate_step (candidate_id, on_date);
CREATE INDEX candidate_step_ceremony ON candidate_step (on_date) WHERE kind = 'ceremony';
