import { inTransaction } from '../../db/transaction.ts';
import { notFound } from '../../platform/errors.ts';
import type { Ctx } from '../../platform/context.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { invalidateApiKeyLocally } from './api-key.cache.ts';
import { presentApiKey } from './api-key.presenter.ts';
import type { ApiKeyView } from './api-key.schema.ts';

/** Revokes a key; it stops working on the next request. Revoking twice is a no-op. */
export async function revokeApiKey(ctx: Ctx, id: string): Promise<ApiKeyView> {
  const view = await inTransaction(ctx.db, async (tx) => {
    const row = await tx
      .selectFrom('api_keys')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw notFound('API key');
    if (row.revoked_at) return presentApiKey(row);
    const updated = await tx
      .updateTable('api_keys')
      .set({ revoked_at: ctx.now() })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await appendAudit(tx, ctx, {
      type: 'api_key.revoked',
      target: { type: 'api_key', id },
      payload: { name: row.name },
    });
    return presentApiKey(updated);
  });
  // Other servers hear of it through the database notification; this one drops it now.
  invalidateApiKeyLocally(view.prefix);
  return view;
}
