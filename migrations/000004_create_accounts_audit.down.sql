DROP FUNCTION IF EXISTS admin_leading_party_unit(bigint, date);
DROP TABLE IF EXISTS audit_log;
DROP FUNCTION IF EXISTS audit_log_refuse_change();
DROP TABLE IF EXISTS login_attempt;
DROP TABLE IF EXISTS sessions;
DROP TABLE IF EXISTS role_grant;
DROP TABLE IF EXISTS app_user;
