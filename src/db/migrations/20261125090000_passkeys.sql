-- Passkeys (WebAuthn, issue 9): credentials of staff and client users, and the challenges of
-- registration and authentication ceremonies.
--
-- A credential belongs to one principal of one realm (composite key, as for sessions), so a
-- client's passkey can never be taken for a staff user's. credential_id is the authenticator's id
-- (base64url), unique across both realms. The public key is COSE; nothing secret is stored.
-- sign_count is the last signature counter seen: a counter that does not increase (when either is
-- non-zero) is refused as a possible clone. user_verified: the registration proved user
-- verification (PIN or biometric); only such credentials may sign in without a password.
CREATE TABLE passkey_credentials (
  id             uuid PRIMARY KEY,
  user_id        uuid NOT NULL,
  realm          text NOT NULL CHECK (realm IN ('staff', 'client')),
  credential_id  text NOT NULL UNIQUE CHECK (length(credential_id) BETWEEN 1 AND 1400),
  public_key     bytea NOT NULL,
  sign_count     bigint NOT NULL DEFAULT 0 CHECK (sign_count >= 0),
  transports     jsonb NOT NULL DEFAULT '[]',
  device_type    text NOT NULL CHECK (device_type IN ('singleDevice', 'multiDevice')),
  backed_up      boolean NOT NULL,
  user_verified  boolean NOT NULL,
  aaguid         text NOT NULL,
  name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  created_at     timestamptz NOT NULL,
  last_used_at   timestamptz,
  FOREIGN KEY (user_id, realm) REFERENCES auth_principals (id, realm) ON DELETE CASCADE
);
CREATE INDEX passkey_credentials_user_idx ON passkey_credentials (user_id);

-- One challenge per ceremony: random 32 bytes, stored as its SHA-256 (looked up by the value the
-- authenticator signed), bound to its purpose and realm and, except for passwordless sign-in
-- (no one is known yet), to the user and the session that asked for it. Valid 5 minutes, single
-- use: consumed by a conditional UPDATE, so two parallel answers to one challenge cannot both pass.
-- ip: the source of a passwordless challenge, to cap how many one source may hold.
CREATE TABLE passkey_challenges (
  id              uuid PRIMARY KEY,
  challenge_hash  bytea NOT NULL UNIQUE,
  purpose         text NOT NULL CHECK (purpose IN ('register', 'second_factor', 'step_up', 'passwordless')),
  realm           text NOT NULL CHECK (realm IN ('staff', 'client')),
  user_id         uuid REFERENCES auth_principals (id) ON DELETE CASCADE,
  session_id      uuid REFERENCES sessions (id) ON DELETE CASCADE,
  user_verification text NOT NULL CHECK (user_verification IN ('required', 'preferred')),
  ip              text,
  created_at      timestamptz NOT NULL,
  expires_at      timestamptz NOT NULL,
  consumed_at     timestamptz,
  CHECK (purpose = 'passwordless' OR (user_id IS NOT NULL AND session_id IS NOT NULL))
);
CREATE INDEX passkey_challenges_expiry_idx ON passkey_challenges (expires_at);
CREATE INDEX passkey_challenges_ip_idx ON passkey_challenges (ip, expires_at) WHERE purpose = 'passwordless';
