-- Notifications (thông báo): one outbox of messages per recipient and channel, the people's
-- preferences, the provinces' reminder rules and the phones subscribed to Web Push.

CREATE TABLE notify_preference (
    user_id    bigint PRIMARY KEY REFERENCES app_user (id) ON DELETE CASCADE,
    email      text NOT NULL DEFAULT '',
    by_email   boolean NOT NULL DEFAULT false,
    by_push    boolean NOT NULL DEFAULT true,
    -- Quiet hours in Vietnam's time (UTC+7); from > until spans midnight; NULL for none.
    quiet_from  time,
    quiet_until time,
    version    integer NOT NULL DEFAULT 1,
    CHECK ((quiet_from IS NULL) = (quiet_until IS NULL))
);
COMMENT ON TABLE notify_preference IS 'a person''s notification channels and quiet hours (giờ yên lặng)';

-- The outbox: written in the transaction of the event that causes it, delivered by a worker.
-- In-app rows are delivered as they are written; read_at marks them read.
CREATE TABLE notify_message (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key             text NOT NULL,
    user_id         bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    channel         text NOT NULL CHECK (channel IN ('inapp', 'email', 'push')),
    subject         text NOT NULL,
    body            text NOT NULL,
    link            text NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    attempts        integer NOT NULL DEFAULT 0,
    delivered_at    timestamptz,
    last_error      text NOT NULL DEFAULT '',
    read_at         timestamptz,
    UNIQUE (key, user_id, channel)
);
COMMENT ON TABLE notify_message IS 'outbox of notifications (thông báo): one row per message, recipient and channel';
COMMENT ON COLUMN notify_message.key IS 'idempotency key: rule or event, subject and period; the same message is never written twice';
CREATE INDEX notify_message_due ON notify_message (next_attempt_at) WHERE delivered_at IS NULL;
CREATE INDEX notify_message_inbox ON notify_message (user_id, created_at) WHERE channel = 'inapp';

-- A province's reminder rules, dated: the rule in force on a day is the latest valid_from.
CREATE TABLE notify_rule (
    province_id    bigint NOT NULL REFERENCES party_unit (id),
    valid_from     date NOT NULL,
    days_before    integer[] NOT NULL DEFAULT '{3}',
    days_after     integer[] NOT NULL DEFAULT '{0,7}',
    digest_weekday integer DEFAULT 1 CHECK (digest_weekday BETWEEN 1 AND 7),
    version        integer NOT NULL DEFAULT 1,
    PRIMARY KEY (province_id, valid_from)
);
COMMENT ON TABLE notify_rule IS 'a province''s reminder rules (quy tắc nhắc): days before the deadline to the secretary, days on/after it to the commune, weekday of the digest to the province (ISO, NULL for none)';

CREATE TABLE push_subscription (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    endpoint   text NOT NULL UNIQUE,
    p256dh     text NOT NULL,
    auth       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE push_subscription IS 'a browser or installed phone app subscribed to Web Push (đăng ký nhận thông báo đẩy)';
CREATE INDEX push_subscription_user ON push_subscription (user_id);
