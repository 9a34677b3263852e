-- The event outbox. A change and its events commit in one transaction; each topic's
-- row is bumped (and so locked) in that transaction, which serialises writers per topic:
-- seq grows by one per event, in commit order, with no gaps. After commit the events
-- go out on the bus; topics_published records how far each topic is known to be
-- published (a separate table, so that recording it never contends with writers'
-- row locks), and the relay republishes what a crash left behind.
CREATE TABLE topics (
    topic       text PRIMARY KEY,
    seq         bigint NOT NULL DEFAULT 0,
    changed_at  timestamptz NOT NULL
);
CREATE INDEX topics_changed_idx ON topics (changed_at);

CREATE TABLE topics_published (
    topic  text PRIMARY KEY,
    seq    bigint NOT NULL
);

CREATE TABLE events (
    topic  text NOT NULL,
    seq    bigint NOT NULL,
    type   text NOT NULL,
    data   jsonb NOT NULL,
    at     timestamptz NOT NULL,
    PRIMARY KEY (topic, seq)
);
CREATE INDEX events_at_idx ON events (at);

-- A persisted inbox per account; each insert is also a durable event on user:<id>.
CREATE TABLE notifications (
    id          uuid PRIMARY KEY,
    account_id  uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    kind        text NOT NULL,
    data        jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at  timestamptz NOT NULL,
    read_at     timestamptz
);
CREATE INDEX notifications_account_idx ON notifications (account_id, created_at DESC);
