-- @incidents/store-turso — migration 002: sync state (pull cursors and the outbound queue).
--
-- Bookkeeping of the two-way sync engine (SyncStateStore in @incidents/core, implemented in
-- src/sync-state.ts). Writing it never bumps an incident's revision nor writes a history version.

-- ---------------------------------------------------------------------------------------------
-- sync_cursors: where the pull of each connector stands, one row per connector name. Saved only
-- after the page it describes was persisted, so a crash re-reads a page and never skips one.
-- The primary key serves getSyncCursor() (point lookup) and listSyncCursors() (scan in key order).
-- ---------------------------------------------------------------------------------------------
CREATE TABLE sync_cursors (
  connector  TEXT NOT NULL PRIMARY KEY,
  cursor     TEXT NOT NULL,                 -- the whole SyncCursor as JSON
  updated_at TEXT NOT NULL
);

-- ---------------------------------------------------------------------------------------------
-- outbound_queue (R-SOURCE-5, direction TO_EXTERNAL): the transactional outbox.
-- Items are inserted in the same transaction as the incident change that caused them; every later
-- change is `UPDATE … WHERE sync_id = ? AND status = ? AND attempts = ?`, so of two workers that read
-- the same item exactly one changes it. No foreign key to incidents: apps may queue items directly,
-- and items outlive a linked (tombstoned) incident.
-- ---------------------------------------------------------------------------------------------
CREATE TABLE outbound_queue (
  sync_id         TEXT    NOT NULL PRIMARY KEY,
  incident_id     TEXT    NOT NULL,
  connector       TEXT    NOT NULL,
  status          TEXT    NOT NULL CHECK (status IN ('PENDING', 'IN_PROGRESS', 'FAILED', 'DEAD', 'COMPLETED')),
  -- Position of status in OUTBOUND_STATUSES (PENDING, IN_PROGRESS, FAILED, DEAD, COMPLETED): the
  -- order of listOutbound().
  status_rank     INTEGER NOT NULL CHECK (status_rank BETWEEN 0 AND 4),
  attempts        INTEGER NOT NULL CHECK (attempts >= 0),
  next_attempt_at TEXT    NOT NULL,         -- UTC ISO 8601: sorts as text
  item            TEXT    NOT NULL          -- the whole OutboundItem as JSON
);

-- The worker's poll, listDueOutbound(): per due status, `status_rank = ? AND next_attempt_at <= ?
-- ORDER BY next_attempt_at, sync_id LIMIT ?` is a range scan that stops at the first item not yet
-- due. The same index serves listOutbound() in (status_rank, next_attempt_at, sync_id) order with
-- keyset pages, and countOutbound().
CREATE INDEX idx_outbound_status_due ON outbound_queue (status_rank, next_attempt_at, sync_id);

-- The same two queries restricted to one connector (a worker per connector, `sync status jira`).
CREATE INDEX idx_outbound_connector ON outbound_queue (connector, status_rank, next_attempt_at, sync_id);
