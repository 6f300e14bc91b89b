-- Built-in roles and separation of duties (issue 4, items 2 and 7).
--
-- BUILT-IN ROLES. Four starting roles, seeded here so that every installation has them from
-- `dossier init` on. They are ordinary rows: administrators rename, change and delete them like
-- any other role; nothing in the code depends on them existing. Their ids are fixed (the same in
-- every installation, listed in src/modules/roles/built-in-roles.ts, which a test keeps equal to
-- this file). A database where someone already made a role with one of these names (any case)
-- keeps that role: the insert skips it (ON CONFLICT DO NOTHING covers the lower(name) index).
--
-- The split follows separation of duties (below): who controls who may act, and under which rules,
-- does not take decisions on files.
--   Administrator: users, roles and separation of duties, trusted networks, API keys, programmes
--     (manage, read, members), audit trail (read, export). No case work at all.
--   Compliance officer: all case work, including confirming decisions (four-eyes), resolving
--     screening alerts, overriding risk, revealing identifiers, every document right; reads the trail.
--   Analyst: case work without confirming, overriding risk, revealing identifiers or deleting
--     documents.
--   Auditor: read-only: every :read and :view right, plus audit:read and audit:export.
-- Rights are stored sorted (as the application stores them).
INSERT INTO roles (id, name, description, rights, trusted_network_skip, version, created_at, updated_at, created_by)
VALUES
  ('d0551e40-0000-4000-8000-000000000001', 'Administrator',
   'Built-in. Administers staff users, roles and separation of duties, trusted networks, API keys, programmes and their members; reads and exports the audit trail. No case work: separation of duties keeps administration apart from decisions on files.',
   ARRAY['api-key:manage', 'audit:export', 'audit:read', 'programme:manage', 'programme:members',
         'programme:read', 'role:manage', 'trusted-network:manage', 'user:manage'],
   false, 1, now(), now(), 'system:migration'),
  ('d0551e40-0000-4000-8000-000000000002', 'Compliance officer',
   'Built-in. All case work, including confirming decisions prepared by someone else (four-eyes), resolving screening alerts, overriding risk, revealing identifiers and deleting documents; reads the audit trail.',
   ARRAY['application:approve', 'application:read', 'application:transition', 'application:write',
         'audit:read', 'document:delete', 'document:download', 'document:upload', 'document:view',
         'programme:read', 'risk:override', 'screening:resolve', 'screening:run', 'subject:read',
         'subject:reveal-identifiers', 'subject:write'],
   false, 1, now(), now(), 'system:migration'),
  ('d0551e40-0000-4000-8000-000000000003', 'Analyst',
   'Built-in. Case work: subjects, applications and their transitions, documents (view, download, upload), screening (run, resolve alerts). Cannot confirm decisions, override risk, reveal identifiers or delete documents.',
   ARRAY['application:read', 'application:transition', 'application:write', 'document:download',
         'document:upload', 'document:view', 'programme:read', 'screening:resolve', 'screening:run',
         'subject:read', 'subject:write'],
   false, 1, now(), now(), 'system:migration'),
  ('d0551e40-0000-4000-8000-000000000004', 'Auditor',
   'Built-in. Read-only: programmes, subjects, applications, documents in the viewer, and the audit trail (read and export).',
   ARRAY['application:read', 'audit:export', 'audit:read', 'document:view', 'programme:read',
         'subject:read'],
   false, 1, now(), now(), 'system:migration')
ON CONFLICT DO NOTHING;

-- SEPARATION OF DUTIES. Pairs of rights that one staff user may not hold together, whatever roles
-- bring them. The application refuses (and audits) a role assignment, a change of a role's rights
-- or a new role after which someone or some role would hold both rights of a pair; adding a pair
-- that current holders already break is refused, listing them. Rights are text, as in roles: a
-- pair naming a right withdrawn from the catalogue simply never matches. The pair is stored in
-- byte order ("C" collation, as the application sorts), so each pair has one spelling.
CREATE TABLE separation_of_duties (
  id           uuid PRIMARY KEY,
  right_a      text COLLATE "C" NOT NULL,
  right_b      text COLLATE "C" NOT NULL,
  description  text NOT NULL DEFAULT '',
  created_at   timestamptz NOT NULL,
  created_by   text NOT NULL,
  CHECK (right_a < right_b),
  UNIQUE (right_a, right_b)
);

