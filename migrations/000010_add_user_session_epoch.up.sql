-- A user's sessions end together: each session remembers the account's session epoch at sign-in
-- and stops being signed in once the epoch has moved on. It moves on when an administrator resets
-- the password or disables the account, and when the user changes their own password (their
-- current session then takes the new epoch). Sessions live in scs's table as opaque bytes, so
-- they cannot be found by user; the epoch is read with the account on every request anyway.
ALTER TABLE app_user ADD COLUMN session_epoch bigint NOT NULL DEFAULT 0;
COMMENT ON COLUMN app_user.session_epoch IS 'bumped to end every session (phiên đăng nhập) of the account';
