-- OpenID Connect single sign-on for staff (issue 9, src/modules/auth/sso).
--
-- A sign-in attempt lives from the redirect to the provider until its callback (10 minutes at most)
-- and is used once: the state is stored as its SHA-256 only, the PKCE verifier encrypted with the
-- key ring, the nonce in clear (it travels in the authorisation URL anyway; unique, so a nonce is
-- never issued twice), the browser binding as the SHA-256 of the value in the browser's cookie.
CREATE TABLE sso_login_attempts (
  id            uuid PRIMARY KEY,
  provider      text NOT NULL,
  state_hash    bytea NOT NULL UNIQUE,
  nonce         text NOT NULL UNIQUE,
  verifier_enc  bytea NOT NULL,
  browser_hash  bytea NOT NULL,
  -- The client address (IPv6 by /64) for the per-source limit on starting attempts.
  source        text NOT NULL,
  created_at    timestamptz NOT NULL,
  expires_at    timestamptz NOT NULL,
  used_at       timestamptz,
  -- 'step_up': a signed-in SSO session re-authenticating at its provider before a sensitive action
  -- (max_age=0, prompt=login). Bound to that session, and to the back-office path to return to (a
  -- relative path checked when the attempt is made: never an open redirect).
  purpose       text NOT NULL DEFAULT 'sign_in' CHECK (purpose IN ('sign_in', 'step_up')),
  session_id    uuid REFERENCES sessions (id) ON DELETE CASCADE,
  return_to     text,
  CHECK ((purpose = 'step_up') = (session_id IS NOT NULL AND return_to IS NOT NULL))
);
CREATE INDEX sso_login_attempts_source_idx ON sso_login_attempts (source, created_at);
CREATE INDEX sso_login_attempts_expires_idx ON sso_login_attempts (expires_at);

-- A staff user's identity at a provider: (provider, subject) names exactly one user, and a user has
-- at most one identity per provider.
CREATE TABLE sso_identities (
  provider         text NOT NULL,
  subject          text NOT NULL,
  user_id          uuid NOT NULL REFERENCES staff_users (id) ON DELETE CASCADE,
  created_at       timestamptz NOT NULL,
  last_sign_in_at  timestamptz,
  PRIMARY KEY (provider, subject),
  UNIQUE (provider, user_id)
);
CREATE INDEX sso_identities_user_idx ON sso_identities (user_id);

-- What single sign-on gives (roles, programme memberships) is marked `source = 'sso:<provider id>'`
-- on staff_user_roles and programme_members (see the directory migration).

-- Back-channel logout tokens already accepted (SHA-256 of their jti), until they would be too old
-- to be accepted anyway: a replayed token is refused.
CREATE TABLE sso_logout_tokens (
  provider    text NOT NULL,
  jti_hash    bytea NOT NULL,
  expires_at  timestamptz NOT NULL,
  PRIMARY KEY (provider, jti_hash)
);
CREATE INDEX sso_logout_tokens_expires_idx ON sso_logout_tokens (expires_at);

-- A session started by single sign-on: its provider, the provider's subject and session id (sid)
-- for logout, and the ID token (encrypted) as the hint of RP-initiated logout.
ALTER TABLE sessions
  ADD COLUMN sso_provider text,
  ADD COLUMN sso_subject text,
  ADD COLUMN sso_sid text,
  ADD COLUMN sso_id_token_enc bytea;
CREATE INDEX sessions_sso_idx ON sessions (sso_provider, sso_subject) WHERE sso_provider IS NOT NULL;

-- 'sso': the provider asserted a multi-factor sign-in (accepted amr/acr), so Dossier asked no other.
ALTER TABLE sessions DROP CONSTRAINT sessions_second_factor_check;
ALTER TABLE sessions ADD CONSTRAINT sessions_second_factor_check
  CHECK (second_factor IN ('totp', 'sms', 'recovery', 'passkey', 'trusted_network', 'sso'));
