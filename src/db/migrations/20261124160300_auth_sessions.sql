-- Staff sessions: opaque tokens stored as SHA-256 hashes; idle and absolute expiry; the second
-- factor used and when (step-up); a CSRF token per session.
CREATE TABLE sessions (
  id                uuid PRIMARY KEY,
  token_hash        bytea NOT NULL UNIQUE,
  user_id           uuid NOT NULL REFERENCES staff_users (id) ON DELETE CASCADE,
  csrf_token        text NOT NULL,
  created_at        timestamptz NOT NULL,
  last_seen_at      timestamptz NOT NULL,
  expires_at        timestamptz NOT NULL,
  second_factor     text CHECK (second_factor IN ('totp', 'sms', 'recovery', 'passkey', 'trusted_network')),
  second_factor_at  timestamptz,
  ip                text,
  user_agent        text,
  ended_at          timestamptz,
  end_reason        text
);
CREATE INDEX sessions_user_live_idx ON sessions (user_id) WHERE ended_at IS NULL;
