-- Face-to-face meetings with a client (issue 7, part 8): staff schedule one for an application
-- (in person or by video link), the client participants confirm or decline on the portal, staff
-- record the outcome (encrypted at rest) and attach documents of the application as evidence.

CREATE TABLE meetings (
  id                   uuid PRIMARY KEY,
  application_id       uuid NOT NULL REFERENCES applications (id),
  mode                 text NOT NULL CHECK (mode IN ('in_person', 'video')),
  location             text CHECK (length(location) BETWEEN 1 AND 300),
  -- An https URL only (checked by the use case too).
  video_url            text CHECK (video_url LIKE 'https://%' AND length(video_url) <= 500),
  starts_at            timestamptz NOT NULL,
  duration_minutes     integer NOT NULL CHECK (duration_minutes BETWEEN 5 AND 480),
  agenda               text NOT NULL DEFAULT '' CHECK (length(agenda) <= 4000),
  status               text NOT NULL CHECK (status IN ('scheduled', 'cancelled', 'held', 'no_show')),
  -- The outcome text, encrypted with the field key, context `meetings.outcome:<id>`.
  outcome_enc          bytea,
  outcome_recorded_at  timestamptz,
  outcome_recorded_by  text,
  cancelled_at         timestamptz,
  cancelled_by         text,
  cancel_reason        text CHECK (length(cancel_reason) <= 1000),
  created_by           text NOT NULL,
  created_at           timestamptz NOT NULL,
  updated_at           timestamptz NOT NULL,
  version              integer NOT NULL DEFAULT 1,
  CHECK ((mode = 'in_person') = (location IS NOT NULL)),
  CHECK ((mode = 'video') = (video_url IS NOT NULL)),
  CHECK ((status IN ('held', 'no_show')) = (outcome_enc IS NOT NULL)),
  CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL))
);
CREATE INDEX meetings_application_idx ON meetings (application_id, starts_at);
CREATE INDEX meetings_scheduled_idx ON meetings (starts_at) WHERE status = 'scheduled';

-- Who takes part: staff users and client users (one id space, auth_principals, with the realm).
-- Client participants answer: pending until they confirm or decline; their optional comment is
-- encrypted with the field key, context `meeting_participants.comment:<meeting id>:<user id>`.
CREATE TABLE meeting_participants (
  meeting_id    uuid NOT NULL REFERENCES meetings (id),
  user_id       uuid NOT NULL,
  realm         text NOT NULL CHECK (realm IN ('staff', 'client')),
  response      text CHECK (response IN ('pending', 'confirmed', 'declined')),
  comment_enc   bytea,
  responded_at  timestamptz,
  PRIMARY KEY (meeting_id, user_id),
  FOREIGN KEY (user_id, realm) REFERENCES auth_principals (id, realm),
  CHECK ((realm = 'client') = (response IS NOT NULL))
);
CREATE INDEX meeting_participants_user_idx ON meeting_participants (user_id);

-- Documents of the application kept as evidence of the meeting (checked to be linked to it).
CREATE TABLE meeting_evidence (
  meeting_id   uuid NOT NULL REFERENCES meetings (id),
  document_id  uuid NOT NULL REFERENCES documents (id),
  added_by     text NOT NULL,
  added_at     timestamptz NOT NULL,
  PRIMARY KEY (meeting_id, document_id)
);
