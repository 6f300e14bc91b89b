/**
 * The checks of a WebAuthn answer done before the library's full verification, each with its own
 * reason for the audit trail: the client data (type, origin, no cross-origin frame) and the
 * authenticator data (RP id hash, user presence, user verification). The library then repeats them
 * and verifies the signature; what it refuses after these passed is a bad signature or a malformed
 * answer.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import {
  decodeAttestationObject,
  decodeClientDataJSON,
  isoBase64URL,
  parseAuthenticatorData,
  type ClientDataJSON,
  type ParsedAuthenticatorData,
} from '@simplewebauthn/server/helpers';
import type { PasskeyFailureReason } from '../../audit/audit.events.ts';
import type { PasskeyPolicy } from './passkeys.options.ts';

export type Checked<T> = { ok: true; value: T } | { ok: false; reason: PasskeyFailureReason };

/** The client data, if it decodes and is of the expected ceremony and origin. */
export function checkClientData(
  clientDataJSON: string,
  type: 'webauthn.get' | 'webauthn.create',
  policy: Pick<PasskeyPolicy, 'origin'>,
): Checked<ClientDataJSON> {
  let data: ClientDataJSON;
  try {
    data = decodeClientDataJSON(clientDataJSON);
  } catch {
    return { ok: false, reason: 'invalid_response' };
  }
  if (typeof data?.challenge !== 'string' || data.type !== type)
    return { ok: false, reason: 'invalid_response' };
  // A page of another origin, or ours framed by another site, must not answer for us.
  if (data.origin !== policy.origin || data.crossOrigin === true || data.topOrigin !== undefined)
    return { ok: false, reason: 'origin_mismatch' };
  return { ok: true, value: data };
}

/** The authenticator data of an assertion or of an attestation object. */
export function checkAuthenticatorData(
  authData: Uint8Array<ArrayBuffer>,
  policy: Pick<PasskeyPolicy, 'rpId'>,
  requireUv: boolean,
): Checked<ParsedAuthenticatorData> {
  let parsed: ParsedAuthenticatorData;
  try {
    parsed = parseAuthenticatorData(authData);
  } catch {
    return { ok: false, reason: 'invalid_response' };
  }
  const expected = createHash('sha256').update(policy.rpId, 'utf8').digest();
  if (parsed.rpIdHash.length !== expected.length || !timingSafeEqual(parsed.rpIdHash, expected))
    return { ok: false, reason: 'rp_mismatch' };
  if (!parsed.flags.up) return { ok: false, reason: 'invalid_response' };
  if (requireUv && !parsed.flags.uv) return { ok: false, reason: 'uv_missing' };
  return { ok: true, value: parsed };
}

/** Decodes base64url, or null. */
export function fromB64url(value: string): Uint8Array<ArrayBuffer> | null {
  try {
    if (!isoBase64URL.isBase64URL(value)) return null;
    return isoBase64URL.toBuffer(value);
  } catch {
    return null;
  }
}

/** The authenticator data inside an attestation object, or null. */
export function attestationAuthData(attestationObject: string): Uint8Array<ArrayBuffer> | null {
  const bytes = fromB64url(attestationObject);
  if (!bytes) return null;
  try {
    return decodeAttestationObject(bytes).get('authData');
  } catch {
    return null;
  }
}
