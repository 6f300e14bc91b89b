/**
 * The staff session cookie: `__Host-` prefix (the browser only accepts it Secure, with Path=/ and no
 * Domain, so no sibling host can set or shadow it), HttpOnly (no script reads it), SameSite=Strict
 * (never sent on a cross-site request). No Max-Age: the browser forgets it when it closes, and the
 * server ends it on idle or absolute expiry whatever the browser keeps.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import type { SignInRequest } from '../../modules/auth/sign-in/index.ts';

export const SESSION_COOKIE = '__Host-dossier_session';

const ATTRIBUTES = { path: '/', secure: true, httpOnly: true, sameSite: 'strict' } as const;

export function setSessionCookie(reply: FastifyReply, token: string): void {
  reply.setCookie(SESSION_COOKIE, token, ATTRIBUTES);
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, ATTRIBUTES);
}

export function sessionCookie(req: FastifyRequest): string | null {
  const v = req.cookies[SESSION_COOKIE];
  return typeof v === 'string' && v.length > 0 ? v : null;
}

/** The sign-in flow's view of the request: the client address as Fastify resolved it (socket, or
 * X-Forwarded-For from a configured proxy only), the user agent, the request id. */
export function signInRequest(req: FastifyRequest): SignInRequest {
  const ua = req.headers['user-agent'];
  return { ip: req.ip, userAgent: typeof ua === 'string' ? ua.slice(0, 300) : null, requestId: req.id };
}

/**
 * Login CSRF and cross-site abuse of the public sign-in routes: a browser marks a request started by
 * another site with `Sec-Fetch-Site: cross-site`; such requests are refused. (The session routes are
 * covered by the CSRF token in the access gate; these run before there is a session.)
 */
export function refuseCrossSite(req: FastifyRequest): void {
  if (req.headers['sec-fetch-site'] === 'cross-site')
    throw new AppError('forbidden', 'cross-site request refused', { reason: 'cross_site' });
}
