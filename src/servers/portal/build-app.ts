/**
 * The portal's HTTP app (DMZ). It holds no database and no keys: everything it knows comes over the
 * link. Every route declares 'public' or 'authenticated' (the client's session, checked by the
 * internal server over the link on each call); the app refuses to start with a route that declares
 * anything else or nothing. No API documentation is served here.
 *
 * The shared access gate is not used: it authenticates against the database, which the portal has
 * none of.
 */
import { readFileSync } from 'node:fs';
import type { FastifyBaseLogger } from 'fastify';
import { Type } from 'typebox';
import type { Config } from '../../platform/config.ts';
// Type-only: brings the `config.access` declaration without loading the gate (or the database).
import type {} from '../shared/access-gate.ts';
import { createHttpApp, type App } from '../shared/create-http-app.ts';
import { defaultWebDir, registerWebApp } from '../shared/web-app.ts';
import type { LinkClient, LinkPing } from './link-client.ts';
import { portalClientRoutes } from './client-routes.ts';
import cookie from '@fastify/cookie';

export interface BuildPortalAppOptions {
  config: Config;
  logger: FastifyBaseLogger | false;
  /** `stream` carries uploads; without it they answer 503 `link_unavailable`. */
  linkClient: Pick<LinkClient, 'ping' | 'request'> & Partial<Pick<LinkClient, 'stream'>>;
  /**
   * How long a link probe result is reused by /healthz. The probe is public and unauthenticated;
   * without this, anyone could turn the portal into a request pump against the internal server.
   */
  healthCacheMs?: number;
  /** The built portal web app (default dist/web/portal). */
  webDir?: string | undefined;
}

const HealthUp = Type.Object({
  status: Type.Literal('ok'),
  link: Type.Literal('up'),
  linkLatencyMs: Type.Number(),
});
const HealthDown = Type.Object({ status: Type.Literal('degraded'), link: Type.Literal('down') });

/** Builds the portal app (not listening). Serves HTTPS with `portal.certFile`/`keyFile` when `portal.tls`. */
export async function buildPortalApp(opts: BuildPortalAppOptions): Promise<App> {
  const { config } = opts;
  const app = await createHttpApp({
    logger: opts.logger,
    trustProxy: config.trustProxy === true ? false : config.trustProxy,
    https: config.portal.tls
      ? {
          cert: readFileSync(config.portal.certFile, 'utf8'),
          key: readFileSync(config.portal.keyFile, 'utf8'),
        }
      : null,
  });

  app.addHook('onRoute', (route) => {
    const access = route.config?.access;
    const url = route.url ?? route.path;
    if (access === undefined)
      throw new Error(`portal route ${String(route.method)} ${url} declares no access (config.access)`);
    // The portal holds no rights: a route is public (before a session) or needs the client's
    // session, which the internal server checks over the link on every call.
    if (access !== 'public' && access !== 'authenticated')
      throw new Error(
        `portal route ${String(route.method)} ${url} declares "${access}", which the portal cannot enforce`,
      );
  });

  await app.register(cookie);
  // Uploads: the raw body is handed to the route as the request stream, unread, and streamed over
  // the link from there (client-routes.ts); no body limit applies to it, the upload cap does.
  app.addContentTypeParser('application/octet-stream', (_req, payload, done) => done(null, payload));
  await app.register(portalClientRoutes, {
    linkClient: opts.linkClient,
    maxUploadBytes: config.documents.maxUploadBytes,
  });

  // The portal's web pages: same origin as its client API.
  await registerWebApp(app, {
    dir: opts.webDir ?? defaultWebDir('portal'),
    reservedPrefixes: ['/api', '/link', '/healthz', '/assets'],
  });

  const probeLink = coalesced(() => opts.linkClient.ping(), opts.healthCacheMs ?? 1000);

  app.get(
    '/healthz',
    { config: { access: 'public' }, schema: { response: { 200: HealthUp, 503: HealthDown } } },
    async (req, reply) => {
      const link = await probeLink();
      if (!link.ok) {
        // The reason stays in the portal's log; the public only learns that the link is down.
        req.log.warn({ error: link.error, latencyMs: link.latencyMs }, 'link probe failed');
        return reply.code(503).send({ status: 'degraded' as const, link: 'down' as const });
      }
      return { status: 'ok' as const, link: 'up' as const, linkLatencyMs: link.latencyMs };
    },
  );

  return app;
}

/** Shares one in-flight probe among concurrent callers and reuses its result for `ttlMs`. */
function coalesced(probe: () => Promise<LinkPing>, ttlMs: number): () => Promise<LinkPing> {
  let inFlight: Promise<LinkPing> | null = null;
  let last: { at: number; result: LinkPing } | null = null;
  return () => {
    if (last && Date.now() - last.at < ttlMs) return Promise.resolve(last.result);
    inFlight ??= probe()
      .then((result) => {
        last = { at: Date.now(), result };
        return result;
      })
      .finally(() => {
        inFlight = null;
      });
    return inFlight;
  };
}
