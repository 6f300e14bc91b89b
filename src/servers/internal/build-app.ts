/**
 * The internal server's HTTP app. The register list below is the route map: every route lives under
 * /api/v1 (or is a health probe), and every one declares its access.
 */
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyBaseLogger, RouteOptions } from 'fastify';
import { ApiKeyCache, authenticateApiKey } from '../../modules/api-keys/index.ts';
import { authenticateSession } from '../../modules/auth/sessions/index.ts';
import { accessGate, bearerToken, CSRF_HEADER } from '../shared/access-gate.ts';
import { createHttpApp, type App, type HttpAppOptions } from '../shared/create-http-app.ts';
import { defaultWebDir, registerWebApp } from '../shared/web-app.ts';
import type { InternalDeps } from './deps.ts';
import { apiKeyRoutes } from './routes/api-keys.routes.ts';
import { applicationsRoutes } from './routes/applications.routes.ts';
import { dashboardRoutes } from './routes/dashboard.routes.ts';
import { auditRoutes } from './routes/audit.routes.ts';
import { auditExportRoutes } from './routes/audit-export.routes.ts';
import { documentsRoutes } from './routes/documents.routes.ts';
import { formsRoutes } from './routes/forms.routes.ts';
import { screeningRoutes } from './routes/screening.routes.ts';
import { authRoutes } from './routes/auth.routes.ts';
import { passkeysRoutes } from './routes/passkeys.routes.ts';
import { usersRoutes } from './routes/users.routes.ts';
import { directoryRoutes } from './routes/directory.routes.ts';
import { clientsRoutes } from './routes/clients.routes.ts';
import { sessionCookie } from './session-cookie.ts';
import { healthRoutes } from './routes/health.routes.ts';
import { programmeConfigRoutes } from './routes/programme-config.routes.ts';
import { programmesRoutes } from './routes/programmes.routes.ts';
import { rolesRoutes } from './routes/roles.routes.ts';
import { separationOfDutiesRoutes } from './routes/separation-of-duties.routes.ts';
import { subjectsRoutes } from './routes/subjects.routes.ts';
import { trustedNetworksRoutes } from './routes/trusted-networks.routes.ts';
import { clientRequestsRoutes } from './routes/client-requests.routes.ts';
import { meetingsRoutes } from './routes/meetings.routes.ts';
import { ssoRoutes } from './routes/sso.routes.ts';

export interface BuildInternalAppOptions {
  logger?: FastifyBaseLogger | false;
  https?: HttpAppOptions['https'];
  /** Observes every route as it is registered (the access-matrix test builds its table from this). */
  onRoute?: ((route: RouteOptions) => void) | undefined;
  /** The built back office (default dist/web/backoffice). */
  webDir?: string | undefined;
}

export async function buildInternalApp(
  deps: InternalDeps,
  options: BuildInternalAppOptions = {},
): Promise<App> {
  const { database, keyring, config, auth } = deps;
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

  // Cookies are parsed before the gate runs (hooks run in registration order); none is signed:
  // the session cookie is an opaque random token checked against the database.
  await app.register(cookie);
  await app.register(accessGate, {
    db: database.db,
    keyring,
    publicPrefixes: ['/api/docs'],
    stepUpWindowMs: auth.session.stepUpWindowMs,
    resolveActor: async (req) => {
      // An Authorization header decides alone: a request never mixes a key with a session cookie.
      const token = bearerToken(req);
      if (token) {
        const result = await authenticateApiKey(database.db, token, {
          now: new Date(),
          requestId: req.id,
          cache: keyCache,
        });
        if (!result.ok) {
          req.log.info({ reason: result.reason }, 'api key rejected');
          return null;
        }
        return { actor: result.actor, csrfToken: null };
      }
      if (req.headers.authorization) return null;
      const sessionToken = sessionCookie(req);
      if (!sessionToken) return null;
      const found = await authenticateSession(database.db, sessionToken, auth.session, {
        now: new Date(),
        requestId: req.id,
      });
      return found ? { actor: found.actor, csrfToken: found.session.csrfToken } : null;
    },
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Dossier internal API', version: '1' },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'API key: dsk_...' },
          session: {
            type: 'apiKey',
            in: 'cookie',
            name: '__Host-dossier_session',
            description: `Staff session from POST /api/v1/auth/login; state-changing requests repeat the session's CSRF token in the ${CSRF_HEADER} header`,
          },
        },
      },
      security: [{ apiKey: [] }, { session: [] }],
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
      await api.register(authRoutes, { auth });
      await api.register(ssoRoutes, { auth, config });
      await api.register(passkeysRoutes, { auth });
      await api.register(usersRoutes, { auth });
      await api.register(directoryRoutes, { auth });
      await api.register(apiKeyRoutes);
      await api.register(auditRoutes);
      await api.register(auditExportRoutes);
      await api.register(programmesRoutes);
      await api.register(programmeConfigRoutes);
      await api.register(subjectsRoutes);
      await api.register(applicationsRoutes);
      await api.register(dashboardRoutes);
      await api.register(documentsRoutes, { documents: deps.documents });
      await api.register(formsRoutes);
      await api.register(screeningRoutes, { screening: deps.screening });
      await api.register(rolesRoutes);
      await api.register(separationOfDutiesRoutes);
      await api.register(trustedNetworksRoutes);
      await api.register(clientsRoutes, { invitations: auth.invitations });
      await api.register(clientRequestsRoutes);
      await api.register(meetingsRoutes, {
        mail: { ...auth.invitations, staffUrl: config.auth.publicUrl },
      });
    },
    { prefix: '/api/v1' },
  );
  // The back office: same origin as the API, so the session cookie and CSRF token just work.
  await registerWebApp(app, {
    dir: options.webDir ?? defaultWebDir('backoffice'),
    reservedPrefixes: ['/api', '/link', '/healthz', '/readyz', '/assets'],
  });
  return app;
}
