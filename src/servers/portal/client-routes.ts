/**
 * The portal's client API (`/api/v1/...` on the portal): each route forwards one link operation
 * for the browser's client user and keeps nothing. The client session token lives only in the
 * portal's `__Host-dossier_portal` cookie (Secure, HttpOnly, SameSite=Strict) and in the internal
 * server's session table; the portal reads it from the cookie and sends it over the link with the
 * client's address, user agent and CSRF token. The internal server decides everything: which
 * session is valid, whether the CSRF token matches, what this user may see.
 *
 * When the link is down the answer is 503 `link_unavailable`, never a crash; a 5xx from the
 * internal server becomes a 502 without its details.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { AppError } from '../../platform/errors.ts';
import type { LinkClient } from './link-client.ts';
import type { App } from '../shared/create-http-app.ts';

export const PORTAL_COOKIE = '__Host-dossier_portal';
const COOKIE_ATTRIBUTES = { path: '/', secure: true, httpOnly: true, sameSite: 'strict' } as const;

const Any = Type.Unknown();

interface Forward {
  method: 'GET' | 'POST';
  /** The portal route (under /api/v1). */
  path: string;
  /** The link operation; `:id` is filled from the portal route's parameter. */
  link: string;
  /** A step before there is a session (sign-in, invitation); the others need the client's session. */
  public?: boolean;
  /** What to do with a session token in a 200 answer: set it as the cookie (and not show it). */
  issuesSession?: boolean;
  /** Clear the cookie whatever the answer (sign-out). */
  endsSession?: boolean;
}

/** Every operation the portal offers; nothing else reaches the link. */
export const PORTAL_OPERATIONS: readonly Forward[] = [
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

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function portalClientRoutes(
  app: App,
  opts: { linkClient: Pick<LinkClient, 'request'> },
): Promise<void> {
  for (const op of PORTAL_OPERATIONS) {
    const handler = async (req: FastifyRequest, reply: FastifyReply) => {
      // Login CSRF: a request another site started is refused before it reaches the link.
      if (req.headers['sec-fetch-site'] === 'cross-site')
        throw new AppError('forbidden', 'cross-site request refused', { reason: 'cross_site' });
      let linkPath = op.link;
      if (linkPath.includes(':id')) {
        const id = (req.params as { id?: string }).id ?? '';
        if (!UUID_RE.test(id)) throw new AppError('not_found', 'no such resource');
        linkPath = linkPath.replace(':id', id);
      }
      const headers: Record<string, string> = {
        'x-dossier-client-ip': req.ip,
        'x-dossier-client-ua': String(req.headers['user-agent'] ?? '').slice(0, 300),
      };
      const token = req.cookies[PORTAL_COOKIE];
      if (token) headers['x-dossier-client-session'] = token;
      const csrf = req.headers['x-csrf-token'];
      if (typeof csrf === 'string') headers['x-csrf-token'] = csrf;
      let res: { status: number; body: unknown };
      try {
        res = await opts.linkClient.request(
          op.method,
          linkPath,
          op.method === 'POST' ? (req.body ?? {}) : undefined,
          headers,
        );
      } catch (err) {
        req.log.warn({ err: (err as Error).message, op: op.path }, 'link call failed');
        if (op.endsSession) reply.clearCookie(PORTAL_COOKIE, COOKIE_ATTRIBUTES);
        throw new AppError('unavailable', 'The service is unavailable. Try again shortly.', {
          reason: 'link_unavailable',
        });
      }
      if (op.endsSession) reply.clearCookie(PORTAL_COOKIE, COOKIE_ATTRIBUTES);
      if (res.status >= 500) {
        req.log.warn({ status: res.status, op: op.path }, 'link operation failed');
        throw new AppError('unavailable', 'The request could not be completed. Try again shortly.', {
          reason: 'upstream_error',
        });
      }
      if (res.status === 401 && !op.issuesSession) reply.clearCookie(PORTAL_COOKIE, COOKIE_ATTRIBUTES);
      if (
        res.status === 200 &&
        op.issuesSession &&
        isObject(res.body) &&
        typeof res.body.token === 'string'
      ) {
        reply.setCookie(PORTAL_COOKIE, res.body.token, COOKIE_ATTRIBUTES);
        const { token: _hidden, ...rest } = res.body;
        void _hidden;
        return reply.code(200).type('application/json').send(rest);
      }
      if (res.status === 204) return reply.code(204).send();
      return reply
        .code(res.status)
        .type(res.status >= 400 ? 'application/problem+json' : 'application/json')
        .send(res.body);
    };
    const config = { access: op.public ? 'public' : 'authenticated' } as const;
    const schema = {
      ...(op.method === 'POST' ? { body: Type.Object({}, { additionalProperties: true }) } : {}),
      response: { default: Any },
    };
    if (op.method === 'GET') app.get(`/api/v1${op.path}`, { config, schema }, handler);
    else app.post(`/api/v1${op.path}`, { config, schema }, handler);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
