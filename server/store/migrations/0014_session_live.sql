-- Featured sessions live (docs/sessions-live.md): chat, questions and votes, per-session
-- mutes and bans, viewings (unique viewers, watch time) and the viewer peak. A featured
-- session's broadcast (0008) has the session's id. Business times come from the
-- application's Clock, never now().
CREATE TABLE session_chat_messages (
    id          uuid PRIMARY KEY,
    session_id  uuid NOT NULL REFERENCES featured_sessions (id) ON DELETE CASCADE,
    author_id   uuid REFERENCES accounts (id) ON DELETE SET NULL,
    text        text NOT NULL CHECK (length(text) BETWEEN 1 AND 500),
    at          timestamptz NOT NULL,
    -- The seq of its chat.message event on session:<id>, so a deletion can redact it.
    event_seq   bigint,
    deleted_at  timestamptz,
    deleted_by  uuid REFERENCES accounts (id) ON DELETE SET NULL
);
CREATE INDEX session_chat_messages_session_idx ON session_chat_messages (session_id, at, id);

CREATE TABLE session_questions (
    id           uuid PRIMARY KEY,
    session_id   uuid NOT NULL REFERENCES featured_sessions (id) ON DELETE CASCADE,
    author_id    uuid REFERENCES accounts (id) ON DELETE SET NULL,
    text         text NOT NULL CHECK (length(text) BETWEEN 1 AND 300),
    asked_at     timestamptz NOT NULL,
    votes        integer NOT NULL DEFAULT 0 CHECK (votes >= 0),
    answered_at  timestamptz,
    answered_by  uuid REFERENCES accounts (id) ON DELETE SET NULL
);
CREATE INDEX session_questions_order_idx
    ON session_questions (session_id, votes DESC, asked_at, id);

-- One vote per account and question: the primary key makes a second vote a no-op.
CREATE TABLE session_question_votes (
    question_id  uuid NOT NULL REFERENCES session_questions (id) ON DELETE CASCADE,
    account_id   uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    at           timestamptz NOT NULL,
    PRIMARY KEY (question_id, account_id)
);

-- A mute (no chat or questions; until NULL = the whole session) or a ban (no chat,
-- questions or votes) of one account in one session.
CREATE TABLE session_restrictions (
    session_id  uuid NOT NULL REFERENCES featured_sessions (id) ON DELETE CASCADE,
    account_id  uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    kind        text NOT NULL CHECK (kind IN ('mute', 'ban')),
    until       timestamptz,
    created_by  uuid REFERENCES accounts (id) ON DELETE SET NULL,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (session_id, account_id, kind)
);

-- Who watched while live: one row per signed-in account ('a:<id>') or anonymous browser
-- ('b:<random id>'), with accumulated watch time from the viewer page's heartbeats.
CREATE TABLE session_viewings (
    session_id     uuid NOT NULL REFERENCES featured_sessions (id) ON DELETE CASCADE,
    viewer         text NOT NULL CHECK (length(viewer) BETWEEN 3 AND 80),
    account_id     uuid REFERENCES accounts (id) ON DELETE SET NULL,
    first_seen_at  timestamptz NOT NULL,
    last_seen_at   timestamptz NOT NULL,
    watch_seconds  integer NOT NULL DEFAULT 0 CHECK (watch_seconds >= 0),
    PRIMARY KEY (session_id, viewer)
);

-- The largest viewer count (presence on session:<id>) seen while live.
CREATE TABLE session_peaks (
    session_id    uuid PRIMARY KEY REFERENCES featured_sessions (id) ON DELETE CASCADE,
    peak_viewers  integer NOT NULL CHECK (peak_viewers >= 0),
    peak_at       timestamptz NOT NULL
);
