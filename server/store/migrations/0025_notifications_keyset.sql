-- An account's inbox pages newest first by the key (created_at, id): listNotifications'
-- `before` is a row comparison `(created_at, id) < (…)`. Several notifications share one
-- created_at (one transaction writes them with one `now`), so the key needs the id, and
-- with the id in the index a page starts at its key and reads only its own rows.
DROP INDEX notifications_account_idx;
CREATE INDEX notifications_account_idx ON notifications (account_id, created_at DESC, id DESC);

-- The unread ones likewise ("unread only", and "mark all as read" paging through them);
-- the unread count (0022) reads the same partial index.
DROP INDEX notifications_unread_idx;
CREATE INDEX notifications_unread_idx ON notifications (account_id, created_at DESC, id DESC)
    WHERE read_at IS NULL;
