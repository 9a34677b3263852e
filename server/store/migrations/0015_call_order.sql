-- The call order, part two (issue 8): where a ticket stands in its booth's line.
--
-- A line is ordered by (priority, call_key, id): due reservations first (priority 0,
-- keyed by the slot's start), then handoffs (1, keyed by the time of the handoff), then
-- walk-ins (2, keyed by their join time, or by the lane interleaving's key). The key is
-- fixed when the ticket enters the line, so the order of the others never changes when
-- one joins or leaves: the public topic's deltas stay list inserts and deletes.
ALTER TABLE tickets
    ADD COLUMN kind text NOT NULL DEFAULT 'walk_in'
        CHECK (kind IN ('walk_in', 'reservation', 'handoff')),
    ADD COLUMN lane text NOT NULL DEFAULT 'general' CHECK (lane IN ('general', 'key_group')),
    ADD COLUMN call_key double precision,
    ADD COLUMN handed_from uuid REFERENCES tickets (id) ON DELETE SET NULL,
    ADD COLUMN booking_id uuid,
    -- When the ticket was first called (a re-call after a pass keeps it): statistics'
    -- time to first contact.
    ADD COLUMN first_called_at timestamptz,
    ADD COLUMN priority smallint GENERATED ALWAYS AS (
        CASE kind WHEN 'reservation' THEN 0 WHEN 'handoff' THEN 1 ELSE 2 END) STORED;

UPDATE tickets SET call_key = extract(epoch FROM joined_at), first_called_at = called_at;
ALTER TABLE tickets ALTER COLUMN call_key SET NOT NULL;

DROP INDEX tickets_line_idx;
CREATE INDEX tickets_call_order_idx ON tickets (booth_id, priority, call_key, id)
    WHERE state IN ('waiting', 'notified');
