/**
 * The built-in roles, as seeded by migration 20261124190000_builtin_roles_sod.sql and extended by
 * 20261124210100_document_review_right.sql, 20261124220000_screening_lists.sql and
 * 20261125000000_client_users.sql (a test keeps the
 * two equal on a fresh database). They are ordinary roles: administrators rename, change and delete
 * them; nothing depends on them existing. Kept here for the tests, the access matrix and tooling
 * (e.g. to find the Administrator role of a fresh installation by its fixed id).
 */
import type { Right } from '../access/rights.ts';

export interface BuiltInRole {
  id: string;
  name: string;
  /** Sorted, as stored. */
  rights: readonly Right[];
}

export const BUILT_IN_ROLE_IDS = {
  administrator: 'd0551e40-0000-4000-8000-000000000001',
  complianceOfficer: 'd0551e40-0000-4000-8000-000000000002',
  analyst: 'd0551e40-0000-4000-8000-000000000003',
  auditor: 'd0551e40-0000-4000-8000-000000000004',
} as const;

export const BUILT_IN_ROLES: readonly BuiltInRole[] = [
  {
    id: BUILT_IN_ROLE_IDS.administrator,
    name: 'Administrator',
    rights: [
      'api-key:manage',
      'audit:export',
      'audit:read',
      'programme:manage',
      'programme:members',
      'programme:read',
      'role:manage',
      'trusted-network:manage',
      'user:manage',
    ],
  },
  {
    id: BUILT_IN_ROLE_IDS.complianceOfficer,
    name: 'Compliance officer',
    rights: [
      'application:approve',
      'application:read',
      'application:transition',
      'application:write',
      'audit:read',
      'client:manage',
      'document:delete',
      'document:download',
      'document:review',
      'document:upload',
      'document:view',
      'programme:read',
      'risk:override',
      'screening:lists',
      'screening:resolve',
      'screening:run',
      'subject:read',
      'subject:reveal-identifiers',
      'subject:write',
    ],
  },
  {
    id: BUILT_IN_ROLE_IDS.analyst,
    name: 'Analyst',
    rights: [
      'application:read',
      'application:transition',
      'application:write',
      'document:download',
      'document:review',
      'document:upload',
      'document:view',
      'programme:read',
      'screening:resolve',
      'screening:run',
      'subject:read',
      'subject:write',
    ],
  },
  {
    id: BUILT_IN_ROLE_IDS.auditor,
    name: 'Auditor',
    rights: [
      'application:read',
      'audit:export',
      'audit:read',
      'document:view',
      'programme:read',
      'subject:read',
    ],
  },
];
