-- Foundation: staff users (minimal), API keys, programmes, subjects, identifiers, relationships,
-- applications and the append-only, hash-chained audit trail.

CREATE TABLE staff_users (
  id            uuid PRIMARY KEY,
  username      text NOT NULL UNIQUE,
  display_name  text NOT NULL,
  email         text NOT NULL,
  status        text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
  id              uuid PRIMARY KEY,
  prefix          text NOT NULL UNIQUE,
  secret_hash     bytea NOT NULL,
  name            text NOT NULL,
  rights          text[] NOT NULL,
  created_at      timestamptz NOT NULL,
  created_by      text NOT NULL,
  expires_at      timestamptz,
  revoked_at      timestamptz,
  last_used_at    timestamptz
);

CREATE TABLE programmes (
  id                    uuid PRIMARY KEY,
  name                  text NOT NULL,
  description           text NOT NULL DEFAULT '',
  allowed_entity_types  text[] NOT NULL,
  statuses              jsonb NOT NULL,
  transitions           jsonb NOT NULL,
  ubo_threshold         numeric(7,4) NOT NULL DEFAULT 25 CHECK (ubo_threshold > 0 AND ubo_threshold <= 100),
  version               integer NOT NULL DEFAULT 1,
  created_at            timestamptz NOT NULL,
  updated_at            timestamptz NOT NULL
);
CREATE UNIQUE INDEX programmes_name_key ON programmes (lower(name));

CREATE TABLE subjects (
  id              uuid PRIMARY KEY,
  kind            text NOT NULL CHECK (kind IN ('person', 'entity')),
  display_name    text NOT NULL,
  name_key        text NOT NULL,
  date_of_birth   date,
  lei             text,
  jurisdiction    text,
  registration_number text,
  profile         jsonb NOT NULL,
  version         integer NOT NULL DEFAULT 1,
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL
);
CREATE INDEX subjects_name_key_idx ON subjects (name_key);
CREATE INDEX subjects_created_idx ON subjects (created_at, id);
CREATE INDEX subjects_lei_idx ON subjects (lei) WHERE lei IS NOT NULL;
CREATE INDEX subjects_regno_idx ON subjects (jurisdiction, registration_number) WHERE registration_number IS NOT NULL;

-- Identity-document numbers and tax ids: encrypted by the application; equality by a keyed blind index.
CREATE TABLE subject_identifiers (
  id            uuid PRIMARY KEY,
  subject_id    uuid NOT NULL REFERENCES subjects (id) ON DELETE CASCADE,
  type          text NOT NULL,
  country       text,
  value_enc     bytea NOT NULL,
  value_bidx    bytea NOT NULL,
  issued_on     date,
  expires_on    date,
  position      integer NOT NULL
);
CREATE INDEX subject_identifiers_subject_idx ON subject_identifiers (subject_id);
CREATE INDEX subject_identifiers_bidx_idx ON subject_identifiers (value_bidx);

CREATE TABLE relationships (
  id              uuid PRIMARY KEY,
  from_subject_id uuid NOT NULL REFERENCES subjects (id),
  to_subject_id   uuid NOT NULL REFERENCES subjects (id),
  kind            text NOT NULL CHECK (kind IN ('director', 'shareholder', 'ubo', 'signatory', 'trustee', 'beneficiary')),
  share_pct       numeric(7,4) CHECK (share_pct IS NULL OR (share_pct > 0 AND share_pct <= 100)),
  voting_pct      numeric(7,4) CHECK (voting_pct IS NULL OR (voting_pct >= 0 AND voting_pct <= 100)),
  title           text,
  created_at      timestamptz NOT NULL,
  CHECK (from_subject_id <> to_subject_id),
  CHECK (kind = 'shareholder' OR (share_pct IS NULL AND voting_pct IS NULL)),
  CHECK (kind <> 'shareholder' OR share_pct IS NOT NULL)
);
CREATE INDEX relationships_to_idx ON relationships (to_subject_id);
CREATE INDEX relationships_from_idx ON relationships (from_subject_id);
CREATE UNIQUE INDEX relationships_unique_idx ON relationships (from_subject_id, to_subject_id, kind);

CREATE SEQUENCE application_reference_seq;

CREATE TABLE applications (
  id            uuid PRIMARY KEY,
  reference     text NOT NULL UNIQUE,
  programme_id  uuid NOT NULL REFERENCES programmes (id),
  status        text NOT NULL,
  assignee_id   uuid REFERENCES staff_users (id),
  version       integer NOT NULL DEFAULT 1,
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL
);
CREATE INDEX applications_programme_status_idx ON applications (programme_id, status);
CREATE INDEX applications_created_idx ON applications (created_at, id);
CREATE INDEX applications_assignee_idx ON applications (assignee_id) WHERE assignee_id IS NOT NULL;

CREATE TABLE application_subjects (
  application_id  uuid NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
  subject_id      uuid NOT NULL REFERENCES subjects (id),
  role            text NOT NULL,
  created_at      timestamptz NOT NULL,
  PRIMARY KEY (application_id, subject_id, role)
);
CREATE INDEX application_subjects_subject_idx ON application_subjects (subject_id);

CREATE TABLE application_notes (
  id              uuid PRIMARY KEY,
  application_id  uuid NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
  body            text NOT NULL,
  author          text NOT NULL,
  created_at      timestamptz NOT NULL
);
CREATE INDEX application_notes_app_idx ON application_notes (application_id, created_at);

-- Audit trail: seq is assigned under the head lock, so it has no gaps; each row's hash covers the
-- previous row's hash and the row's canonical encoding.
CREATE TABLE audit_events (
  seq          bigint PRIMARY KEY,
  id           uuid NOT NULL UNIQUE,
  occurred_at  timestamptz NOT NULL,
  type         text NOT NULL,
  actor        text NOT NULL,
  request_id   text,
  target_type  text,
  target_id    text,
  payload      jsonb NOT NULL,
  prev_hash    bytea NOT NULL,
  hash         bytea NOT NULL
);
CREATE INDEX audit_events_type_idx ON audit_events (type, seq);
CREATE INDEX audit_events_target_idx ON audit_events (target_type, target_id, seq);

CREATE TABLE audit_head (
  singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  seq        bigint NOT NULL,
  hash       bytea NOT NULL
);
INSERT INTO audit_head (singleton, seq, hash) VALUES (true, 0, decode(repeat('00', 32), 'hex'));

CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();

-- Servers cache API-key lookups; any change that affects authentication tells them to drop the
-- entry (LISTEN dossier_api_keys). last_used_at alone does not.
CREATE FUNCTION api_keys_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('dossier_api_keys', OLD.prefix);
  RETURN NULL;
END;
$$;
CREATE TRIGGER api_keys_changed AFTER UPDATE ON api_keys FOR EACH ROW
  WHEN (OLD.rights IS DISTINCT FROM NEW.rights OR OLD.revoked_at IS DISTINCT FROM NEW.revoked_at
        OR OLD.expires_at IS DISTINCT FROM NEW.expires_at OR OLD.secret_hash IS DISTINCT FROM NEW.secret_hash
        OR OLD.prefix IS DISTINCT FROM NEW.prefix OR OLD.name IS DISTINCT FROM NEW.name)
  EXECUTE FUNCTION api_keys_notify_change();
CREATE TRIGGER api_keys_deleted AFTER DELETE ON api_keys FOR EACH ROW EXECUTE FUNCTION api_keys_notify_change();