-- The starting pairs: each of the four rights that CONTROL who may act and under which rules, with
-- each of the four rights that DECIDE the outcome of a file. Four-eyes rests on two distinct
-- people; anyone holding a control right could otherwise manufacture or switch off the second one:
--   user:manage      creates staff users: could invent a second person to confirm their own decision;
--   role:manage      hands out rights: could give a colleague or puppet the right to confirm;
--   api-key:manage   mints API keys, distinct actors: a key could confirm what its maker prepared;
--   programme:manage sets the status machine with its four-eyes and risk limits: could switch them off.
-- The decision rights:
--   application:transition (takes or prepares a decision), application:approve (confirms one),
--   risk:override (changes the risk level that limits who may approve),
--   screening:resolve (clears the sanctions or PEP alert that blocks an approval).
-- Not paired: trusted-network:manage and programme:members (they neither create actors nor set the
-- rules of decisions), and every read right (reading is not deciding). The built-in roles satisfy
-- every pair. An installation that gave someone both rights of a pair before this migration keeps
-- them; GET /api/v1/separation-of-duties lists such breaches, and no later change may add to them.
INSERT INTO separation_of_duties (id, right_a, right_b, description, created_at, created_by)
VALUES
  ('d0551e40-0000-4000-8001-000000000001', 'application:approve', 'user:manage',
   'Who creates staff users does not confirm decisions: they could create the second person.', now(), 'system:migration'),
  ('d0551e40-0000-4000-8001-000000000002', 'application:transition', 'user:manage',
   'Who creates staff users does not take decisions on files.', now(), 'system:migration'),
  ('d0551e40-0000-4000-8001-000000000003', 'risk:override', 'user:manage',
   'Who creates staff users does not override risk levels.', now(), 'system:migration'),
  ('d0551e40-0000-4000-8001-000000000004', 'screening:resolve', 'user:manage',
   'Who creates staff users does not clear screening alerts.', now(), 'system:migration'),
  ('d0551e40-0000-4000-8001-000000000005', 'application:approve', 'role:manage',
   'Who hands out rights does not confirm decisions: they could give the right to confirm to someone of their choosing.', now(), 'system:migration'),
  ('d0551e40-0000-4000-8001-000000000006', 'application:transition', 'role:manage',
   'Who hands out rights does not take decisions on files.', now(), 'system:migration'),
  ('d0551e40-0000-4000-8001-000000000007', 'risk:override', 'role:manage',
   'Who hands out rights does not override risk levels.', now(), 'system:migration'),
  ('d0551e40-0000-4000-8001-000000000008', 'role:manage', 'screening:resolve',
   'Who hands out rights does not clear screening alerts.', now(), 'system:migration'),
  ('d0551e40-0000-4000-8001-000000000009', 'api-key:manage', 'application:approve',
   'Who mints API keys does not confirm decisions: a key is a second actor that could confirm what its maker prepared.', now(), 'system:migration'),
  ('d0551e40-0000-4000-8001-000000000010', 'api-key:manage', 'application:transition',
   'Who mints API keys does not take decisions on files.', now(), 'system:migration'),
  ('d0551e40-0000-4000-8001-000000000011', 'api-key:manage', 'risk:override',
   'Who mints API keys does not override risk levels.', now(), 'system:migration'),
  ('d0551e40-0000-4000-8001-000000000012', 'api-key:manage', 'screening:resolve',
   'Who mints API keys does not clear screening alerts.', now(), 'system:migration'),
  ('d0551e40-0000-4000-8001-000000000013', 'application:approve', 'programme:manage',
   'Who sets a programme''s status machine and its four-eyes rules does not confirm decisions.', now(), 'system:migration'),
  ('d0551e40-0000-4000-8001-000000000014', 'application:transition', 'programme:manage',
   'Who sets a programme''s status machine and its four-eyes rules does not take decisions on files.', now(), 'system:migration'),
  ('d0551e40-0000-4000-8001-000000000015', 'programme:manage', 'risk:override',
   'Who sets a programme''s risk limits does not override risk levels.', now(), 'system:migration'),
  ('d0551e40-0000-4000-8001-000000000016', 'programme:manage', 'screening:resolve',
   'Who sets a programme''s rules does not clear screening alerts.', now(), 'system:migration');
