/**
 * API key tokens: `dsk_<16 hex prefix>_<43 base64url secret>`. The prefix identifies the key and is
 * safe to log; the 256-bit secret is stored only as a SHA-256 hash (a slow hash adds nothing for a
 * random secret of that size) and compared in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const TOKEN = /^dsk_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export function generateToken(): { token: string; prefix: string; secretHash: Buffer } {
  const prefix = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { token: `dsk_${prefix}_${secret}`, prefix, secretHash: hashSecret(secret) };
}

export function parseToken(token: string): { prefix: string; secret: string } | null {
  const m = TOKEN.exec(token);
  return m ? { prefix: m[1]!, secret: m[2]! } : null;
}

export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

export function secretMatches(secret: string, storedHash: Uint8Array): boolean {
  const a = hashSecret(secret);
  const b = Buffer.from(storedHash);
  return a.length === b.length && timingSafeEqual(a, b);
}
