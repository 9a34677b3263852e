-- Booth queues. Each booth has a queue status owned by the queue service (opening hours
-- and programme timers call the same method). A ticket is one candidate in one line.
-- "Never two calls at once" is enforced here, not only in code: at most one ticket per
-- candidate and one per staff member can be called or in an interview.
CREATE TABLE booth_queues (
    booth_id    uuid PRIMARY KEY REFERENCES booths (id) ON DELETE CASCADE,
    status      text NOT NULL DEFAULT 'closed' CHECK (status IN ('closed', 'open', 'paused')),
    eta         jsonb,  -- the last published wait table, to publish only changes
    changed_at  timestamptz NOT NULL
);

CREATE TABLE tickets (
    id            uuid PRIMARY KEY,
    fair_id       uuid NOT NULL REFERENCES fairs (id) ON DELETE CASCADE,
    booth_id      uuid NOT NULL REFERENCES booths (id) ON DELETE CASCADE,
    candidate_id  uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    token         text NOT NULL UNIQUE,
    state         text NOT NULL CHECK (state IN ('waiting', 'notified', 'called', 'in_interview',
                                                  'interrupted', 'done', 'left', 'expired',
                                                  'removed')),
    passes        integer NOT NULL DEFAULT 0 CHECK (passes >= 0),
    joined_at     timestamptz NOT NULL,
    changed_at    timestamptz NOT NULL,
    called_by     uuid REFERENCES accounts (id) ON DELETE SET NULL,
    called_at     timestamptz,
    started_at    timestamptz,
    ended_at      timestamptz,
    reason        text NOT NULL DEFAULT '' CHECK (length(reason) <= 200)
);
CREATE INDEX tickets_line_idx ON tickets (booth_id, joined_at, id)
    WHERE state IN ('waiting', 'notified');
CREATE INDEX tickets_candidate_idx ON tickets (candidate_id, state);
CREATE UNIQUE INDEX tickets_one_line_per_booth_idx ON tickets (booth_id, candidate_id)
    WHERE state IN ('waiting', 'notified', 'called', 'in_interview', 'interrupted');
CREATE UNIQUE INDEX tickets_one_call_per_candidate_idx ON tickets (candidate_id)
    WHERE state IN ('called', 'in_interview');
CREATE UNIQUE INDEX tickets_one_call_per_staff_idx ON tickets (called_by)
    WHERE state IN ('called', 'in_interview');
CREATE INDEX tickets_done_idx ON tickets (booth_id, ended_at DESC) WHERE state = 'done';

CREATE TABLE staff_status (
    booth_id    uuid NOT NULL REFERENCES booths (id) ON DELETE CASCADE,
    account_id  uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    status      text NOT NULL CHECK (status IN ('offline', 'available', 'paused', 'in_call')),
    changed_at  timestamptz NOT NULL,
    PRIMARY KEY (booth_id, account_id)
);

-- "Tell me when there is room": one row per candidate and booth until it fires.
CREATE TABLE queue_watchers (
    booth_id      uuid NOT NULL REFERENCES booths (id) ON DELETE CASCADE,
    candidate_id  uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at    timestamptz NOT NULL,
    PRIMARY KEY (booth_id, candidate_id)
);
