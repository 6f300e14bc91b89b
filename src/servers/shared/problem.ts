/**
 * Maps every error to an RFC 9457 problem document, in one place. Clients get a stable code, a
 * short title and a safe detail; internal messages and stacks only go to the log.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { AppError } from '../../platform/errors.ts';
import { describeAjvErrors } from '../../platform/validation.ts';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  code: string;
  requestId: string;
  [extra: string]: unknown;
}

function problem(
  req: FastifyRequest,
  status: number,
  code: string,
  detail?: string,
  extra?: Record<string, unknown>,
): Problem {
  return {
    ...extra,
    type: `urn:dossier:problem:${code}`,
    title: STATUS_CODES[status] ?? 'Error',
    status,
    ...(detail ? { detail } : {}),
    instance: req.url.split('?')[0],
    code,
    requestId: req.id,
  };
}

export function sendProblem(reply: FastifyReply, p: Problem): FastifyReply {
  return reply.code(p.status).type('application/problem+json').send(p);
}

/** Fastify client errors we pass through with their status (bad JSON, media type, body too large...). */
const CLIENT_CODES: Record<number, string> = {
  400: 'validation',
  404: 'not_found',
  405: 'not_found',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

export function installProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err instanceof AppError) {
      if (err.code === 'unauthenticated') reply.header('www-authenticate', 'Bearer realm="dossier"');
      return sendProblem(reply, problem(req, err.status, err.code, err.message, err.extra));
    }
    if (err.validation) {
      const ctxName = err.validationContext ?? 'request';
      const errors = describeAjvErrors(err.validation as never, `${ctxName}`);
      return sendProblem(reply, problem(req, 400, 'validation', `invalid ${ctxName}`, { errors }));
    }
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const code = CLIENT_CODES[status] ?? 'bad_request';
      return sendProblem(
        reply,
        problem(req, status, code, status === 413 ? 'request body too large' : err.message),
      );
    }
    const pgCode = (err as { code?: string }).code;
    if (pgCode === '23505')
      return sendProblem(reply, problem(req, 409, 'conflict', 'conflicts with an existing record'));
    req.log.error({ err }, 'unhandled error');
    return sendProblem(reply, problem(req, 500, 'internal', 'internal error'));
  });
  app.setNotFoundHandler((req, reply) =>
    sendProblem(reply, problem(req, 404, 'not_found', 'no such resource')),
  );
}
