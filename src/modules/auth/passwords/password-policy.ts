/**
 * The password policy of NIST SP 800-63B and ASVS 6.2: a length window and two deny-lists, and
 * nothing else — no composition rules (6.2.5), no expiry (6.2.10). The password is judged in the
 * Unicode NFKC form it is hashed in, and otherwise as typed: it is never trimmed or case-folded
 * (only the comparisons with lists are
 * case-insensitive). Lengths are counted in Unicode code points, as NIST asks.
 */
import { getCommonPasswords, type CommonPasswordList } from './common-passwords.ts';
import { normalisePassword } from './password-hashing.ts';

/** The floor under any configured minimum (NIST 800-63B 3.1.1.2). */
export const MIN_PASSWORD_LENGTH_FLOOR = 8;
/** ASVS 6.2.9: passwords of at least 64 characters must be allowed. */
export const MAX_PASSWORD_LENGTH_FLOOR = 64;
/** Default maximum: generous for passphrases, still bounded. */
export const DEFAULT_MAX_PASSWORD_LENGTH = 256;
/** Upper bound for the configured maximum, kept below what the hasher accepts. */
export const MAX_PASSWORD_LENGTH_CEILING = 1024;
/** Words shorter than this are too common inside passwords to forbid. */
export const MIN_CONTEXT_WORD_LENGTH = 4;
/** The product's name is always a context word. */
const PRODUCT_WORDS = ['dossier'];

/** One broken rule, with a stable code for the UI and the API. */
export type PasswordProblem =
  | { code: 'too_short'; minLength: number }
  | { code: 'too_long'; maxLength: number }
  | { code: 'common' }
  | { code: 'contains_context'; words: string[] };

export type PasswordProblemCode = PasswordProblem['code'];

export interface PasswordPolicyOptions {
  /**
   * Minimum length in code points, at least 8: 15 when the password is the only factor, 8 when a
   * second factor always follows (NIST 800-63B-4, ASVS 6.2.1).
   */
  minLength: number;
  /** Maximum length in code points, 64 to 1024. Default 256. */
  maxLength?: number;
  /** The user's username: its words of 4 or more characters may not appear in the password. */
  username?: string;
  /** Further context: the firm's name, the user's e-mail or display name. Same rule as username. */
  contextWords?: readonly string[];
  /** Test seam: where the common-password list comes from. Default: the shipped list. */
  commonPasswords?: () => Promise<CommonPasswordList>;
}

/**
 * Throws a RangeError naming the option when the length window is not allowed: a configuration
 * error that must stop the server.
 */
export function assertPasswordPolicyOptions(
  options: Pick<PasswordPolicyOptions, 'minLength' | 'maxLength'>,
): void {
  const { minLength, maxLength = DEFAULT_MAX_PASSWORD_LENGTH } = options;
  if (!Number.isInteger(minLength) || minLength < MIN_PASSWORD_LENGTH_FLOOR)
    throw new RangeError(`minLength must be an integer ≥ ${MIN_PASSWORD_LENGTH_FLOOR}, got ${minLength}`);
  if (
    !Number.isInteger(maxLength) ||
    maxLength < MAX_PASSWORD_LENGTH_FLOOR ||
    maxLength > MAX_PASSWORD_LENGTH_CEILING
  )
    throw new RangeError(
      `maxLength must be an integer from ${MAX_PASSWORD_LENGTH_FLOOR} to ${MAX_PASSWORD_LENGTH_CEILING}, got ${maxLength}`,
    );
  if (maxLength < minLength)
    throw new RangeError(`maxLength (${maxLength}) is below minLength (${minLength})`);
}

/**
 * The lowercase words to forbid: each context string whole and split at anything that is not a
 * letter or digit ("j.smith-jones" gives "j.smith-jones", "smith", "jones"), keeping those of at
 * least 4 code points.
 */
export function contextWordsOf(values: readonly (string | undefined)[]): string[] {
  const words = new Set<string>();
  for (const value of values) {
    if (!value) continue;
    const lower = value.toLowerCase();
    for (const word of [lower, ...lower.split(/[^\p{L}\p{N}]+/u)])
      if ([...word].length >= MIN_CONTEXT_WORD_LENGTH) words.add(word);
  }
  return [...words];
}

/**
 * Lists every rule the password breaks (empty when it is acceptable), in a fixed order:
 * too_short, too_long, common, contains_context.
 * @throws RangeError for an invalid length window.
 * @throws CommonPasswordListUnavailableError when the list cannot be loaded (fail closed).
 */
export async function checkPasswordPolicy(
  password: string,
  options: PasswordPolicyOptions,
): Promise<PasswordProblem[]> {
  assertPasswordPolicyOptions(options);
  const { minLength, maxLength = DEFAULT_MAX_PASSWORD_LENGTH } = options;
  // Load before judging anything, so that a missing list fails every call, not only some.
  const list = await (options.commonPasswords ?? getCommonPasswords)();
  const problems: PasswordProblem[] = [];
  password = normalisePassword(password);
  const length = countCodePoints(password);
  if (length < minLength) problems.push({ code: 'too_short', minLength });
  if (length > maxLength) {
    problems.push({ code: 'too_long', maxLength });
    // Far too long: nothing more is worth computing, or telling.
    if (password.length > 4 * maxLength) return problems;
  }
  if (list.isCommon(password)) problems.push({ code: 'common' });
  const lower = password.toLowerCase();
  const found = contextWordsOf([...PRODUCT_WORDS, options.username, ...(options.contextWords ?? [])]).filter(
    (word) => lower.includes(word),
  );
  if (found.length > 0) problems.push({ code: 'contains_context', words: found });
  return problems;
}

function countCodePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}
