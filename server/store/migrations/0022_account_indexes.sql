-- A candidate's bookings in every state: "my bookings" (from yesterday on) and whether a
-- recruiter may see them (a booking at one of their booths, open or ended). The partial
-- bookings_candidate_idx holds live bookings only, so without this each of those read
-- every booking of the fair.
CREATE INDEX bookings_candidate_day_idx ON bookings (candidate_id, fair_day);

-- An account's unread notifications, counted on every "me" snapshot (each page a
-- signed-in person opens) and inbox read: without this the count read every
-- notification the account ever had.
CREATE INDEX notifications_unread_idx ON notifications (account_id) WHERE read_at IS NULL;
