-- An outcome can be corrected for a while after it was recorded (a mis-click is found
-- only afterwards): when it was recorded starts that while, and every correction is kept
-- (what it was, what it became, who, when) so the record's history stays readable.
-- outcome_at is set by recordInterviewOutcome; a record with an outcome but no
-- outcome_at (recorded before this migration, or written by other means) is not
-- correctable.
ALTER TABLE interviews ADD COLUMN outcome_at timestamptz;

CREATE TABLE interview_outcome_changes (
    id             uuid PRIMARY KEY,
    interview_id   uuid NOT NULL REFERENCES interviews (id) ON DELETE CASCADE,
    outcome_from   text NOT NULL,
    outcome_to     text NOT NULL,
    notes_from     text NOT NULL,
    notes_to       text NOT NULL,
    changed_by     uuid REFERENCES accounts (id) ON DELETE SET NULL,
    changed_at     timestamptz NOT NULL
);
CREATE INDEX interview_outcome_changes_idx ON interview_outcome_changes (interview_id, changed_at);
