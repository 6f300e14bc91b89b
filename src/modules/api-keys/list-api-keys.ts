import type { Ctx } from '../../platform/context.ts';
import { presentApiKey } from './api-key.presenter.ts';
import type { ApiKeyView } from './api-key.schema.ts';

export async function listApiKeys(ctx: Ctx): Promise<ApiKeyView[]> {
  const rows = await ctx.db.selectFrom('api_keys').selectAll().orderBy('created_at').orderBy('id').execute();
  return rows.map(presentApiKey);
}
