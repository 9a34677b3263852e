-- A popular booth of a national fair has more than 500 people waiting at once: the line
-- may now hold up to 2,000 (the queue's position updates were measured at 1,000
-- followers of one booth, bench/queue_positions.py).
ALTER TABLE booths DROP CONSTRAINT booths_capacity_check;
ALTER TABLE booths ADD CONSTRAINT booths_capacity_check CHECK (capacity BETWEEN 1 AND 2000);
