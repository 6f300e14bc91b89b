/** The client's own account: step-up and second factors. */
import type { PortalOperation } from './operation.ts';

export const ACCOUNT_OPERATIONS: readonly PortalOperation[] = [
  { method: 'POST', path: '/auth/step-up/sms', link: '/link/v1/auth/step-up/sms' },
  { method: 'POST', path: '/auth/step-up', link: '/link/v1/auth/step-up', issuesSession: true },
  { method: 'POST', path: '/me/password', link: '/link/v1/me/password' },
  { method: 'GET', path: '/me/factors', link: '/link/v1/me/factors' },
  { method: 'POST', path: '/me/factors/totp', link: '/link/v1/me/factors/totp' },
  { method: 'POST', path: '/me/factors/totp/confirm', link: '/link/v1/me/factors/totp/confirm' },
  { method: 'DELETE', path: '/me/factors/totp', link: '/link/v1/me/factors/totp' },
];
