-- Candidates: profiles, resumes, applications to jobs, the career assessment, and the
-- log of what recruiters read about each candidate, which they can see (docs/people.md).
--
-- Key groups are sensitive personal information (PIPL): a profile holds them only with
-- a recorded consent. Deleting an account keeps the accounts row as an anonymous
-- tombstone (no contact, name or password: deleted_at set) so that tickets and
-- applications still count in the statistics without pointing at a person.

ALTER TABLE accounts ADD COLUMN deleted_at timestamptz;
ALTER TABLE accounts DROP CONSTRAINT accounts_check;
ALTER TABLE accounts ADD CONSTRAINT accounts_contact_check
    CHECK (phone IS NOT NULL OR email IS NOT NULL OR deleted_at IS NOT NULL);

CREATE TABLE candidate_profiles (
    account_id             uuid PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    name                   text NOT NULL CHECK (length(name) BETWEEN 1 AND 50),
    phone                  text NOT NULL DEFAULT '' CHECK (length(phone) <= 20),
    email                  text NOT NULL DEFAULT '' CHECK (length(email) <= 120),
    region_code            text CHECK (region_code ~ '^[0-9]{6}$'),
    education              text CHECK (education IN ('junior_middle', 'senior_high',
                                                     'secondary_vocational', 'associate',
                                                     'bachelor', 'master', 'doctorate')),
    graduation_year        integer CHECK (graduation_year BETWEEN 1950 AND 2035),
    desired_jobs           text[] NOT NULL DEFAULT '{}' CHECK (cardinality(desired_jobs) <= 10),
    key_groups             text[] NOT NULL DEFAULT '{}'
        CHECK (key_groups <@ ARRAY['graduates', 'poverty_stricken', 'unemployed', 'laid_off',
                                   'struggling_enterprise_staff', 'other']::text[]),
    key_groups_consent_at  timestamptz,
    show_contact           boolean NOT NULL DEFAULT false,
    share_key_groups       boolean NOT NULL DEFAULT false,
    updated_at             timestamptz NOT NULL,
    CHECK (cardinality(key_groups) = 0 OR key_groups_consent_at IS NOT NULL)
);

CREATE TABLE resumes (
    id           uuid PRIMARY KEY,
    account_id   uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    filename     text NOT NULL CHECK (length(filename) BETWEEN 1 AND 200),
    media_type   text NOT NULL CHECK (media_type IN (
        'application/pdf',
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document')),
    content      bytea NOT NULL CHECK (octet_length(content) <= 5242880),
    sha256       bytea NOT NULL,
    uploaded_at  timestamptz NOT NULL
);
CREATE INDEX resumes_account_idx ON resumes (account_id, uploaded_at DESC);

-- One application per candidate and job. candidate_id is NULL once the candidate deleted
-- their account (the row still counts); closed_at is set by not_suitable / withdrawn and
-- starts the 30 days the employer may still read the resume.
CREATE TABLE applications (
    id            uuid PRIMARY KEY,
    fair_id       uuid NOT NULL REFERENCES fairs (id) ON DELETE CASCADE,
    job_id        uuid NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    employer_id   uuid NOT NULL REFERENCES employers (id) ON DELETE CASCADE,
    candidate_id  uuid REFERENCES accounts (id) ON DELETE SET NULL,
    resume_id     uuid REFERENCES resumes (id) ON DELETE SET NULL,
    status        text NOT NULL CHECK (status IN ('submitted', 'viewed', 'interview', 'offer',
                                                  'not_suitable', 'withdrawn')),
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    closed_at     timestamptz,
    CHECK ((status IN ('not_suitable', 'withdrawn')) = (closed_at IS NOT NULL))
);
CREATE UNIQUE INDEX applications_one_per_job_idx ON applications (job_id, candidate_id);
CREATE INDEX applications_candidate_idx ON applications (candidate_id, created_at DESC);
CREATE INDEX applications_employer_idx ON applications (employer_id, created_at DESC);
CREATE INDEX applications_resume_idx ON applications (resume_id);

CREATE TABLE assessment_results (
    account_id             uuid PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    bank_id                text NOT NULL,
    bank_version           integer NOT NULL,
    answers                jsonb NOT NULL,
    code                   text NOT NULL CHECK (code ~ '^[RIASEC]{3}$'),
    scores                 jsonb NOT NULL,
    share_with_recruiters  boolean NOT NULL DEFAULT false,
    taken_at               timestamptz NOT NULL
);

-- What recruiters read about a candidate, which the candidate can see: every resume
-- download (the owner's included) and every view of their card. The reader's name is
-- kept as it was.
CREATE TABLE candidate_audit (
    id              uuid PRIMARY KEY,
    candidate_id    uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    action          text NOT NULL CHECK (action IN ('resume.downloaded', 'profile.viewed')),
    resume_id       uuid REFERENCES resumes (id) ON DELETE SET NULL,
    filename        text NOT NULL DEFAULT '',
    reader_id       uuid REFERENCES accounts (id) ON DELETE SET NULL,
    reader_name     text NOT NULL DEFAULT '',
    reader_kind     text NOT NULL CHECK (reader_kind IN ('self', 'booth_staff',
                                                         'employer_staff')),
    employer_id     uuid REFERENCES employers (id) ON DELETE SET NULL,
    booth_id        uuid REFERENCES booths (id) ON DELETE SET NULL,
    application_id  uuid REFERENCES applications (id) ON DELETE SET NULL,
    at              timestamptz NOT NULL
);
CREATE INDEX candidate_audit_candidate_idx ON candidate_audit (candidate_id, at DESC);
