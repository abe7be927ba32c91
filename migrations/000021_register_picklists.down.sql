-- The values stay as migration 000021 spelled them (the old spellings are in the audit log); a
-- religion longer than the old limit is cut to it.
UPDATE candidate SET religion = left(religion, 40) WHERE length(religion) > 40;
ALTER TABLE candidate DROP CONSTRAINT IF EXISTS candidate_religion_check,
    ADD CONSTRAINT candidate_religion_check CHECK (length(religion) <= 40);
