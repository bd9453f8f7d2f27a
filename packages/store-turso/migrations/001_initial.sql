-- @incidents/store-turso — migration 001: the initial schema.
--
-- Applied once per database by createTursoStore() inside one write transaction, and recorded in
-- schema_migrations (version 1). Never edit a released migration: add 002_….sql instead.
--
-- Conventions
-- * Persisted names are snake_case, as in the incident model (R-MODEL-1) and the support desk (R-DESK-2).
-- * Timestamps are ISO 8601 strings in UTC (`2026-01-31T10:00:00.000Z`): they sort as text.
-- * Version 0 of an incident is the row in `incidents`; history version N is a row in
--   `incident_versions`. `incidents.revision` is the optimistic-concurrency token: every write is
--   `UPDATE … WHERE incident_id = ? AND revision = ?` and fails (no rows) when someone else wrote first.
-- * Nested groups of the record (technical_details, cline_work, resolution, metrics, …) are JSON text
--   columns; every field an access pattern filters or sorts on is a real, indexed column.
-- * Every index below says which query it serves. Indexes end with incident_id (the tie-breaker of
--   every ordering) so that keyset pagination `(…, incident_id) > (?, …, ?)` is an index range scan
--   and no query needs a temporary B-tree to sort.

-- ---------------------------------------------------------------------------------------------
-- users (R-SEC-3): people and services known to the desk. Authentication (passwords,
-- sessions) is outside the SDK, so there is no password_hash column.
-- ---------------------------------------------------------------------------------------------
CREATE TABLE users (
  user_id    INTEGER PRIMARY KEY,                 -- rowid alias: compact, stable surrogate key
  email      TEXT    NOT NULL,
  name       TEXT    NOT NULL CHECK (length(name) > 0),
  -- The desk's roles (cliente / operador / admin, R-SEC-1) in the SDK's vocabulary, plus the service roles.
  role       TEXT    NOT NULL CHECK (role IN ('customer', 'operator', 'admin',
                                              'api_server', 'batch_worker', 'sync', 'kb_sync')),
  team       TEXT,
  active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at TEXT    NOT NULL,
  -- A cheap structural check; the SDK validates emails fully (zod) before writing.
  CHECK (email LIKE '%_@_%')
);

-- Users are looked up by email (R-SEC-3). UNIQUE makes email the natural key: getUser(),
-- putUser() (INSERT … ON CONFLICT(email)) and listUsers() (keyset on email) are all searches on it.
CREATE UNIQUE INDEX ux_users_email ON users (email);

