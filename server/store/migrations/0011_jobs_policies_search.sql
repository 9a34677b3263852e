-- Jobs (vacancies an employer posts at a fair), the policy catalogue (政策清单), and the
-- keyword index over jobs, employers and policies.
--
-- Search: every searchable row carries a `search` tsvector built in Python
-- (server/domain/search.py: NFKC, lower case, Latin/digit words whole, CJK runs as
-- overlapping bigrams plus unigrams) and stored as to_tsvector('simple', <tokens>) or
-- array_to_tsvector(<tokens>); queries are tsqueries of the same tokens. Nothing here
-- depends on a text-search dictionary, a collation or pg_trgm, so PostgreSQL 15 and 18
-- answer identically whatever the locale. Business times come from the Clock.

CREATE TABLE jobs (
    id                 uuid PRIMARY KEY,
    fair_id            uuid NOT NULL REFERENCES fairs (id) ON DELETE CASCADE,
    employer_id        uuid NOT NULL REFERENCES employers (id) ON DELETE CASCADE,
    title              text NOT NULL CHECK (length(title) BETWEEN 1 AND 100),
    openings           integer NOT NULL CHECK (openings BETWEEN 1 AND 100000),
    -- CNY per month; both NULL when the salary is negotiable (面议).
    salary_min         integer CHECK (salary_min BETWEEN 1 AND 1000000),
    salary_max         integer CHECK (salary_max BETWEEN 1 AND 1000000),
    salary_negotiable  boolean NOT NULL DEFAULT false,
    education          text NOT NULL CHECK (education IN ('any', 'junior_middle', 'senior_high',
                                                          'secondary_vocational', 'associate',
                                                          'bachelor', 'master', 'doctorate')),
    region_code        text NOT NULL CHECK (region_code ~ '^[0-9]{6}$'),
    category           text NOT NULL CHECK (category ~ '^[a-z_]{2,40}$'),
    urgent_shortage    boolean NOT NULL DEFAULT false,   -- 急需紧缺
    industry           text NOT NULL CHECK (industry ~ '^[A-T]$'),
    key_groups         text[] NOT NULL DEFAULT '{}',
    description        text NOT NULL DEFAULT '' CHECK (length(description) <= 8000),
    status             text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    created_by         uuid REFERENCES accounts (id) ON DELETE SET NULL,
    updated_by         uuid REFERENCES accounts (id) ON DELETE SET NULL,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    search             tsvector NOT NULL DEFAULT ''::tsvector,
    CHECK (salary_negotiable = (salary_min IS NULL)),
    CHECK ((salary_min IS NULL) = (salary_max IS NULL)),
    CHECK (salary_min IS NULL OR salary_min <= salary_max)
);
CREATE INDEX jobs_fair_idx ON jobs (fair_id, region_code, id);
CREATE INDEX jobs_employer_idx ON jobs (employer_id, id);
-- fastupdate off: new rows go straight into the index instead of a pending list that
-- every search scans until a VACUUM merges it (measured: 113 ms instead of 0.6 ms for
-- '会计' over 10,880 freshly loaded jobs, and the planner fell back to a sequential
-- scan). Jobs and policies are written by hand, a few at a time; searches are many.
CREATE INDEX jobs_search_idx ON jobs USING gin (search) WITH (fastupdate = off);

-- 惠企 (employer) / 惠民 (people) policies with the notice's six fields. region_code NULL
-- is a national policy (the main venue's, edited by organisers).
CREATE TABLE policies (
    id               uuid PRIMARY KEY,
    fair_id          uuid NOT NULL REFERENCES fairs (id) ON DELETE CASCADE,
    region_code      text CHECK (region_code ~ '^[0-9]{6}$'),
    kind             text NOT NULL CHECK (kind IN ('employer', 'people')),
    title            text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    target_scope     text NOT NULL CHECK (length(target_scope) <= 4000),        -- 对象范围
    subsidy_standard text NOT NULL CHECK (length(subsidy_standard) <= 4000),    -- 补贴标准
    procedure        text NOT NULL CHECK (length(procedure) <= 4000),           -- 申领流程
    agency           text NOT NULL CHECK (length(agency) <= 1000),              -- 受理机构
    time_limit       text NOT NULL CHECK (length(time_limit) <= 1000),          -- 办理时限
    legal_basis      text NOT NULL CHECK (length(legal_basis) <= 4000),         -- 政策依据
    status           text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published')),
    created_by       uuid REFERENCES accounts (id) ON DELETE SET NULL,
    updated_by       uuid REFERENCES accounts (id) ON DELETE SET NULL,
    published_by     uuid REFERENCES accounts (id) ON DELETE SET NULL,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    published_at     timestamptz,
    search           tsvector NOT NULL DEFAULT ''::tsvector,
    CHECK ((status = 'published') = (published_at IS NOT NULL))
);
CREATE INDEX policies_fair_idx ON policies (fair_id, status, region_code, id);
CREATE INDEX policies_search_idx ON policies USING gin (search) WITH (fastupdate = off);

-- Employers are global and owned by the structure tables; their search document lives
-- beside them, refreshed by server/store/employers.py on every create and edit.
ALTER TABLE employers ADD COLUMN search tsvector NOT NULL DEFAULT ''::tsvector;
CREATE INDEX employers_search_idx ON employers USING gin (search) WITH (fastupdate = off);
