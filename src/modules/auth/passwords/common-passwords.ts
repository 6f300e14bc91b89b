/**
 * The offline list of common and breached passwords (ASVS 6.2.4/6.2.12), shipped as
 * assets/common-passwords.txt.gz (origin, licence and regeneration in assets/README.md). Loaded
 * lazily, once, into a Set. If it cannot be loaded, checking fails with an error instead of
 * letting passwords through: an on-premise install must never silently lose this check.
 */
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { AppError } from '../../../platform/errors.ts';

const gunzipAsync = promisify(gunzip);

/** The shipped asset. */
export const COMMON_PASSWORDS_FILE = new URL('./assets/common-passwords.txt.gz', import.meta.url);

/**
 * A file with fewer entries is taken as damaged or replaced (the shipped one has 206,336): the
 * baseline asks for at least the top 100,000.
 */
export const MIN_COMMON_PASSWORD_ENTRIES = 100_000;

/** Affixes stripped to find the base of a mangled password: digits, punctuation, symbols, spaces. */
const LEADING_AFFIX = /^[\p{N}\p{P}\p{S}\p{Z}]+/u;
const TRAILING_AFFIX = /[\p{N}\p{P}\p{S}\p{Z}]+$/u;
/** A shorter base ("ab" in "ab7302019485613") says little about the password; do not judge by it. */
const MIN_BASE_LENGTH = 4;

/** Thrown when the list cannot be loaded. Setting a password must then fail (fail closed). */
export class CommonPasswordListUnavailableError extends AppError {
  constructor(cause: unknown) {
    super('unavailable', 'The common-password list could not be loaded, so passwords cannot be checked.');
    this.name = 'CommonPasswordListUnavailableError';
    this.cause = cause;
  }
}

export class CommonPasswordList {
  readonly #entries: ReadonlySet<string>;

  /** @param entries lowercase passwords. */
  constructor(entries: Iterable<string>) {
    this.#entries = new Set(entries);
  }

  get size(): number {
    return this.#entries.size;
  }

  /**
   * True when the password, lowercased, is on the list, or when what is left after stripping
   * leading and trailing digits, punctuation, symbols and spaces (at least 4 code points) is:
   * "Password2024!" or "1qaz-dragon-99" are tried early by every cracking rule set.
   */
  isCommon(password: string): boolean {
    const lower = password.toLowerCase();
    if (this.#entries.has(lower)) return true;
    const base = lower.replace(LEADING_AFFIX, '').replace(TRAILING_AFFIX, '');
    return base !== lower && [...base].length >= MIN_BASE_LENGTH && this.#entries.has(base);
  }
}

/**
 * Reads a gzipped, newline-separated, lowercase list.
 * @throws CommonPasswordListUnavailableError when the file is missing, corrupt (gzip checks its
 *   CRC and length) or has fewer than `minEntries` entries.
 */
export async function loadCommonPasswords(
  file: URL = COMMON_PASSWORDS_FILE,
  minEntries: number = MIN_COMMON_PASSWORD_ENTRIES,
): Promise<CommonPasswordList> {
  let list: CommonPasswordList;
  try {
    const text = (await gunzipAsync(await readFile(file))).toString('utf8');
    list = new CommonPasswordList(text.split('\n').filter((line) => line.length > 0));
  } catch (err) {
    throw new CommonPasswordListUnavailableError(err);
  }
  if (list.size < minEntries)
    throw new CommonPasswordListUnavailableError(
      new Error(`${file.pathname} has ${list.size} entries, expected at least ${minEntries}`),
    );
  return list;
}

let shipped: Promise<CommonPasswordList> | undefined;

/**
 * The shipped list, loaded on first use and kept (about 11 MB of heap; about 80 ms to load). A failed load is not
 * cached: the next call tries again and fails again until the file is repaired. Call it at
 * start-up to fail early and to spare the first user the load time.
 */
export function getCommonPasswords(): Promise<CommonPasswordList> {
  shipped ??= loadCommonPasswords().catch((err: unknown) => {
    shipped = undefined;
    throw err;
  });
  return shipped;
}
