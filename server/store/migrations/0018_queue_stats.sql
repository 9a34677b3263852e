-- Queue statistics (docs/queue-stats.md) read the tickets of a booth, a venue's booths or
-- a fair's booths that joined within a span of days: one range scan per booth.
CREATE INDEX tickets_stats_idx ON tickets (booth_id, joined_at);
