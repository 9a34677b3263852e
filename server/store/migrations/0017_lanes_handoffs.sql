-- Key-group lanes and handoffs (docs/queues.md "Lanes", "Handoffs").
--
-- A walk-in's call_key is a weighted-fair-queueing key fixed at join
-- (server/domain/lanes.py): max(the booth's virtual time, the lane's last key) + the
-- lane's step. The virtual time is the greatest key called in order so far.

-- The key groups a booth's key-group lane serves (none: no such lane) and the ratio of
-- key-group to general tickets called.
CREATE TABLE booth_lanes (
    booth_id          uuid PRIMARY KEY REFERENCES booths (id) ON DELETE CASCADE,
    key_groups        text[] NOT NULL DEFAULT '{}'
        CHECK (key_groups <@ ARRAY['graduates', 'poverty_stricken', 'unemployed', 'laid_off',
                                   'struggling_enterprise_staff']::text[]),
    key_group_weight  smallint NOT NULL DEFAULT 1 CHECK (key_group_weight BETWEEN 1 AND 10),
    general_weight    smallint NOT NULL DEFAULT 1 CHECK (general_weight BETWEEN 1 AND 10),
    changed_at        timestamptz NOT NULL
);

ALTER TABLE booth_queues ADD COLUMN lane_vtime double precision NOT NULL DEFAULT 0;
-- Lines waiting now keep their order (walk-ins' keys were their join times in epoch
-- seconds): the virtual time starts at the head of each line.
UPDATE booth_queues q
   SET lane_vtime = coalesce(
         (SELECT min(t.call_key) FROM tickets t
           WHERE t.booth_id = q.booth_id AND t.kind = 'walk_in'
             AND t.state IN ('waiting', 'notified')),
         (SELECT max(t.call_key) FROM tickets t
           WHERE t.booth_id = q.booth_id AND t.kind = 'walk_in'),
         0);

-- A joining walk-in's key starts after its lane's last key that may still be called.
CREATE INDEX tickets_lane_last_idx ON tickets (booth_id, lane, call_key)
    WHERE kind = 'walk_in' AND state IN ('waiting', 'notified', 'called', 'interrupted');

-- A recruiter's "only handoffs": their call-next takes only handoffs and due
-- reservations.
ALTER TABLE booth_staff ADD COLUMN only_handoffs boolean NOT NULL DEFAULT false;

-- A handoff to a named colleague is theirs alone to call until held_until.
ALTER TABLE tickets ADD COLUMN held_for uuid REFERENCES accounts (id) ON DELETE SET NULL;
ALTER TABLE tickets ADD COLUMN held_until timestamptz;

-- Every handoff: pending (another employer: waiting for the candidate's accept until
-- expires_at), admitted (ticket_id is the new ticket in the target line), declined or
-- expired. One open handoff per interview's ticket.
CREATE TABLE queue_handoffs (
    id            uuid PRIMARY KEY,
    fair_id       uuid NOT NULL REFERENCES fairs (id) ON DELETE CASCADE,
    from_ticket   uuid NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    from_booth    uuid NOT NULL REFERENCES booths (id) ON DELETE CASCADE,
    to_booth      uuid NOT NULL REFERENCES booths (id) ON DELETE CASCADE,
    candidate_id  uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    by_staff      uuid REFERENCES accounts (id) ON DELETE SET NULL,
    colleague_id  uuid REFERENCES accounts (id) ON DELETE SET NULL,
    state         text NOT NULL CHECK (state IN ('pending', 'admitted', 'declined', 'expired')),
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz,
    answered_at   timestamptz,
    ticket_id     uuid REFERENCES tickets (id) ON DELETE SET NULL,
    CHECK (state <> 'pending' OR (expires_at IS NOT NULL AND answered_at IS NULL))
);
CREATE UNIQUE INDEX queue_handoffs_open_idx ON queue_handoffs (from_ticket)
    WHERE state IN ('pending', 'admitted');
CREATE INDEX queue_handoffs_candidate_idx ON queue_handoffs (candidate_id, created_at DESC);
