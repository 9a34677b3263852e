-- An interviewer's interviews that ended without an outcome (listMyInterviewsAwaitingOutcome):
-- a partial index per interviewer column, small (only those still awaiting one), which the
-- query's `recruiter_id = $1 OR co_interviewer_id = $1` reads as a bitmap OR.
CREATE INDEX interviews_awaiting_recruiter_idx ON interviews (recruiter_id, ended_at DESC)
    WHERE outcome IS NULL AND ended_at IS NOT NULL;
CREATE INDEX interviews_awaiting_co_idx ON interviews (co_interviewer_id, ended_at DESC)
    WHERE outcome IS NULL AND ended_at IS NOT NULL AND co_interviewer_id IS NOT NULL;
