DROP TABLE push_subscription;
DROP TABLE notify_rule;
DROP TABLE notify_message;
DROP TABLE notify_preference;
