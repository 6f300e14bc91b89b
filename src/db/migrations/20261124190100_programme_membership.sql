-- Programme membership (issue 4, item 3). Data of a programme is visible only to its members:
-- staff users are members through this table; an API key lists its programmes in
-- api_keys.programme_ids, NULL meaning every programme (the administrator key made by
-- `dossier init`, and keys created before membership existed, which were all-seeing already).
-- An empty array is a key that sees no programme's data.
CREATE TABLE programme_members (
  programme_id  uuid NOT NULL REFERENCES programmes (id) ON DELETE CASCADE,
  user_id       uuid NOT NULL REFERENCES staff_users (id) ON DELETE CASCADE,
  created_at    timestamptz NOT NULL,
  created_by    text NOT NULL,
  PRIMARY KEY (programme_id, user_id)
);
CREATE INDEX programme_members_user_idx ON programme_members (user_id);

ALTER TABLE api_keys ADD COLUMN programme_ids uuid[];
