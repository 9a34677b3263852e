-- The questions an account voted for in a session, read on every session snapshot (each
-- viewer who opens a session page): from the account's few votes, not every vote of every
-- session. It also serves the cascade when an account is deleted.
CREATE INDEX session_question_votes_account_idx ON session_question_votes (account_id);
