/**
 * The client's passkeys: sign-in with one (second factor after the password, or passwordless where
 * the internal server's policy allows), step-up with one, and the account's own passkeys. The
 * relying party is this portal's host; the internal server checks every answer.
 */
import type { PortalOperation } from './operation.ts';

export const PASSKEY_OPERATIONS: readonly PortalOperation[] = [
  {
    method: 'POST',
    path: '/auth/passkeys/sign-in/options',
    link: '/link/v1/auth/passkeys/sign-in/options',
    public: true,
  },
  {
    method: 'POST',
    path: '/auth/passkeys/sign-in',
    link: '/link/v1/auth/passkeys/sign-in',
    public: true,
    issuesSession: true,
  },
  {
    method: 'POST',
    path: '/auth/login/passkey/options',
    link: '/link/v1/auth/login/passkey/options',
    public: true,
  },
  {
    method: 'POST',
    path: '/auth/login/passkey',
    link: '/link/v1/auth/login/passkey',
    public: true,
    issuesSession: true,
  },
  { method: 'POST', path: '/auth/step-up/passkey/options', link: '/link/v1/auth/step-up/passkey/options' },
  {
    method: 'POST',
    path: '/auth/step-up/passkey',
    link: '/link/v1/auth/step-up/passkey',
    issuesSession: true,
  },
  { method: 'GET', path: '/me/passkeys', link: '/link/v1/me/passkeys' },
  { method: 'POST', path: '/me/passkeys/options', link: '/link/v1/me/passkeys/options' },
  { method: 'POST', path: '/me/passkeys', link: '/link/v1/me/passkeys' },
  { method: 'PATCH', path: '/me/passkeys/:passkeyId', link: '/link/v1/me/passkeys/:passkeyId' },
  { method: 'DELETE', path: '/me/passkeys/:passkeyId', link: '/link/v1/me/passkeys/:passkeyId' },
];
