/**
 * Passkey ceremonies for both web apps (@simplewebauthn/browser): ask the server for options with
 * a fresh challenge, let the browser and the authenticator answer, send the answer back. The server
 * checks everything; this only carries the JSON. A ceremony the user cancels (or that times out)
 * rejects with {@link PasskeyCancelledError}.
 */
import { startAuthentication, startRegistration } from '@simplewebauthn/browser';
import type {
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/browser';
import { api, ApiError } from './api.ts';

/** Whether this browser can use passkeys at all. */
export function passkeysSupported(): boolean {
  return typeof window !== 'undefined' && typeof window.PublicKeyCredential === 'function';
}

/** The user closed the browser's passkey prompt, or it timed out. */
export class PasskeyCancelledError extends ApiError {
  constructor(message: string) {
    super(400, { detail: message, reason: 'passkey_cancelled' });
    this.name = 'PasskeyCancelledError';
  }
}

function cancelled(err: unknown, message: string): unknown {
  const name = (err as { name?: string } | null)?.name;
  return name === 'NotAllowedError' || name === 'AbortError' ? new PasskeyCancelledError(message) : err;
}

/** Signs with a passkey: options from `optionsPath`, the answer to `answerPath` (POST both). */
export async function signWithPasskey<T>(
  optionsPath: string,
  answerPath: string,
  cancelledMessage: string,
): Promise<T> {
  const optionsJSON = await api<PublicKeyCredentialRequestOptionsJSON>(optionsPath, { method: 'POST' });
  let response;
  try {
    response = await startAuthentication({ optionsJSON });
  } catch (err) {
    throw cancelled(err, cancelledMessage);
  }
  return api<T>(answerPath, { method: 'POST', body: { response } });
}

/** Creates a passkey: options from `optionsPath`, the new credential and its name to `createPath`. */
export async function createPasskey<T>(
  optionsPath: string,
  createPath: string,
  name: string,
  cancelledMessage: string,
): Promise<T> {
  const optionsJSON = await api<PublicKeyCredentialCreationOptionsJSON>(optionsPath, { method: 'POST' });
  let response;
  try {
    response = await startRegistration({ optionsJSON });
  } catch (err) {
    throw cancelled(err, cancelledMessage);
  }
  return api<T>(createPath, { method: 'POST', body: { name, response } });
}

/** A passkey as the server lists it. */
export interface PasskeyItem {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  deviceType: 'singleDevice' | 'multiDevice';
  backedUp: boolean;
  userVerified: boolean;
  passwordless: boolean;
}
