-- Reservations (docs/reservations.md): a booth's slot settings, the slots candidates
-- have booked (a slot row is made with its first booking; the rest are computed from
-- the booth's hours), and the bookings. "Never double-booked" is the database's word:
-- a slot's places taken are counted on its row, CHECKed against its capacity, and
-- changed only under the slot row's lock; a candidate's bookings change only under
-- their account row's lock (quotas and overlaps), and one live booking per slot and
-- candidate is a unique index.
CREATE TABLE booth_slot_settings (
    booth_id        uuid PRIMARY KEY REFERENCES booths (id) ON DELETE CASCADE,
    enabled         boolean NOT NULL DEFAULT false,
    mode            text NOT NULL DEFAULT 'first_come' CHECK (mode IN ('first_come', 'lottery')),
    capacity        integer NOT NULL DEFAULT 2 CHECK (capacity BETWEEN 1 AND 50),
    buffer_minutes  integer NOT NULL DEFAULT 5 CHECK (buffer_minutes BETWEEN 0 AND 60),
    opens_hours     integer NOT NULL DEFAULT 72 CHECK (opens_hours BETWEEN 1 AND 720),
    closes_minutes  integer NOT NULL DEFAULT 30 CHECK (closes_minutes BETWEEN 0 AND 1440),
    grace_minutes   integer NOT NULL DEFAULT 10 CHECK (grace_minutes BETWEEN 1 AND 120),
    updated_by      uuid REFERENCES accounts (id) ON DELETE SET NULL,
    updated_at      timestamptz NOT NULL
);

-- A slot keeps the mode, capacity, window and grace it had when it was first booked.
CREATE TABLE reservation_slots (
    id             uuid PRIMARY KEY,
    fair_id        uuid NOT NULL REFERENCES fairs (id) ON DELETE CASCADE,
    booth_id       uuid NOT NULL REFERENCES booths (id) ON DELETE CASCADE,
    starts_at      timestamptz NOT NULL,
    ends_at        timestamptz NOT NULL,
    mode           text NOT NULL CHECK (mode IN ('first_come', 'lottery')),
    capacity       integer NOT NULL CHECK (capacity >= 1),
    taken          integer NOT NULL DEFAULT 0,  -- bookings confirmed or admitted
    opens_at       timestamptz NOT NULL,
    closes_at      timestamptz NOT NULL,
    grace_minutes  integer NOT NULL,
    seed           text NOT NULL,  -- the draw's seed: secret until the draw, then shown
    seed_sha256    text NOT NULL,  -- public from the start: the booth cannot pick a seed later
    drawn_at       timestamptz,
    started_at     timestamptz,    -- its bookings became tickets
    settled_at     timestamptz,    -- no-shows released, the wait-list closed
    created_at     timestamptz NOT NULL,
    UNIQUE (booth_id, starts_at),
    CHECK (taken BETWEEN 0 AND capacity),
    CHECK (starts_at < ends_at),
    CHECK (opens_at <= closes_at AND closes_at <= starts_at)
);

CREATE TABLE bookings (
    id            uuid PRIMARY KEY,
    slot_id       uuid NOT NULL REFERENCES reservation_slots (id) ON DELETE CASCADE,
    fair_id       uuid NOT NULL REFERENCES fairs (id) ON DELETE CASCADE,
    booth_id      uuid NOT NULL REFERENCES booths (id) ON DELETE CASCADE,
    candidate_id  uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    -- The slot's times and fair day, copied for the candidate's quota and overlap checks.
    starts_at     timestamptz NOT NULL,
    ends_at       timestamptz NOT NULL,
    fair_day      date NOT NULL,
    state         text NOT NULL CHECK (state IN ('requested', 'confirmed', 'waitlisted',
                                                  'admitted', 'cancelled', 'no_show',
                                                  'expired')),
    draw_rank     integer CHECK (draw_rank >= 1),  -- place in the lottery's draw order
    ticket_id     uuid REFERENCES tickets (id) ON DELETE SET NULL,
    requested_at  timestamptz NOT NULL,
    confirmed_at  timestamptz,
    changed_at    timestamptz NOT NULL
);
CREATE UNIQUE INDEX bookings_one_per_slot_idx ON bookings (slot_id, candidate_id)
    WHERE state IN ('requested', 'confirmed', 'waitlisted', 'admitted');
CREATE INDEX bookings_candidate_idx ON bookings (candidate_id, starts_at)
    WHERE state IN ('requested', 'confirmed', 'waitlisted', 'admitted');
CREATE INDEX bookings_slot_idx ON bookings (slot_id, state, draw_rank);

-- A reservation's ticket names its booking (migration 0015 left the key without a reference).
ALTER TABLE tickets ADD CONSTRAINT tickets_booking_fk
    FOREIGN KEY (booking_id) REFERENCES bookings (id) ON DELETE SET NULL;
