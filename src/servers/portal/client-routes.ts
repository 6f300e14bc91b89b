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
import { AUTH_OPERATIONS } from './operations/auth.ts';
import type { PortalOperation } from './operations/operation.ts';

export const PORTAL_COOKIE = '__Host-dossier_portal';
const COOKIE_ATTRIBUTES = { path: '/', secure: true, httpOnly: true, sameSite: 'strict' } as const;

const Any = Type.Unknown();

/** Every operation the portal offers; nothing else reaches the link. One file per feature. */
export const PORTAL_OPERATIONS: readonly PortalOperation[] = [...AUTH_OPERATIONS];

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
      const params = req.params as Record<string, string | undefined>;
      const linkPath = op.link.replace(/:([A-Za-z]+)/g, (_m, name: string) => {
        const value = params[name] ?? '';
        if (!UUID_RE.test(value)) throw new AppError('not_found', 'no such resource');
        return value;
      });
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
          hasBody(op.method) ? (req.body ?? {}) : undefined,
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
      ...(hasBody(op.method) ? { body: Type.Object({}, { additionalProperties: true }) } : {}),
      response: { default: Any },
    };
    app.route({ method: op.method, url: `/api/v1${op.path}`, config, schema, handler });
  }
}

const hasBody = (method: PortalOperation['method']) => method !== 'GET' && method !== 'DELETE';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
