-- Active Directory / LDAP (issue 9, part 1): staff users whose password and group memberships live
-- in the directory.
--
-- A staff user's `source` says who checks the password: 'local' (argon2id hash in Dossier) or
-- 'directory' (a bind to the directory; password_hash stays NULL). A directory user is tied to its
-- entry by the DN (which changes when the entry is moved or renamed) and, when the server provides
-- one, a stable id (entryUUID, or objectGUID as hex), preferred for matching. `directory_disabled`
-- marks a user Dossier disabled because the directory did (so a sync may enable them again; a user
-- an administrator disabled stays disabled).
ALTER TABLE staff_users
  ADD COLUMN source              text NOT NULL DEFAULT 'local' CHECK (source IN ('local', 'directory')),
  ADD COLUMN directory_dn        text,
  ADD COLUMN directory_id        text,
  ADD COLUMN directory_synced_at timestamptz,
  ADD COLUMN directory_disabled  boolean NOT NULL DEFAULT false,
  ADD CONSTRAINT staff_users_directory_identity CHECK ((source = 'directory') = (directory_dn IS NOT NULL)),
  ADD CONSTRAINT staff_users_directory_no_password CHECK (source = 'local' OR password_hash IS NULL);
CREATE UNIQUE INDEX staff_users_directory_dn_key ON staff_users (lower(directory_dn)) WHERE directory_dn IS NOT NULL;
CREATE UNIQUE INDEX staff_users_directory_id_key ON staff_users (directory_id) WHERE directory_id IS NOT NULL;

-- Who gave a role or a programme membership: 'manual' (an administrator), 'directory' (a group
-- mapping, applied by a sync or a directory sign-in) or 'sso:<provider id>' (the role mappings of a
-- single sign-on provider, applied at each of its sign-ins; ids are slugs, see sso.settings.ts). An
-- external source adds and removes only rows of its own source (src/modules/roles/external-grants.ts),
-- never an administrator's or another source's. One row per user and role/programme: whoever gave
-- it first owns it.
ALTER TABLE staff_user_roles
  ADD COLUMN source text NOT NULL DEFAULT 'manual'
    CHECK (source IN ('manual', 'directory') OR source ~ '^sso:[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$');
ALTER TABLE programme_members
  ADD COLUMN source text NOT NULL DEFAULT 'manual'
    CHECK (source IN ('manual', 'directory') OR source ~ '^sso:[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$');

-- A directory group (by DN, compared case-insensitively) gives its members a role, a programme
-- membership, or both.
CREATE TABLE directory_group_mappings (
  id            uuid PRIMARY KEY,
  group_dn      text NOT NULL CHECK (length(group_dn) BETWEEN 3 AND 1024),
  role_id       uuid REFERENCES roles (id) ON DELETE CASCADE,
  programme_id  uuid REFERENCES programmes (id) ON DELETE CASCADE,
  created_at    timestamptz NOT NULL,
  created_by    text NOT NULL,
  CHECK (role_id IS NOT NULL OR programme_id IS NOT NULL)
);
CREATE UNIQUE INDEX directory_group_mappings_key
  ON directory_group_mappings (lower(group_dn), coalesce(role_id::text, ''), coalesce(programme_id::text, ''));

-- One row per sync run. `high_water_mark` is the directory's own modifyTimestamp/whenChanged (its
-- clock, never Dossier's) of the newest change seen: the next "changed" run asks for entries changed
-- at or after it. One run at a time: a partial unique index on the running one; a run whose lease
-- passed (crashed process) is marked failed before another starts.
CREATE TABLE directory_sync_runs (
  id               uuid PRIMARY KEY,
  mode             text NOT NULL CHECK (mode IN ('full', 'changed')),
  status           text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
  trigger          text NOT NULL CHECK (trigger IN ('schedule', 'api', 'cli')),
  started_at       timestamptz NOT NULL,
  lease_until      timestamptz NOT NULL,
  finished_at      timestamptz,
  seen             integer NOT NULL DEFAULT 0,
  created          integer NOT NULL DEFAULT 0,
  updated          integer NOT NULL DEFAULT 0,
  disabled         integer NOT NULL DEFAULT 0,
  enabled          integer NOT NULL DEFAULT 0,
  unchanged        integer NOT NULL DEFAULT 0,
  errors           integer NOT NULL DEFAULT 0,
  error            text,
  high_water_mark  text,
  started_by       text NOT NULL
);
CREATE UNIQUE INDEX directory_sync_runs_one_running ON directory_sync_runs ((true)) WHERE status = 'running';
CREATE INDEX directory_sync_runs_started_idx ON directory_sync_runs (started_at DESC);

-- The per-account cap of failed directory binds (src/modules/auth/directory/bind-cap.ts), kept
-- apart from the block-delay counters because it follows Active Directory's own counting: failures
-- count until `window` has passed since the last one. Keyed by the entry's DN (lower case), so
-- every sign-in name of one account shares it. `pending` binds are in flight; if a process dies
-- mid-bind, its reservation counts as a failure once `pending_until` passes.
CREATE TABLE directory_bind_guard (
  account          text PRIMARY KEY,
  failures         integer NOT NULL DEFAULT 0 CHECK (failures >= 0),
  last_failure_at  timestamptz,
  pending          integer NOT NULL DEFAULT 0 CHECK (pending >= 0),
  pending_until    timestamptz
);
