/**
 * Recovery codes, the pure part. A code is 16 characters of Crockford's base32 (80 bits from the
 * CSPRNG), shown in four groups of four: "7K3M-Q9XA-...". Crockford's alphabet has no I, L, O or U,
 * so typing mistakes between look-alikes can be forgiven when the code is read back.
 */
import { randomInt } from 'node:crypto';
import type { Keyring } from '../../../platform/crypto/keyring.ts';

export const RECOVERY_CODE_COUNT = 10;
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const LENGTH = 16;
const CANONICAL = /^[0-9A-HJKMNP-TV-Z]{16}$/;

/** A new code in its display form (XXXX-XXXX-XXXX-XXXX). */
export function newRecoveryCode(): string {
  let raw = '';
  for (let i = 0; i < LENGTH; i++) raw += ALPHABET[randomInt(ALPHABET.length)];
  return raw.match(/.{4}/g)!.join('-');
}

/**
 * The canonical form of what a user typed, or null if it cannot be a code: case folded, spaces and
 * hyphens removed, and O → 0, I and L → 1 as Crockford's decoding rules say.
 */
export function normaliseRecoveryCode(input: string): string | null {
  // A bound before any work: the input comes from an unauthenticated form.
  if (input.length > 64) return null;
  const s = input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  return CANONICAL.test(s) ? s : null;
}

/** The stored form of a (canonical) code: an HMAC under the OTP key, bound to the user. */
export function recoveryCodeMac(keyring: Keyring, userId: string, canonical: string): Buffer {
  return keyring.otpMac(`recovery:${userId}`, canonical);
}
