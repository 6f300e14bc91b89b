-- Forms and questionnaires (portal issue, part 4): versioned definitions per programme, given to
-- applications as assignments, answered by client users (or staff) with a draft and submissions.
--
-- A form is named by a key unique within its programme. Its definitions are numbered versions: at
-- most one draft (editable) and at most one published version at a time; publishing a draft freezes
-- it and marks the previously published version 'retired' (superseded: still the version that
-- assignments pinned to it are answered against). A published or retired version never changes
-- again (trigger below), and only a draft can be deleted.
CREATE TABLE forms (
  id            uuid PRIMARY KEY,
  programme_id  uuid NOT NULL REFERENCES programmes (id),
  key           text NOT NULL CHECK (key ~ '^[a-z][a-z0-9_-]{0,62}$'),
  title         text NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
  created_at    timestamptz NOT NULL,
  created_by    text NOT NULL,
  retired_at    timestamptz,
  retired_by    text,
  UNIQUE (programme_id, key),
  CHECK ((retired_at IS NULL) = (retired_by IS NULL))
);

CREATE TABLE form_versions (
  id            uuid PRIMARY KEY,
  form_id       uuid NOT NULL REFERENCES forms (id),
  version       integer NOT NULL CHECK (version >= 1),
  definition    jsonb NOT NULL,
  status        text NOT NULL CHECK (status IN ('draft', 'published', 'retired')),
  created_at    timestamptz NOT NULL,
  created_by    text NOT NULL,
  published_at  timestamptz,
  published_by  text,
  UNIQUE (form_id, version),
  CHECK ((status = 'draft') = (published_at IS NULL)),
  CHECK ((published_at IS NULL) = (published_by IS NULL))
);
CREATE UNIQUE INDEX form_versions_one_draft_idx ON form_versions (form_id) WHERE status = 'draft';
CREATE UNIQUE INDEX form_versions_one_published_idx ON form_versions (form_id) WHERE status = 'published';

-- A draft may change (definition) and be published; a published version may only be superseded
-- ('retired'); nothing else changes, ever.
CREATE FUNCTION form_versions_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.status <> 'draft' THEN
      RAISE EXCEPTION 'form version % is frozen (delete refused)', OLD.id USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN OLD;
  END IF;
  IF NEW.id <> OLD.id OR NEW.form_id <> OLD.form_id OR NEW.version <> OLD.version
     OR NEW.created_at <> OLD.created_at OR NEW.created_by <> OLD.created_by THEN
    RAISE EXCEPTION 'form version % keeps its identity', OLD.id USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF OLD.status = 'draft' THEN
    IF NEW.status NOT IN ('draft', 'published') THEN
      RAISE EXCEPTION 'a draft form version is published, not retired' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
  END IF;
  IF NEW.definition IS DISTINCT FROM OLD.definition
     OR NEW.published_at IS DISTINCT FROM OLD.published_at
     OR NEW.published_by IS DISTINCT FROM OLD.published_by
     OR NOT (NEW.status = OLD.status OR (OLD.status = 'published' AND NEW.status = 'retired')) THEN
    RAISE EXCEPTION 'form version % is frozen (update refused)', OLD.id USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER form_versions_frozen BEFORE UPDATE OR DELETE ON form_versions
  FOR EACH ROW EXECUTE FUNCTION form_versions_guard();

-- A questionnaire given to an application, optionally about one of its subjects. `version_id` is
-- the version it is answered against: pinned at the first draft save (or at submission without a
-- draft) and kept from then on. The columns application_id, form_id, status and submitted_at are
-- read by other features (e.g. requests to a client): keep their names and meaning.
CREATE TABLE form_assignments (
  id              uuid PRIMARY KEY,
  application_id  uuid NOT NULL REFERENCES applications (id),
  form_id         uuid NOT NULL REFERENCES forms (id),
  subject_id      uuid REFERENCES subjects (id),
  status          text NOT NULL CHECK (status IN ('open', 'submitted', 'cancelled')),
  due_at          timestamptz,
  assigned_at     timestamptz NOT NULL,
  assigned_by     text NOT NULL,
  version_id      uuid REFERENCES form_versions (id),
  submitted_at    timestamptz,
  submitted_by    text,
  cancelled_at    timestamptz,
  cancelled_by    text,
  CHECK (status <> 'submitted' OR (submitted_at IS NOT NULL AND submitted_by IS NOT NULL AND version_id IS NOT NULL)),
  CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL)),
  CHECK ((cancelled_at IS NULL) = (cancelled_by IS NULL))
);
CREATE INDEX form_assignments_application_idx ON form_assignments (application_id, form_id, status);
CREATE INDEX form_assignments_form_idx ON form_assignments (form_id);

-- The current draft of an assignment (at most one), answers encrypted with the field key, context
-- `form_drafts.answers:<id>:<assignment_id>:<version_id>`. Replaced in place on each save;
-- deleted when the answers are submitted or the assignment is cancelled.
CREATE TABLE form_drafts (
  id             uuid PRIMARY KEY,
  assignment_id  uuid NOT NULL UNIQUE REFERENCES form_assignments (id),
  version_id     uuid NOT NULL REFERENCES form_versions (id),
  answers_enc    bytea NOT NULL,
  answer_count   integer NOT NULL CHECK (answer_count >= 0),
  saved_at       timestamptz NOT NULL,
  saved_by       text NOT NULL
);

-- Every submission of an assignment, append-only; answers encrypted with the field key, context
-- `form_submissions.answers:<id>:<assignment_id>:<version_id>`, so a ciphertext moved to another
-- row, assignment or version no longer decrypts.
CREATE TABLE form_submissions (
  id             uuid PRIMARY KEY,
  assignment_id  uuid NOT NULL REFERENCES form_assignments (id),
  version_id     uuid NOT NULL REFERENCES form_versions (id),
  answers_enc    bytea NOT NULL,
  answer_count   integer NOT NULL CHECK (answer_count >= 0),
  submitted_at   timestamptz NOT NULL,
  submitted_by   text NOT NULL
);
CREATE INDEX form_submissions_assignment_idx ON form_submissions (assignment_id, submitted_at);

CREATE FUNCTION form_submissions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'form_submissions is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER form_submissions_no_update BEFORE UPDATE OR DELETE ON form_submissions
  FOR EACH ROW EXECUTE FUNCTION form_submissions_append_only();
