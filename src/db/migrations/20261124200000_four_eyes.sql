-- Decisions with four-eyes (issue 4, item 5).
--
-- applications.risk_level: the risk of the file as far as decisions are concerned; NULL is unknown
-- and counts as 'high' for every transition rule (fail closed). Set through
-- PATCH /applications/:id/risk until the risk engine of a later issue computes it.
ALTER TABLE applications
  ADD COLUMN risk_level text CHECK (risk_level IN ('low', 'medium', 'high'));

-- A transition whose rule says fourEyes is not applied by the request that asks for it: it becomes a
-- pending decision here, applied only when a second, distinct actor confirms it. prepared_by and
-- decided_by are actor references (`staff:<id>`, `api_key:<id>`, `system:<label>`), as in the audit
-- trail. 'withdrawn' is a decision made void because the application left from_status first.
CREATE TABLE application_decisions (
  id              uuid PRIMARY KEY,
  application_id  uuid NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
  from_status     text NOT NULL,
  to_status       text NOT NULL,
  reason          text,
  prepared_by     text NOT NULL,
  prepared_at     timestamptz NOT NULL,
  status          text NOT NULL CHECK (status IN ('pending', 'confirmed', 'rejected', 'withdrawn')),
  decided_by      text,
  decided_at      timestamptz,
  decided_reason  text,
  CHECK ((status = 'pending') = (decided_at IS NULL)),
  CHECK ((status = 'pending') = (decided_by IS NULL)),
  -- The database, too, refuses a decision confirmed by the one who prepared it.
  CHECK (status <> 'confirmed' OR decided_by <> prepared_by)
);
-- At most one pending decision per application.
CREATE UNIQUE INDEX application_decisions_pending_idx
  ON application_decisions (application_id) WHERE status = 'pending';
CREATE INDEX application_decisions_application_idx
  ON application_decisions (application_id, prepared_at, id);
