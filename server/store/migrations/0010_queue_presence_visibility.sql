-- Booth queues, part two. A candidate whose last "me" connection closed is recorded as
-- away (one row until they are back): booth staff see "reconnecting", a call finds them
-- passed over once they have been away longer than the grace period, and an interview
-- whose candidate stays away is interrupted. Kept in the database, not in one node's
-- memory, so every node's call sees the same absence.
CREATE TABLE queue_absences (
    candidate_id  uuid PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    since         timestamptz NOT NULL
);

-- What a venue's public booth topics show: the full line (tokens, so each candidate
-- counts their place) and the wait table, or only its length and status (each holder
-- then gets their own place and wait on "me").
ALTER TABLE venues ADD COLUMN queue_visibility text NOT NULL DEFAULT 'full'
    CHECK (queue_visibility IN ('full', 'length_only'));
