-- @incidents/store-turso — migration 004: interactions stored in timeline order (R-DESK-3).
--
-- Until 003 the interactions table was a rowid table (rows in the order they were written) with the
-- timeline served by a secondary index. Each incident's entries are interleaved in time with every
-- other incident's, so the 50 rows of one timeline page sat on ~50 different table pages: cheap while
-- the file fits in the page cache, slower as the table grows. Here the table itself is the timeline
-- index: a WITHOUT ROWID table whose primary key is (incident_id, created_at, interaction_id), so one
-- incident's entries are neighbours on disk, in timeline order, and a page of 50 reads one or two
-- B-tree pages whatever the table's size.
--
-- Every query on the table and how it is served:
-- * the timeline (listInteractions), `WHERE incident_id = ? [AND is_internal = 0] [AND type IN (…)]
--   [AND (created_at, interaction_id) < (?, ?)] ORDER BY created_at DESC, interaction_id DESC LIMIT ?`:
--   an equality seek on the key's first column, then the rest of the key IS the order (walked
--   backwards for newest first, forwards for `order: 'asc'`); the keyset cursor is a range seek; the
--   visibility and type filters are evaluated on the rows the walk reads, which are the rows of the
--   page (no separate table lookup);
-- * the foreign key to incidents and linkIncidents() moving one incident's entries to another
--   (`UPDATE … WHERE incident_id = ?`): a range of the primary key;
-- * the sync engine's outbound step (`UPDATE … SET external_id = ? WHERE interaction_id = ?`) and the
--   uniqueness of interaction ids across the database: ux_interactions_id, re-created below;
-- * checkIntegrity() walks the table in primary-key order.
--
-- The rewrite keeps every row and every column value; it runs inside the migration's transaction, so
-- a failure leaves the old table as it was. Column order and constraints are those of 001.
CREATE TABLE interactions_clustered (
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
  is_internal    INTEGER GENERATED ALWAYS AS (visibility = 'INTERNAL') VIRTUAL,
  -- The timeline order; interaction_id breaks ties between entries written in the same change.
  PRIMARY KEY (incident_id, created_at, interaction_id)
) WITHOUT ROWID;

-- In key order, so the new B-tree is built by appends.
INSERT INTO interactions_clustered (interaction_id, incident_id, type, author, created_at, text, visibility, source,
                                    external_id, revision, metadata)
  SELECT interaction_id, incident_id, type, author, created_at, text, visibility, source,
         external_id, revision, metadata
  FROM interactions
  ORDER BY incident_id, created_at, interaction_id;

DROP TABLE interactions;  -- also drops ux_interactions_id and idx_interactions_timeline
ALTER TABLE interactions_clustered RENAME TO interactions;

-- Interaction ids are unique across the database: a duplicate in a write aborts the whole write. Also
-- the access path of the lookups by id (the sync engine's outbound step).
CREATE UNIQUE INDEX ux_interactions_id ON interactions (interaction_id);
