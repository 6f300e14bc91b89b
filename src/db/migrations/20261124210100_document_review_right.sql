-- The right to record a document's checks (valid or invalid with a reason, physical copy seen,
-- type and dates), new with documents (issue 5): given to the built-in Compliance officer and
-- Analyst roles, kept sorted as stored. Roles an administrator has changed keep their changes and
-- only gain this right; deleted built-in roles stay deleted.
UPDATE roles
   SET rights = ARRAY(SELECT DISTINCT r FROM unnest(rights || ARRAY['document:review']) AS r ORDER BY r)
 WHERE id IN ('d0551e40-0000-4000-8000-000000000002', 'd0551e40-0000-4000-8000-000000000003');
