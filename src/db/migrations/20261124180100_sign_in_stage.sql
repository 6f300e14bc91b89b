-- Sign-in in two steps (issue 3): the password step starts a session in stage 'second_factor',
-- which authorises nothing but the second-factor step and expires after a few minutes; the second
-- factor gives it a new token and makes it 'active' (ASVS 7.2.4: a new token at each step, so a
-- token planted before sign-in or seen during it is worthless afterwards).
ALTER TABLE sessions
  ADD COLUMN stage text NOT NULL DEFAULT 'active' CHECK (stage IN ('second_factor', 'active'));

-- Housekeeping removes ended and expired sessions after the retention period.
CREATE INDEX sessions_expires_idx ON sessions (expires_at);
