-- Every bundle published from this workspace, append-only: the history that
-- rollback reads. The envelope is the signed DSSE JSON as uploaded.
CREATE TABLE published (
  id INTEGER PRIMARY KEY,
  environment TEXT NOT NULL,
  version INTEGER NOT NULL,
  digest TEXT NOT NULL,
  parent_digest TEXT,
  published_at TEXT NOT NULL,
  author TEXT NOT NULL,
  target TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('publish', 'rollback')),
  rollback_of INTEGER,
  envelope TEXT NOT NULL,
  UNIQUE (environment, version, target)
);
CREATE INDEX published_env ON published(environment, version);
