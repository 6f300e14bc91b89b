/**
 * The closed catalogue of rights. Routes declare one of these (or 'authenticated' / 'public');
 * API keys and roles are sets of them. Each carries the description shown to administrators
 * (GET /api/v1/rights; the same list, with the built-in roles holding each, is docs/RIGHTS.md).
 *
 * The catalogue covers every function Dossier has or is planned to have, so that roles can be
 * composed once and keep their meaning as functions arrive. Some rights are declared by no route
 * yet: `audit:export` (exports of the trail). Holding them grants nothing until then.
 * `application:approve` and `risk:override` are used by the four-eyes rules of programme
 * transitions and by setting an application's risk level.
 *
 * A right is never renamed or reused for another meaning: stored roles and keys refer to it by name.
 * A right withdrawn from the catalogue simply stops counting (roles drop unknown strings on load).
 */
export const RIGHTS = {
  // Programmes: the onboarding programmes, their configuration and who belongs to them.
  'programme:read': 'View programmes and their configuration',
  'programme:manage': 'Create and change programmes, their status machine and UBO threshold',
  'programme:members':
    'Manage who belongs to a programme (staff users and API keys); data of a programme is visible only to its members',

  // Subjects: persons and legal entities.
  'subject:read': 'View subjects (persons and legal entities), their identifiers and relationships',
  'subject:write': 'Create and change subjects and their relationships',
  'subject:reveal-identifiers':
    'See sensitive subject fields in clear: identity-document and tax numbers, registration numbers, dates of birth (each clear view is audited)',

  // Applications: the case work on a file, and the decisions taken on it.
  'application:read': 'View applications, their subjects and notes',
  'application:write': 'Create applications, attach subjects, assign, add notes',
  'application:transition':
    'Move an application along its programme status machine (prepare a decision where four-eyes applies)',
  'application:approve': 'Confirm a decision prepared by someone else (four-eyes)',

  // Documents. Their details (type, dates, checks, versions) are visible with `subject:read`; the
  // file itself needs `document:view` (in the embedded viewer) or `document:download`.
  'document:view': 'View documents in the embedded viewer (each view is audited)',
  'document:download': 'Download the original file of a document (each download is audited)',
  'document:upload': 'Upload documents and new versions of them',
  'document:review':
    "Record a document's checks: valid or invalid (with a reason), physical copy seen, type and dates",
  'document:delete': 'Delete a document (an audited tombstone stays)',

  // Screening (issue 6).
  'screening:lists': 'Import sanctions and PEP lists (each import is a new, audited snapshot)',
  'screening:run': 'Screen subjects against sanctions and PEP lists and view the alerts',
  'screening:resolve': 'Resolve screening alerts (true match or false positive), with a reason',

  // Risk (issue 10).
  'risk:override':
    'Set or override the risk level of an application, with a reason (it limits who may approve)',

  // Client organisations and the portal (issue 7).
  'client:manage':
    'Create client organisations and their portal users, send invitations, disable users and end their sessions',

  // Audit trail.
  'audit:read': 'Search the audit trail and verify its integrity',
  'audit:export': 'Export the audit trail (each export is audited)',

  // Administration of the system itself.
  'api-key:manage': 'Create, list and revoke API keys',
  'user:manage': 'Create and disable staff users, start password resets, lift sign-in delays, end sessions',
  'role:manage':
    'Create, change and delete roles, assign them to staff users, and configure separation of duties',
  'trusted-network:manage': 'Manage the trusted network ranges and the second-factor skip policy',
} as const;

export type Right = keyof typeof RIGHTS;
export const ALL_RIGHTS = Object.keys(RIGHTS) as Right[];

export function isRight(value: string): value is Right {
  return Object.hasOwn(RIGHTS, value);
}

/**
 * Rights that administer the system itself. A role holding any of them never lets its users skip
 * the second factor from a trusted network, whatever the role's policy says; their state-changing
 * routes need a recent second factor (step-up); and only an actor holding one can grant it.
 */
export const ADMINISTRATIVE_RIGHTS: ReadonlySet<Right> = new Set<Right>([
  'user:manage',
  'role:manage',
  'trusted-network:manage',
  'api-key:manage',
  'programme:members',
]);

/** What a route requires. */
export type Access = Right | 'authenticated' | 'public';
