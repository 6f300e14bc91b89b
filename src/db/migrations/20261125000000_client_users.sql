-- Client organisations (the firm's B2B clients) and their users, who sign in on the portal.
--
-- Staff users and client users share one id space, auth_principals, with a realm: the second-factor
-- tables and the sessions refer to it with real foreign keys, so the same factor code serves both,
-- and a session's realm must be its principal's (composite key), so a client session can never be
-- taken for a staff session or the other way round.
CREATE TABLE auth_principals (
  id     uuid PRIMARY KEY,
  realm  text NOT NULL CHECK (realm IN ('staff', 'client')),
  UNIQUE (id, realm)
);
INSERT INTO auth_principals (id, realm) SELECT id, 'staff' FROM staff_users;

CREATE FUNCTION auth_principal_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO auth_principals (id, realm) VALUES (NEW.id, TG_ARGV[0]);
  RETURN NEW;
END;
$$;
CREATE FUNCTION auth_principal_remove() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM auth_principals WHERE id = OLD.id;
  RETURN OLD;
END;
$$;
CREATE TRIGGER staff_users_principal BEFORE INSERT ON staff_users
  FOR EACH ROW EXECUTE FUNCTION auth_principal_add('staff');
CREATE TRIGGER staff_users_principal_gone AFTER DELETE ON staff_users
  FOR EACH ROW EXECUTE FUNCTION auth_principal_remove();

ALTER TABLE auth_totp_factors DROP CONSTRAINT auth_totp_factors_user_id_fkey,
  ADD CONSTRAINT auth_totp_factors_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth_principals (id) ON DELETE CASCADE;
ALTER TABLE auth_sms_codes DROP CONSTRAINT auth_sms_codes_user_id_fkey,
  ADD CONSTRAINT auth_sms_codes_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth_principals (id) ON DELETE CASCADE;
ALTER TABLE auth_sms_throttle DROP CONSTRAINT auth_sms_throttle_user_id_fkey,
  ADD CONSTRAINT auth_sms_throttle_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth_principals (id) ON DELETE CASCADE;
ALTER TABLE auth_recovery_codes DROP CONSTRAINT auth_recovery_codes_user_id_fkey,
  ADD CONSTRAINT auth_recovery_codes_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth_principals (id) ON DELETE CASCADE;

ALTER TABLE sessions ADD COLUMN realm text NOT NULL DEFAULT 'staff' CHECK (realm IN ('staff', 'client'));
ALTER TABLE sessions DROP CONSTRAINT sessions_user_id_fkey,
  ADD CONSTRAINT sessions_principal_fkey FOREIGN KEY (user_id, realm)
    REFERENCES auth_principals (id, realm) ON DELETE CASCADE;

CREATE TABLE client_organisations (
  id          uuid PRIMARY KEY,
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  status      text NOT NULL CHECK (status IN ('active', 'disabled')),
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL,
  version     integer NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX client_organisations_name_idx ON client_organisations (lower(name));

-- A client user belongs to exactly one organisation, with a role inside it. 'invited' until the
-- user has chosen a password and enrolled a second factor through an invitation.
CREATE TABLE client_users (
  id                   uuid PRIMARY KEY,
  organisation_id      uuid NOT NULL REFERENCES client_organisations (id),
  username             text NOT NULL,
  email                text NOT NULL,
  display_name         text NOT NULL,
  role                 text NOT NULL CHECK (role IN ('owner', 'contributor', 'read_only')),
  status               text NOT NULL CHECK (status IN ('invited', 'active', 'disabled')),
  password_hash        text,
  password_changed_at  timestamptz,
  -- E.164 mobile number encrypted with the field key, context `client_users.mobile:<id>`.
  mobile_enc           bytea,
  mobile_last4         text,
  created_at           timestamptz NOT NULL,
  updated_at           timestamptz NOT NULL,
  disabled_at          timestamptz,
  version              integer NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX client_users_username_idx ON client_users (lower(username));
-- Clients sign in with their username or their e-mail address: both unique.
CREATE UNIQUE INDEX client_users_email_idx ON client_users (lower(email));
CREATE INDEX client_users_organisation_idx ON client_users (organisation_id);
CREATE TRIGGER client_users_principal BEFORE INSERT ON client_users
  FOR EACH ROW EXECUTE FUNCTION auth_principal_add('client');
CREATE TRIGGER client_users_principal_gone AFTER DELETE ON client_users
  FOR EACH ROW EXECUTE FUNCTION auth_principal_remove();

-- The organisation an application is for: its users see it on the portal.
ALTER TABLE applications ADD COLUMN client_organisation_id uuid REFERENCES client_organisations (id);
CREATE INDEX applications_client_org_idx ON applications (client_organisation_id)
  WHERE client_organisation_id IS NOT NULL;

-- The right to manage client organisations, their users and invitations, new with the portal
-- (issue 7): given to the built-in Compliance officer role (client relationships are compliance
-- work, not system administration), kept sorted as stored.
UPDATE roles
   SET rights = ARRAY(SELECT DISTINCT r FROM unnest(rights || ARRAY['client:manage']) AS r ORDER BY r)
 WHERE id = 'd0551e40-0000-4000-8000-000000000002';

-- Invitations: a single-use link e-mailed to a client user (only the SHA-256 of its token is
-- kept). Opening it starts a sign-in that must pass the second factor bound to the invited phone
-- (or the user's authenticator) before anything is shown; completing it sets the password.
CREATE TABLE client_invitations (
  id              uuid PRIMARY KEY,
  client_user_id  uuid NOT NULL REFERENCES client_users (id) ON DELETE CASCADE,
  token_hash      bytea NOT NULL UNIQUE,
  created_by      text NOT NULL,
  created_at      timestamptz NOT NULL,
  expires_at      timestamptz NOT NULL,
  used_at         timestamptz,
  revoked_at      timestamptz
);
CREATE INDEX client_invitations_user_idx ON client_invitations (client_user_id);
