-- Screening lists (issue 6): each import of a sanctions or PEP list is a versioned snapshot with a
-- content hash and counts; its entities are kept (the engine's index is built from the active
-- snapshot of every list), and the difference from the previous snapshot is stored: it drives
-- rescreening. A snapshot becomes active in the same transaction that stores it, so a failed import
-- leaves the current snapshot active.
CREATE TABLE list_snapshots (
  id            uuid PRIMARY KEY,
  list          text NOT NULL CHECK (list ~ '^[a-z][a-z0-9-]{0,39}$'),
  format        text NOT NULL,
  -- SHA-256 over the sorted (entity id, entity content hash) pairs: equal lists, equal hash.
  content_hash  text NOT NULL,
  entity_count  integer NOT NULL,
  name_count    integer NOT NULL,
  added         integer NOT NULL,
  changed       integer NOT NULL,
  removed       integer NOT NULL,
  previous_id   uuid REFERENCES list_snapshots (id),
  active        boolean NOT NULL,
  imported_by   text NOT NULL,
  imported_at   timestamptz NOT NULL
);
CREATE UNIQUE INDEX list_snapshots_active_idx ON list_snapshots (list) WHERE active;
CREATE INDEX list_snapshots_list_idx ON list_snapshots (list, imported_at);

CREATE TABLE list_entities (
  snapshot_id   uuid NOT NULL REFERENCES list_snapshots (id),
  entity_id     text NOT NULL,
  content_hash  text NOT NULL,
  data          jsonb NOT NULL,
  PRIMARY KEY (snapshot_id, entity_id)
);

CREATE TABLE list_snapshot_changes (
  snapshot_id  uuid NOT NULL REFERENCES list_snapshots (id),
  entity_id    text NOT NULL,
  change       text NOT NULL CHECK (change IN ('added', 'changed', 'removed')),
  PRIMARY KEY (snapshot_id, entity_id)
);

-- Every screening run: what was screened (the query: a name and its qualifiers, or a subject), with
-- which profile and against which list snapshots, and what it found. Kept for the audit of
-- decisions ("what did the lists say when we onboarded this client?").
CREATE TABLE screening_runs (
  id              uuid PRIMARY KEY,
  subject_id      uuid REFERENCES subjects (id),
  query           jsonb NOT NULL,
  profile         jsonb NOT NULL,
  list_snapshots  jsonb NOT NULL,
  hits            jsonb NOT NULL,
  hit_count       integer NOT NULL,
  created_by      text NOT NULL,
  created_at      timestamptz NOT NULL
);
CREATE INDEX screening_runs_subject_idx ON screening_runs (subject_id, created_at) WHERE subject_id IS NOT NULL;

-- The right to manage the lists themselves, given to the built-in Compliance officer role (kept
-- sorted, as stored): which lists a firm screens against is a compliance decision, and the
-- Administrator holds no screening right.
UPDATE roles
   SET rights = ARRAY(SELECT DISTINCT r FROM unnest(rights || ARRAY['screening:lists']) AS r ORDER BY r)
 WHERE id = 'd0551e40-0000-4000-8000-000000000002';

-- The programme's screening profile: the threshold (onboarding leans to recall, 0.70; a payments
-- programme might use 0.80), the lists screened against (null: every list) and which kinds of
-- subject are screened.
ALTER TABLE programmes
  ADD COLUMN screening_profile jsonb NOT NULL
    DEFAULT '{"threshold": 0.7, "lists": null, "subjectKinds": ["person", "entity"]}'::jsonb;

-- Alerts: a hit of a subject's screening on a list entry, for an analyst to resolve. A decision
-- (true match or false positive, with a reason) is kept with the list entry's content hash at the
-- time: a later hit on the same entry with the same content does not alert again; a changed entry
-- does. A true match marks the subject (subjects.screening_status).
CREATE TABLE screening_alerts (
  id            uuid PRIMARY KEY,
  subject_id    uuid NOT NULL REFERENCES subjects (id),
  list          text NOT NULL,
  entity_id     text NOT NULL,
  entity_hash   text NOT NULL,
  -- null for a vendor provider's hit (its list versions are the vendor's).
  snapshot_id   uuid REFERENCES list_snapshots (id),
  run_id        uuid NOT NULL REFERENCES screening_runs (id),
  score         double precision NOT NULL,
  matched_name  text NOT NULL,
  status        text NOT NULL CHECK (status IN ('open', 'true_match', 'false_positive')),
  reason        text,
  decided_by    text,
  decided_at    timestamptz,
  version       integer NOT NULL DEFAULT 1,
  created_at    timestamptz NOT NULL,
  CHECK ((status = 'open') = (decided_at IS NULL)),
  CHECK (status = 'open' OR reason IS NOT NULL)
);
CREATE UNIQUE INDEX screening_alerts_open_idx ON screening_alerts (subject_id, entity_id) WHERE status = 'open';
CREATE INDEX screening_alerts_subject_idx ON screening_alerts (subject_id, created_at);
CREATE INDEX screening_alerts_entity_idx ON screening_alerts (entity_id);

ALTER TABLE subjects
  ADD COLUMN screening_status text NOT NULL DEFAULT 'not_screened'
    CHECK (screening_status IN ('not_screened', 'clear', 'open_alerts', 'true_match'));

-- Ongoing monitoring: jobs written in the same transaction as their cause (a new list snapshot, a
-- change to a screened subject), run by the server's job loop (claimed with SKIP LOCKED, so several
-- servers share them); a failed job is retried a few times, then kept as failed for the operator.
CREATE TABLE screening_jobs (
  id           uuid PRIMARY KEY,
  kind         text NOT NULL CHECK (kind IN ('reverse_screen', 'rescreen_subject')),
  snapshot_id  uuid REFERENCES list_snapshots (id),
  subject_id   uuid REFERENCES subjects (id),
  status       text NOT NULL CHECK (status IN ('pending', 'running', 'done', 'failed')),
  attempts     integer NOT NULL DEFAULT 0,
  run_after    timestamptz NOT NULL,
  locked_until timestamptz,
  result       jsonb,
  error        text,
  created_at   timestamptz NOT NULL,
  finished_at  timestamptz,
  CHECK ((kind = 'reverse_screen') = (snapshot_id IS NOT NULL)),
  CHECK ((kind = 'rescreen_subject') = (subject_id IS NOT NULL))
);
CREATE INDEX screening_jobs_pending_idx ON screening_jobs (run_after) WHERE status IN ('pending', 'running');
