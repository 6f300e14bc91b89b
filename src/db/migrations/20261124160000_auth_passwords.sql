-- Staff passwords: argon2id PHC strings only (parameters and salt travel inside the string, so
-- parameters can be raised later and old hashes upgraded at the next sign-in). NULL until the user
-- chooses a password through an activation link; administrators never set one. The CHECK keeps a
-- plaintext or a weaker algorithm from ever being stored by mistake. No expiry column: passwords
-- do not expire (ASVS 6.2.10); password_changed_at is for the notification and the audit trail.
ALTER TABLE staff_users
  ADD COLUMN password_hash        text CHECK (password_hash LIKE '$argon2id$%'),
  ADD COLUMN password_changed_at  timestamptz;
