import { randomUUID } from 'node:crypto';
import { inTransaction } from '../../db/transaction.ts';
import { AppError, notFound, validationError } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import { actorRef, canSeeProgramme, programmeScope } from '../access/actor.ts';
import type { Right } from '../access/rights.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { presentApiKey } from './api-key.presenter.ts';
import type { ApiKeyView } from './api-key.schema.ts';
import { generateToken } from './api-key.token.ts';

export interface CreateApiKeyInput {
  name: string;
  rights: Right[];
  /** ISO date-time; must be in the future. */
  expiresAt?: string | undefined;
  /** Omitted: the creator's programmes. Else a subset of them (checked to exist). */
  programmeIds?: string[] | undefined;
}

/** Creates an API key. An actor can only grant rights it holds itself (no escalation). */
export async function createApiKey(
  ctx: Ctx,
  input: CreateApiKeyInput,
): Promise<{ apiKey: ApiKeyView; token: string }> {
  const missing = input.rights.filter((r) => !ctx.actor.rights.has(r));
  if (missing.length)
    throw new AppError('forbidden', `cannot grant rights you do not hold: ${missing.join(', ')}`);
  const now = ctx.now();
  if (input.expiresAt && new Date(input.expiresAt) <= now)
    throw validationError('expiresAt must be in the future');
  const { token, prefix, secretHash } = generateToken();
  const scope = programmeScope(ctx.actor);
  let programmeIds: string[] | null;
  if (input.programmeIds === undefined) programmeIds = scope === 'all' ? null : [...scope].sort();
  else {
    // A programme the creator cannot see does not exist for them (404, not 403).
    programmeIds = [...new Set(input.programmeIds)].sort();
    if (programmeIds.some((id) => !canSeeProgramme(ctx.actor, id))) throw notFound('programme');
  }
  return inTransaction(ctx.db, async (tx) => {
    if (programmeIds?.length) {
      const found = await tx.selectFrom('programmes').select('id').where('id', 'in', programmeIds).execute();
      if (found.length !== programmeIds.length) throw notFound('programme');
    }
    const row = await tx
      .insertInto('api_keys')
      .values({
        id: randomUUID(),
        prefix,
        secret_hash: secretHash,
        name: input.name,
        rights: [...input.rights].sort(),
        created_at: now,
        created_by: actorRef(ctx.actor),
        expires_at: input.expiresAt ?? null,
        programme_ids: programmeIds,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await appendAudit(tx, ctx, {
      type: 'api_key.created',
      target: { type: 'api_key', id: row.id },
      payload: {
        name: row.name,
        rights: row.rights,
        expiresAt: row.expires_at?.toISOString() ?? null,
        programmeIds: programmeIds,
      },
    });
    return { apiKey: presentApiKey(row), token };
  });
}
