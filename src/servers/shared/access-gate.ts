/**
 * The access gate. Every route must declare `config.access` (a right, 'authenticated' or 'public');
 * a route without one stops the server at start. On each request, before the body is even parsed,
 * the caller is authenticated (401) and the right checked (403, audited); the request then carries a
 * Ctx for the use case.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { Keyring } from '../../platform/crypto/keyring.ts';
import { createCtx, type Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { actorLabel, type Actor } from '../../modules/access/actor.ts';
import { isRight, type Access } from '../../modules/access/rights.ts';
import { recordAudit } from '../../modules/audit/audit.repository.ts';
import { csrfMatches } from '../../modules/auth/sessions/index.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /**
     * Sensitive action: a staff session must have given a second factor within the step-up window
     * (API keys are exempt: they are machine credentials with explicit rights).
     */
    stepUp?: boolean;
  }
  interface FastifyRequest {
    /** Set by the gate on every non-public route. */
    ctx: Ctx;
  }
}

/**
 * Who the request authenticated as. `csrfToken` is set when the credential travels by itself
 * (a session cookie): every state-changing request must then repeat it in the X-CSRF-Token header.
 */
export interface ResolvedCaller {
  actor: Actor;
  csrfToken: string | null;
}

/** Methods that change nothing (no state change on GET). */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const CSRF_HEADER = 'x-csrf-token';

export interface AccessGateOptions {
  db: Kysely<DB>;
  keyring: Keyring;
  /** Authenticates the caller from the request, or returns null. */
  resolveActor: (req: FastifyRequest) => Promise<ResolvedCaller | null>;
  /** How recent a staff session's last second factor must be for a `stepUp` route. */
  stepUpWindowMs: number;
  /** Routes under these prefixes that declare nothing are public (third-party plugins such as API docs). */
  publicPrefixes?: string[];
}

/** Registered first, so its onRoute check sees every route of the app. */
export const accessGate = fp<AccessGateOptions>(
  async (app: FastifyInstance, opts) => {
    app.decorateRequest('ctx', null as unknown as Ctx);
    app.addHook('onRoute', (route) => {
      const access = route.config?.access;
      const url = route.url ?? route.path;
      if (access === undefined && opts.publicPrefixes?.some((p) => url.startsWith(p))) {
        route.config = { ...route.config, access: 'public' };
        return;
      }
      if (access === undefined)
        throw new Error(`route ${String(route.method)} ${url} declares no access (config.access)`);
      if (access !== 'public' && access !== 'authenticated' && !isRight(access)) {
        throw new Error(`route ${String(route.method)} ${url} declares an unknown right "${access}"`);
      }
    });

    app.addHook('onRequest', async (req) => {
      const access = req.routeOptions.config.access;
      if (access === undefined || access === 'public') return;
      const caller = await opts.resolveActor(req);
      if (!caller) throw new AppError('unauthenticated', 'authentication required');
      const { actor } = caller;
      const ctx = createCtx({ db: opts.db, actor, keyring: opts.keyring, requestId: req.id });
      if (caller.csrfToken !== null && !SAFE_METHODS.has(req.method)) {
        const given = req.headers[CSRF_HEADER];
        if (typeof given !== 'string' || !csrfMatches(caller.csrfToken, given)) {
          await recordAudit(opts.db, ctx, {
            type: 'auth.csrf_refused',
            payload: { method: req.method, route: req.routeOptions.url ?? req.url },
          });
          throw new AppError('forbidden', 'missing or wrong X-CSRF-Token header', { reason: 'csrf' });
        }
      }
      if (access !== 'authenticated' && !actor.rights.has(access)) {
        await recordAudit(opts.db, ctx, {
          type: 'access.denied',
          payload: { method: req.method, route: req.routeOptions.url ?? req.url, right: access },
        });
        req.log.warn({ actor: actorLabel(actor), right: access }, 'access denied');
        throw new AppError('forbidden', `this action requires the right "${access}"`);
      }
      if (req.routeOptions.config.stepUp && actor.kind === 'staff') {
        const at = actor.secondFactorAt;
        if (!at || Date.now() - at.getTime() > opts.stepUpWindowMs)
          throw new AppError(
            'forbidden',
            'confirm with your second factor first (POST /api/v1/auth/step-up)',
            {
              reason: 'step_up_required',
            },
          );
      }
      req.ctx = ctx;
    });
  },
  { name: 'access-gate' },
);

/** Reads `Authorization: Bearer <token>`; anything else is no credential. */
export function bearerToken(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  if (!h) return null;
  const m = /^Bearer ([!-~]{1,512})$/.exec(h);
  return m ? m[1]! : null;
}
