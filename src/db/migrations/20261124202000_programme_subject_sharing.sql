-- What a programme shares of the subjects it owns with actors who see them only through another
-- programme's application (issue 4, item 3): 'full', every field (masked as usual); 'basic', only
-- the identifying basics (name, kind, nationalities or jurisdiction), and such actors cannot edit them.
ALTER TABLE programmes
  ADD COLUMN subject_sharing text NOT NULL DEFAULT 'full' CHECK (subject_sharing IN ('full', 'basic'));
