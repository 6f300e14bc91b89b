-- Versioned programme configuration (issue 10, item 5): the risk model, the completeness
-- requirements and the review policy of a programme, drafted, checked, published and kept.
--
-- At most one draft per programme; it may be replaced, published or deleted. Publishing freezes the
-- row for good (trigger below): a published version is never changed, unpublished or deleted, so
-- every score, completeness result and review date can name the exact configuration it came from.
-- `content_hash` is the SHA-256 of the canonical (RFC 8785) JSON of `content`; a publisher names
-- the hash they previewed, and an exported version carries it.
CREATE TABLE programme_configurations (
  id            uuid PRIMARY KEY,
  programme_id  uuid NOT NULL REFERENCES programmes (id),
  version       integer NOT NULL CHECK (version >= 1),
  state         text NOT NULL CHECK (state IN ('draft', 'published')),
  content       jsonb NOT NULL,
  content_hash  bytea NOT NULL CHECK (octet_length(content_hash) = 32),
  note          text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
  created_at    timestamptz NOT NULL,
  created_by    text NOT NULL,
  updated_at    timestamptz NOT NULL,
  published_at  timestamptz,
  published_by  text,
  UNIQUE (programme_id, version),
  CHECK ((state = 'draft') = (published_at IS NULL)),
  CHECK ((published_at IS NULL) = (published_by IS NULL))
);
CREATE UNIQUE INDEX programme_configurations_one_draft_idx
  ON programme_configurations (programme_id) WHERE state = 'draft';

-- A draft may change and be published or deleted; a published version never changes again.
CREATE FUNCTION programme_configurations_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.state <> 'draft' THEN
      RAISE EXCEPTION 'programme configuration % is frozen (delete refused)', OLD.id USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN OLD;
  END IF;
  IF OLD.state <> 'draft' THEN
    RAISE EXCEPTION 'programme configuration % is frozen (update refused)', OLD.id USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF NEW.id <> OLD.id OR NEW.programme_id <> OLD.programme_id OR NEW.version <> OLD.version
     OR NEW.created_at <> OLD.created_at OR NEW.created_by <> OLD.created_by THEN
    RAISE EXCEPTION 'programme configuration % keeps its identity', OLD.id USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER programme_configurations_frozen BEFORE UPDATE OR DELETE ON programme_configurations
  FOR EACH ROW EXECUTE FUNCTION programme_configurations_guard();
