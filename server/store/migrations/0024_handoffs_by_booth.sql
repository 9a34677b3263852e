-- A booth's recent handoffs, in its staff snapshot (every console that opens): from the
-- booth's own, not every handoff of the fair.
CREATE INDEX queue_handoffs_from_booth_idx ON queue_handoffs (from_booth, created_at);
