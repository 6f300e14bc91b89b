-- Requests from compliance to a client (issue 7, part 8): staff ask the client organisation of an
-- application for a set of updates (documents, subject fields, questionnaires) by a due date.
-- Completion of each item is computed from what exists (a document, a submitted questionnaire) or
-- recorded when the client answers (fields); it is never taken from the client's word.

CREATE TABLE client_requests (
  id                  uuid PRIMARY KEY,
  application_id      uuid NOT NULL REFERENCES applications (id),
  title               text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  message             text NOT NULL CHECK (length(message) <= 4000),
  due_at              timestamptz NOT NULL,
  status              text NOT NULL CHECK (status IN ('open', 'completed', 'cancelled')),
  created_by          text NOT NULL,
  created_at          timestamptz NOT NULL,
  updated_at          timestamptz NOT NULL,
  completed_at        timestamptz,
  cancelled_at        timestamptz,
  cancelled_by        text,
  cancel_reason       text CHECK (length(cancel_reason) <= 1000),
  -- When the periodic task first saw the request open past its due date (audited once).
  overdue_flagged_at  timestamptz,
  version             integer NOT NULL DEFAULT 1,
  CHECK ((status = 'completed') = (completed_at IS NOT NULL)),
  CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL))
);
CREATE INDEX client_requests_application_idx ON client_requests (application_id, created_at, id);
CREATE INDEX client_requests_open_due_idx ON client_requests (due_at) WHERE status = 'open';

-- One thing asked for. 'document': a document of that type of that subject, linked to the
-- application, created after the request. 'fields': values of those subject fields, given by the
-- client. 'questionnaire': a form assigned to the application (form_assignment_id), submitted.
CREATE TABLE client_request_items (
  id                  uuid PRIMARY KEY,
  request_id          uuid NOT NULL REFERENCES client_requests (id),
  position            integer NOT NULL CHECK (position >= 0),
  kind                text NOT NULL CHECK (kind IN ('document', 'fields', 'questionnaire')),
  subject_id          uuid REFERENCES subjects (id),
  document_type       text,
  fields              text[],
  form_id             uuid,
  form_assignment_id  uuid,
  completed_at        timestamptz,
  -- Actor reference of who completed it (the client who answered, the uploader of the document).
  completed_by        text,
  -- The document that completed a 'document' item.
  document_id         uuid REFERENCES documents (id),
  UNIQUE (request_id, position),
  CHECK (kind <> 'document' OR (subject_id IS NOT NULL AND document_type IS NOT NULL)),
  CHECK (kind <> 'fields' OR (subject_id IS NOT NULL AND cardinality(fields) >= 1)),
  CHECK (kind <> 'questionnaire' OR form_id IS NOT NULL)
);
CREATE INDEX client_request_items_open_idx ON client_request_items (request_id) WHERE completed_at IS NULL;

-- Reminders sent: one row per request and stage ('before:<days>', 'overdue'). The row is claimed
-- before the e-mails go out, so a stage is sent at most once even with several servers.
CREATE TABLE client_request_reminders (
  request_id   uuid NOT NULL REFERENCES client_requests (id),
  stage        text NOT NULL CHECK (stage ~ '^(before:[0-9]{1,3}|overdue)$'),
  claimed_at   timestamptz NOT NULL,
  recipients   integer NOT NULL CHECK (recipients >= 0),
  delivered    integer CHECK (delivered >= 0),
  PRIMARY KEY (request_id, stage)
);
