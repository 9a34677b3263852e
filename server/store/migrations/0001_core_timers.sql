-- Durable timers: one mechanism for every deadline in the product (server/timers.py).
-- A row is due when due_at <= the runner's Clock; it is claimed with
-- FOR UPDATE SKIP LOCKED, its handler runs in the claiming transaction, and the row is
-- deleted in that same transaction, so a timer fires exactly once or not at all.
CREATE TABLE timers (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind        text        NOT NULL CHECK (kind ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$'),
    key         text        NOT NULL UNIQUE,
    due_at      timestamptz NOT NULL,
    payload     jsonb       NOT NULL DEFAULT '{}'::jsonb,
    attempts    integer     NOT NULL DEFAULT 0,
    last_error  text,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX timers_due_idx ON timers (due_at);

-- Timers that were too late to fire under a `report` late policy, kept for operators.
CREATE TABLE timer_reports (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind        text        NOT NULL,
    key         text        NOT NULL,
    due_at      timestamptz NOT NULL,
    seen_at     timestamptz NOT NULL,
    lateness_s  double precision NOT NULL,
    payload     jsonb       NOT NULL
);
CREATE INDEX timer_reports_kind_idx ON timer_reports (kind, seen_at);
