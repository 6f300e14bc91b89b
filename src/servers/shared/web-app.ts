/**
 * Serves a built web app (dist/web/<app>, from `npm run build`) from the same origin as its API:
 * - `/assets/<hashed name>`: the files of the build, read into memory at start-up and served from
 *   an allow-list (no file system path is ever built from a request), with a year of immutable
 *   caching: a new build has new names;
 * - any other GET outside the API prefixes: the app's index.html, never cached (`no-store`), with
 *   the web app's CSP: scripts and styles only from this origin, no 'unsafe-inline', no eval, no
 *   plugins, no framing by other sites, connections only to this origin.
 * Data answers keep the API's headers (`no-store`, `default-src 'none'`). Without a build, the
 * app's pages answer 503 with a plain explanation and the API works as before.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyReply } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import type { App } from './create-http-app.ts';

/** The CSP of the web apps' pages. `blob:` frames and workers serve the document viewer. */
export const WEB_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "frame-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
};

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

/** Where `npm run build` puts a web app. */
export function defaultWebDir(app: 'backoffice' | 'portal'): string {
  return fileURLToPath(new URL(`../../../dist/web/${app}/`, import.meta.url));
}

export interface WebAppOptions {
  dir: string;
  /** Paths that are never the app's pages (their unknown routes stay JSON 404s). */
  reservedPrefixes: readonly string[];
}

export async function registerWebApp(app: App, opts: WebAppOptions): Promise<void> {
  const indexFile = join(opts.dir, 'index.html');
  const index = existsSync(indexFile) ? readFileSync(indexFile) : null;
  const assets = new Map<string, Asset>();
  const assetDir = join(opts.dir, 'assets');
  if (index && existsSync(assetDir)) {
    for (const name of readdirSync(assetDir)) {
      const type = TYPES[extname(name)];
      if (!type) continue;
      const body = readFileSync(join(assetDir, name));
      assets.set(name, {
        body,
        type,
        etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
      });
    }
  }
  if (!index) app.log.warn({ dir: opts.dir }, 'web app not built (npm run build): its pages answer 503');

  app.get('/assets/:name', { config: { access: 'public' }, schema: { hide: true } }, async (req, reply) => {
    const asset = assets.get((req.params as { name: string }).name);
    if (!asset) throw new AppError('not_found', 'no such file');
    reply
      .header('cache-control', 'public, max-age=31536000, immutable')
      .header('etag', asset.etag)
      .type(asset.type);
    if (req.headers['if-none-match'] === asset.etag) return reply.code(304).send();
    return reply.send(asset.body);
  });

  const page = async (req: { url: string }, reply: FastifyReply) => {
    const path = req.url.split('?')[0]!;
    if (opts.reservedPrefixes.some((p) => path === p || path.startsWith(p.endsWith('/') ? p : `${p}/`)))
      throw new AppError('not_found', 'no such resource');
    reply.header('cache-control', 'no-store');
    if (!index)
      return reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send('The web application is not built. Run: npm run build');
    return reply.header('content-security-policy', WEB_CSP).type('text/html; charset=utf-8').send(index);
  };
  app.get('/', { config: { access: 'public' }, schema: { hide: true } }, page);
  app.get('/*', { config: { access: 'public' }, schema: { hide: true } }, page);
}
