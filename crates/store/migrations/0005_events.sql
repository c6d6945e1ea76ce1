-- Logged events for off-policy estimates (crates/estimate), one set per
-- import. Imported data, not rules: outside the change log, so an import is
-- not an undo step (deleting a set asks for confirmation instead).
CREATE TABLE event_sets (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  source TEXT NOT NULL,
  imported_at TEXT NOT NULL,
  count INTEGER NOT NULL,
  rewards TEXT NOT NULL
);
CREATE TABLE events (
  set_id INTEGER NOT NULL REFERENCES event_sets(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (set_id, seq)
) WITHOUT ROWID;
