/** Sign-in, invitations, sign-out and who the client is. */
import type { PortalOperation } from './operation.ts';

export const AUTH_OPERATIONS: readonly PortalOperation[] = [
  { method: 'POST', path: '/auth/login', link: '/link/v1/auth/login', public: true, issuesSession: true },
  { method: 'POST', path: '/auth/login/sms', link: '/link/v1/auth/login/sms', public: true },
  {
    method: 'POST',
    path: '/auth/login/second-factor',
    link: '/link/v1/auth/login/second-factor',
    public: true,
    issuesSession: true,
  },
  {
    method: 'POST',
    path: '/invitations/open',
    link: '/link/v1/invitations/open',
    public: true,
    issuesSession: true,
  },
  { method: 'POST', path: '/invitations/sms', link: '/link/v1/invitations/sms', public: true },
  {
    method: 'POST',
    path: '/invitations/accept',
    link: '/link/v1/invitations/accept',
    public: true,
    issuesSession: true,
  },
  { method: 'POST', path: '/auth/logout', link: '/link/v1/auth/logout', endsSession: true },
  { method: 'GET', path: '/me', link: '/link/v1/me' },
  { method: 'GET', path: '/applications', link: '/link/v1/applications' },
  { method: 'GET', path: '/applications/:id', link: '/link/v1/applications/:id' },
];
