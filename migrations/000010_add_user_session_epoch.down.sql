ALTER TABLE app_user DROP COLUMN session_epoch;
