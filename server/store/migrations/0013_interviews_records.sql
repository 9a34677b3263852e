-- Interviews: a call the candidate accepted (ticket in_interview) becomes an interview
-- record, keyed by the ticket's id. What the statistics need stays true later: the
-- employer's type and the candidate's key groups are copied here at the time.
CREATE TABLE interviews (
    id                 uuid PRIMARY KEY REFERENCES tickets (id) ON DELETE CASCADE,
    fair_id            uuid NOT NULL REFERENCES fairs (id) ON DELETE CASCADE,
    booth_id           uuid NOT NULL REFERENCES booths (id) ON DELETE CASCADE,
    candidate_id       uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    recruiter_id       uuid REFERENCES accounts (id) ON DELETE SET NULL,
    co_interviewer_id  uuid REFERENCES accounts (id) ON DELETE SET NULL,
    started_at         timestamptz NOT NULL,
    ends_at            timestamptz NOT NULL,  -- the countdown's end (slot length + extensions)
    ended_at           timestamptz,
    outcome            text CHECK (outcome IN ('next_round', 'offer_intent', 'not_suitable',
                                               'no_show', 'interrupted')),
    outcome_by         uuid REFERENCES accounts (id) ON DELETE SET NULL,
    notes              text NOT NULL DEFAULT '' CHECK (length(notes) <= 4000),
    employer_type      text,   -- employers.type when the interview opened (NULL: guidance desk)
    candidate_groups   jsonb,  -- the candidate's declared key groups then (NULL: none known)
    CHECK (ended_at IS NULL OR ended_at >= started_at),
    CHECK (outcome IS NULL OR ended_at IS NOT NULL),
    CHECK (co_interviewer_id IS NULL OR co_interviewer_id <> candidate_id)
);
CREATE INDEX interviews_booth_idx ON interviews (booth_id, started_at);
CREATE INDEX interviews_fair_outcome_idx ON interviews (fair_id, outcome) WHERE outcome IS NOT NULL;

-- Who actually came into the room (first signaling join): "attendees", and the evidence
-- for a no-show.
CREATE TABLE interview_attendees (
    interview_id  uuid NOT NULL REFERENCES interviews (id) ON DELETE CASCADE,
    account_id    uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    role          text NOT NULL CHECK (role IN ('candidate', 'recruiter', 'co_interviewer')),
    joined_at     timestamptz NOT NULL,
    PRIMARY KEY (interview_id, account_id)
);

CREATE TABLE interview_chat (
    id            uuid PRIMARY KEY,
    interview_id  uuid NOT NULL REFERENCES interviews (id) ON DELETE CASCADE,
    author_id     uuid REFERENCES accounts (id) ON DELETE SET NULL,
    role          text NOT NULL CHECK (role IN ('candidate', 'recruiter', 'co_interviewer')),
    text          text NOT NULL CHECK (length(text) BETWEEN 1 AND 2000),
    at            timestamptz NOT NULL
);
CREATE INDEX interview_chat_idx ON interview_chat (interview_id, at, id);
