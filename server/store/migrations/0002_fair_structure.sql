-- The campaign (fair), its venues and the partner platforms its main venue links to.
-- Ids are UUIDv7 generated in Python (server/ids.py): uuidv7() exists only from
-- PostgreSQL 18 and this SQL runs on 15 through 18.
CREATE TABLE fairs (
    id                    uuid PRIMARY KEY,
    slug                  text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
    title_zh              text NOT NULL,
    title_en              text NOT NULL,
    theme_zh              text NOT NULL DEFAULT '',
    theme_en              text NOT NULL DEFAULT '',
    starts_on             date NOT NULL,
    ends_on               date NOT NULL,
    time_zone             text NOT NULL,
    organisers            jsonb NOT NULL DEFAULT '[]'::jsonb,
    document              jsonb NOT NULL DEFAULT '{}'::jsonb,
    first_submission_due  date,
    summary_due           date,
    created_at            timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_on >= starts_on)
);

CREATE TABLE venues (
    id              uuid PRIMARY KEY,
    fair_id         uuid NOT NULL REFERENCES fairs (id) ON DELETE CASCADE,
    kind            text NOT NULL CHECK (kind IN ('main', 'sub')),
    region_code     text CHECK (region_code ~ '^[0-9]{6}$'),
    name_zh         text NOT NULL,
    name_en         text NOT NULL,
    url             text NOT NULL DEFAULT '',
    leader_name     text NOT NULL DEFAULT '',
    leader_title    text NOT NULL DEFAULT '',
    leader_phone    text NOT NULL DEFAULT '',
    position        integer NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CHECK ((kind = 'main') = (region_code IS NULL)),
    UNIQUE (fair_id, region_code)
);
CREATE UNIQUE INDEX venues_one_main_idx ON venues (fair_id) WHERE kind = 'main';

CREATE TABLE partner_platforms (
    id          uuid PRIMARY KEY,
    fair_id     uuid NOT NULL REFERENCES fairs (id) ON DELETE CASCADE,
    name_zh     text NOT NULL,
    name_en     text NOT NULL,
    url         text NOT NULL,
    position    integer NOT NULL
);
CREATE INDEX partner_platforms_fair_idx ON partner_platforms (fair_id, position);
