-- Several authors, one environment (docs/collaboration.md).
--
-- bases: per environment, the bundle this workspace last published or
-- pulled (key = environment). It is an entity table, so a merge that moves
-- the base is undone with the rest of the merge.
CREATE TABLE bases (
  key TEXT PRIMARY KEY,
  body TEXT NOT NULL,
  revision INTEGER NOT NULL
);

-- merge_conflicts: what a pull could not merge by itself, kept until each is
-- resolved (key = section/key[#field]). Publishing refuses while any is here.
CREATE TABLE merge_conflicts (
  key TEXT PRIMARY KEY,
  body TEXT NOT NULL,
  revision INTEGER NOT NULL
);

-- published gains pulls (kind 'pull', target = the source URL), the digest an
-- overwrite replaced, and a one-line account of a pull's merge. SQLite cannot
-- change a CHECK constraint in place: rebuild the table.
CREATE TABLE published_new (
  id INTEGER PRIMARY KEY,
  environment TEXT NOT NULL,
  version INTEGER NOT NULL,
  digest TEXT NOT NULL,
  parent_digest TEXT,
  published_at TEXT NOT NULL,
  author TEXT NOT NULL,
  target TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('publish', 'rollback', 'pull')),
  rollback_of INTEGER,
  envelope TEXT NOT NULL,
  overwrites TEXT,
  merge_summary TEXT,
  UNIQUE (environment, version, target, kind)
);
INSERT INTO published_new (id, environment, version, digest, parent_digest, published_at, author, target, kind, rollback_of, envelope)
  SELECT id, environment, version, digest, parent_digest, published_at, author, target, kind, rollback_of, envelope FROM published;
DROP TABLE published;
ALTER TABLE published_new RENAME TO published;
CREATE INDEX published_env ON published(environment, version);

-- A workspace that published before this migration has its base already:
-- the newest bundle it published to each environment.
INSERT INTO bases (key, body, revision)
  SELECT p.environment,
         json_object('environment', p.environment, 'version', p.version, 'digest', p.digest,
                     'author', p.author, 'created_at', p.published_at, 'source', 'publish'),
         1
  FROM published p
  WHERE p.id = (SELECT max(id) FROM published q WHERE q.environment = p.environment);
