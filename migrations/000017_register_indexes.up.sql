-- Indexes of the register's lists and pipeline board (docs/performance.md, "The admission
-- register"): whether a file is closed, probed once per file by Việc cần làm, the list and
-- the board, is read from a small index of the closing steps only.
CREATE INDEX candidate_step_closing ON candidate_step (candidate_id)
    WHERE kind IN ('recognition_decision', 'not_recognised', 'withdrawn');
