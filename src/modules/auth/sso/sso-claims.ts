/**
 * What an ID token's claims mean to Dossier, under a provider's settings: who (subject, username,
 * e-mail, name), which configured group mappings apply, and whether the provider asserted a
 * multi-factor sign-in. Pure functions; the token itself was verified by openid-client before.
 */
import { SsoRefusedError } from './sso.errors.ts';
import type { SsoProviderSettings } from './sso.settings.ts';

export interface SsoClaims {
  subject: string;
  username: string | null;
  email: string | null;
  /** `email_verified` is exactly true: only then may an e-mail link an existing account. */
  emailVerified: boolean;
  displayName: string | null;
  groups: string[];
  /** The provider's session id (for logout), when it sends one. */
  sid: string | null;
  /** The provider required more than one factor: an accepted `amr` or `acr` value. */
  mfa: boolean;
}

type Claims = Record<string, unknown>;

function text(v: unknown, max: number): string | null {
  return typeof v === 'string' && v.length > 0 && v.length <= max ? v : null;
}

/** A claim as a list of strings: an array of strings, or one string. Anything else is empty. */
export function stringsOf(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string').slice(0, 1000);
  return [];
}

/** The claims Dossier uses; `claims_invalid` when the subject is missing or malformed. */
export function readClaims(settings: SsoProviderSettings, claims: Claims): SsoClaims {
  const c = settings.claims;
  const subject = text(claims[c.subject], 255);
  if (!subject) throw new SsoRefusedError('claims_invalid');
  return {
    subject,
    username: text(claims[c.username], 200),
    email: text(claims[c.email], 254),
    emailVerified: claims['email_verified'] === true,
    displayName: text(claims[c.displayName], 200),
    groups: stringsOf(claims[c.groups]),
    sid: text(claims['sid'], 255),
    mfa: assertsMfa(settings, claims),
  };
}

/** True when one of the token's `amr` values, or its `acr`, is configured as multi-factor. */
export function assertsMfa(settings: SsoProviderSettings, claims: Claims): boolean {
  const amr = stringsOf(claims['amr']);
  if (amr.some((v) => settings.mfa.amr.includes(v))) return true;
  const acr = text(claims['acr'], 300);
  return acr !== null && settings.mfa.acr.includes(acr);
}

/** The configured mappings whose value is in their claim (default the groups claim). */
export function matchedMappings(
  settings: SsoProviderSettings,
  claims: Claims,
): SsoProviderSettings['roleMappings'] {
  return settings.roleMappings.filter((m) =>
    stringsOf(claims[m.claim ?? settings.claims.groups]).includes(m.value),
  );
}
