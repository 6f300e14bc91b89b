-- Documents (issue 5): uploaded files of subjects, encrypted at rest, with versions, validity,
-- expiry, links to applications, tombstones and crypto-shredding.

-- A programme's document policy: the document types it asks for (its requirements), the file
-- extensions it accepts (NULL: the product's default allow-list) and how many days before expiry a
-- document counts as expiring.
ALTER TABLE programmes
  ADD COLUMN document_types jsonb NOT NULL DEFAULT '[
    {"code": "passport", "label": "Passport", "appliesTo": ["person"], "required": false, "expires": true},
    {"code": "national_id", "label": "National identity card", "appliesTo": ["person"], "required": false, "expires": true},
    {"code": "driving_licence", "label": "Driving licence", "appliesTo": ["person"], "required": false, "expires": true},
    {"code": "proof_of_address", "label": "Proof of address", "appliesTo": ["person", "entity"], "required": false, "expires": false},
    {"code": "registry_extract", "label": "Company registry extract", "appliesTo": ["entity"], "required": false, "expires": false},
    {"code": "financial_statement", "label": "Financial statement", "appliesTo": ["person", "entity"], "required": false, "expires": false},
    {"code": "other", "label": "Other", "appliesTo": ["person", "entity"], "required": false, "expires": false}
  ]'::jsonb,
  ADD COLUMN document_extensions text[],
  ADD COLUMN document_expiry_notice_days integer NOT NULL DEFAULT 30
    CHECK (document_expiry_notice_days BETWEEN 0 AND 3650);

-- One encrypted object in the blob store. The row exists BEFORE the object is written ('pending',
-- with a lease the uploader renews), so a crash at any point leaves a row that names what to clean
-- up; it becomes 'stored' in the same transaction that makes the document visible. The data key is
-- kept here wrapped by a key-encryption key of the key ring (never the key itself): rotation
-- re-wraps it in place, and destroying it ('destroyed', key columns NULL) is the crypto-shredding.
CREATE TABLE document_blobs (
  id                uuid PRIMARY KEY,
  state             text NOT NULL CHECK (state IN ('pending', 'stored', 'destroyed')),
  lease_expires_at  timestamptz,
  format_version    smallint NOT NULL,
  segment_size      integer NOT NULL CHECK (segment_size > 0),
  kek_id            text,
  wrapped_key       bytea,
  plain_size        bigint CHECK (plain_size >= 0),
  stored_size       bigint CHECK (stored_size >= 0),
  sha256            bytea,
  created_at        timestamptz NOT NULL,
  stored_at         timestamptz,
  destroyed_at      timestamptz,
  CHECK ((state = 'destroyed') = (kek_id IS NULL AND wrapped_key IS NULL)),
  CHECK (state <> 'pending' OR lease_expires_at IS NOT NULL),
  CHECK (state <> 'stored' OR (plain_size IS NOT NULL AND stored_size IS NOT NULL AND sha256 IS NOT NULL))
);
CREATE INDEX document_blobs_kek_idx ON document_blobs (kek_id) WHERE kek_id IS NOT NULL;
CREATE INDEX document_blobs_pending_idx ON document_blobs (lease_expires_at) WHERE state = 'pending';

CREATE TABLE documents (
  id                    uuid PRIMARY KEY,
  subject_id            uuid NOT NULL REFERENCES subjects (id),
  -- The programme it was uploaded under: its document types apply, and its members see it.
  programme_id          uuid NOT NULL REFERENCES programmes (id),
  document_type         text NOT NULL,
  issue_date            date,
  expiry_date           date,
  validity              text NOT NULL DEFAULT 'unchecked' CHECK (validity IN ('unchecked', 'valid', 'invalid')),
  invalid_reason        text,
  validity_set_by       text,
  validity_set_at       timestamptz,
  physical_copy_seen    boolean NOT NULL DEFAULT false,
  physical_copy_seen_by text,
  physical_copy_seen_at timestamptz,
  current_version       integer NOT NULL DEFAULT 1,
  version               integer NOT NULL DEFAULT 1,
  created_by            text NOT NULL,
  created_at            timestamptz NOT NULL,
  updated_at            timestamptz NOT NULL,
  -- The tombstone: a deleted document is invisible; its keys are destroyed after destroy_after.
  deleted_at            timestamptz,
  deleted_by            text,
  delete_reason         text,
  destroy_after         timestamptz,
  destroyed_at          timestamptz,
  CHECK (issue_date IS NULL OR expiry_date IS NULL OR issue_date <= expiry_date),
  CHECK ((validity = 'invalid') = (invalid_reason IS NOT NULL)),
  CHECK ((deleted_at IS NULL) = (destroy_after IS NULL))
);
CREATE INDEX documents_subject_idx ON documents (subject_id, created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX documents_programme_idx ON documents (programme_id, created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX documents_expiry_idx ON documents (expiry_date) WHERE deleted_at IS NULL AND expiry_date IS NOT NULL;
CREATE INDEX documents_destroy_idx ON documents (destroy_after) WHERE destroyed_at IS NULL AND destroy_after IS NOT NULL;

-- Every upload of a document; a new one supersedes the previous, which stays for the audit.
CREATE TABLE document_versions (
  id             uuid PRIMARY KEY,
  document_id    uuid NOT NULL REFERENCES documents (id),
  number         integer NOT NULL CHECK (number >= 1),
  blob_id        uuid NOT NULL UNIQUE REFERENCES document_blobs (id),
  filename       text NOT NULL,
  extension      text NOT NULL,
  media_type     text NOT NULL,
  detected_type  text,
  size           bigint NOT NULL CHECK (size >= 0),
  sha256         bytea NOT NULL,
  scan_status    text NOT NULL CHECK (scan_status IN ('clean', 'not_scanned')),
  scan_engine    text,
  uploaded_by    text NOT NULL,
  uploaded_at    timestamptz NOT NULL,
  UNIQUE (document_id, number)
);

-- Documents used in an application; a document stays with its subject and can serve several.
CREATE TABLE application_documents (
  application_id  uuid NOT NULL REFERENCES applications (id),
  document_id     uuid NOT NULL REFERENCES documents (id),
  added_by        text NOT NULL,
  added_at        timestamptz NOT NULL,
  PRIMARY KEY (application_id, document_id)
);
CREATE INDEX application_documents_document_idx ON application_documents (document_id);
