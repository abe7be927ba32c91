-- The rule sets are shown on /register/rules and in the printed file: the seeded source of the
-- 2025 set said "in force from" in English. The text only: no deadline reads it, so the files'
-- summaries are not made stale for it (the register's generation is bumped, which is cheap).
ALTER TABLE admission_rules DISABLE TRIGGER admission_rules_stales_summaries;
UPDATE admission_rules
SET source = 'Quy định 294-QĐ/TW (26/5/2025, hiệu lực từ 01/7/2025) thi hành Điều lệ Đảng; Hướng dẫn 06-HD/TW (2025)'
WHERE valid_from = '2025-07-01'
  AND source = 'Quy định 294-QĐ/TW (26/5/2025, in force from 01/7/2025) thi hành Điều lệ Đảng; Hướng dẫn 06-HD/TW (2025)';
ALTER TABLE admission_rules ENABLE TRIGGER admission_rules_stales_summaries;
