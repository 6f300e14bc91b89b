-- Block-delay counters for every credential-checking path (src/modules/auth/throttle). One row per
-- counter key; every server shares them. Attempts are reserved by an atomic upsert
-- (INSERT ... ON CONFLICT DO UPDATE SET failures = failures + 1 RETURNING ...) before any secret is
-- verified, so parallel attempts cannot race past a limit.
--
-- account: SHA-256 of the normalised username (never the name itself: users sometimes type their
--          password there), '' for the source-wide key.
-- source:  IPv4 address or IPv6 /64 prefix, or SHA-256 of the login attempt id (second factor);
--          '' for the account-wide keys. '' rather than NULL so the primary key applies.
-- failures: presumed failures within the window (a reservation counts until it is resolved).
-- streak:  consecutive failures across windows, ended only by a success or an administrator; used
--          by the optional hard lock (NIST SP 800-63B: at most 100).
-- delayed_until: no attempt on this key before this time.
CREATE TABLE auth_throttle (
  scope            text NOT NULL,
  kind             text NOT NULL,
  account          text NOT NULL,
  source           text NOT NULL,
  failures         integer NOT NULL CHECK (failures >= 0),
  streak           integer NOT NULL CHECK (streak >= 0),
  last_failure_at  timestamptz NOT NULL,
  delayed_until    timestamptz,
  PRIMARY KEY (scope, kind, account, source),
  CHECK (
    (scope = 'password' AND kind IN ('account', 'account_ip', 'ip'))
    OR (scope = 'second_factor' AND kind IN ('user', 'attempt'))
  )
);

-- Housekeeping deletes rows whose window has passed.
CREATE INDEX auth_throttle_last_failure_idx ON auth_throttle (last_failure_at);
