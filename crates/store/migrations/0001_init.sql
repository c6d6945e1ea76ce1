-- Every entity table has the same shape: a key, the entity as JSON, and a
-- revision bumped on every write (stale writes are refused on it).
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  body TEXT NOT NULL,
  revision INTEGER NOT NULL
);
CREATE TABLE attributes (
  key TEXT PRIMARY KEY,
  body TEXT NOT NULL,
  revision INTEGER NOT NULL
);
CREATE TABLE segments (
  key TEXT PRIMARY KEY,
  body TEXT NOT NULL,
  revision INTEGER NOT NULL
);
CREATE TABLE shoppers (
  key TEXT PRIMARY KEY,
  body TEXT NOT NULL,
  revision INTEGER NOT NULL
);

-- The change log: one transaction per user action, one change per entity.
-- Edits form the undo stack (state applied/undone/discarded); undo and redo
-- are logged too, pointing at the edit they replayed.
CREATE TABLE txns (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  author TEXT NOT NULL,
  summary TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('edit', 'undo', 'redo')),
  state TEXT CHECK (state IN ('applied', 'undone', 'discarded')),
  target INTEGER REFERENCES txns(id)
);
CREATE INDEX txns_state ON txns(kind, state);

CREATE TABLE changes (
  id INTEGER PRIMARY KEY,
  txn INTEGER NOT NULL REFERENCES txns(id),
  entity TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  before TEXT,
  after TEXT
);
CREATE INDEX changes_txn ON changes(txn);
CREATE INDEX changes_entity ON changes(entity, entity_id);
