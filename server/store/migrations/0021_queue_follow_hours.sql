-- A booth's line may follow its opening hours: a durable `queue.hours` timer opens and
-- closes it at each boundary (docs/queues.md). Off by default, so lines that staff run
-- by hand keep behaving as before. The row may not exist yet (it is created, closed,
-- the first time the line is touched): the service inserts it ON CONFLICT DO NOTHING.
ALTER TABLE booth_queues ADD COLUMN follow_hours boolean NOT NULL DEFAULT false;
