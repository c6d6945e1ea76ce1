-- The content plan and what it refers to; same shape as every entity table.
CREATE TABLE stages (key TEXT PRIMARY KEY, body TEXT NOT NULL, revision INTEGER NOT NULL);
CREATE TABLE page_types (key TEXT PRIMARY KEY, body TEXT NOT NULL, revision INTEGER NOT NULL);
CREATE TABLE content (key TEXT PRIMARY KEY, body TEXT NOT NULL, revision INTEGER NOT NULL);
CREATE TABLE campaigns (key TEXT PRIMARY KEY, body TEXT NOT NULL, revision INTEGER NOT NULL);
CREATE TABLE plan_entries (key TEXT PRIMARY KEY, body TEXT NOT NULL, revision INTEGER NOT NULL);
CREATE TABLE products (key TEXT PRIMARY KEY, body TEXT NOT NULL, revision INTEGER NOT NULL);

-- The five default journey stages (editable).
INSERT INTO stages (key, body, revision) VALUES
  ('discovery', '{"name":"discovery"}', 1),
  ('evaluation', '{"name":"evaluation"}', 1),
  ('cart', '{"name":"cart"}', 1),
  ('checkout', '{"name":"checkout"}', 1),
  ('post_purchase', '{"name":"post_purchase"}', 1);
