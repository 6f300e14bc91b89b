-- The Customer Outreach Tool (COT): client users add the related parties of their applications on
-- the portal, and read the notes staff chose to share with them.
--
-- Who added a subject to an application: set when a client user added it on the portal (the actor
-- reference `client:<id>` and that user's organisation); NULL for subjects staff added (the audit
-- trail names who). The portal lets a client change only the parties their own organisation added.
ALTER TABLE application_subjects ADD COLUMN added_by text;
ALTER TABLE application_subjects ADD COLUMN client_organisation_id uuid REFERENCES client_organisations (id);
ALTER TABLE application_subjects ADD CONSTRAINT application_subjects_client_added_check
  CHECK ((added_by IS NULL) = (client_organisation_id IS NULL));

-- Notes shared with the client, and messages a client user posts (always visible to the client,
-- hence shared). Only the flag, when and by whom it was last set are kept here; each change is in
-- the audit trail.
ALTER TABLE application_notes ADD COLUMN author_kind text NOT NULL DEFAULT 'staff'
  CHECK (author_kind IN ('staff', 'client'));
ALTER TABLE application_notes ADD COLUMN shared_with_client boolean NOT NULL DEFAULT false;
ALTER TABLE application_notes ADD COLUMN shared_at timestamptz;
ALTER TABLE application_notes ADD COLUMN shared_by text;
ALTER TABLE application_notes ADD CONSTRAINT application_notes_client_shared_check
  CHECK (author_kind = 'staff' OR shared_with_client);
CREATE INDEX application_notes_shared_idx ON application_notes (application_id, created_at)
  WHERE shared_with_client;
