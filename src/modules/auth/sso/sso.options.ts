/**
 * What single sign-on needs: the sign-in flow's dependencies (database, key ring, session policy,
 * trusted-network switch, clock) and the configured providers. Built once per internal server.
 */
import { createHash } from 'node:crypto';
import type { Keyring } from '../../../platform/crypto/keyring.ts';
import type { SignInDeps } from '../sign-in/index.ts';
import type { SsoRegistry } from './sso-providers.ts';

export interface SsoDeps {
  signIn: SignInDeps;
  registry: SsoRegistry;
}

/** An attempt (redirect to the provider and back) must complete within 10 minutes. */
export const ATTEMPT_LIFETIME_MS = 10 * 60_000;
/** At most this many attempts per source address (IPv6 /64) in an attempt lifetime. */
export const STARTS_PER_SOURCE = 30;

export function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** The audit trail's name for a provider's subject: a keyed hash, stable, not reversible. */
export function subjectHash(keyring: Keyring, provider: string, subject: string): string {
  return keyring.blindIndex('sso-subject', `${provider}\u0000${subject}`).subarray(0, 16).toString('hex');
}

/** Encryption context of a session's ID token (kept as the hint of RP-initiated logout). */
export function idTokenContext(sessionId: string): string {
  return `sessions.sso_id_token:${sessionId}`;
}
