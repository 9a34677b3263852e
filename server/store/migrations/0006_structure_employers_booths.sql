-- Employers (global: one per unified social credit code), their logos and recruiter
-- invitations; booths and guidance desks at a fair's venues, and who staffs them.
-- Business times come from the application's Clock, never now().

CREATE TABLE employers (
    id           uuid PRIMARY KEY,
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    credit_code  text NOT NULL UNIQUE CHECK (credit_code ~ '^[0-9A-HJ-NPQRTUWXY]{18}$'),
    type         text NOT NULL CHECK (type IN ('private', 'sme', 'micro', 'state', 'other')),
    industry     text NOT NULL CHECK (industry ~ '^[A-T]$'),
    region_code  text NOT NULL CHECK (region_code ~ '^[0-9]{6}$'),
    size         text NOT NULL CHECK (size IN ('1_19', '20_99', '100_299', '300_999',
                                               '1000_4999', '5000_plus')),
    description  text NOT NULL DEFAULT '' CHECK (length(description) <= 4000),
    website      text NOT NULL DEFAULT '' CHECK (length(website) <= 300),
    created_by   uuid REFERENCES accounts (id) ON DELETE SET NULL,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    -- Set by a venue admin of the employer's region (or an organiser); cleared when the
    -- name, credit code or region changes, so what was checked is what is shown.
    verified_at  timestamptz,
    verified_by  uuid REFERENCES accounts (id) ON DELETE SET NULL,
    CHECK (verified_by IS NULL OR verified_at IS NOT NULL)
);
CREATE INDEX employers_region_idx ON employers (region_code, id);
CREATE INDEX employers_verified_idx ON employers (id) WHERE verified_at IS NOT NULL;

-- Kept apart so that listing employers never reads image bytes.
CREATE TABLE employer_logos (
    employer_id  uuid PRIMARY KEY REFERENCES employers (id) ON DELETE CASCADE,
    media_type   text NOT NULL CHECK (media_type IN ('image/png', 'image/jpeg', 'image/webp')),
    width        integer NOT NULL CHECK (width > 0),
    height       integer NOT NULL CHECK (height > 0),
    content      bytea NOT NULL CHECK (octet_length(content) <= 524288),
    sha256       bytea NOT NULL,
    uploaded_by  uuid REFERENCES accounts (id) ON DELETE SET NULL,
    uploaded_at  timestamptz NOT NULL
);

-- One-time codes an employer admin hands to a recruiter; only their SHA-256 is kept.
CREATE TABLE recruiter_invitations (
    id           uuid PRIMARY KEY,
    employer_id  uuid NOT NULL REFERENCES employers (id) ON DELETE CASCADE,
    code_hash    bytea NOT NULL UNIQUE,
    note         text NOT NULL DEFAULT '' CHECK (length(note) <= 80),
    created_by   uuid REFERENCES accounts (id) ON DELETE SET NULL,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    accepted_by  uuid REFERENCES accounts (id) ON DELETE SET NULL,
    accepted_at  timestamptz
);
CREATE INDEX recruiter_invitations_employer_idx ON recruiter_invitations (employer_id, created_at);

-- A booth is an employer's stand at a venue; a guidance desk is a booth of a guidance
-- kind with no employer. Queues and interviews hang off booths of either kind.
CREATE TABLE booths (
    id            uuid PRIMARY KEY,
    fair_id       uuid NOT NULL REFERENCES fairs (id) ON DELETE CASCADE,
    venue_id      uuid NOT NULL REFERENCES venues (id) ON DELETE CASCADE,
    kind          text NOT NULL CHECK (kind IN ('employer', 'hiring_guidance', 'career_guidance',
                                                'entrepreneurship', 'legal_advice')),
    employer_id   uuid REFERENCES employers (id) ON DELETE CASCADE,
    title         text NOT NULL DEFAULT '' CHECK (length(title) <= 100),
    intro         text NOT NULL DEFAULT '' CHECK (length(intro) <= 2000),
    capacity      integer NOT NULL CHECK (capacity BETWEEN 1 AND 500),
    slot_minutes  integer NOT NULL CHECK (slot_minutes BETWEEN 5 AND 120),
    hours         jsonb NOT NULL DEFAULT '[]'::jsonb,
    status        text NOT NULL CHECK (status IN ('requested', 'approved', 'closed')),
    requested_by  uuid REFERENCES accounts (id) ON DELETE SET NULL,
    requested_at  timestamptz,
    approved_by   uuid REFERENCES accounts (id) ON DELETE SET NULL,
    approved_at   timestamptz,
    closed_at     timestamptz,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    CHECK ((kind = 'employer') = (employer_id IS NOT NULL)),
    CHECK (status <> 'approved' OR approved_at IS NOT NULL)
);
CREATE INDEX booths_venue_idx ON booths (venue_id, kind, id);
CREATE INDEX booths_fair_idx ON booths (fair_id, id);
CREATE INDEX booths_employer_idx ON booths (employer_id) WHERE employer_id IS NOT NULL;
-- One open (requested or approved) booth per employer per venue: a second request is
-- a conflict, not a duplicate.
CREATE UNIQUE INDEX booths_one_open_per_employer_idx ON booths (venue_id, employer_id)
    WHERE employer_id IS NOT NULL AND status <> 'closed';

CREATE TABLE booth_staff (
    booth_id     uuid NOT NULL REFERENCES booths (id) ON DELETE CASCADE,
    account_id   uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    assigned_by  uuid REFERENCES accounts (id) ON DELETE SET NULL,
    assigned_at  timestamptz NOT NULL,
    PRIMARY KEY (booth_id, account_id)
);
CREATE INDEX booth_staff_account_idx ON booth_staff (account_id);
