-- Named personas (sample shoppers written by hand), as entities.
CREATE TABLE personas (key TEXT PRIMARY KEY, body TEXT NOT NULL, revision INTEGER NOT NULL);

-- Finished batch simulations with the digest of the rules they ran on. Only
-- complete runs are written (a cancelled run leaves nothing).
CREATE TABLE simulations (
  id INTEGER PRIMARY KEY,
  finished_at TEXT NOT NULL,
  digest TEXT NOT NULL,
  report TEXT NOT NULL
);
