/** SMS one-time codes, the pure part: generation and the keyed hash that is stored instead of the code. */
import { createHash, randomInt } from 'node:crypto';
import type { Keyring } from '../../../platform/crypto/keyring.ts';

/** Six digits, uniformly from the CSPRNG (ASVS 6.5.3, 6.5.4). */
export function newSmsCode(): string {
  return randomInt(0, 1_000_000).toString().padStart(6, '0');
}

/**
 * The stored form of a code: an HMAC under the OTP key, with the login attempt in the domain, so a
 * code is worthless for any other attempt and a database dump does not allow offline guessing.
 */
export function smsCodeMac(keyring: Keyring, attemptId: string, code: string): Buffer {
  return keyring.otpMac(`sms:${attemptId}`, code);
}

/**
 * How the login attempt id is stored: its SHA-256. The caller's attempt id may be a bearer value
 * (a pre-authentication token); the database never holds it in the clear.
 */
export function smsAttemptHash(attemptId: string): Buffer {
  return createHash('sha256').update(attemptId, 'utf8').digest();
}

/** Whether `code` has the shape of an SMS code (after spaces and hyphens are removed). */
export function isSmsCodeShape(code: string): boolean {
  return /^\d{6}$/.test(code);
}
