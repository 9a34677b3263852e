-- Accounts, their sessions and API tokens, role grants, and verification codes.
-- Session and API tokens are 256-bit random values stored as SHA-256 digests: a lookup
-- is one hash and one index probe. Passwords are argon2id hashes.
CREATE TABLE accounts (
    id             uuid PRIMARY KEY,
    phone          text UNIQUE CHECK (phone ~ '^\+[1-9][0-9]{7,14}$'),
    email          text UNIQUE CHECK (email = lower(email) AND position('@' in email) > 1),
    password_hash  text NOT NULL,
    display_name   text NOT NULL DEFAULT '' CHECK (length(display_name) <= 80),
    disabled_at    timestamptz,
    created_at     timestamptz NOT NULL,
    CHECK (phone IS NOT NULL OR email IS NOT NULL)
);

CREATE TABLE sessions (
    id            uuid PRIMARY KEY,
    account_id    uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    token_hash    bytea NOT NULL UNIQUE,
    kind          text NOT NULL CHECK (kind IN ('browser', 'api')),
    label         text NOT NULL DEFAULT '' CHECK (length(label) <= 200),
    address       text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL,
    last_seen_at  timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    revoked_at    timestamptz
);
CREATE INDEX sessions_account_idx ON sessions (account_id, created_at DESC);

-- Roles are grants: (account, role, scope). Candidates are granted on the platform
-- (scope_id NULL); every other role on one fair, venue, employer or featured session.
CREATE TABLE grants (
    id          uuid PRIMARY KEY,
    account_id  uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    role        text NOT NULL CHECK (role IN ('candidate', 'recruiter', 'employer_admin',
                                              'counsellor', 'host', 'venue_admin', 'organiser')),
    scope_type  text NOT NULL CHECK (scope_type IN ('platform', 'fair', 'venue', 'employer',
                                                    'session')),
    scope_id    uuid,
    granted_by  uuid REFERENCES accounts (id) ON DELETE SET NULL,
    created_at  timestamptz NOT NULL,
    CHECK ((scope_type = 'platform') = (scope_id IS NULL)),
    UNIQUE NULLS NOT DISTINCT (account_id, role, scope_type, scope_id)
);
CREATE INDEX grants_scope_idx ON grants (scope_type, scope_id, role);

-- One-time codes sent through the Notifier (SMS, e-mail, or the log in development).
CREATE TABLE verification_codes (
    id           uuid PRIMARY KEY,
    destination  text NOT NULL,
    purpose      text NOT NULL CHECK (purpose IN ('register', 'reset_password')),
    code_hash    bytea NOT NULL,
    attempts     integer NOT NULL DEFAULT 0,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    consumed_at  timestamptz
);
CREATE INDEX verification_codes_destination_idx ON verification_codes (destination, created_at DESC);

-- Account events an account holder can review (sign-ins, revocations, grants).
CREATE TABLE account_audit (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id  uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    actor_id    uuid REFERENCES accounts (id) ON DELETE SET NULL,
    action      text NOT NULL,
    detail      jsonb NOT NULL DEFAULT '{}'::jsonb,
    at          timestamptz NOT NULL
);
CREATE INDEX account_audit_account_idx ON account_audit (account_id, at DESC);
