-- An invitation can name the application the client is asked to work on: the e-mail mentions its
-- reference and the portal opens it after the invitation is accepted.
ALTER TABLE client_invitations ADD COLUMN application_id uuid REFERENCES applications (id) ON DELETE SET NULL;