-- ---------------------------------------------------------------------------------------------
-- incidents: version 0 (the current record) of every incident (R-MODEL-2).
-- ---------------------------------------------------------------------------------------------
CREATE TABLE incidents (
  incident_id       TEXT    NOT NULL PRIMARY KEY,   -- JIRA-12345, INC0012345, SL-<ts>, INC-<ulid>
  revision          INTEGER NOT NULL CHECK (revision >= 1),

  -- identification
  external_id       TEXT    NOT NULL,
  source_system     TEXT    NOT NULL CHECK (source_system IN ('JIRA', 'REMEDY', 'SERVICENOW', 'ZENDESK',
                                                                'SLACK', 'SHORTCUT', 'MANUAL')),
  source_url        TEXT,

  -- basic information and classification
  title             TEXT    NOT NULL CHECK (length(title) > 0),
  description       TEXT    NOT NULL,
  category          TEXT    NOT NULL,
  subcategory       TEXT,
  severity          TEXT    NOT NULL CHECK (severity IN ('CRITICAL', 'HIGH', 'MEDIUM', 'LOW')),
  priority          TEXT    NOT NULL CHECK (priority IN ('P1', 'P2', 'P3', 'P4')),

  -- status and assignment
  status            TEXT    NOT NULL CHECK (status IN ('NEW', 'ASSIGNED', 'IN_PROGRESS', 'PENDING',
                                                         'RESOLVED', 'CLOSED', 'CANCELLED')),
  assigned_to       TEXT,
  assigned_at       TEXT,
  team              TEXT,

  -- dates
  created_at        TEXT    NOT NULL,
  updated_at        TEXT    NOT NULL,
  due_date          TEXT,
  resolved_at       TEXT,
  closed_at         TEXT,

  -- technical information
  affected_systems  TEXT    NOT NULL DEFAULT '[]',  -- JSON array
  affected_services TEXT    NOT NULL DEFAULT '[]',  -- JSON array
  environment       TEXT    NOT NULL CHECK (environment IN ('PRODUCTION', 'STAGING', 'DEVELOPMENT', 'QA')),

  -- nested groups (JSON)
  technical_details TEXT    NOT NULL DEFAULT '{}',
  cline_work        TEXT,                           -- NULL until someone starts work
  resolution        TEXT,                           -- NULL until resolved
  attachments       TEXT    NOT NULL DEFAULT '[]',
  sync_metadata     TEXT    NOT NULL,
  metrics           TEXT    NOT NULL,
  kb_sync_status    TEXT    NOT NULL,
  tags              TEXT    NOT NULL DEFAULT '[]',
  labels            TEXT    NOT NULL DEFAULT '[]',
  metadata          TEXT    NOT NULL,

  -- link tombstone (R-SOURCE-4): set when this id was linked into another incident
  merged_into       TEXT,

  -- Random token of the transaction that last wrote the row. The statements of one write batch after
  -- the conditional UPDATE are guarded with `EXISTS (… AND write_id = <this write's token>)`, so when the
  -- UPDATE matched no row (stale revision) nothing else of that write lands.
  write_id          TEXT,

  -- Derived sort keys, computed by SQLite so they can never disagree with the record:
  -- the canonical status order (STATUSES) and severity order (CRITICAL first).
  status_rank       INTEGER GENERATED ALWAYS AS (CASE status
                      WHEN 'NEW' THEN 0 WHEN 'ASSIGNED' THEN 1 WHEN 'IN_PROGRESS' THEN 2 WHEN 'PENDING' THEN 3
                      WHEN 'RESOLVED' THEN 4 WHEN 'CLOSED' THEN 5 ELSE 6 END) VIRTUAL,
  severity_rank     INTEGER GENERATED ALWAYS AS (CASE severity
                      WHEN 'CRITICAL' THEN 0 WHEN 'HIGH' THEN 1 WHEN 'MEDIUM' THEN 2 ELSE 3 END) VIRTUAL,
  -- The knowledge-base state, for the partial index of the KB batch job (R-KB-1).
  kb_state          TEXT    GENERATED ALWAYS AS (json_extract(kb_sync_status, '$.state')) VIRTUAL
);

-- GSI-1 "status + priority#created_at": the work queue — queryIncidents({ by: 'status' }), e.g.
-- "NEW incidents, most urgent first". Equality (or IN, walked in order) on status_rank, then the
-- index order IS the result order: no sort. A priority filter is an equality on the second column.
CREATE INDEX idx_incidents_status_priority ON incidents (status_rank, priority, created_at, incident_id);

-- GSI-2 "assigned_to + status#priority": "my open incidents" (MCP search_my_incidents, CLI list --mine).
-- Partial: unassigned incidents (every NEW one) are never searched by assignee, so they stay out of
-- the index. `assigned_to = ?` implies `assigned_to IS NOT NULL`, so the planner may use it.
CREATE INDEX idx_incidents_assignee ON incidents (assigned_to, status_rank, priority, created_at, incident_id)
  WHERE assigned_to IS NOT NULL;

-- GSI-3 "team + status#created_at": the team dashboard. Partial for the same reason: no team, no row.
CREATE INDEX idx_incidents_team ON incidents (team, status_rank, created_at, incident_id)
  WHERE team IS NOT NULL;

-- GSI-4 "category + severity#created_at": pattern analysis per category, CRITICAL first.
CREATE INDEX idx_incidents_category ON incidents (category, severity_rank, created_at, incident_id);

-- GSI-5 "source_system + external_id": sync dedup. UNIQUE enforces "one incident per source ticket"
-- (a second import of the same ticket is a ConflictError `duplicate_source`), and findBySource() and
-- queryIncidents({ by: 'source' }) are searches on it.
CREATE UNIQUE INDEX ux_incidents_source ON incidents (source_system, external_id);

-- GSI-6 "status + due_date": SLA alerts ("open incidents due before …"). Partial: only rows with a
-- due date can be due; the query repeats `due_date IS NOT NULL` so the planner can use it.
CREATE INDEX idx_incidents_due ON incidents (status_rank, due_date, incident_id)
  WHERE due_date IS NOT NULL;

-- KB batch job (R-KB-1): closed incidents not yet exported, failed exports and pending withdrawals.
-- A sparse (partial) index: it holds only the few rows that need work, never the whole table, so
-- listPendingKbSync() pages through exactly the pending set in incident_id order.
CREATE INDEX idx_incidents_kb_pending ON incidents (incident_id)
  WHERE kb_state IN ('PENDING', 'FAILED', 'WITHDRAW_PENDING');

