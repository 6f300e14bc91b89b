/**
 * What every link route file shares: the request headers the portal sends, the end client as the
 * portal saw them, and the signed-in client user of a 'session' route (set by the session check in
 * client-routes.ts before any handler runs).
 *
 * A link route file registers its routes with `config: { link: true, client: 'public' | 'session' }`
 * (the link app refuses any other) and reads the client with `requireClient(req)`; it never takes an
 * organisation id from the request: the use cases bound every query by the actor's organisation.
 */
import { isIP } from 'node:net';
import type { FastifyRequest } from 'fastify';
import type { ClientActor } from '../../../modules/clients/index.ts';
import type { SignInRequest } from '../../../modules/auth/sign-in/index.ts';
import { normaliseIp } from '../../../modules/auth/throttle/index.ts';
import type { Ctx } from '../../../platform/context.ts';
import { AppError } from '../../../platform/errors.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Link routes: 'public' runs before a client session exists; 'session' needs one. */
    client?: 'public' | 'session';
  }
  interface FastifyRequest {
    /** The client user of a 'session' link route, and the Ctx to act as them. */
    client: { actor: ClientActor; ctx: Ctx } | null;
  }
}

export const CLIENT_SESSION_HEADER = 'x-dossier-client-session';
export const CLIENT_IP_HEADER = 'x-dossier-client-ip';
export const CLIENT_UA_HEADER = 'x-dossier-client-ua';

export const oneHeader = (v: string | string[] | undefined): string | undefined =>
  Array.isArray(v) ? v[0] : v;

/** The end client as the portal saw them; without a valid forwarded address, the portal's own. */
export function clientRequest(req: FastifyRequest): SignInRequest {
  const ip = oneHeader(req.headers[CLIENT_IP_HEADER]);
  const ua = oneHeader(req.headers[CLIENT_UA_HEADER]);
  return {
    ip: ip && isIP(ip) ? normaliseIp(ip) : req.ip,
    userAgent: ua ? ua.slice(0, 300) : null,
    requestId: req.id,
  };
}

/** The signed-in client user of a 'session' route and the Ctx acting as them. */
export function requireClient(req: FastifyRequest): { actor: ClientActor; ctx: Ctx } {
  if (!req.client) throw new AppError('unauthenticated', 'sign in again');
  return req.client;
}
