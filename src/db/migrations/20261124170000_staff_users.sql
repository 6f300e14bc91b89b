-- Staff users managed by administrators (issue 3 item 1).
--
-- The mobile number is personal data: stored encrypted under the field key (AAD
-- "staff_users.mobile:<id>"), with its last four digits in clear only for display. `version` is the
-- optimistic-concurrency counter of administrative edits. Usernames and e-mail addresses are unique
-- regardless of case, so "Ada" and "ada" can never be two accounts (impersonation, and the sign-in
-- flow normalises the typed username to lower case anyway).
ALTER TABLE staff_users
  ADD COLUMN mobile_enc    bytea,
  ADD COLUMN mobile_last4  text CHECK (mobile_last4 ~ '^[0-9]{4}$'),
  ADD COLUMN updated_at    timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN disabled_at   timestamptz,
  ADD COLUMN version       integer NOT NULL DEFAULT 1,
  ADD CONSTRAINT staff_users_mobile_pair CHECK ((mobile_enc IS NULL) = (mobile_last4 IS NULL));

CREATE UNIQUE INDEX staff_users_username_lower_key ON staff_users (lower(username));
CREATE UNIQUE INDEX staff_users_email_lower_key ON staff_users (lower(email));
CREATE INDEX staff_users_created_idx ON staff_users (created_at, id);

-- Activation and password-reset tokens (ASVS 6.4.1): 256 random bits, returned once to the caller
-- who e-mails them; only their SHA-256 is kept (a 256-bit random value needs no slow hash). Single
-- use is enforced by a conditional UPDATE (used_at and retired_at still NULL, not expired); a newer
-- token of the same purpose retires the user's older live ones (retired_at), so only the latest
-- e-mail works.
CREATE TABLE staff_user_tokens (
  id          uuid PRIMARY KEY,
  user_id     uuid NOT NULL REFERENCES staff_users (id) ON DELETE CASCADE,
  purpose     text NOT NULL CHECK (purpose IN ('activation', 'reset')),
  token_hash  bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
  created_at  timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL CHECK (expires_at > created_at),
  used_at     timestamptz,
  retired_at  timestamptz,
  created_by  text NOT NULL
);
CREATE INDEX staff_user_tokens_live_idx ON staff_user_tokens (user_id, purpose) WHERE used_at IS NULL AND retired_at IS NULL;
