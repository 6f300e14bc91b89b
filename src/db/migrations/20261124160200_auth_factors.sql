-- Second factors of staff users: authenticator apps (TOTP), SMS codes and recovery codes.
-- No secret or code is stored in the clear: TOTP secrets are AES-GCM ciphertexts under the 'totp'
-- key; SMS and recovery codes are HMACs under the 'otp' key (a dump does not allow offline guessing).

-- At most one active and one pending (enrolment not yet confirmed) TOTP factor per user.
-- last_step is the last accepted RFC 6238 time step: a step is accepted only if it is greater, which
-- makes every code single use (ASVS 6.5.1), also against parallel submissions (conditional UPDATE).
-- integer, not bigint: 30-second steps stay below 2^31 until the year 4010, and both drivers then
-- return a plain number.
CREATE TABLE auth_totp_factors (
  id            uuid PRIMARY KEY,
  user_id       uuid NOT NULL REFERENCES staff_users (id) ON DELETE CASCADE,
  status        text NOT NULL CHECK (status IN ('pending', 'active')),
  secret_enc    bytea NOT NULL,
  last_step     integer NOT NULL DEFAULT 0,
  created_at    timestamptz NOT NULL,
  confirmed_at  timestamptz,
  last_used_at  timestamptz
);
CREATE UNIQUE INDEX auth_totp_factors_one_active ON auth_totp_factors (user_id) WHERE status = 'active';
CREATE UNIQUE INDEX auth_totp_factors_one_pending ON auth_totp_factors (user_id) WHERE status = 'pending';

-- SMS codes, bound to the user and the login attempt (attempt_hash: SHA-256 of the caller's opaque
-- attempt id, so a bearer-like attempt id is not stored either). At most one live code per user: a
-- new code kills the previous one, which also bounds guessing to 5 tries on one code at a time.
CREATE TABLE auth_sms_codes (
  id            uuid PRIMARY KEY,
  user_id       uuid NOT NULL REFERENCES staff_users (id) ON DELETE CASCADE,
  attempt_hash  bytea NOT NULL,
  code_mac      bytea NOT NULL,
  state         text NOT NULL CHECK (state IN ('live', 'used', 'replaced')),
  tries         integer NOT NULL DEFAULT 0,
  created_at    timestamptz NOT NULL,
  expires_at    timestamptz NOT NULL,
  used_at       timestamptz
);
CREATE UNIQUE INDEX auth_sms_codes_one_live ON auth_sms_codes (user_id) WHERE state = 'live';
CREATE INDEX auth_sms_codes_attempt_idx ON auth_sms_codes (user_id, attempt_hash, created_at);
CREATE INDEX auth_sms_codes_user_created_idx ON auth_sms_codes (user_id, created_at);

-- One row per user that has ever been sent a code: the row is the per-user lock that serialises
-- issuing (cooldown and hourly cap cannot be raced past).
CREATE TABLE auth_sms_throttle (
  user_id       uuid PRIMARY KEY REFERENCES staff_users (id) ON DELETE CASCADE,
  last_sent_at  timestamptz NOT NULL
);

-- Recovery codes: the current set of a user (regenerating replaces it); each usable once.
CREATE TABLE auth_recovery_codes (
  id            uuid PRIMARY KEY,
  user_id       uuid NOT NULL REFERENCES staff_users (id) ON DELETE CASCADE,
  code_mac      bytea NOT NULL,
  created_at    timestamptz NOT NULL,
  used_at       timestamptz,
  UNIQUE (user_id, code_mac)
);
