/**
 * The closed catalogue of rights. Routes declare one of these (or 'authenticated' / 'public');
 * API keys and, later, roles are sets of them. Each carries the description shown to administrators.
 */
export const RIGHTS = {
  'programme:read': 'View programmes and their configuration',
  'programme:manage': 'Create and change programmes, their status machine and UBO threshold',
  'subject:read': 'View subjects (persons and legal entities), their identifiers and relationships',
  'subject:write': 'Create and change subjects and their relationships',
  'subject:reveal-identifiers': 'See identity-document numbers and tax ids in full (each reveal is audited)',
  'application:read': 'View applications, their subjects and notes',
  'application:write': 'Create applications, attach subjects, assign, add notes',
  'application:transition': 'Move an application along its programme status machine',
  'audit:read': 'Search the audit trail and verify its integrity',
  'api-key:manage': 'Create, list and revoke API keys',
  'user:manage': 'Create and disable staff users, start password resets, lift sign-in delays, end sessions',
  'role:manage': 'Create, change and delete roles and assign them to staff users',
  'trusted-network:manage': 'Manage the trusted network ranges and the second-factor skip policy',
} as const;

export type Right = keyof typeof RIGHTS;
export const ALL_RIGHTS = Object.keys(RIGHTS) as Right[];

export function isRight(value: string): value is Right {
  return Object.hasOwn(RIGHTS, value);
}

/**
 * Rights that administer the system itself. A role holding any of them never lets its users skip
 * the second factor from a trusted network, whatever the role's policy says.
 */
export const ADMINISTRATIVE_RIGHTS: ReadonlySet<Right> = new Set<Right>([
  'user:manage',
  'role:manage',
  'trusted-network:manage',
  'api-key:manage',
]);

/** What a route requires. */
export type Access = Right | 'authenticated' | 'public';
