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

export interface AccessGateOptions {
  db: Kysely<DB>;
  keyring: Keyring;
  /** Authenticates the caller from the request, or returns null. */
  resolveActor: (req: FastifyRequest) => Promise<Actor | null>;
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
      const actor = await opts.resolveActor(req);
      if (!actor) throw new AppError('unauthenticated', 'authentication required');
      const ctx = createCtx({ db: opts.db, actor, keyring: opts.keyring, requestId: req.id });
      if (access !== 'authenticated' && !actor.rights.has(access)) {
        await recordAudit(opts.db, ctx, {
          type: 'access.denied',
          payload: { method: req.method, route: req.routeOptions.url ?? req.url, right: access },
        });
        req.log.warn(
          { actor: actorLabel(actor), right: access },
          'access denied',
        );
        throw new AppError('forbidden', `this action requires the right "${access}"`);
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
