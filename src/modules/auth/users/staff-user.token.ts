/**
 * Activation and reset tokens: 256 bits from the CSPRNG, base64url (43 characters), stored as their
 * SHA-256. A slow hash is unnecessary: the token cannot be guessed, only stolen, and the database
 * copy alone does not give it away.
 */
import { createHash, randomBytes } from 'node:crypto';

const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;

/** A fresh token and the hash to store. */
export function newUserToken(): { token: string; hash: Buffer } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashUserToken(token) };
}

/** SHA-256 of the token's text. */
export function hashUserToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** Cheap shape check, so that junk never reaches the database. */
export function isWellFormedUserToken(token: string): boolean {
  return TOKEN_RE.test(token);
}
