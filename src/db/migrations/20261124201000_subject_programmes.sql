-- Subjects are scoped to programmes (issue 4, item 3). A subject belongs to the programme it was
-- created in; NULL for subjects created before programmes scoped them, or by an all-programme actor
-- that named no programme. An actor limited to some programmes sees a subject of one of them, or one
-- attached to an application of one of them (application_subjects, indexed on subject_id already).
ALTER TABLE subjects ADD COLUMN programme_id uuid REFERENCES programmes (id);
CREATE INDEX subjects_programme_idx ON subjects (programme_id);
