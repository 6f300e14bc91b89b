/**
 * The relying party of each realm and the passkey policy, from configuration: staff use the
 * internal server (`auth.publicUrl`), clients the portal (`auth.portalUrl`, whose origin their
 * browser is on). The RP id is the URL's host name, the expected origin its scheme, host and port.
 */
import type { Realm } from '../realm.ts';

export interface PasskeyPolicy {
  realm: Realm;
  /** The WebAuthn relying party id: the host name the browser shows. */
  rpId: string;
  /** The only origin accepted in clientDataJSON (e.g. `https://dossier.example.com`). */
  origin: string;
  /** Shown by the authenticator next to the account name. */
  rpName: string;
  /** May a passkey that proved user verification sign in without a password? */
  passwordless: boolean;
  /** How long a challenge can be answered. */
  challengeTtlMs: number;
  /** Live passwordless challenges one source may hold (the options route is public). */
  maxLiveChallengesPerSource: number;
  /** Passkeys one user may register. */
  maxPerUser: number;
}

/** Five minutes: long enough to find the security key, short enough to be useless later. */
export const CHALLENGE_TTL_MS = 5 * 60_000;

/** The configuration the policy is built from (`auth` section). */
export interface PasskeySettings {
  publicUrl: string;
  portalUrl: string;
  firmName: string;
  passkeys: { staffPasswordless: boolean; clientPasswordless: boolean };
}

/** The policy of one realm. Throws on a URL without a host (the configuration schema prevents it). */
export function passkeyPolicyOf(auth: PasskeySettings, realm: Realm): PasskeyPolicy {
  const url = new URL(realm === 'client' ? auth.portalUrl : auth.publicUrl);
  const product = auth.firmName ? `Dossier (${auth.firmName})` : 'Dossier';
  return {
    realm,
    rpId: url.hostname,
    origin: url.origin,
    rpName: realm === 'client' ? `${product} client portal` : product,
    passwordless: realm === 'client' ? auth.passkeys.clientPasswordless : auth.passkeys.staffPasswordless,
    challengeTtlMs: CHALLENGE_TTL_MS,
    maxLiveChallengesPerSource: 20,
    maxPerUser: 20,
  };
}
