-- Broadcasts and their WHIP ingest tokens (signaling/, server/api/broadcast.py).
-- A broadcast is the media side of a featured session: until the programme issue
-- lands, an operator creates one directly; then a featured session will own it.
CREATE TABLE broadcasts (
    id                  uuid PRIMARY KEY,
    fair_id             uuid REFERENCES fairs (id) ON DELETE CASCADE,
    title               text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    starts_at           timestamptz NOT NULL,
    ends_at             timestamptz NOT NULL,
    -- Fixed by the first publish ('VP8' or 'H264'); a reconnect must keep it.
    video_codec         text CHECK (video_codec IN ('VP8', 'H264')),
    -- The WHIP session publishing now (on some node), if any.
    ingest_session      text,
    ingest_started_at   timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_at > starts_at),
    CHECK ((ingest_session IS NULL) = (ingest_started_at IS NULL))
);
CREATE INDEX broadcasts_fair_idx ON broadcasts (fair_id, starts_at);

-- Bearer tokens a host (or OBS) publishes with. Only the SHA-256 of a token is kept:
-- the token itself is shown once. Rotating revokes the current token and adds a new
-- one; a token expires an hour after its broadcast's end.
CREATE TABLE broadcast_ingest_tokens (
    id              uuid PRIMARY KEY,
    broadcast_id    uuid NOT NULL REFERENCES broadcasts (id) ON DELETE CASCADE,
    token_sha256    bytea NOT NULL UNIQUE CHECK (length(token_sha256) = 32),
    expires_at      timestamptz NOT NULL,
    created_at      timestamptz NOT NULL,
    revoked_at      timestamptz
);
CREATE UNIQUE INDEX broadcast_ingest_tokens_current_idx
    ON broadcast_ingest_tokens (broadcast_id) WHERE revoked_at IS NULL;
