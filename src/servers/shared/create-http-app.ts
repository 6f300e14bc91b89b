/**
 * The Fastify instance both servers start from: TypeBox types, strict validation (no coercion and
 * no silent stripping of bodies, so unknown fields are a 400), request ids, problem responses,
 * security headers, and the client address taken from the socket or from configured proxies only.
 */
import { randomUUID } from 'node:crypto';
import helmet from '@fastify/helmet';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { SecureContextOptions } from 'node:tls';
import { createAjv } from '../../platform/validation.ts';
import { installProblemHandlers } from './problem.ts';

export interface HttpAppOptions {
  logger: FastifyBaseLogger | false;
  /** Exact proxy addresses/CIDRs whose X-Forwarded-For is trusted; false = socket address only. */
  trustProxy: false | string[];
  https?: (SecureContextOptions & { requestCert?: boolean; rejectUnauthorized?: boolean }) | null;
  bodyLimit?: number;
}

export type App = FastifyInstance<
  HttpServer | HttpsServer,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

export async function createHttpApp(opts: HttpAppOptions): Promise<App> {
  const serverOptions: FastifyServerOptions & { https?: unknown } = {
    trustProxy: opts.trustProxy === false ? false : opts.trustProxy,
    bodyLimit: opts.bodyLimit ?? 1024 * 1024,
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: false, maxParamLength: 200 },
  };
  if (opts.https) serverOptions.https = { minVersion: 'TLSv1.2', ...opts.https };
  if (opts.logger) serverOptions.loggerInstance = opts.logger;
  else serverOptions.logger = false;
  const app = Fastify(serverOptions) as unknown as App;

  const strict = createAjv();
  const coercing = createAjv({ coerce: true });
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === 'querystring' || httpPart === 'params' ? coercing : strict).compile(schema),
  );

  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
    reply.header('cache-control', 'no-store');
  });
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'none'"],
      },
    },
    hsts: { maxAge: 31536000, includeSubDomains: true },
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
  });
  installProblemHandlers(app);
  return app;
}
