/**
 * Normalisation and validation of the identifying fields of a staff user. Pure functions, shared
 * by create and update, so both accept exactly the same values.
 */
import { validationError } from '../../../platform/errors.ts';
import { E164_PATTERN, USERNAME_PATTERN } from './staff-user.schema.ts';

/**
 * Usernames refused outright. Not because they are unsafe as strings, but because a staff member
 * called `admin` or `dossier` invites impersonation ("the system administrator asks you to…"), is
 * the first name password sprayers try, and `system` would read like the audit trail's own
 * `system:` actors. Plain names of people and functions remain free.
 */
export const RESERVED_USERNAMES: ReadonlySet<string> = new Set([
  'admin',
  'administrator',
  'root',
  'system',
  'sysadmin',
  'superuser',
  'dossier',
  'support',
  'security',
  'operator',
  'anonymous',
  'guest',
  'null',
]);

const USERNAME_RE = new RegExp(USERNAME_PATTERN);
const E164_RE = new RegExp(E164_PATTERN);
// Deliberately loose: one @, something either side, no spaces or control characters. Deliverability
// is proven by the activation e-mail itself.
const EMAIL_RE = /^[^\s@\p{Cc}]+@[^\s@\p{Cc}]+\.[^\s@\p{Cc}]+$/u;

/**
 * The stored form of a username: NFKC, trimmed, lower case, 3–64 of `a-z 0-9 . _ -`, not reserved.
 * Lower-casing here (and a `lower(username)` unique index) makes "Ada" and "ada" one account.
 * @throws AppError validation
 */
export function normaliseUsername(raw: string): string {
  const username = raw.normalize('NFKC').trim().toLowerCase();
  if (!USERNAME_RE.test(username))
    throw validationError('invalid username', [
      { path: '/username', message: 'must be 3 to 64 characters: a-z, 0-9, dot, underscore, hyphen' },
    ]);
  if (RESERVED_USERNAMES.has(username))
    throw validationError('username is reserved', [{ path: '/username', message: 'is reserved' }]);
  return username;
}

/** Trimmed e-mail address; uniqueness is checked case-insensitively by the database. */
export function normaliseEmail(raw: string): string {
  const email = raw.trim();
  if (email.length > 254 || !EMAIL_RE.test(email))
    throw validationError('invalid e-mail address', [
      { path: '/email', message: 'is not an e-mail address' },
    ]);
  return email;
}

/** Trimmed, non-empty display name without control characters (it ends up in e-mails and logs). */
export function normaliseDisplayName(raw: string): string {
  const name = raw.normalize('NFC').trim();
  if (name.length < 1 || name.length > 200 || /\p{Cc}/u.test(name))
    throw validationError('invalid display name', [{ path: '/displayName', message: 'is empty or invalid' }]);
  return name;
}

/**
 * The E.164 form of a mobile number: spaces, dots, dashes and brackets removed, then `+` and 8–15
 * digits. No national formats are guessed: the SMS gateway needs the full international number.
 * @throws AppError validation
 */
export function normaliseMobile(raw: string): string {
  const mobile = raw.trim().replace(/[\s.()-]/g, '');
  if (!E164_RE.test(mobile))
    throw validationError('invalid mobile number', [
      { path: '/mobile', message: 'must be an international number such as +41791234567' },
    ]);
  return mobile;
}

/** The encryption context of a user's mobile number: binds the ciphertext to its row. */
export function mobileContext(userId: string, realm: 'staff' | 'client' = 'staff'): string {
  return `${realm === 'client' ? 'client_users' : 'staff_users'}.mobile:${userId}`;
}

/** `••••1234` for display: the last four digits only. */
export function maskMobile(last4: string | null): string | null {
  return last4 === null ? null : `••••${last4}`;
}