-- ---------------------------------------------------------------------------------------------
-- incident_versions: history version N = the full record after the N-th change (R-MODEL-2;
-- "versión > 0"), written in the same transaction as version 0.
-- ---------------------------------------------------------------------------------------------
CREATE TABLE incident_versions (
  incident_id   TEXT    NOT NULL REFERENCES incidents (incident_id),
  version       INTEGER NOT NULL CHECK (version >= 1),
  changed_at    TEXT    NOT NULL,               -- the record's updated_at
  changed_by    TEXT    NOT NULL,               -- metadata.last_modified_by
  version_notes TEXT,                           -- metadata.version_notes
  snapshot      TEXT    NOT NULL,               -- the whole record as JSON
  -- The primary key is the only access path: getVersion() is a point lookup and listVersions() a
  -- range scan in version order (keyset on version). It also refuses a second writer of version N.
  PRIMARY KEY (incident_id, version)
);

-- ---------------------------------------------------------------------------------------------
-- interactions (R-MODEL-5): the timeline — comments, status changes, assignments and
-- closures. The largest table by far (several rows per change), so its one index matters most.
-- ---------------------------------------------------------------------------------------------
CREATE TABLE interactions (
  seq            INTEGER PRIMARY KEY,           -- rowid alias: appends go to the end of the table
  interaction_id TEXT    NOT NULL,              -- ULID-style, sorts in creation order
  incident_id    TEXT    NOT NULL REFERENCES incidents (incident_id),
  type           TEXT    NOT NULL CHECK (type IN ('comment', 'status_change', 'assignment', 'closure')),
  author         TEXT    NOT NULL,
  created_at     TEXT    NOT NULL,
  text           TEXT    NOT NULL DEFAULT '',
  visibility     TEXT    NOT NULL CHECK (visibility IN ('PUBLIC', 'INTERNAL')),
  source         TEXT    NOT NULL,
  external_id    TEXT,                          -- id of the comment in its source system
  revision       INTEGER,                       -- incident revision written with it
  metadata       TEXT    NOT NULL DEFAULT '{}', -- JSON
  -- internal entries (R-MODEL-5): visible to operators and services only
  is_internal    INTEGER GENERATED ALWAYS AS (visibility = 'INTERNAL') VIRTUAL
);

-- Interaction ids are unique across the database: a duplicate in a write aborts the whole write.
CREATE UNIQUE INDEX ux_interactions_id ON interactions (interaction_id);

-- THE critical index (R-DESK-3). The most frequent query is "the
-- timeline of one incident, newest first, one page at a time":
--   SELECT … FROM interactions WHERE incident_id = ? [AND is_internal = 0] [AND type IN (…)]
--     [AND (created_at, interaction_id) < (?, ?)] ORDER BY created_at DESC, interaction_id DESC LIMIT ?
-- 1. incident_id first: an equality seek straight to the incident's entries;
-- 2. created_at DESC, interaction_id DESC: the entries are already in timeline order, so there is no
--    sort step, the LIMIT stops the scan after one page, and the keyset cursor is a range seek
--    (interaction_id breaks ties between entries written in the same change). `order: 'asc'` walks
--    the same index backwards;
-- 3. is_internal and type: the two filters the API offers are evaluated on index entries, so hidden
--    entries are skipped without reading their table rows.
-- It also serves the foreign key (child lookups by incident_id) and linkIncidents() moving the
-- entries of one incident to another.
CREATE INDEX idx_interactions_timeline
  ON interactions (incident_id, created_at DESC, interaction_id DESC, is_internal, type);

-- ---------------------------------------------------------------------------------------------
-- source_records (R-SOURCE-3): the records in source systems that belong to an incident (the Zendesk
-- ticket, the Slack message that reported it, the Shortcut story that fixes it).
-- ---------------------------------------------------------------------------------------------
CREATE TABLE source_records (
  incident_id   TEXT NOT NULL REFERENCES incidents (incident_id),
  source_system TEXT NOT NULL CHECK (source_system IN ('JIRA', 'REMEDY', 'SERVICENOW', 'ZENDESK',
                                                        'SLACK', 'SHORTCUT', 'MANUAL')),
  record_id     TEXT NOT NULL,
  url           TEXT,
  title         TEXT,
  status        TEXT,
  priority      TEXT,
  author        TEXT,
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL,
  data          TEXT NOT NULL DEFAULT '{}',     -- JSON: vendor fields worth keeping (never secrets)
  -- listSourceRecords() returns an incident's records ordered by (source_system, record_id): a range
  -- scan of the primary key. Upserts (ON CONFLICT) and link moves use it too.
  PRIMARY KEY (incident_id, source_system, record_id)
);
