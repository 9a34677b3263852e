-- The weekly programme: featured sessions (特色专场招聘), their hosts and booths, late
-- windows, followers and calendar tokens. See docs/programme.md. Business times come
-- from the application's Clock, never now().
CREATE TABLE featured_sessions (
    id                  uuid PRIMARY KEY,
    fair_id             uuid NOT NULL REFERENCES fairs (id) ON DELETE CASCADE,
    venue_id            uuid NOT NULL REFERENCES venues (id) ON DELETE CASCADE,
    week                integer NOT NULL CHECK (week >= 1),
    title               text NOT NULL CHECK (length(title) BETWEEN 1 AND 100),
    description         text NOT NULL DEFAULT '' CHECK (length(description) <= 4000),
    category            text NOT NULL CHECK (category IN ('enterprise_staffing', 'key_groups',
                                                          'hubei_cooperation', 'other')),
    -- 助企用工 sessions say what kind: an industry, a trade or a shortage fair.
    staffing_focus      text CHECK (staffing_focus IN ('industry', 'trade', 'shortage')),
    target_groups       text[] NOT NULL DEFAULT '{}',
    industries          text[] NOT NULL DEFAULT '{}',
    partner_region      text CHECK (partner_region ~ '^[0-9]{6}$'),
    preferred_times     timestamptz[] NOT NULL DEFAULT '{}',
    duration_minutes    integer NOT NULL DEFAULT 90 CHECK (duration_minutes BETWEEN 15 AND 480),
    expected_audience   integer NOT NULL DEFAULT 0 CHECK (expected_audience >= 0),
    state               text NOT NULL CHECK (state IN ('draft', 'submitted', 'returned',
                                                       'approved', 'scheduled', 'lobby', 'live',
                                                       'ended', 'cancelled')),
    return_reason       text NOT NULL DEFAULT '' CHECK (length(return_reason) <= 500),
    cancel_reason       text NOT NULL DEFAULT '' CHECK (length(cancel_reason) <= 500),
    created_by          uuid REFERENCES accounts (id) ON DELETE SET NULL,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    -- The first submission decides "on time or late"; a resubmission after a return
    -- keeps it and moves submitted_at.
    first_submitted_at  timestamptz,
    submitted_at        timestamptz,
    submitted_late      boolean,
    approved_at         timestamptz,
    approved_by         uuid REFERENCES accounts (id) ON DELETE SET NULL,
    -- The place on the main venue's programme.
    starts_at           timestamptz,
    ends_at             timestamptz,
    stage               integer CHECK (stage >= 1),
    published_at        timestamptz,
    -- iCalendar SEQUENCE: bumped by every change a calendar must see once published.
    sequence            integer NOT NULL DEFAULT 0,
    lobby_at            timestamptz,
    live_at             timestamptz,
    ended_at            timestamptz,
    cancelled_at        timestamptz,
    CHECK ((category = 'enterprise_staffing') = (staffing_focus IS NOT NULL)),
    CHECK ((category = 'hubei_cooperation') = (partner_region IS NOT NULL)),
    CHECK ((starts_at IS NULL) = (ends_at IS NULL) AND (starts_at IS NULL) = (stage IS NULL)),
    CHECK (ends_at IS NULL OR ends_at > starts_at),
    CHECK (state NOT IN ('scheduled', 'lobby', 'live') OR starts_at IS NOT NULL),
    CHECK (published_at IS NULL OR starts_at IS NOT NULL)
);
CREATE INDEX featured_sessions_week_idx ON featured_sessions (fair_id, week, state);
CREATE INDEX featured_sessions_venue_idx ON featured_sessions (venue_id, week);
CREATE INDEX featured_sessions_time_idx ON featured_sessions (fair_id, starts_at)
    WHERE starts_at IS NOT NULL;
-- One featured session per province per week once submitted: a second is a conflict.
CREATE UNIQUE INDEX featured_sessions_one_per_week_idx ON featured_sessions (venue_id, week)
    WHERE state IN ('submitted', 'approved', 'scheduled', 'lobby', 'live', 'ended');

CREATE TABLE featured_session_hosts (
    session_id  uuid NOT NULL REFERENCES featured_sessions (id) ON DELETE CASCADE,
    account_id  uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    position    integer NOT NULL,
    PRIMARY KEY (session_id, account_id)
);
CREATE INDEX featured_session_hosts_account_idx ON featured_session_hosts (account_id);

CREATE TABLE featured_session_booths (
    session_id  uuid NOT NULL REFERENCES featured_sessions (id) ON DELETE CASCADE,
    booth_id    uuid NOT NULL REFERENCES booths (id) ON DELETE CASCADE,
    position    integer NOT NULL,
    PRIMARY KEY (session_id, booth_id)
);
CREATE INDEX featured_session_booths_booth_idx ON featured_session_booths (booth_id);

-- An organiser lets one venue submit for one week after its deadline, until `until`.
CREATE TABLE programme_late_windows (
    venue_id    uuid NOT NULL REFERENCES venues (id) ON DELETE CASCADE,
    week        integer NOT NULL CHECK (week >= 1),
    until       timestamptz NOT NULL,
    opened_by   uuid REFERENCES accounts (id) ON DELETE SET NULL,
    opened_at   timestamptz NOT NULL,
    PRIMARY KEY (venue_id, week)
);

CREATE TABLE session_followers (
    session_id  uuid NOT NULL REFERENCES featured_sessions (id) ON DELETE CASCADE,
    account_id  uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (session_id, account_id)
);
CREATE INDEX session_followers_account_idx ON session_followers (account_id);

-- Calendar apps send no cookies: a user's feed is read with a random token in its URL.
-- Only its SHA-256 is kept; rotating replaces it, deleting revokes it.
CREATE TABLE calendar_tokens (
    account_id  uuid PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    token_hash  bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    created_at  timestamptz NOT NULL
);
