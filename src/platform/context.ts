/**
 * Ctx: everything a use case needs, built the same way by the HTTP servers, the CLI, workers and
 * tests. Use cases never see a Fastify request.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../db/types.ts';
import type { Actor } from '../modules/access/actor.ts';
import type { Keyring } from './crypto/keyring.ts';

export interface Ctx {
  readonly db: Kysely<DB>;
  readonly actor: Actor;
  readonly keyring: Keyring;
  /** Correlates logs and audit rows of one request; null outside HTTP. */
  readonly requestId: string | null;
  readonly now: () => Date;
}

export function createCtx(parts: {
  db: Kysely<DB>;
  actor: Actor;
  keyring: Keyring;
  requestId?: string | null;
  now?: () => Date;
}): Ctx {
  return {
    db: parts.db,
    actor: parts.actor,
    keyring: parts.keyring,
    requestId: parts.requestId ?? null,
    now: parts.now ?? (() => new Date()),
  };
}
