/**
 * The link listener: a separate HTTPS app on its own port that only the portal can reach. TLS
 * requires a client certificate from the private CA (checked by OpenSSL and Node before any HTTP
 * byte is read); each request then checks that the certificate is the portal's link certificate.
 *
 * The shared access gate is deliberately not registered: its rights describe staff and API keys,
 * and nothing here may ever run as "the portal" with a staff right. Link routes declare
 * `config.link: true` instead, and the app refuses to start with a route that does not.
 */
import type { TLSSocket } from 'node:tls';
import type { FastifyBaseLogger, FastifyRequest, RouteOptions } from 'fastify';
import { Type } from 'typebox';
import { EKU_CLIENT_AUTH, LINK_CLIENT_CN } from '../../../platform/crypto/pki.ts';
import { AppError } from '../../../platform/errors.ts';
import { createHttpApp, type App } from '../../shared/create-http-app.ts';
import type { InternalDeps } from '../deps.ts';
import { linkClientAccountRoutes } from './client-account-routes.ts';
import { linkClientCotRoutes } from './client-cot-routes.ts';
import { linkClientDocumentsRoutes } from './client-documents-routes.ts';
import { linkClientFormsRoutes } from './client-forms-routes.ts';
import { linkClientRoutes } from './client-routes.ts';
import { linkClientRequestsRoutes } from './client-requests-routes.ts';
import { linkClientMeetingsRoutes } from './client-meetings-routes.ts';
import { linkClientPasskeysRoutes } from './client-passkeys-routes.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Marks a route of the link app; the link app refuses any route without it. */
    link?: boolean;
  }
}

export interface BuildLinkAppOptions {
  logger: FastifyBaseLogger | false;
  /** PEM: the internal server's certificate and key, and the private CA that signs portal client certificates. */
  tls: { cert: string; key: string; ca: string };
  /** Sees every route as it is added (the access matrix tests list the link's routes with it). */
  onRoute?: ((route: RouteOptions) => void) | undefined;
}

const Ping = Type.Object({
  ok: Type.Literal(true),
  service: Type.Literal('dossier-internal'),
  time: Type.String({ format: 'date-time' }),
});

/**
 * Builds the link app (not listening; call `listen`): `GET /link/v1/ping` and the client operations
 * (client-routes.ts), each authorised as the end client user on whose behalf the portal calls,
 * never as "the portal": the certificate proves which host is calling, not who may see what.
 */
export async function buildLinkApp(
  deps: Omit<InternalDeps, 'screening'>,
  opts: BuildLinkAppOptions,
): Promise<App> {
  const app = await createHttpApp({
    logger: opts.logger,
    // The portal connects directly; an X-Forwarded-For from it names no one we can verify.
    trustProxy: false,
    https: {
      cert: opts.tls.cert,
      key: opts.tls.key,
      // Only the private CA: passing `ca` replaces Node's public root store for client certificates.
      ca: opts.tls.ca,
      requestCert: true,
      rejectUnauthorized: true,
    },
  });

  // Handshake failures (no certificate, unknown CA, wrong purpose, old protocol) never reach a
  // route; this is the only place they are seen. Node reports a certificate it rejects after the
  // handshake as a "socket hang up" with the reason in authorizationError.
  app.server.on('tlsClientError', (err: NodeJS.ErrnoException, socket: TLSSocket) => {
    app.log.warn(
      {
        remoteAddress: socket.remoteAddress,
        code: err.code,
        ...(socket.authorizationError ? { authorizationError: String(socket.authorizationError) } : {}),
      },
      'link TLS handshake refused',
    );
  });

  if (opts.onRoute) app.addHook('onRoute', opts.onRoute);
  app.addHook('onRoute', (route) => {
    if (route.config?.link !== true) {
      throw new Error(
        `link route ${String(route.method)} ${route.url ?? route.path} is not declared as a link route (config.link)`,
      );
    }
  });

  app.addHook('onRequest', async (req) => {
    const refusal = refusePeer(req);
    if (refusal) {
      req.log.warn({ remoteAddress: req.socket.remoteAddress, ...refusal }, 'link call refused');
      throw new AppError('forbidden', 'this client certificate may not use the link');
    }
  });

  await linkClientRoutes(app, deps);
  await linkClientRequestsRoutes(app, deps);
  await linkClientMeetingsRoutes(app, deps);
  await linkClientFormsRoutes(app, deps);
  await linkClientAccountRoutes(app, deps);
  await linkClientPasskeysRoutes(app, deps);
  await linkClientDocumentsRoutes(app, deps);
  await linkClientCotRoutes(app, deps);

  app.get('/link/v1/ping', { config: { link: true }, schema: { response: { 200: Ping } } }, async () => ({
    ok: true as const,
    service: 'dossier-internal' as const,
    time: new Date().toISOString(),
  }));

  return app;
}

/**
 * Why this request's TLS peer is not the portal's link client, or null if it is. The chain was
 * verified against the private CA already; this tells the portal's certificate apart from the
 * other certificates that CA signs (the internal and portal server certificates).
 */
function refusePeer(req: FastifyRequest): Record<string, unknown> | null {
  const socket = req.raw.socket as TLSSocket;
  if (!socket.encrypted) return { reason: 'not_tls' };
  if (!socket.authorized)
    return { reason: 'unauthorized', authorizationError: String(socket.authorizationError) };
  const peer = socket.getPeerCertificate();
  if (!peer || !peer.subject) return { reason: 'no_certificate' };
  const cn = peer.subject.CN;
  const eku = peer.ext_key_usage ?? [];
  if (cn !== LINK_CLIENT_CN) return { reason: 'wrong_subject', subject: cn, serial: peer.serialNumber };
  if (!eku.includes(EKU_CLIENT_AUTH))
    return { reason: 'not_client_auth', subject: cn, serial: peer.serialNumber };
  return null;
}
