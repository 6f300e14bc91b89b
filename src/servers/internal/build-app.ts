/**
 * The internal server's HTTP app. The register list below is the route map: every route lives under
 * /api/v1 (or is a health probe), and every one declares its access.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyBaseLogger, RouteOptions } from 'fastify';
import { ApiKeyCache, authenticateApiKey } from '../../modules/api-keys/index.ts';
import { accessGate, bearerToken } from '../shared/access-gate.ts';
import { createHttpApp, type App, type HttpAppOptions } from '../shared/create-http-app.ts';
import type { InternalDeps } from './deps.ts';
import { apiKeyRoutes } from './routes/api-keys.routes.ts';
import { applicationsRoutes } from './routes/applications.routes.ts';
import { auditRoutes } from './routes/audit.routes.ts';
import { healthRoutes } from './routes/health.routes.ts';
import { programmesRoutes } from './routes/programmes.routes.ts';
import { subjectsRoutes } from './routes/subjects.routes.ts';

export interface BuildInternalAppOptions {
  logger?: FastifyBaseLogger | false;
  https?: HttpAppOptions['https'];
  /** Observes every route as it is registered (the access-matrix test builds its table from this). */
  onRoute?: ((route: RouteOptions) => void) | undefined;
}

export async function buildInternalApp(
  deps: InternalDeps,
  options: BuildInternalAppOptions = {},
): Promise<App> {
  const { database, keyring, config } = deps;
  const app = await createHttpApp({
    logger: options.logger ?? false,
    trustProxy: config.trustProxy === true ? false : config.trustProxy,
    https: options.https ?? null,
  });

  if (options.onRoute) app.addHook('onRoute', options.onRoute);

  // API-key rows are cached per process and invalidated through database notifications.
  const keyCache = new ApiKeyCache();
  let unlisten: (() => Promise<void>) | null = null;
  app.addHook('onReady', async () => {
    unlisten = await database.listen(
      'dossier_api_keys',
      (prefix) => keyCache.invalidate(prefix),
      (live) => keyCache.setLive(live),
    );
  });
  app.addHook('onClose', async () => {
    await unlisten?.();
    keyCache.dispose();
  });

  await app.register(accessGate, {
    db: database.db,
    keyring,
    publicPrefixes: ['/api/docs'],
    resolveActor: async (req) => {
      const token = bearerToken(req);
      if (!token) return null;
      const result = await authenticateApiKey(database.db, token, {
        now: new Date(),
        requestId: req.id,
        cache: keyCache,
      });
      if (!result.ok) {
        req.log.info({ reason: result.reason }, 'api key rejected');
        return null;
      }
      return result.actor;
    },
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Dossier internal API', version: '1' },
      components: {
        securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'API key: dsk_...' } },
      },
      security: [{ apiKey: [] }],
    },
  });
  // No validator badge: it would make browsers call a public service from an on-premise install.
  await app.register(swaggerUi, {
    routePrefix: '/api/docs',
    staticCSP: true,
    uiConfig: { validatorUrl: null },
  });

  await app.register(healthRoutes, deps);
  await app.register(
    async (api) => {
      await api.register(apiKeyRoutes);
      await api.register(auditRoutes);
      await api.register(programmesRoutes);
      await api.register(subjectsRoutes);
      await api.register(applicationsRoutes);
    },
    { prefix: '/api/v1' },
  );
  return app;
}
