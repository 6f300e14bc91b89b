/**
 * The Fastify instance both servers start from: TypeBox types, strict validation (no coercion and
 * no silent stripping of bodies, so unknown fields are a 400), request ids, problem responses,
 * security headers, and the client address taken from the socket or from configured proxies only.
 */
import { randomUUID } from 'node:crypto';
import helmet from 'helmet';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { SecureContextOptions } from 'node:tls';
import { TLS_SERVER_OPTIONS } from '../../platform/tls.ts';
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
  if (opts.https) serverOptions.https = { ...opts.https, ...TLS_SERVER_OPTIONS };
  if (opts.logger) serverOptions.loggerInstance = opts.logger;
  else serverOptions.logger = false;
  const app = Fastify(serverOptions) as unknown as App;

  const strict = createAjv();
  const coercing = createAjv({ coerce: true });
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === 'querystring' || httpPart === 'params' ? coercing : strict).compile(schema),
  );

  const security = securityHeaders();
  app.addHook('onRequest', async (req, reply) => {
    reply.headers(security);
    reply.header('x-request-id', req.id);
  });
  installProblemHandlers(app);
  return app;
}

/**
 * The security headers of every response, computed once with helmet (they are the same for every
 * request; computing them per request cost measurable throughput). Routes that serve something
 * other than JSON (the API documentation page) set their own CSP.
 */
export function securityHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader: (name: string, value: string | number | string[]) =>
      void (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
  };
  helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'none'"],
      },
    },
    strictTransportSecurity: { maxAge: 31536000, includeSubDomains: true },
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    xFrameOptions: { action: 'deny' },
  })({} as never, res as never, () => undefined);
  headers['cache-control'] = 'no-store';
  return headers;
}
