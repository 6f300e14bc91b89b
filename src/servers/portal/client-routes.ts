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
import { Transform, type Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { AppError } from '../../platform/errors.ts';
import type { LinkClient } from './link-client.ts';
import type { App } from '../shared/create-http-app.ts';
import { ACCOUNT_OPERATIONS } from './operations/account.ts';
import { AUTH_OPERATIONS } from './operations/auth.ts';
import { COT_OPERATIONS } from './operations/cot.ts';
import { DOCUMENT_OPERATIONS } from './operations/documents.ts';
import { FORM_OPERATIONS } from './operations/forms.ts';
import { MEETING_OPERATIONS } from './operations/meetings.ts';
import { PASSKEY_OPERATIONS } from './operations/passkeys.ts';
import type { PortalOperation } from './operations/operation.ts';
import { REQUEST_OPERATIONS } from './operations/requests.ts';

export const PORTAL_COOKIE = '__Host-dossier_portal';
const COOKIE_ATTRIBUTES = { path: '/', secure: true, httpOnly: true, sameSite: 'strict' } as const;

const Any = Type.Unknown();

/** Every operation the portal offers; nothing else reaches the link. One file per feature. */
export const PORTAL_OPERATIONS: readonly PortalOperation[] = [
  ...AUTH_OPERATIONS,
  ...ACCOUNT_OPERATIONS,
  ...DOCUMENT_OPERATIONS,
  ...FORM_OPERATIONS,
  ...COT_OPERATIONS,
  ...REQUEST_OPERATIONS,
  ...MEETING_OPERATIONS,
  ...PASSKEY_OPERATIONS,
];

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function portalClientRoutes(
  app: App,
  opts: {
    linkClient: Pick<LinkClient, 'request'> & Partial<Pick<LinkClient, 'stream'>>;
    /** The cap on a streamed upload (`documents.maxUploadBytes`; the internal server has its own). */
    maxUploadBytes?: number;
  },
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
      const linkTarget = linkPath + forwardedQuery(op, req.query);
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
        res = op.stream
          ? await streamToLink(op, req, reply, linkTarget, headers, opts)
          : await opts.linkClient.request(
              op.method,
              linkTarget,
              hasBody(op.method) ? (req.body ?? {}) : undefined,
              headers,
            );
      } catch (err) {
        // The portal's own refusals of a streamed upload (size, type) are answered as they are.
        if (err instanceof AppError) throw err;
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
      ...(hasBody(op.method) && !op.stream ? { body: Type.Object({}, { additionalProperties: true }) } : {}),
      response: { default: Any },
    };
    app.route({ method: op.method, url: `/api/v1${op.path}`, config, schema, handler });
  }
}

const hasBody = (method: PortalOperation['method']) => method !== 'GET' && method !== 'DELETE';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The operation's declared query parameters, as given (single values only); nothing else goes on. */
function forwardedQuery(op: PortalOperation, query: unknown): string {
  if (!op.query || !isObject(query)) return '';
  const out = new URLSearchParams();
  for (const name of op.query) {
    const value = query[name];
    if (typeof value === 'string' && value.length <= 200) out.set(name, value);
  }
  const text = out.toString();
  return text ? `?${text}` : '';
}

/** A streamed upload's file name header (percent-encoded UTF-8), passed on for the link to judge. */
const FILE_NAME_HEADER = 'x-file-name';

function tooLarge(maxBytes: number): AppError {
  return new AppError('payload_too_large', `the file is larger than ${maxBytes} bytes`, {
    reason: 'file_too_large',
    limitBytes: maxBytes,
  });
}

/**
 * Streams the browser's raw body over the link as it arrives: nothing is buffered beyond the
 * stream chunks in flight and nothing is written to disk (the portal has no storage at all). The
 * cap is enforced twice: a declared length over it is refused before reading (413), and the count
 * of bytes actually received aborts the link call at the first byte over it (413; the internal
 * server then sees an aborted upload and keeps nothing). When the body was not read to its end (a
 * refusal, the link gone) the answer closes the connection instead of reading the rest.
 */
async function streamToLink(
  op: PortalOperation,
  req: FastifyRequest,
  reply: FastifyReply,
  linkTarget: string,
  headers: Record<string, string>,
  opts: { linkClient: Partial<Pick<LinkClient, 'stream'>>; maxUploadBytes?: number },
): Promise<{ status: number; body: unknown }> {
  const source = req.body as Readable | undefined;
  const maxBytes = opts.maxUploadBytes ?? 0;
  const closeUnlessRead = () => {
    if (!source?.readableEnded) reply.header('connection', 'close');
  };
  if (!source || typeof source.pipe !== 'function') {
    closeUnlessRead();
    throw new AppError('unsupported_media_type', 'send the file as the raw body (application/octet-stream)');
  }
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding !== 'identity') {
    closeUnlessRead();
    throw new AppError('unsupported_media_type', 'send the file without a content encoding');
  }
  const declared =
    req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
  if (declared !== undefined && declared > maxBytes) {
    closeUnlessRead();
    throw tooLarge(maxBytes);
  }
  if (!opts.linkClient.stream) throw new Error('this link client cannot stream');
  const name = req.headers[FILE_NAME_HEADER];
  if (typeof name === 'string') headers[FILE_NAME_HEADER] = name;

  let received = 0;
  const capped = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      received += chunk.length;
      if (received > maxBytes) cb(tooLarge(maxBytes));
      else cb(null, chunk);
    },
  });
  // Not pipeline(): it would destroy the browser's request (and its socket) on a refusal, and the
  // browser would get no answer. A body cut off by the browser fails the link call instead.
  source.on('error', (err) => capped.destroy(err));
  source.on('close', () => {
    if (!source.readableEnded) capped.destroy(new Error('the upload was cut off'));
  });
  source.pipe(capped);
  try {
    return await opts.linkClient.stream(op.method === 'PUT' ? 'PUT' : 'POST', linkTarget, capped, headers, {
      ...(declared !== undefined ? { contentLength: declared } : {}),
    });
  } finally {
    closeUnlessRead();
  }
}
