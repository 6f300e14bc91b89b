/**
 * RFC 6238 time-based codes, the pure part: secrets, the otpauth:// enrolment URI and matching a
 * code against the allowed time steps. SHA-1, 6 digits and 30 seconds because that is what every
 * authenticator app supports (many silently ignore other parameters and show wrong codes).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { HOTP, Secret, TOTP } from 'otpauth';

export const TOTP_ISSUER = 'Dossier';
export const TOTP_PERIOD_S = 30;
export const TOTP_DIGITS = 6;
const ALGORITHM = 'SHA1';
/** 160 bits: the HMAC-SHA-1 block-size recommendation of RFC 4226 §4. */
const SECRET_BYTES = 20;
const CODE_PATTERN = /^\d{6}$/;

/** A fresh 160-bit secret from the CSPRNG, in base32 (what apps accept for manual entry). */
export function newTotpSecret(): string {
  const bytes = randomBytes(SECRET_BYTES);
  return new Secret({ buffer: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) }).base32;
}

/** The RFC 6238 time step (counter) that `now` falls in. */
export function totpStep(now: Date): number {
  return Math.floor(now.getTime() / 1000 / TOTP_PERIOD_S);
}

/** The issuer shown by authenticator apps: "Dossier", or "Dossier (<firm>)". */
export function totpIssuer(firmLabel?: string): string {
  // A colon separates issuer and account in the URI label; control characters have no place in it.
  // eslint-disable-next-line no-control-regex
  const firm = (firmLabel ?? '').replace(/[:\u0000-\u001f\u007f]/g, ' ').trim();
  return firm ? `${TOTP_ISSUER} (${firm})` : TOTP_ISSUER;
}

/** The `otpauth://totp/...` URI to render as a QR code for enrolment. */
export function totpUri(opts: { secret: string; username: string; firmLabel?: string | undefined }): string {
  return new TOTP({
    issuer: totpIssuer(opts.firmLabel),
    label: opts.username,
    secret: Secret.fromBase32(opts.secret),
    algorithm: ALGORITHM,
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_S,
  }).toString();
}

/** The code of one time step. */
export function totpCodeAt(secret: string, step: number): string {
  return HOTP.generate({
    secret: Secret.fromBase32(secret),
    algorithm: ALGORITHM,
    digits: TOTP_DIGITS,
    counter: step,
  });
}

/**
 * The time step `code` belongs to, or null. Only the current step and the one before it are tried
 * (ASVS 6.5.5): one step back absorbs clock drift and typing time; a future step is never accepted.
 * Both candidates are always computed and compared in constant time, so timing does not tell which
 * step matched. Whether the step was already used is decided by the caller, atomically, in the database.
 */
export function matchTotpStep(secret: string, code: string, now: Date): number | null {
  // A malformed code is refused at once: its format is all the caller's timing could learn.
  if (!CODE_PATTERN.test(code)) return null;
  const given = Buffer.from(code, 'utf8');
  const current = totpStep(now);
  let matched: number | null = null;
  for (const step of [current - 1, current]) {
    const expected = Buffer.from(totpCodeAt(secret, step), 'utf8');
    // Later candidates overwrite earlier ones: on the (10^-6) chance both match, prefer the current step.
    if (timingSafeEqual(given, expected)) matched = step;
  }
  return matched;
}

/** Removes the spaces and hyphens people type in codes ("123 456"). */
export function cleanCode(code: string): string {
  return code.length > 32 ? '' : code.replace(/[\s-]/g, '');
}

/** The additional data bound to a TOTP ciphertext: a secret copied into another user's row will not decrypt. */
export function totpContext(userId: string): string {
  return `totp:${userId}`;
}
